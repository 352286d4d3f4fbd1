"""Server-rendered SVG charts of measures: readings over time, a series per part, the baseline
and target lines and the target date. Each chart carries a title and a description; the pages
that show one also show its readings as a table."""

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import mark_safe

from assessments.status import format_date, format_number

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


def shape_svg(index, x, y, size=6.0, *, css=""):
    """The marker of series `index` centred on (x, y): a shape as well as a colour, so the
    series are told apart without colour."""
    shape = SHAPES[index % len(SHAPES)]
    s = size
    css = f"app-chart__marker app-chart__series--{index % len(SHAPES)} {css}".strip()
    if shape == "circle":
        return format_html('<circle cx="{}" cy="{}" r="{}" class="{}"/>', _f(x), _f(y), _f(s), css)
    if shape == "square":
        return format_html(
            '<rect x="{}" y="{}" width="{}" height="{}" class="{}"/>',
            _f(x - s * 0.85),
            _f(y - s * 0.85),
            _f(s * 1.7),
            _f(s * 1.7),
            css,
        )
    if shape == "diamond":
        d = s * 1.2
        points = f"{_f(x)},{_f(y - d)} {_f(x + d)},{_f(y)} {_f(x)},{_f(y + d)} {_f(x - d)},{_f(y)}"
        return format_html('<polygon points="{}" class="{}"/>', points, css)
    if shape == "cross":
        d = s * 0.9
        path = (
            f"M{_f(x - d)},{_f(y - d)} L{_f(x + d)},{_f(y + d)} "
            f"M{_f(x - d)},{_f(y + d)} L{_f(x + d)},{_f(y - d)}"
        )
        return format_html('<path d="{}" class="{} app-chart__marker--cross"/>', path, css)
    d = s * 1.15
    sign = 1 if shape == "triangle" else -1
    points = (
        f"{_f(x)},{_f(y - sign * d)} {_f(x + d)},{_f(y + sign * d * 0.8)} "
        f"{_f(x - d)},{_f(y + sign * d * 0.8)}"
    )
    return format_html('<polygon points="{}" class="{}"/>', points, css)


def key_icon(index):
    """A small picture of series `index`'s marker and line, for a key beside the chart. It is
    decoration: the key's text says the same."""
    return format_html(
        '<svg class="app-chart-key__icon" viewBox="0 0 28 16" width="28" height="16" '
        'aria-hidden="true" focusable="false">'
        '<line x1="1" y1="8" x2="27" y2="8" class="app-chart__line app-chart__series--{}"/>'
        "{}</svg>",
        index % len(SHAPES),
        shape_svg(index, 14, 8, 5),
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

    out = []
    if rated:
        y_of_rating, y_labels = _rated_axis(frame, out)
    else:
        values = [float(p.value) for p in points if p.value is not None]
        values += [float(v) for v in (baseline, target) if v is not None]
        y_of_value = _value_axis(frame, values, unit, out)

    # The date axis.
    ticks, step = _month_ticks(d_lo, d_hi, frame.x_ticks)
    for tick in ticks:
        x = x_of(tick)
        out.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" class="app-chart__grid"/>'
                '<text x="{}" y="{}" text-anchor="middle" class="app-chart__tick">{}</text>',
                _f(x),
                frame.y0,
                _f(x),
                frame.y1 + 5,
                _f(x),
                frame.y1 + 20,
                _tick_label(tick, step),
            )
        )
    if not ticks:
        for day, anchor in ((d_lo, "start"), (d_hi, "end")):
            out.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="{}" class="app-chart__tick">{}</text>',
                    _f(x_of(day)),
                    frame.y1 + 20,
                    anchor,
                    f"{day:%-d %b %Y}",
                )
            )
    out.append(
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" class="app-chart__axis"/>'
            '<line x1="{}" y1="{}" x2="{}" y2="{}" class="app-chart__axis"/>'
            '<text x="{}" y="{}" text-anchor="middle" class="app-chart__axis-label">'
            "Date observed</text>",
            frame.x0,
            frame.y1,
            frame.x1,
            frame.y1,
            frame.x0,
            frame.y0,
            frame.x0,
            frame.y1,
            _f((frame.x0 + frame.x1) / 2),
            frame.height - 8,
        )
    )

    # Baseline, target, the path between them and the target date.
    said = []
    if not rated:
        labels = []
        if baseline is not None and baseline_on is not None and target is not None and target_on:
            out.append(
                format_html(
                    '<line x1="{}" y1="{}" x2="{}" y2="{}" class="app-chart__path"/>',
                    _f(x_of(baseline_on)),
                    _f(y_of_value(float(baseline))),
                    _f(x_of(target_on)),
                    _f(y_of_value(float(target))),
                )
            )
            said.append(
                "A dotted line runs straight from the baseline to the target: a reading at or "
                "better than it is on track."
            )
        if baseline is not None:
            y = y_of_value(float(baseline))
            out.append(_hline(frame, y, "app-chart__baseline"))
            labels.append([y, f"Baseline {format_number(baseline)}"])
            when = f" on {format_date(baseline_on)}" if baseline_on else ""
            said.insert(0, f"Baseline {format_number(baseline, unit)}{when}.")
        if target is not None:
            y = y_of_value(float(target))
            out.append(_hline(frame, y, "app-chart__target"))
            labels.append([y, f"Target {format_number(target)}"])
            by = f" by {format_date(target_on)}" if target_on else ""
            said.insert(
                1 if baseline is not None else 0, f"Target {format_number(target, unit)}{by}."
            )
        labels.sort()
        for earlier, later in zip(labels, labels[1:], strict=False):
            if later[0] - earlier[0] < 15:
                later[0] = earlier[0] + 15
        for y, text in labels:
            out.append(
                format_html(
                    '<text x="{}" y="{}" class="app-chart__line-label">{}</text>',
                    frame.x1 + 8,
                    _f(y + 4),
                    text,
                )
            )
        if target_on is not None:
            x = x_of(target_on)
            out.append(
                format_html(
                    '<line x1="{}" y1="{}" x2="{}" y2="{}" class="app-chart__target-date"/>'
                    '<text x="{}" y="{}" text-anchor="middle" class="app-chart__line-label">'
                    "Target date</text>",
                    _f(x),
                    frame.y0,
                    _f(x),
                    frame.y1,
                    _f(x),
                    frame.y0 - 8,
                )
            )

    # The readings, a series per part.
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
        if len(xy) > 1:
            out.append(
                format_html(
                    '<polyline points="{}" class="app-chart__line app-chart__series--{}"/>',
                    " ".join(f"{_f(x)},{_f(y)}" for x, y, _ in xy),
                    index % len(SHAPES),
                )
            )
        for x, y, point in xy:
            out.append(
                format_html(
                    "<g><title>{}</title>{}</g>",
                    f"{one.name}, {format_date(point.on)}: {point.shown(unit)}",
                    shape_svg(index, x, y),
                )
            )
    if not points:
        out.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" class="app-chart__empty">'
                "No readings yet</text>",
                _f((frame.x0 + frame.x1) / 2),
                _f((frame.y0 + frame.y1) / 2),
            )
        )

    description = _describe(series, unit, rated, said)
    return format_html(
        '<svg class="app-chart{}" viewBox="0 0 {} {}" role="img" '
        'aria-labelledby="{}-title {}-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        " app-chart--compact" if compact else "",
        frame.width,
        frame.height,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
        mark_safe("".join(str(o) for o in out)),
    )


