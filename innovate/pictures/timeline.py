"""The journey timeline: a lane per part, a bar per span in a stage, marks for moves."""

from collections import Counter, defaultdict
from datetime import date, timedelta

from django.utils.html import format_html
from django.utils.safestring import mark_safe

from stages.models import MoveKind, State
from stages.rules import STAGE_NAMES

LANE, GUTTER, WIDTH, TOP = 34, 170, 960, 34
# The bars (and as many marks) the whole timeline draws, about, and the least and most one lane
# may draw. A lane with a longer journey is summarised by period (summarise_lane), so the
# picture's size is bounded whatever the length of the log.
TIMELINE_BARS = 2400
LANE_BARS = (12, 240)


def lane_budget(lanes):
    """The bars and marks each of `lanes` lanes may draw."""
    low, high = LANE_BARS
    return max(low, min(high, TIMELINE_BARS // max(lanes, 1)))


def summarise_lane(name, segments, events, *, start, end, periods):
    """A long journey drawn with at most `periods` bars and `periods` marks. The time from
    `start` to `end` is cut into equal periods; each period shows the stage and state held for
    most of it, and periods alike in a row are one bar. The marks of a period become one mark
    that counts them."""
    origin = start.toordinal()
    span = max(end.toordinal() - origin, 1)
    periods = max(1, min(periods, span))
    # Whole days, strictly increasing: a period is at least a day long.
    bounds = [round(i * span / periods) for i in range(periods + 1)]

    def period_of(day):
        offset = min(max(day.toordinal() - origin, 0), span)
        low, high = 0, periods - 1
        while low < high:
            middle = (low + high + 1) // 2
            if bounds[middle] <= offset:
                low = middle
            else:
                high = middle - 1
        return low

    held = [defaultdict(float) for _ in range(periods)]
    for seg in segments:
        a = max(seg["start"].toordinal() - origin, 0)
        b = min(seg["end"].toordinal() - origin, span)
        what = (seg["stage"], seg["state"])
        if b <= a:
            # A state held for less than a day counts only where nothing else is held.
            held[period_of(seg["start"])][what] += 1e-6
            continue
        for p in range(period_of(seg["start"]), periods):
            if bounds[p] >= b:
                break
            overlap = min(b, bounds[p + 1]) - max(a, bounds[p])
            if overlap > 0:
                held[p][what] += overlap

    def day(offset):
        return date.fromordinal(origin + offset)

    bars = []
    for p, weights in enumerate(held):
        if not weights:
            continue
        stage, state = max(weights.items(), key=lambda item: item[1])[0]
        previous = bars[-1] if bars else None
        if previous and previous["period"] == p - 1 and previous["what"] == (stage, state):
            previous["end"], previous["period"] = day(bounds[p + 1]), p
            continue
        bars.append(
            {
                "start": day(bounds[p]),
                "end": day(bounds[p + 1]),
                "stage": stage,
                "state": state,
                "mostly": True,
                "period": p,
                "what": (stage, state),
            }
        )

    grouped = defaultdict(list)
    for event in events:
        grouped[period_of(event[0])].append(event)
    marks = []
    for p in sorted(grouped):
        group = grouped[p]
        if len(group) == 1:
            marks.append(group[0])
            continue
        kinds = Counter("voided" if voided else str(kind) for _, kind, _, voided in group)
        words = {"voided": "voided move", MoveKind.REWIND: "rewind", MoveKind.STOP: "stop"}
        counted = ", ".join(
            f"{n} {words.get(kind, kind)}{'s' if n != 1 else ''}" for kind, n in kinds.items()
        )
        first, last = group[0][0], group[-1][0]
        common = kinds.most_common(1)[0][0]
        marks.append(
            (
                first,
                MoveKind.REWIND if common == "voided" else common,
                f"{name}: {counted} from {first:%-d %B %Y} to {last:%-d %B %Y}",
                common == "voided",
            )
        )
    return bars, marks


def timeline_svg(lanes, *, start, end, title):
    """`lanes`: [(part name, [segment dicts])] where a segment has start, end, stage, state,
    and events: [(date, kind, label, voided)]. A lane with more segments or events than its
    share of TIMELINE_BARS is summarised by period."""
    start = min(start, end - timedelta(days=1))
    span = max((end - start).days, 1)
    inner = WIDTH - GUTTER - 16
    budget = lane_budget(len(lanes))
    summarised = False

    def x_of(day):
        return GUTTER + inner * ((day - start).days / span)

    height = TOP + LANE * max(len(lanes), 1) + 12
    out = []
    # Year ticks.
    for year in range(start.year, end.year + 1):
        tick = date(year, 1, 1)
        if tick < start:
            continue
        x = x_of(tick)
        out.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" class="app-timeline__tick"/>'
                '<text x="{}" y="{}" class="app-timeline__year">{}</text>',
                f"{x:.1f}",
                TOP - 6,
                f"{x:.1f}",
                height - 8,
                f"{x + 3:.1f}",
                TOP - 12,
                year,
            )
        )
    for index, (name, segments, events) in enumerate(lanes):
        if len(segments) > budget or len(events) > budget:
            segments, events = summarise_lane(
                name, segments, events, start=start, end=end, periods=budget
            )
            summarised = True
        y = TOP + index * LANE
        out.append(
            format_html(
                '<text x="{}" y="{}" class="app-timeline__name" text-anchor="end">{}</text>',
                GUTTER - 8,
                y + LANE / 2 + 4,
                name if len(name) <= 24 else name[:23] + "…",
            )
        )
        for seg in segments:
            x0, x1 = x_of(seg["start"]), x_of(seg["end"])
            width = max(x1 - x0, 1.5)
            label = (
                f"{name}: {'mostly ' if seg.get('mostly') else ''}"
                f"{State(seg['state']).label.lower()} in {STAGE_NAMES[seg['stage']]}, "
                f"{seg['start']:%-d %b %Y} to {seg['end']:%-d %b %Y}"
            )
            if seg["state"] == State.STOPPED:
                out.append(
                    format_html(
                        '<rect x="{}" y="{}" width="{}" height="4" class="app-timeline__stopped">'
                        "<title>{}</title></rect>",
                        f"{x0:.1f}",
                        f"{y + LANE / 2 - 2:.1f}",
                        f"{width:.1f}",
                        label,
                    )
                )
                continue
            out.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" class="app-stage-{}">'
                    "<title>{}</title></rect>",
                    f"{x0:.1f}",
                    y + 6,
                    f"{width:.1f}",
                    LANE - 12,
                    seg["stage"],
                    label,
                )
            )
            if seg["state"] == State.PAUSED:
                out.append(
                    format_html(
                        '<rect x="{}" y="{}" width="{}" height="{}" fill="url(#app-timeline-hatch)"'
                        ' class="app-timeline__paused"/>',
                        f"{x0:.1f}",
                        y + 6,
                        f"{width:.1f}",
                        LANE - 12,
                    )
                )
        for day, kind, label, voided in events:
            x = x_of(day)
            cy = y + LANE / 2
            if voided:
                out.append(
                    format_html(
                        '<g class="app-timeline__voided"><title>{}</title>'
                        '<circle cx="{}" cy="{}" r="6"/>'
                        '<line x1="{}" y1="{}" x2="{}" y2="{}"/></g>',
                        label,
                        f"{x:.1f}",
                        f"{cy:.1f}",
                        f"{x - 8:.1f}",
                        f"{cy + 8:.1f}",
                        f"{x + 8:.1f}",
                        f"{cy - 8:.1f}",
                    )
                )
            elif kind == MoveKind.REWIND:
                out.append(
                    format_html(
                        '<path d="M{},{} l10,-7 v14 z" class="app-timeline__rewind">'
                        "<title>{}</title></path>",
                        f"{x:.1f}",
                        f"{cy:.1f}",
                        label,
                    )
                )
            elif kind == MoveKind.STOP:
                out.append(
                    format_html(
                        '<rect x="{}" y="{}" width="10" height="10" class="app-timeline__stop">'
                        "<title>{}</title></rect>",
                        f"{x - 5:.1f}",
                        f"{cy - 5:.1f}",
                        label,
                    )
                )
    return format_html(
        '<svg class="app-timeline" viewBox="0 0 {} {}" role="img" '
        'aria-labelledby="timeline-title" aria-describedby="timeline-desc" '
        'xmlns="http://www.w3.org/2000/svg">'
        '<title id="timeline-title">{}</title>'
        '<desc id="timeline-desc">One lane per part from {} to {}{}; the table below lists '
        "every move.</desc>"
        '<defs><pattern id="app-timeline-hatch" width="6" height="6" patternUnits="userSpaceOnUse"'
        ' patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" '
        'stroke-width="3"/></pattern></defs>{}</svg>',
        WIDTH,
        height,
        title,
        f"{start:%-d %B %Y}",
        f"{end:%-d %B %Y}",
        "; a long journey is summarised, each bar showing the stage held for most of its period"
        if summarised
        else "",
        mark_safe("".join(str(o) for o in out)),
    )
