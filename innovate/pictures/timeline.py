"""The journey timeline's geometry: a lane per part, a bar per span in a stage, marks for moves.
The markup is templates/svg/timeline.svg."""

from collections import Counter, defaultdict
from datetime import date, timedelta

from innovate.pictures import render_svg
from stages.models import MoveKind, State, stage_names

LANE, GUTTER, WIDTH, TOP = 34, 170, 960, 34
BADGE = 16  # the side of the white square that carries a bar's stage number
NAME_CHARS = 22  # about the characters of a name that fit the gutter on one line
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


def name_lines(name, *, per_line=NAME_CHARS, lines=2):
    """A part's name in at most `lines` lines of about `per_line` characters, broken between
    words; only a name longer than that is shortened, with an ellipsis."""
    words, out = name.split(), [""]
    for word in words:
        line = f"{out[-1]} {word}".strip()
        if len(line) <= per_line or not out[-1]:
            out[-1] = line
        else:
            out.append(word)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: per_line - 1].rstrip() + "…"
    return [line if len(line) <= per_line else line[: per_line - 1] + "…" for line in out]


def timeline_svg(lanes, *, start, end, title, width=WIDTH, fixed=True):
    """`lanes`: [(part name, [segment dicts])] where a segment has start, end, stage, state,
    and events: [(date, kind, label, voided)]. A lane with more segments or events than its
    share of TIMELINE_BARS is summarised by period. `width` is that of the drawing: a narrower
    one draws its words larger where the picture fills a printed page. `fixed`: drawn at one
    CSS pixel a unit (its words grow with the page's when zoomed), else as wide as its box. The
    markup is templates/svg/timeline.svg."""
    start = min(start, end - timedelta(days=1))
    span = max((end - start).days, 1)
    inner = width - GUTTER - 16
    budget = lane_budget(len(lanes))
    summarised = False
    names = stage_names()

    def x_of(day):
        return GUTTER + inner * ((day - start).days / span)

    height = TOP + LANE * max(len(lanes), 1) + 12
    ticks = []
    for year in range(start.year, end.year + 1):
        tick = date(year, 1, 1)
        if tick < start:
            continue
        x = x_of(tick)
        ticks.append({"x": f"{x:.1f}", "text_x": f"{x + 3:.1f}", "year": year})
    drawn = []
    for index, (name, segments, events) in enumerate(lanes):
        if len(segments) > budget or len(events) > budget:
            segments, events = summarise_lane(
                name, segments, events, start=start, end=end, periods=budget
            )
            summarised = True
        y = TOP + index * LANE
        bars = []
        for seg in segments:
            x0, x1 = x_of(seg["start"]), x_of(seg["end"])
            # A bar wide enough carries its stage's number on a white badge, so that a stage
            # is told by more than its colour; the narrowest are named by their title only.
            badge = seg["state"] != State.STOPPED and x1 - x0 >= BADGE + 4
            bars.append(
                {
                    "x": f"{x0:.1f}",
                    "width": f"{max(x1 - x0, 1.5):.1f}",
                    "stage": str(seg["stage"]),
                    "state": seg["state"],
                    "badge_x": f"{(x0 + x1) / 2 - BADGE / 2:.1f}" if badge else "",
                    "number_x": f"{(x0 + x1) / 2:.1f}",
                    "label": (
                        f"{name}: {'mostly ' if seg.get('mostly') else ''}"
                        f"{State(seg['state']).label.lower()} in {names[seg['stage']]}, "
                        f"{seg['start']:%-d %b %Y} to {seg['end']:%-d %b %Y}"
                    ),
                }
            )
        cy = y + LANE / 2
        marks = []
        for day, kind, label, voided in events:
            x = x_of(day)
            if voided:
                shape = "voided"
            elif kind == MoveKind.REWIND:
                shape = "rewind"
            elif kind == MoveKind.STOP:
                shape = "stop"
            else:
                continue
            marks.append(
                {
                    "shape": shape,
                    "label": label,
                    "x": f"{x:.1f}",
                    "left": f"{x - 8:.1f}",
                    "right": f"{x + 8:.1f}",
                    "square_x": f"{x - 5:.1f}",
                }
            )
        drawn.append(
            {
                "name": name,
                "name_lines": [
                    (line, f"{y + LANE / 2 + 4 + 14 * (i - (len(lines) - 1) / 2):.1f}")
                    for lines in [name_lines(name)]
                    for i, line in enumerate(lines)
                ],
                "name_y": f"{y + LANE / 2 + 4:.1f}",
                "bar_y": str(y + 6),
                "badge_y": f"{y + 6 + (LANE - 12 - BADGE) / 2:.1f}",
                "number_y": f"{y + 6 + (LANE - 12) / 2 + 4.5:.1f}",
                "stopped_y": f"{y + LANE / 2 - 2:.1f}",
                "mark_y": f"{cy:.1f}",
                "mark_top": f"{cy - 8:.1f}",
                "mark_bottom": f"{cy + 8:.1f}",
                "square_y": f"{cy - 5:.1f}",
                "bars": bars,
                "marks": marks,
            }
        )
    return render_svg(
        "timeline.svg",
        {
            "width": width,
            "height": height,
            "fixed": fixed,
            "title": title,
            "start": f"{start:%-d %B %Y}",
            "end": f"{end:%-d %B %Y}",
            "summarised": summarised,
            "ticks": ticks,
            "tick_top": TOP - 6,
            "tick_bottom": height - 8,
            "year_y": TOP - 12,
            "name_x": GUTTER - 8,
            "bar_height": str(LANE - 12),
            "badge": BADGE,
            "lanes": drawn,
        },
    )
