"""Server-rendered SVG for the dashboards: the wheel of a whole organisation (parts per stage and
state), the median days in each stage as bars, and parts per stage over time as stacked bars.
Each picture has role="img", a title and a description; every page that shows one also shows
the same numbers as a table."""

import re

from django.utils.html import format_html
from django.utils.safestring import mark_safe

from innovate.pictures.wheel import CX, CY, _band_path, _point, _segment_angles, _segment_path
from stages.models import State
from stages.rules import STAGE_NAMES

STAGES = range(1, 7)


def relabel(svg, prefix):
    """The picture with the ids its title and description are referenced by made unique with
    `prefix`, so that several pictures can share a page."""
    text = str(svg)
    referenced = set()
    for found in re.finditer(r'aria-(?:labelledby|describedby)="([^"]*)"', text):
        referenced.update(found.group(1).split())

    def rename_attribute(match):
        ids = " ".join(f"{prefix}-{i}" if i in referenced else i for i in match.group(2).split())
        return f'{match.group(1)}="{ids}"'

    text = re.sub(r'(aria-(?:labelledby|describedby))="([^"]*)"', rename_attribute, text)
    text = re.sub(
        r'\bid="([^"]*)"',
        lambda m: f'id="{prefix}-{m.group(1)}"' if m.group(1) in referenced else m.group(0),
        text,
    )
    return mark_safe(text)


def _shape(state, x, y, size=9):
    half = size / 2
    if state == State.PAUSED:
        return format_html(
            '<rect x="{}" y="{}" width="{}" height="{}" rx="1" '
            'class="app-marker app-marker--paused"/>',
            f"{x - half:.1f}",
            f"{y - half:.1f}",
            size,
            size,
        )
    if state == State.STOPPED:
        r = half + 1
        return format_html(
            '<polygon points="{}" class="app-marker app-marker--stopped" fill="url(#app-hatch)"/>',
            f"{x:.1f},{y - r:.1f} {x + r:.1f},{y:.1f} {x:.1f},{y + r:.1f} {x - r:.1f},{y:.1f}",
        )
    return format_html(
        '<circle cx="{}" cy="{}" r="{}" class="app-marker app-marker--active"/>',
        f"{x:.1f}",
        f"{y:.1f}",
        half,
    )


def _plural(n, noun):
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def describe_counts(counts):
    """ "Mobilising: 3 active, 1 paused, 0 stopped; Designing: ..." """
    return "; ".join(
        f"{STAGE_NAMES[n]}: "
        + ", ".join(f"{counts[n][s]} {State(s).label.lower()}" for s in State.values)
        for n in STAGES
    )


def aggregate_wheel_svg(counts, *, title, id_prefix="portfolio-wheel"):
    """The wheel of many parts: in each of the six segments, clockwise from the top, the number
    of parts there and how many are active (circle), paused (square) and stopped (hatched
    diamond). `counts`: {stage number: {state: count}}."""
    out = []
    total = 0
    for stage in STAGES:
        a0, a1 = _segment_angles(stage)
        middle = (a0 + a1) / 2
        here = counts[stage]
        in_stage = sum(here.values())
        total += in_stage
        cx, cy = _point(146, middle)
        lx, ly = cx, cy - 26
        out.append(
            format_html(
                '<path d="{}" class="app-wheel__segment app-wheel__segment--{}"/>'
                '<path d="{}" class="app-stage-{}"/>'
                '<text x="{}" y="{}" class="app-wheel__label" text-anchor="middle">{}. {}</text>'
                '<text x="{}" y="{}" class="app-agg__total" text-anchor="middle">{}</text>',
                _segment_path(stage),
                stage,
                _band_path(stage),
                stage,
                f"{lx:.1f}",
                f"{ly + 4:.1f}",
                stage,
                STAGE_NAMES[stage],
                f"{cx:.1f}",
                f"{cy - 2:.1f}",
                _plural(in_stage, "part"),
            )
        )
        for index, state in enumerate(State.values):
            x = cx - 42 + index * 32
            y = cy + 20
            out.append(
                format_html(
                    '<g class="app-marker-group"><title>{}: {} {}</title>{}'
                    '<text x="{}" y="{}" class="app-agg__count">{}</text></g>',
                    STAGE_NAMES[stage],
                    here[state],
                    State(state).label.lower(),
                    _shape(state, x, y - 4),
                    f"{x + 8:.1f}",
                    f"{y:.1f}",
                    here[state],
                )
            )
    centre = format_html(
        '<text x="{}" y="{}" text-anchor="middle" class="app-wheel__centre">{}</text>',
        CX,
        CY + 5,
        _plural(total, "part"),
    )
    return format_html(
        '<svg class="app-wheel" viewBox="0 0 {} {}" role="img" '
        'aria-labelledby="{}-title {}-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>'
        "<defs>"
        '<pattern id="app-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#0b0c0c" stroke-width="3"/></pattern>'
        "</defs>{}{}</svg>",
        CX * 2,
        CY * 2,
        id_prefix,
        id_prefix,
        id_prefix,
        title,
        id_prefix,
        describe_counts(counts),
        mark_safe("".join(out)),
        centre,
    )


# --- Median days in each stage -----------------------------------------------------------

BAR_GUTTER, BAR_WIDTH, BAR_ROW = 150, 720, 34


