"""Server-rendered SVG: the wheel and the journey timeline. Each picture carries a title and a
description, and every page that shows one also shows the same facts as a table."""

import math
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import mark_safe

from stages.models import State
from stages.rules import STAGE_NAMES

CX = CY = 230
R_OUT, R_IN = 210, 78
RINGS = (108, 138, 168)
PER_RING = (3, 4, 5)
# Beyond this many parts the wheel shows how many are in each stage and state, not a marker
# per part: the picture stays readable and its size stays bounded whatever the number of parts.
WHEEL_MARKERS = 60


@dataclass
class Marker:
    number: int
    name: str
    stage: int
    state: str
    cycle: int
    anchor: str = ""

    @property
    def stage_name(self):
        return STAGE_NAMES[self.stage]

    @property
    def state_label(self):
        return State(self.state).label.lower()


def _point(radius, degrees):
    rad = math.radians(degrees)
    return CX + radius * math.cos(rad), CY + radius * math.sin(rad)


def _segment_angles(stage):
    start = -90 + (stage - 1) * 60
    return start, start + 60


def _segment_path(stage):
    a0, a1 = _segment_angles(stage)
    x0, y0 = _point(R_OUT, a0)
    x1, y1 = _point(R_OUT, a1)
    x2, y2 = _point(R_IN, a1)
    x3, y3 = _point(R_IN, a0)
    return (
        f"M{x0:.1f},{y0:.1f} A{R_OUT},{R_OUT} 0 0 1 {x1:.1f},{y1:.1f} "
        f"L{x2:.1f},{y2:.1f} A{R_IN},{R_IN} 0 0 0 {x3:.1f},{y3:.1f} Z"
    )


def _band_path(stage, outer=R_OUT, inner=R_OUT - 10):
    a0, a1 = _segment_angles(stage)
    x0, y0 = _point(outer, a0 + 0.6)
    x1, y1 = _point(outer, a1 - 0.6)
    x2, y2 = _point(inner, a1 - 0.6)
    x3, y3 = _point(inner, a0 + 0.6)
    return (
        f"M{x0:.1f},{y0:.1f} A{outer},{outer} 0 0 1 {x1:.1f},{y1:.1f} "
        f"L{x2:.1f},{y2:.1f} A{inner},{inner} 0 0 0 {x3:.1f},{y3:.1f} Z"
    )


def _marker_shape(state, x, y):
    if state == State.PAUSED:
        return format_html(
            '<rect x="{}" y="{}" width="24" height="24" rx="2" '
            'class="app-marker app-marker--paused"/>',
            f"{x - 12:.1f}",
            f"{y - 12:.1f}",
        )
    if state == State.STOPPED:
        pts = f"{x:.1f},{y - 15:.1f} {x + 15:.1f},{y:.1f} {x:.1f},{y + 15:.1f} {x - 15:.1f},{y:.1f}"
        return format_html(
            '<polygon points="{}" class="app-marker app-marker--stopped"/>',
            pts,
        )
    return format_html(
        '<circle cx="{}" cy="{}" r="13" class="app-marker app-marker--active"/>',
        f"{x:.1f}",
        f"{y:.1f}",
    )


