"""Every stage colour, as the compiled stylesheet gives it, keeps 3:1 contrast (WCAG 1.4.11,
non-text contrast) against white, on which bars and swatches are drawn, and against its own
wheel segment, a 16% tint of the colour on white, on which the wheel draws its band."""

import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parents[3] / "static" / "css" / "application.css"


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
