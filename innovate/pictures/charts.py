"""The geometry of the charts of measures: readings over time, a series per part, the baseline
and target lines and the target date. The markup is templates/svg/measure_chart.svg. Each chart
carries a title and a description; the pages that show one also show its readings as a table."""

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from assessments.status import format_date, format_number
from innovate.pictures import render_svg

SHAPES = ("circle", "square", "triangle", "diamond", "cross", "triangle-down")
SHAPE_WORDS = {
    "circle": "circles",
    "square": "squares",
    "triangle": "triangles",
    "diamond": "diamonds",
    "cross": "crosses",
    "triangle-down": "downward triangles",
}
# Rated readings sit on three levels, best at the top.
LEVELS = (
    ("on_track", "On track"),
    ("some_concern", "Some concern"),
    ("off_track", "Off track"),
)
LEVEL_WORDS = dict(LEVELS)


@dataclass(frozen=True)
class Point:
    on: date
    value: Decimal | None = None
    rating: str = ""

    def shown(self, unit=""):
        if self.rating:
            return LEVEL_WORDS.get(self.rating, self.rating).lower()
        return format_number(self.value, unit)


@dataclass
class Series:
    """The readings of one part (or of the whole innovation), oldest first."""

    name: str
    points: list = field(default_factory=list)


@dataclass(frozen=True)
class Frame:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    x_ticks: int

    @property
    def x0(self):
        return self.left

    @property
    def x1(self):
        return self.width - self.right

    @property
    def y0(self):
        return self.top

    @property
    def y1(self):
        return self.height - self.bottom


def _frame(compact, rated):
    left = 112 if rated else 70
    right = 30 if rated else 110
    if compact:
        return Frame(560, 220, left, right, 18, 46, 4)
    return Frame(760, 340, left, right, 28, 56, 6)


def marker_shape(index, x, y, size=6.0):
    """The marker of series `index` centred on (x, y), for templates/svg/_chart_marker.svg: a
    shape as well as a colour, so the series are told apart without colour."""
    shape = SHAPES[index % len(SHAPES)]
    s = size
    css = f"app-chart__marker app-chart__series--{index % len(SHAPES)}"
    if shape == "circle":
        return {"tag": "circle", "x": _f(x), "y": _f(y), "r": _f(s), "css": css}
    if shape == "square":
        return {
            "tag": "rect",
            "x": _f(x - s * 0.85),
            "y": _f(y - s * 0.85),
            "size": _f(s * 1.7),
            "css": css,
        }
    if shape == "diamond":
        d = s * 1.2
        points = f"{_f(x)},{_f(y - d)} {_f(x + d)},{_f(y)} {_f(x)},{_f(y + d)} {_f(x - d)},{_f(y)}"
        return {"tag": "polygon", "points": points, "css": css}
    if shape == "cross":
        d = s * 0.9
        path = (
            f"M{_f(x - d)},{_f(y - d)} L{_f(x + d)},{_f(y + d)} "
            f"M{_f(x - d)},{_f(y + d)} L{_f(x + d)},{_f(y - d)}"
        )
        return {"tag": "path", "d": path, "css": css}
    d = s * 1.15
    sign = 1 if shape == "triangle" else -1
    points = (
        f"{_f(x)},{_f(y - sign * d)} {_f(x + d)},{_f(y + sign * d * 0.8)} "
        f"{_f(x - d)},{_f(y + sign * d * 0.8)}"
    )
    return {"tag": "polygon", "points": points, "css": css}


def key_icon(index):
    """A small picture of series `index`'s marker and line, for a key beside the chart. It is
    decoration: the key's text says the same."""
    return render_svg(
        "chart_key_icon.svg",
        {"series": index % len(SHAPES), "marker": marker_shape(index, 14, 8, 5)},
    )


def shape_name(index):
    return SHAPE_WORDS[SHAPES[index % len(SHAPES)]]


def _f(number):
    return f"{number:.1f}"


def nice_ticks(lo, hi, count=5):
    """Round tick values covering lo..hi: steps of 1, 2, 2.5 or 5 times a power of ten."""
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start = math.floor(lo / step + 1e-9) * step
    ticks = []
    value = start
    while value < hi - 1e-9 * step:
        ticks.append(value)
        value = start + len(ticks) * step
    ticks.append(value)
    return ticks


