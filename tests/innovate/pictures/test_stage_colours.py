"""Every stage colour, as the compiled stylesheet gives it, keeps 3:1 contrast (WCAG 1.4.11,
non-text contrast) against white, on which bars and swatches are drawn, and against its own
wheel segment, a 16% tint of the colour on white, on which the wheel draws its band; against
the rule drawn between neighbouring bars and segments (so that two neighbouring stages, whose
colours may be close, are told apart by the rule), the white badge that carries a bar's stage
number and the stripes of a paused bar. The patterns and rims of stopped parts, and the
numbers on their badges, are read from the stylesheet and the pictures' markup too."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
CSS = ROOT / "static" / "css" / "application.css"
SVG = ROOT / "templates" / "svg"
WHITE = (255, 255, 255)


def luminance(rgb):
    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b):
    high, low = sorted([luminance(a), luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def stage_colours():
    found = dict(re.findall(r"--app-stage-(\d)-colour:\s*#([0-9a-fA-F]{6})", CSS.read_text()))
    return {int(n): tuple(int(h[i : i + 2], 16) for i in (0, 2, 4)) for n, h in found.items()}


def test_the_stylesheet_names_a_colour_for_each_of_the_six_stages():
    assert sorted(stage_colours()) == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize("stage", [1, 2, 3, 4, 5, 6])
def test_a_stage_colour_stands_out_from_white_and_from_its_own_segment(stage):
    colour = stage_colours()[stage]
    white = (255, 255, 255)
    tint = tuple(round(c * 0.16 + 255 * 0.84) for c in colour)
    assert contrast(colour, white) >= 3, f"stage {stage} on white"
    on_segment = contrast(colour, tint)
    assert on_segment >= 3, f"stage {stage} on its segment: {on_segment:.2f}"


def rgb(text):
    text = text.lstrip("#")
    if len(text) == 3:
        text = "".join(c * 2 for c in text)
    return tuple(int(text[i : i + 2], 16) for i in (0, 2, 4))


def css_colour(selector, prop):
    """The colour `prop` of the rule whose selector is exactly `selector` (a custom property's
    fallback where it is one)."""
    rules = re.findall(r"(?:^|})" + re.escape(selector) + r"\{([^}]*)\}", CSS.read_text())
    assert rules, f"no rule for {selector}"
    for body in rules:
        found = re.search(rf"(?:^|;){prop}:(?:var\(--[\w-]+, *)?(#[0-9a-fA-F]{{3,6}})", body)
        if found:
            return rgb(found.group(1))
    raise AssertionError(f"{selector} has no {prop} colour")


def pattern_colours(template, pattern):
    """The stroke colours of the lines of pattern `pattern` in templates/svg/`template`."""
    markup = (SVG / template).read_text()
    body = re.search(rf'<pattern id="{{{{ uid }}}}-{pattern}".*?</pattern>', markup, re.S)
    assert body, f"{template} has no {pattern} pattern"
    return [rgb(c) for c in re.findall(r'stroke="(#[0-9a-fA-F]{3,6})"', body.group(0))]


# What each stage colour meets in the pictures, with where it is drawn.
AROUND_A_STAGE = [
    ("the rule between the timeline's bars", ".app-timeline__bar", "stroke"),
    ("the rule between the charts' segments", ".app-chart__segment", "stroke"),
    ("the badge that carries a bar's stage number", ".app-timeline__badge", "fill"),
]


@pytest.mark.parametrize("stage", [1, 2, 3, 4, 5, 6])
@pytest.mark.parametrize(("what", "selector", "prop"), AROUND_A_STAGE)
def test_a_stage_colour_stands_out_from_the_rule_and_badge_beside_it(stage, what, selector, prop):
    ratio = contrast(stage_colours()[stage], css_colour(selector, prop))
    assert ratio >= 3, f"stage {stage} against {what}: {ratio:.2f}"


@pytest.mark.parametrize("stage", [1, 2, 3, 4, 5, 6])
def test_the_stripes_of_a_paused_bar_stand_out_from_its_stage_colour(stage):
    for template, pattern in [("flow_bars.svg", "paused")]:
        for stripe in pattern_colours(template, pattern):
            ratio = contrast(stage_colours()[stage], stripe)
            assert ratio >= 3, f"paused stripes on stage {stage}: {ratio:.2f}"


def test_a_stopped_part_is_drawn_in_lines_and_a_rim_that_stand_out_from_white():
    for line in pattern_colours("flow_bars.svg", "stopped"):
        assert contrast(line, WHITE) >= 3
    assert contrast(css_colour(".app-chart__stopped", "stroke"), WHITE) >= 3
    assert contrast(css_colour(".app-timeline__stopped", "fill"), WHITE) >= 3


def test_a_stage_number_reads_on_its_badge():
    number = css_colour(".app-timeline__number", "fill")
    badge = css_colour(".app-timeline__badge", "fill")
    assert contrast(number, badge) >= 4.5