def _hline(frame, y, css):
    return format_html(
        '<line x1="{}" y1="{}" x2="{}" y2="{}" class="{}"/>',
        frame.x0,
        _f(y),
        frame.x1,
        _f(y),
        css,
    )


def _rated_axis(frame, out):
    band = (frame.y1 - frame.y0) / 3
    y_of = {}
    for i, (code, label) in enumerate(LEVELS):
        top = frame.y0 + i * band
        y_of[code] = top + band / 2
        out.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" class="app-chart__band '
                'app-chart__band--{}"/>'
                '<text x="{}" y="{}" text-anchor="end" class="app-chart__tick">{}</text>',
                frame.x0,
                _f(top),
                frame.x1 - frame.x0,
                _f(band),
                code.replace("_", "-"),
                frame.x0 - 8,
                _f(top + band / 2 + 4),
                label,
            )
        )
    out.append(
        format_html(
            '<text transform="translate(14 {}) rotate(-90)" text-anchor="middle" '
            'class="app-chart__axis-label">Rating</text>',
            _f((frame.y0 + frame.y1) / 2),
        )
    )
    return y_of, LEVELS


def _value_axis(frame, values, unit, out):
    lo, hi = (min(values), max(values)) if values else (0.0, 10.0)
    if lo >= 0 and lo <= hi / 2:
        lo = 0.0
    if hi == lo:
        lo, hi = (lo - 1, hi + 1) if lo else (0.0, 1.0)
    ticks = nice_ticks(lo, hi, 5)
    t_lo, t_hi = ticks[0], ticks[-1]

    def y_of(value):
        return frame.y1 - (frame.y1 - frame.y0) * (value - t_lo) / (t_hi - t_lo)

    for tick in ticks:
        y = y_of(tick)
        out.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" class="app-chart__grid"/>'
                '<text x="{}" y="{}" text-anchor="end" class="app-chart__tick">{}</text>',
                frame.x0 - 5,
                _f(y),
                frame.x1,
                _f(y),
                frame.x0 - 8,
                _f(y + 4),
                format_number(Decimal(str(round(tick, 6)))),
            )
        )
    out.append(
        format_html(
            '<text transform="translate(14 {}) rotate(-90)" text-anchor="middle" '
            'class="app-chart__axis-label">{}</text>',
            _f((frame.y0 + frame.y1) / 2),
            (unit[:1].upper() + unit[1:]) if unit else "Value",
        )
    )
    return y_of


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