def _month_ticks(lo, hi, most):
    """First days of months between lo and hi, every 1, 2, 3, 6 or 12 months so that there
    are at most `most` of them."""
    months = []
    year, month = lo.year, lo.month
    if lo.day != 1:
        month += 1
        if month == 13:
            year, month = year + 1, 1
    while date(year, month, 1) <= hi:
        months.append(date(year, month, 1))
        month += 1
        if month == 13:
            year, month = year + 1, 1
    for step in (1, 2, 3, 6, 12, 24, 60):
        chosen = [d for d in months if ((d.year * 12 + d.month - 1) % step) == 0]
        if len(chosen) <= most:
            return chosen, step
    return months[:: max(1, len(months) // most)], 60


def _tick_label(day, step):
    return f"{day:%Y}" if step >= 12 else f"{day:%b %Y}"


def measure_chart_svg(
    series,
    *,
    chart_id,
    title,
    unit="",
    rated=False,
    baseline=None,
    baseline_on=None,
    target=None,
    target_on=None,
    compact=False,
):
    """A measure's readings over time as SVG, role="img" with a title and a description.

    `series`: [Series(name, [Point])], each drawn with its own marker shape (and colour) and
    joined by a line. A numeric measure is drawn against a value axis with the baseline and
    target as labelled dashed lines, the straight path from baseline to target (when both
    have dates) as a dotted line, and the target date as a labelled vertical line. A rated
    measure is drawn on three levels: on track, some concern, off track. `chart_id` makes
    the title and description ids unique on the page."""
    frame = _frame(compact, rated)
    points = [p for s in series for p in s.points]
    dates = [p.on for p in points]
    if not rated:
        dates += [d for d in (baseline_on, target_on) if d is not None]
    if dates:
        d_lo, d_hi = min(dates), max(dates)
    else:
        d_lo = d_hi = date.today()
    if (d_hi - d_lo).days < 30:
        pad = (30 - (d_hi - d_lo).days) // 2 + 1
        d_lo, d_hi = d_lo - timedelta(days=pad), d_hi + timedelta(days=pad)
    span = (d_hi - d_lo).days
    d_lo -= timedelta(days=max(1, span // 30))
    d_hi += timedelta(days=max(1, span // 30))
    span = (d_hi - d_lo).days

    def x_of(day):
        return frame.x0 + (frame.x1 - frame.x0) * (day - d_lo).days / span

    if rated:
        y_of_rating, y_axis = _rated_axis(frame)
    else:
        values = [float(p.value) for p in points if p.value is not None]
        values += [float(v) for v in (baseline, target) if v is not None]
        y_of_value, y_axis = _value_axis(frame, values, unit)

    # The date axis.
    ticks, step = _month_ticks(d_lo, d_hi, frame.x_ticks)
    x_ticks = [{"x": _f(x_of(tick)), "text": _tick_label(tick, step)} for tick in ticks]
    x_ends = []
    if not ticks:
        x_ends = [
            {"x": _f(x_of(day)), "anchor": anchor, "text": f"{day:%-d %b %Y}"}
            for day, anchor in ((d_lo, "start"), (d_hi, "end"))
        ]

    # Baseline, target, the path between them and the target date.
    said = []
    path = None
    lines = []
    labels = []
    target_date = None
    if not rated:
        if baseline is not None and baseline_on is not None and target is not None and target_on:
            path = {
                "x1": _f(x_of(baseline_on)),
                "y1": _f(y_of_value(float(baseline))),
                "x2": _f(x_of(target_on)),
                "y2": _f(y_of_value(float(target))),
            }
            said.append(
                "A dotted line runs straight from the baseline to the target: a reading at or "
                "better than it is on track."
            )
        if baseline is not None:
            y = y_of_value(float(baseline))
            lines.append({"y": _f(y), "css": "app-chart__baseline"})
            labels.append([y, f"Baseline {format_number(baseline)}"])
            when = f" on {format_date(baseline_on)}" if baseline_on else ""
            said.insert(0, f"Baseline {format_number(baseline, unit)}{when}.")
        if target is not None:
            y = y_of_value(float(target))
            lines.append({"y": _f(y), "css": "app-chart__target"})
            labels.append([y, f"Target {format_number(target)}"])
            by = f" by {format_date(target_on)}" if target_on else ""
            said.insert(
                1 if baseline is not None else 0, f"Target {format_number(target, unit)}{by}."
            )
        labels.sort()
        for earlier, later in zip(labels, labels[1:], strict=False):
            if later[0] - earlier[0] < 15:
                later[0] = earlier[0] + 15
        labels = [{"y": _f(y + 4), "text": text} for y, text in labels]
        if target_on is not None:
            target_date = {"x": _f(x_of(target_on))}

    # The readings, a series per part.
    drawn = []
    for index, one in enumerate(series):
        xy = []
        for point in one.points:
            if rated:
                if point.rating not in y_of_rating:
                    continue
                y = y_of_rating[point.rating]
            else:
                if point.value is None:
                    continue
                y = y_of_value(float(point.value))
            xy.append((x_of(point.on), y, point))
        drawn.append(
            {
                "series": index % len(SHAPES),
                "line": " ".join(f"{_f(x)},{_f(y)}" for x, y, _ in xy) if len(xy) > 1 else "",
                "markers": [
                    {
                        "title": f"{one.name}, {format_date(point.on)}: {point.shown(unit)}",
                        "shape": marker_shape(index, x, y),
                    }
                    for x, y, point in xy
                ],
            }
        )

    return render_svg(
        "measure_chart.svg",
        {
            "compact": compact,
            "frame": frame,
            "chart_id": chart_id,
            "title": title,
            "description": _describe(series, unit, rated, said),
            "y_axis": y_axis,
            "x_ticks": x_ticks,
            "x_ends": x_ends,
            "x_axis": {
                "tick_bottom": frame.y1 + 5,
                "text_y": frame.y1 + 20,
                "label_x": _f((frame.x0 + frame.x1) / 2),
                "label_y": frame.height - 8,
            },
            "path": path,
            "lines": lines,
            "labels": labels,
            "label_x": frame.x1 + 8,
            "target_date": target_date,
            "target_date_label_y": frame.y0 - 8,
            "series": drawn,
            "empty": None
            if points
            else {"x": _f((frame.x0 + frame.x1) / 2), "y": _f((frame.y0 + frame.y1) / 2)},
        },
    )


def _rated_axis(frame):
    """{rating: y} and the axis of a rated measure: three bands, best at the top."""
    band = (frame.y1 - frame.y0) / 3
    y_of = {}
    bands = []
    for i, (code, label) in enumerate(LEVELS):
        top = frame.y0 + i * band
        y_of[code] = top + band / 2
        bands.append(
            {
                "y": _f(top),
                "height": _f(band),
                "level": code.replace("_", "-"),
                "text_y": _f(top + band / 2 + 4),
                "text": label,
            }
        )
    axis = {
        "bands": bands,
        "ticks": [],
        "width": frame.x1 - frame.x0,
        "text_x": frame.x0 - 8,
        "label": "Rating",
        "label_y": _f((frame.y0 + frame.y1) / 2),
    }
    return y_of, axis


def _value_axis(frame, values, unit):
    """y of a value, and the value axis: round ticks covering the values, labelled with the
    unit."""
    lo, hi = (min(values), max(values)) if values else (0.0, 10.0)
    if lo >= 0 and lo <= hi / 2:
        lo = 0.0
    if hi == lo:
        lo, hi = (lo - 1, hi + 1) if lo else (0.0, 1.0)
    ticks = nice_ticks(lo, hi, 5)
    t_lo, t_hi = ticks[0], ticks[-1]

    def y_of(value):
        return frame.y1 - (frame.y1 - frame.y0) * (value - t_lo) / (t_hi - t_lo)

    axis = {
        "bands": [],
        "ticks": [
            {
                "y": _f(y_of(tick)),
                "text_y": _f(y_of(tick) + 4),
                "text": format_number(Decimal(str(round(tick, 6)))),
            }
            for tick in ticks
        ],
        "grid_x": frame.x0 - 5,
        "text_x": frame.x0 - 8,
        "label": (unit[:1].upper() + unit[1:]) if unit else "Value",
        "label_y": _f((frame.y0 + frame.y1) / 2),
    }
    return y_of, axis


def _describe(series, unit, rated, said):
    with_points = [(i, s) for i, s in enumerate(series) if s.points]
    if not with_points:
        text = ["No readings yet."]
    else:
        count = sum(len(s.points) for _, s in with_points)
        first = min(p.on for _, s in with_points for p in s.points)
        last = max(p.on for _, s in with_points for p in s.points)
        text = [
            f"{count} reading{'s' if count != 1 else ''} from {format_date(first)} to "
            f"{format_date(last)}"
            + (", on three levels: on track, some concern, off track." if rated else ".")
        ]
        for index, one in with_points:
            latest = one.points[-1]
            text.append(
                f"{one.name} ({shape_name(index)}): {len(one.points)} reading"
                f"{'s' if len(one.points) != 1 else ''}, latest {latest.shown(unit)} on "
                f"{format_date(latest.on)}."
            )
    return " ".join([*text, *said])
