"""The geometry of the dashboards' pictures: the wheel of a whole organisation (parts per stage
and state), the median days in each stage as bars, and parts per stage over time as stacked bars.
The markup is in templates/svg/. Each picture has role="img", a title and a description; every
page that shows one also shows the same numbers as a table."""

import math
import re

from django.utils.safestring import mark_safe

from innovate.pictures import render_svg, spread
from innovate.pictures.wheel import CX, CY, _point, _segment_angles, marker_shape, segment
from stages.models import State, stage_names

STAGES = range(1, 7)


def relabel(svg, prefix):
    """The picture with every id it holds made unique with `prefix`, and every reference to
    one (aria-labelledby, aria-describedby, url(#…), href="#…") following it, so that several
    pictures can share a page."""
    text = str(svg)
    ids = set(re.findall(r'\bid="([^"]*)"', text))

    def renamed(name):
        return f"{prefix}-{name}" if name in ids else name

    def rename_attribute(match):
        names = " ".join(renamed(name) for name in match.group(2).split())
        return f'{match.group(1)}="{names}"'

    text = re.sub(r'(aria-(?:labelledby|describedby))="([^"]*)"', rename_attribute, text)
    text = re.sub(r'\bid="([^"]*)"', lambda m: f'id="{renamed(m.group(1))}"', text)
    text = re.sub(r"url\(#([^)]*)\)", lambda m: f"url(#{renamed(m.group(1))})", text)
    text = re.sub(r'(\bhref)="#([^"]*)"', lambda m: f'{m.group(1)}="#{renamed(m.group(2))}"', text)
    return mark_safe(text)


def _plural(n, noun):
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _as_is(count):
    return count


def _fewer(count):
    return "fewer than 3" if 0 < count < 3 else count


def describe_counts(counts, shown=_as_is):
    """ "Mobilising: 3 active, 1 paused, 0 stopped; Designing: ..." """
    names = stage_names()
    return "; ".join(
        f"{names[n]}: "
        + ", ".join(f"{shown(counts[n][s])} {State(s).label.lower()}" for s in State.values)
        for n in STAGES
    )


def aggregate_wheel_svg(counts, *, title, id_prefix="portfolio-wheel", suppress=False):
    """The wheel of many parts: in each of the six segments, clockwise from the top, the number
    of parts there and how many are active (circle), paused (square) and stopped (hatched
    diamond). `counts`: {stage number: {state: count}}. The markup is
    templates/svg/portfolio_wheel.svg.

    With `suppress` (a picture for a network's observers or the public), a count of 1 or 2 is
    "fewer than 3" in words and "<3" in the picture, so that it singles out no part."""
    shown = _fewer if suppress else _as_is

    def short(count):
        return "<3" if suppress and 0 < count < 3 else count

    def parts(count):
        text = shown(count)
        return f"{text} parts" if isinstance(text, str) else _plural(count, "part")

    names = stage_names()
    stages = []
    total = 0
    for stage in STAGES:
        a0, a1 = _segment_angles(stage)
        middle = (a0 + a1) / 2
        # The segments beside the top and the bottom of the wheel have their words a little
        # nearer the sides, so that two long names (6. System Change, 1. Mobilising) keep apart.
        if abs(math.sin(math.radians(middle))) > 0.5:
            middle -= (
                6
                * math.copysign(1, math.cos(math.radians(middle)))
                * math.copysign(1, math.sin(math.radians(middle)))
            )
        here = counts[stage]
        in_stage = sum(here.values())
        total += in_stage
        # The side segments are narrowest across: their words sit a little nearer the hole.
        cx, cy = _point(146 if abs(math.sin(math.radians(middle))) > 0.5 else 140, middle)
        if middle < -45 or middle > 225:
            cy += 10  # lower in the top segments, where they are wider
        lx, ly = cx, cy - 26
        states = []
        for index, state in enumerate(State.values):
            x = cx - 42 + index * 32
            y = cy + 20
            states.append(
                {
                    "label": f"{names[stage]}: {shown(here[state])} {State(state).label.lower()}",
                    "shape": marker_shape(
                        state, x, y - 4, square=9, corner=1, diamond=5.5, circle=4.5
                    ),
                    "x": f"{x + 8:.1f}",
                    "y": f"{y:.1f}",
                    "count": short(here[state]),
                }
            )
        stages.append(
            {
                "segment": segment(stage, names, (lx, ly + 4), split=True),
                "x": f"{cx:.1f}",
                "y": f"{cy - 2:.1f}",
                "total": parts(in_stage),
                "states": states,
            }
        )
    return render_svg(
        "portfolio_wheel.svg",
        {
            "width": CX * 2,
            "height": CY * 2,
            "uid": id_prefix,
            "title": title,
            "description": describe_counts(counts, shown),
            "stages": stages,
            "centre": {"x": CX, "y": CY + 5, "text": parts(total)},
        },
    )


