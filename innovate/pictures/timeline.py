"""The journey timeline's geometry: a lane per part, a bar per span in a stage, marks for moves.
The markup is templates/svg/timeline.svg."""

from collections import Counter, defaultdict
from datetime import date, timedelta

from innovate.pictures import label_rows, render_svg
from stages.models import MoveKind, State, stage_names

LANE, GUTTER, WIDTH, TOP = 34, 170, 960, 34
BADGE = 16  # the side of the white square that carries a bar's stage number
# A bar too narrow for its badge has its stage number below it, on a row of such labels under
# the lane (more rows if one cannot hold them LABEL_GAP apart), joined to it by a thin line.
LABEL_ROW, LABEL_GAP = 15, 12
TRAILING = 3  # the most numbers of a lane's last bars drawn after its end, on its line
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


def _run(bars):
    """How many of the last bars of a lane are too narrow for their badges."""
    count = 0
    for bar in reversed(bars):
        if not bar["narrow"]:
            break
        count += 1
    return count


def _trailing(segments, days):
    """_run of a lane's segments drawn `days` units a day."""
    return _run(
        [
            {
                "narrow": seg["state"] != State.STOPPED
                and (seg["end"] - seg["start"]).days * days < BADGE + 4
            }
            for seg in segments
        ]
    )


def _label_bars(bars, y, *, low, high):
    """Gives each narrow bar of a lane at `y` its stage number below it: "label_x",
    "label_y" and a leader from the bar to the label. The rows of labels the lane needs."""
    narrow = sorted((bar for bar in bars if bar["narrow"]), key=lambda bar: bar["centre"])
    placed = label_rows([bar["centre"] for bar in narrow], LABEL_GAP, low, high)
    for bar, (row, x) in zip(narrow, placed, strict=True):
        baseline = y + LANE + 10 + LABEL_ROW * row
        bar.update(
            label_x=f"{x:.1f}",
            label_y=f"{baseline:.1f}",
            leader=(
                f"{bar['centre']:.1f}",
                f"{y + LANE - 6 + 0.5:.1f}",
                f"{x:.1f}",
                f"{baseline - 11:.1f}",
            ),
        )
    return max((row + 1 for row, _x in placed), default=0)


def timeline_svg(lanes, *, start, end, title, width=WIDTH, fixed=True):
    """`lanes`: [(part name, [segment dicts])] where a segment has start, end, stage, state,
    and events: [(date, kind, label, voided)]. A lane with more segments or events than its
    share of TIMELINE_BARS is summarised by period. `width` is that of the drawing: a narrower
    one draws its words larger where the picture fills a printed page. `fixed`: drawn at one
    CSS pixel a unit (its words grow with the page's when zoomed), else as wide as its box. The
    markup is templates/svg/timeline.svg."""
    start = min(start, end - timedelta(days=1))
    span = max((end - start).days, 1)
    budget = lane_budget(len(lanes))
    summarised = False
    names = stage_names()
    shown = []
    for name, segments, events in lanes:
        if len(segments) > budget or len(events) > budget:
            segments, events = summarise_lane(
                name, segments, events, start=start, end=end, periods=budget
            )
            summarised = True
        shown.append((name, segments, events))
    # The last bars of a lane too narrow for their badges (a short recent stretch) have their
    # numbers just after the lane's end, on its line: a margin on the right holds them.
    inner = width - GUTTER - 16
    margin = 0
    for _pass in range(2):
        days = inner / span
        runs = [_trailing(segments, days) for _name, segments, _events in shown]
        margin = LABEL_GAP * min(max(runs, default=0), TRAILING) + (2 if any(runs) else 0)
        inner = width - GUTTER - 16 - margin
    trailing = (margin - 2) // LABEL_GAP if margin else 0

    def x_of(day):
        return GUTTER + inner * ((day - start).days / span)

    ticks = []
    for year in range(start.year, end.year + 1):
        tick = date(year, 1, 1)
        if tick < start:
            continue
        x = x_of(tick)
        ticks.append({"x": f"{x:.1f}", "text_x": f"{x + 3:.1f}", "year": year})
    drawn = []
    y = TOP
    for name, segments, events in shown:
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
                    "centre": (x0 + x1) / 2,
                    "right": x1,
                    "narrow": not badge and seg["state"] != State.STOPPED,
                    "label": (
                        f"{name}: {'mostly ' if seg.get('mostly') else ''}"
                        f"{State(seg['state']).label.lower()} in {names[seg['stage']]}, "
                        f"{seg['start']:%-d %b %Y} to {seg['end']:%-d %b %Y}"
                    ),
                }
            )
        after = bars[-1]["right"] if bars else 0
        for index, bar in enumerate(bars[len(bars) - min(_run(bars), trailing) :]):
            bar.update(
                narrow=False,
                label_x=f"{after + 2 + LABEL_GAP * index + LABEL_GAP / 2 - 2:.1f}",
                label_y=f"{y + 6 + (LANE - 12) / 2 + 4.5:.1f}",
            )
        rows = _label_bars(bars, y, low=GUTTER + 4, high=width - 6)
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
        y += LANE + LABEL_ROW * rows
    height = y + 12 if lanes else TOP + LANE + 12
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