def wheel_svg(markers, *, title, rewind=None, counts_text="", uid="wheel"):
    """The wheel: six segments clockwise from the top, each part a numbered marker in its
    stage (circle active, square paused, hatched diamond stopped), a cycle badge past the
    first cycle, and the last rewind (from stage, to stage) as a back-arc inside. With more
    than WHEEL_MARKERS parts, each stage shows its count of parts in each state instead."""
    if len(markers) > WHEEL_MARKERS:
        # Imported here: the dashboard's pictures build on this module's geometry.
        from innovate.pictures.dashboard import aggregate_wheel_svg

        counts = {n: {s: 0 for s in State.values} for n in range(1, 7)}
        for marker in markers:
            counts[marker.stage][marker.state] += 1
        return aggregate_wheel_svg(counts, title=title, id_prefix=uid)
    parts = []
    for stage in range(1, 7):
        parts.append(
            format_html(
                '<path d="{}" class="app-wheel__segment app-wheel__segment--{}"/>'
                '<path d="{}" class="app-stage-{}"/>',
                _segment_path(stage),
                stage,
                _band_path(stage),
                stage,
            )
        )
        a0, a1 = _segment_angles(stage)
        lx, ly = _point(R_OUT - 26, (a0 + a1) / 2)
        parts.append(
            format_html(
                '<text x="{}" y="{}" class="app-wheel__label" text-anchor="middle">{}. {}</text>',
                f"{lx:.1f}",
                f"{ly + 4:.1f}",
                stage,
                STAGE_NAMES[stage],
            )
        )
    by_stage = {n: [] for n in range(1, 7)}
    for marker in markers:
        by_stage[marker.stage].append(marker)
    for stage, group in by_stage.items():
        a0, a1 = _segment_angles(stage)
        slots = []
        for radius, count in zip(RINGS, PER_RING, strict=True):
            for i in range(count):
                angle = a0 + (i + 1) * (a1 - a0) / (count + 1)
                slots.append(_point(radius, angle))
        shown, hidden = group[: len(slots)], group[len(slots) :]
        for marker, (x, y) in zip(shown, slots, strict=False):
            label = (
                f"{marker.number}. {marker.name}: {State(marker.state).label.lower()} in "
                f"{STAGE_NAMES[marker.stage]}, cycle {marker.cycle}"
            )
            badge = ""
            if marker.cycle > 1:
                badge = format_html(
                    '<text x="{}" y="{}" class="app-marker__cycle">c{}</text>',
                    f"{x + 10:.1f}",
                    f"{y - 9:.1f}",
                    marker.cycle,
                )
            parts.append(
                format_html(
                    '<g class="app-marker-group"><title>{}</title>{}'
                    '<text x="{}" y="{}" text-anchor="middle" class="app-marker__number">{}</text>'
                    "{}</g>",
                    label,
                    _marker_shape(marker.state, x, y),
                    f"{x:.1f}",
                    f"{y + 4.5:.1f}",
                    marker.number,
                    badge,
                )
            )
        if hidden:
            hx, hy = _point(R_IN + 14, (a0 + a1) / 2)
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle" class="app-wheel__more">'
                    "+{} more</text>",
                    f"{hx:.1f}",
                    f"{hy:.1f}",
                    len(hidden),
                )
            )
    if rewind is not None:
        from_stage, to_stage, label = rewind
        start = sum(_segment_angles(from_stage)) / 2
        end = sum(_segment_angles(to_stage)) / 2
        radius = R_IN - 16
        x0, y0 = _point(radius, start)
        x1, y1 = _point(radius, end)
        large = 1 if (start - end) % 360 > 180 else 0
        parts.append(
            format_html(
                '<path d="M{},{} A{},{} 0 {} 0 {},{}" class="app-wheel__rewind" '
                'marker-end="url(#app-arrow)"><title>{}</title></path>',
                f"{x0:.1f}",
                f"{y0:.1f}",
                radius,
                radius,
                large,
                f"{x1:.1f}",
                f"{y1:.1f}",
                label,
            )
        )
    centre = format_html(
        '<text x="{}" y="{}" text-anchor="middle" class="app-wheel__centre">{}</text>',
        CX,
        CY + 5,
        f"{len(markers)} part{'s' if len(markers) != 1 else ''}",
    )
    description = counts_text or "; ".join(
        f"{m.number}. {m.name}: {State(m.state).label.lower()} in {STAGE_NAMES[m.stage]}"
        for m in markers
    )
    return format_html(
        '<svg class="app-wheel" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title {}-desc" '
        'xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>'
        "<defs>"
        '<pattern id="app-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#505a5f" stroke-width="1.5"/></pattern>'
        '<marker id="app-arrow" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="#0b0c0c"/></marker>'
        "</defs>{}{}</svg>",
        CX * 2,
        CY * 2,
        uid,
        uid,
        uid,
        title,
        uid,
        description or "No parts yet.",
        mark_safe("".join(parts)),
        centre,
    )