# --- Median days in each stage -----------------------------------------------------------

BAR_GUTTER, BAR_WIDTH, BAR_ROW = 150, 720, 34


def median_bars_svg(medians, *, title, id_prefix="medians"):
    """Horizontal bars: the median active days of completed visits to each stage.
    `medians`: {stage: stages.queries.Median}. The markup is templates/svg/median_bars.svg."""
    names = stage_names()
    longest = max((m.days or 0 for m in medians.values()), default=0) or 1
    inner = BAR_WIDTH - BAR_GUTTER - 170
    rows = []
    for index, stage in enumerate(STAGES):
        median = medians[stage]
        y = 10 + index * BAR_ROW
        bar = None
        if median.days is None:
            words = "no completed visit yet"
            end = BAR_GUTTER
        else:
            width = max(inner * median.days / longest, 2)
            end = BAR_GUTTER + width
            words = f"{_days(median.days)} (median of {_plural(median.visits, 'completed visit')})"
            bar = {"y": y + 5, "width": f"{width:.1f}", "title": f"{names[stage]}: {words}"}
        rows.append(
            {
                "stage": stage,
                "name": names[stage],
                "y": f"{y + BAR_ROW / 2 + 2:.1f}",
                "bar": bar,
                "value_x": f"{end + 6:.1f}",
                "value": _days(median.days) if median.days is not None else words,
            }
        )
    description = "; ".join(
        f"{names[s]}: "
        + (
            f"{_days(medians[s].days)} over {_plural(medians[s].visits, 'completed visit')}"
            if medians[s].days is not None
            else "no completed visit yet"
        )
        for s in STAGES
    )
    return render_svg(
        "median_bars.svg",
        {
            "width": BAR_WIDTH,
            "height": 20 + 6 * BAR_ROW,
            "uid": id_prefix,
            "title": title,
            "description": description,
            "label_x": BAR_GUTTER - 8,
            "bar_x": BAR_GUTTER,
            "bar_height": BAR_ROW - 10,
            "rows": rows,
        },
    )


def _days(value):
    if value is None:
        return "–"
    shown = int(value) if float(value).is_integer() else round(value, 1)
    return f"{shown} day{'s' if shown != 1 else ''}"


# --- Parts per stage over time -----------------------------------------------------------

FLOW_WIDTH, FLOW_HEIGHT, FLOW_LEFT, FLOW_TOP, FLOW_BOTTOM = 960, 340, 56, 16, 48
FLOW_BADGE = 16  # the side of the white square that carries a segment's stage number
# A segment too small for its badge has its stage number beside the bar, on its right: the bars
# leave a column FLOW_SIDE wide for them, the numbers FLOW_LABEL_GAP apart.
FLOW_SIDE, FLOW_LABEL_GAP = 12, 13
FLOW_STATES = (State.ACTIVE, State.PAUSED)