def median_bars_svg(medians, *, title, id_prefix="medians"):
    """Horizontal bars: the median active days of completed visits to each stage.
    `medians`: {stage: stages.flow.Median}."""
    longest = max((m.days or 0 for m in medians.values()), default=0) or 1
    inner = BAR_WIDTH - BAR_GUTTER - 170
    out = []
    for index, stage in enumerate(STAGES):
        median = medians[stage]
        y = 10 + index * BAR_ROW
        out.append(
            format_html(
                '<text x="{}" y="{}" class="app-chart__label" text-anchor="end">{}. {}</text>',
                BAR_GUTTER - 8,
                y + BAR_ROW / 2 + 2,
                stage,
                STAGE_NAMES[stage],
            )
        )
        if median.days is None:
            words = "no completed visit yet"
            end = BAR_GUTTER
        else:
            width = max(inner * median.days / longest, 2)
            end = BAR_GUTTER + width
            words = f"{_days(median.days)} (median of {_plural(median.visits, 'completed visit')})"
            out.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" class="app-stage-{}">'
                    "<title>{}: {}</title></rect>",
                    BAR_GUTTER,
                    y + 5,
                    f"{width:.1f}",
                    BAR_ROW - 10,
                    stage,
                    STAGE_NAMES[stage],
                    words,
                )
            )
        out.append(
            format_html(
                '<text x="{}" y="{}" class="app-chart__value">{}</text>',
                f"{end + 6:.1f}",
                y + BAR_ROW / 2 + 2,
                _days(median.days) if median.days is not None else words,
            )
        )
    description = "; ".join(
        f"{STAGE_NAMES[s]}: "
        + (
            f"{_days(medians[s].days)} over {_plural(medians[s].visits, 'completed visit')}"
            if medians[s].days is not None
            else "no completed visit yet"
        )
        for s in STAGES
    )
    return format_html(
        '<svg class="app-chart" viewBox="0 0 {} {}" role="img" '
        'aria-labelledby="{}-title {}-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        BAR_WIDTH,
        20 + 6 * BAR_ROW,
        id_prefix,
        id_prefix,
        id_prefix,
        title,
        id_prefix,
        description,
        mark_safe("".join(str(o) for o in out)),
    )


def _days(value):
    if value is None:
        return "–"
    shown = int(value) if float(value).is_integer() else round(value, 1)
    return f"{shown} day{'s' if shown != 1 else ''}"


# --- Parts per stage over time -----------------------------------------------------------

FLOW_WIDTH, FLOW_HEIGHT, FLOW_LEFT, FLOW_TOP, FLOW_BOTTOM = 960, 340, 56, 16, 48


def _step(top):
    """A round step for the axis: about five gridlines up to `top`."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if top / step <= 6:
            return step
    return max(top // 5, 1)


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

    out = []
    for tick in range(0, top + 1, step):
        y = y_of(tick)
        out.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" class="app-chart__grid"/>'
                '<text x="{}" y="{}" class="app-chart__label" text-anchor="end">{}</text>',
                FLOW_LEFT,
                f"{y:.1f}",
                FLOW_WIDTH - 16,
                f"{y:.1f}",
                FLOW_LEFT - 6,
                f"{y + 4:.1f}",
                tick,
            )
        )
    previous_year = None
    for index, (on, counts) in enumerate(points):
        x = FLOW_LEFT + index * slot + (slot - bar) / 2
        base = 0
        month = f"{on:%b}"
        layers = [(n, sum(counts[n][s] for s in (State.ACTIVE, State.PAUSED))) for n in STAGES]
        layers.append(("stopped", sum(counts[n][State.STOPPED] for n in STAGES)))
        for what, value in layers:
            if not value:
                continue
            y0, y1 = y_of(base), y_of(base + value)
            name = STAGE_NAMES[what] if what != "stopped" else "stopped"
            css = f"app-stage-{what}" if what != "stopped" else "app-chart__stopped"
            out.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" '
                    'class="{} app-chart__segment"><title>{}: {}</title></rect>',
                    f"{x:.1f}",
                    f"{y1:.1f}",
                    f"{bar:.1f}",
                    f"{y0 - y1:.1f}",
                    css,
                    f"{on:%-d %B %Y}",
                    _plural(value, "part") + (f" in {name}" if what != "stopped" else " stopped"),
                )
            )
            base += value
        out.append(
            format_html(
                '<text x="{}" y="{}" class="app-chart__label" text-anchor="middle">{}</text>',
                f"{x + bar / 2:.1f}",
                FLOW_HEIGHT - FLOW_BOTTOM + 18,
                month,
            )
        )
        if on.year != previous_year:
            out.append(
                format_html(
                    '<text x="{}" y="{}" class="app-chart__label" text-anchor="middle">{}</text>',
                    f"{x + bar / 2:.1f}",
                    FLOW_HEIGHT - FLOW_BOTTOM + 36,
                    on.year,
                )
            )
            previous_year = on.year
    description = (
        f"Parts in each stage at the end of each month from {points[0][0]:%B %Y} to "
        f"{points[-1][0]:%-d %B %Y}; the table below gives every number."
        if points
        else "No dates to show."
    )
    return format_html(
        '<svg class="app-chart app-chart--flow" viewBox="0 0 {} {}" role="img" '
        'aria-labelledby="{}-title {}-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        FLOW_WIDTH,
        FLOW_HEIGHT,
        id_prefix,
        id_prefix,
        id_prefix,
        title,
        id_prefix,
        description,
        mark_safe("".join(str(o) for o in out)),
    )
