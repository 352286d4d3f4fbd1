"""The wheel's geometry. The markup is templates/svg/wheel.svg; each picture carries a title and
a description, and every page that shows one also shows the same facts as a table."""

import math
from dataclasses import dataclass

from innovate.pictures import render_svg
from stages.models import State, stage_names

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
        return stage_names()[self.stage]

    @property
    def state_label(self):
        return State(self.state).label.lower()


def _f(number):
    return f"{number:.1f}"


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


def label_lines(stage, name, *, longest=12):
    """A segment's label, "N. Name", as its lines: one, or two for a name of several words
    longer than `longest` characters, which would otherwise reach past its segment."""
    label = f"{stage}. {name}"
    first, _, rest = name.partition(" ")
    if len(label) <= longest or not rest:
        return [label]
    return [f"{stage}. {first}", rest]


def segment(stage, names, label_at, *, split=False):
    """A stage's segment, its coloured band and its label at `label_at` (x, y), for
    templates/svg/_segment.svg; with `split`, a long label of several words on two lines, the
    second where the one line would be."""
    x, y = label_at
    return {
        "stage": stage,
        "name": names[stage],
        "lines": label_lines(stage, names[stage]) if split else [],
        "path": _segment_path(stage),
        "band": _band_path(stage),
        "x": _f(x),
        "y": _f(y),
    }


def marker_shape(state, x, y, *, square=24, corner=2, diamond=15, circle=13):
    """A part's mark centred on (x, y), for templates/svg/_marker.svg: a circle when active, a
    square when paused, a diamond when stopped, so that the state is told without colour."""
    if state == State.PAUSED:
        half = square / 2
        return {
            "state": "paused",
            "x": _f(x - half),
            "y": _f(y - half),
            "size": str(square),
            "corner": str(corner),
        }
    if state == State.STOPPED:
        r = diamond
        points = f"{_f(x)},{_f(y - r)} {_f(x + r)},{_f(y)} {_f(x)},{_f(y + r)} {_f(x - r)},{_f(y)}"
        return {
            "state": "stopped",
            "points": points,
        }
    return {"state": "active", "x": _f(x), "y": _f(y), "r": str(circle)}


def wheel_svg(markers, *, title, rewind=None, counts_text="", uid="wheel"):
    """The wheel: six segments clockwise from the top, each part a numbered marker in its
    stage (circle active, square paused, hatched diamond stopped), a round badge ("R2") past the
    first round, and the last rewind (from stage, to stage) as a back-arc inside. With more
    than WHEEL_MARKERS parts, each stage shows its count of parts in each state instead."""
    if len(markers) > WHEEL_MARKERS:
        # Imported here: the dashboard's pictures build on this module's geometry.
        from innovate.pictures.dashboard import aggregate_wheel_svg

        counts = {n: {s: 0 for s in State.values} for n in range(1, 7)}
        for marker in markers:
            counts[marker.stage][marker.state] += 1
        return aggregate_wheel_svg(counts, title=title, id_prefix=uid)
    names = stage_names()
    segments = []
    for stage in range(1, 7):
        a0, a1 = _segment_angles(stage)
        lx, ly = _point(R_OUT - 26, (a0 + a1) / 2)
        segments.append(segment(stage, names, (lx, ly + 4)))
    by_stage = {n: [] for n in range(1, 7)}
    for marker in markers:
        by_stage[marker.stage].append(marker)
    groups = []
    for stage, group in by_stage.items():
        a0, a1 = _segment_angles(stage)
        slots = []
        for radius, count in zip(RINGS, PER_RING, strict=True):
            for i in range(count):
                angle = a0 + (i + 1) * (a1 - a0) / (count + 1)
                slots.append(_point(radius, angle))
        shown, hidden = group[: len(slots)], group[len(slots) :]
        drawn = []
        for marker, (x, y) in zip(shown, slots, strict=False):
            drawn.append(
                {
                    "label": (
                        f"{marker.number}. {marker.name}: {marker.state_label} in "
                        f"{names[marker.stage]}, round {marker.cycle}"
                    ),
                    "shape": marker_shape(marker.state, x, y),
                    "number": str(marker.number),
                    "x": _f(x),
                    "y": _f(y + 4.5),
                    "cycle": str(marker.cycle) if marker.cycle > 1 else "",
                    "cycle_x": _f(x + 10),
                    "cycle_y": _f(y - 9),
                }
            )
        more = None
        if hidden:
            hx, hy = _point(R_IN + 14, (a0 + a1) / 2)
            more = {"x": _f(hx), "y": _f(hy), "count": len(hidden)}
        groups.append({"markers": drawn, "more": more})
    back_arc = None
    if rewind is not None:
        from_stage, to_stage, label = rewind
        start = sum(_segment_angles(from_stage)) / 2
        end = sum(_segment_angles(to_stage)) / 2
        radius = R_IN - 16
        x0, y0 = _point(radius, start)
        x1, y1 = _point(radius, end)
        large = 1 if (start - end) % 360 > 180 else 0
        back_arc = {
            "d": f"M{_f(x0)},{_f(y0)} A{radius},{radius} 0 {large} 0 {_f(x1)},{_f(y1)}",
            "label": label,
        }
    description = counts_text or "; ".join(
        f"{m.number}. {m.name}: {m.state_label} in {names[m.stage]}" for m in markers
    )
    return render_svg(
        "wheel.svg",
        {
            "width": CX * 2,
            "height": CY * 2,
            "uid": uid,
            "title": title,
            "description": description or "No parts yet.",
            "segments": segments,
            "groups": groups,
            "rewind": back_arc,
            "centre": {
                "x": CX,
                "y": CY + 5,
                "text": f"{len(markers)} part{'s' if len(markers) != 1 else ''}",
            },
        },
    )