def _step(top):
    """A round step for the axis: about five gridlines up to `top`."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if top / step <= 6:
            return step
    return max(top // 5, 1)


def _label_segments(segments, right):
    """Gives each small segment of a bar whose right edge is at `right` its stage number
    beside the bar, the numbers kept FLOW_LABEL_GAP apart, and a leader from the segment."""
    small = sorted((s for s in segments if s["side"]), key=lambda s: s["middle"])
    places = spread(
        [s["middle"] for s in small],
        FLOW_LABEL_GAP,
        FLOW_TOP - 4,
        FLOW_HEIGHT - FLOW_BOTTOM - 5,
    )
    for drawn, place in zip(small, places, strict=True):
        # Level with its segment the number needs no line (a short one would read as a minus
        # sign); moved up or down to keep clear of another, a line joins it to its segment.
        moved = abs(place - drawn["middle"]) >= 1
        drawn.update(
            label_x=f"{right + 2:.1f}",
            label_y=f"{place + 4.5:.1f}",
            leader=(
                f"{right + 0.5:.1f}",
                f"{drawn['middle']:.1f}",
                f"{right + 1.5:.1f}",
                f"{place + (-5 if place > drawn['middle'] else 5):.1f}",
            )
            if moved
            else None,
        )


def flow_bars_svg(points, *, title, id_prefix="flow"):
    """Stacked bars, one per date of `points` ([(date, {stage: {state: count}})]): the parts in
    each stage (active or paused), Mobilising at the bottom, and the stopped parts on top."""
    totals = [sum(sum(c.values()) for c in counts.values()) for _on, counts in points]
    top = max(totals, default=0) or 1
    step = _step(top)
    top = ((top + step - 1) // step) * step
    inner_h = FLOW_HEIGHT - FLOW_TOP - FLOW_BOTTOM
    inner_w = FLOW_WIDTH - FLOW_LEFT - 16
    slot = inner_w / max(len(points), 1)
    bar = min(slot * 0.7, 48)

    def y_of(value):
        return FLOW_TOP + inner_h * (1 - value / top)

    def too_small(value, width):
        return inner_h * value / top < FLOW_BADGE or width < FLOW_BADGE

    side = any(
        too_small(counts[n][state], bar)
        for _on, counts in points
        for n in STAGES
        for state in FLOW_STATES
        if counts[n][state]
    )
    if side:
        # Room beside each bar for the numbers of its small segments.
        bar = min(bar, slot - FLOW_SIDE - 2)

    grid = [
        {"y": f"{y_of(tick):.1f}", "text_y": f"{y_of(tick) + 4:.1f}", "text": tick}
        for tick in range(0, top + 1, step)
    ]
    names = stage_names()
    bars = []
    previous_year = None
    for index, (on, counts) in enumerate(points):
        x = FLOW_LEFT + index * slot + (slot - bar - (FLOW_SIDE if side else 0)) / 2
        base = 0
        # Each stage's active parts, then its paused ones (hatched in the stage's colour); the
        # stopped parts of every stage on top, in a grey cross-hatch of their own.
        layers = [(n, state, counts[n][state]) for n in STAGES for state in FLOW_STATES]
        layers.append((None, State.STOPPED, sum(counts[n][State.STOPPED] for n in STAGES)))
        drawn = []
        for stage, state, value in layers:
            if not value:
                continue
            y0, y1 = y_of(base), y_of(base + value)
            if stage is None:
                words = " stopped"
            elif state == State.PAUSED:
                words = f" paused in {names[stage]}"
            else:
                words = f" active in {names[stage]}"
            drawn.append(
                {
                    "y": f"{y1:.1f}",
                    "height": f"{y0 - y1:.1f}",
                    "css": f"app-stage-{stage}" if stage else "app-chart__stopped",
                    "pattern": "stopped" if stage is None else str(state),
                    "title": f"{on:%-d %B %Y}: {_plural(value, 'part')}{words}",
                    # The stage's number on a badge where the segment is tall and wide enough
                    # for it, else beside the bar.
                    "number": stage if stage and not too_small(value, bar) else "",
                    "side": stage if stage and too_small(value, bar) else "",
                    "middle": (y0 + y1) / 2,
                    "badge_y": f"{(y0 + y1) / 2 - FLOW_BADGE / 2:.1f}",
                    "number_y": f"{(y0 + y1) / 2 + 4.5:.1f}",
                }
            )
            base += value
        _label_segments(drawn, x + bar)
        bars.append(
            {
                "x": f"{x:.1f}",
                "middle": f"{x + bar / 2:.1f}",
                "badge_x": f"{x + (bar - FLOW_BADGE) / 2:.1f}",
                "segments": drawn,
                "month": f"{on:%b}",
                "year": on.year if on.year != previous_year else None,
            }
        )
        previous_year = on.year
    # A year's label too near the next year's (a first bar in December) is left out.
    years = [b for b in bars if b["year"]]
    for this, following in zip(years, years[1:], strict=False):
        if float(following["middle"]) - float(this["middle"]) < 40:
            this["year"] = None
    description = (
        f"Parts in each stage at the end of each month from {points[0][0]:%B %Y} to "
        f"{points[-1][0]:%-d %B %Y}; the table below gives every number."
        if points
        else "No dates to show."
    )
    return render_svg(
        "flow_bars.svg",
        {
            "width": FLOW_WIDTH,
            "height": FLOW_HEIGHT,
            "uid": id_prefix,
            "title": title,
            "description": description,
            "grid": grid,
            "left": FLOW_LEFT,
            "right": FLOW_WIDTH - 16,
            "text_x": FLOW_LEFT - 6,
            "bar_width": f"{bar:.1f}",
            "badge": FLOW_BADGE,
            "month_y": FLOW_HEIGHT - FLOW_BOTTOM + 18,
            "year_y": FLOW_HEIGHT - FLOW_BOTTOM + 36,
            "bars": bars,
        },
    )
