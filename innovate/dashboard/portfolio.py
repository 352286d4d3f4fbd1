"""What the managers' dashboards show, assembled from the reads of stages and assessments: the
portfolio of innovations and their parts, the alerts, the time spent in each stage, the flow over
time and the board report. Everything is as of a date (the end of that day) and runs in a fixed
number of queries, whatever the number of innovations, parts or moves."""

from calendar import monthrange
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from django.template.defaultfilters import floatformat, truncatechars

from assessments.queries import organisation as org_queries
from innovate.access import name_of
from innovate.pictures.wheel import Marker
from stages import queries
from stages.dates import EARLIEST
from stages.models import Innovation, Move, MoveKind, Part, State, stage_names

NO_SESSION_DAYS = 90


def closed_by(innovation, on):
    """Whether the innovation had been closed by the end of `on`: the rule of
    stages.queries.counted_parts, for an innovation already read."""
    return innovation.is_closed and (innovation.closed_on is None or innovation.closed_on <= on)


class Where(NamedTuple):
    """Where a part stands now, from its own current position (written in each move's
    transaction): the fields of its last live move that say so."""

    to_stage: object  # a Stage
    to_stage_id: int
    to_state: str
    cycle: int
    review_on: date | None

    @classmethod
    def of(cls, part):
        """Where `part` stands now; reads `stage`, so select it with the part."""
        return cls(part.stage, part.stage_id, part.state, part.cycle, part.review_on)


@dataclass
class Row:
    """One part on the portfolio, as it stood at the end of the as-of date."""

    part: Part
    # Where it stood: its last live move by then, or, for today, its own position (Where).
    where: Move | Where
    days_in_stage: int
    on_track: int
    measures: int
    stuck: tuple | None = None
    also: list = field(default_factory=list)  # further reasons it needs attention
    move: Move | None = None  # the decision that put it there, where it was read

    @property
    def stage(self):
        return self.where.to_stage.number

    @property
    def stage_name(self):
        return self.where.to_stage.name

    @property
    def state(self):
        return self.where.to_state

    @property
    def state_label(self):
        return State(self.state).label

    @property
    def cycle(self):
        return self.where.cycle

    @property
    def review_on(self):
        """The date to revisit a pause, while the part is paused."""
        return self.where.review_on if self.state == State.PAUSED else None

    @property
    def next_review_on(self):
        """The part's own next review, unless a pause's date to revisit stands in its place."""
        return None if self.review_on else self.part.next_review_on


class Gap(NamedTuple):
    innovation: Innovation
    stages: list  # [(stage name, parts there)]
    also: list  # further reasons the innovation needs attention


@dataclass
class Group:
    innovation: Innovation
    closed: bool
    last_session: date | None
    rows: list = field(default_factory=list)

    @property
    def stages(self):
        """[(stage number, name, {state: parts})] of the stages its rows stand at, in the
        wheel's order: the innovation's row on the dashboard. No query."""
        found = {}
        for row in self.rows:
            counts = found.setdefault(row.stage, (row.stage_name, dict.fromkeys(State.values, 0)))
            counts[1][row.state] += 1
        return [(n, *found[n]) for n in sorted(found)]

    @property
    def stuck(self):
        return sum(1 for row in self.rows if row.stuck)

    @property
    def on_track(self):
        """(parts with every measure of their stage on track, parts with a measure)."""
        measured = [row for row in self.rows if row.measures]
        return sum(1 for row in measured if row.on_track == row.measures), len(measured)


@dataclass
class Alerts:
    overdue_pauses: list
    overdue_reviews: list | None  # None: not meaningful for a past date
    stuck: list
    gaps: list  # [Gap]
    no_recent_session: list
    overdue_actions: list
    waiting_decisions: list = field(default_factory=list)  # [(group, row)], reasons in also

    @property
    def count(self):
        """The number of items listed: each part, innovation and action is listed once, with
        all its reasons."""
        return sum(
            len(found)
            for found in (
                self.overdue_pauses,
                self.overdue_reviews,
                self.stuck,
                self.gaps,
                self.no_recent_session,
                self.overdue_actions,
                self.waiting_decisions,
            )
            if found
        )


def attention_items(alerts):
    """Needs attention as one list of (what, innovation title or "", reasons in words), each
    part, innovation and action once, for the board report's summary. No query."""
    items = []
    for group, row in alerts.overdue_pauses:
        first = f"paused in {row.stage_name}, to revisit on {row.review_on:%-d %B %Y}"
        items.append((row.part.name, group.innovation.title, "; ".join([first, *row.also])))
    for group, row in alerts.overdue_reviews or []:
        first = f"review was due on {row.next_review_on:%-d %B %Y}"
        items.append((row.part.name, group.innovation.title, "; ".join([first, *row.also])))
    for group, row in alerts.stuck:
        first = f"{row.stuck[0]} active days in {row.stage_name}, longer than four in five visits"
        items.append((row.part.name, group.innovation.title, "; ".join([first, *row.also])))
    for group, row in alerts.waiting_decisions:
        items.append((row.part.name, group.innovation.title, "; ".join(row.also)))
    for innovation, stages, also in alerts.gaps:
        where = ", ".join(f"{name} ({n} part{'s' if n != 1 else ''})" for name, n in stages)
        first = f"no measure of success at {where}"
        items.append((innovation.title, "", "; ".join([first, *also])))
    for group in alerts.no_recent_session:
        first = (
            f"last reflection session on {group.last_session:%-d %B %Y}"
            if group.last_session
            else "no reflection session yet"
        )
        items.append((group.innovation.title, "", first))
    for action in alerts.overdue_actions:
        owner = action.owner.get_full_name() or action.owner.get_username()
        items.append(
            (
                f"Action: {action.text[:80]}",
                action.session.innovation.title,
                f"{owner}, due {action.due_on:%-d %B %Y}",
            )
        )
    return items


class Item(NamedTuple):
    """One item of Needs attention as the pages list it: under which `heading`, what (`name`,
    linked to `url` where it has a page), of which innovation (`title`, or "") and why."""

    heading: str
    name: str
    url: str
    title: str
    why: str


PAUSES = "Pauses past the date to revisit them"
REVIEWS = "Parts past their next review"
STUCK = "Parts that look stuck"
WAITING = "Decisions waiting to be applied"
GAPS = "Stages holding parts with no measure of success"
ACTIONS = "Actions overdue"


def no_session_heading(days=NO_SESSION_DAYS):
    return f"No reflection session in {days} days"


def needs_attention(alerts):
    """[Item] of Needs attention, most urgent first: the pauses and reviews longest overdue,
    the parts stuck longest, the decisions waiting, then the innovations with stages nobody
    measures or no recent session, then the overdue actions. Each part, innovation and action
    once, with all its reasons. No query."""
    items = []

    def part(heading, group, row, first):
        why = "; ".join([first, *row.also]) if first else "; ".join(row.also)
        title = group.innovation.title
        items.append(Item(heading, row.part.name, row.part.get_absolute_url(), title, why))

    for group, row in alerts.overdue_pauses:
        part(
            PAUSES,
            group,
            row,
            f"paused in {row.stage_name}, to revisit on {row.review_on:%-d %B %Y}",
        )
    for group, row in alerts.overdue_reviews or []:
        part(REVIEWS, group, row, f"review was due on {row.next_review_on:%-d %B %Y}")
    for group, row in alerts.stuck:
        part(
            STUCK,
            group,
            row,
            f"{row.stuck[0]} active days in {row.stage_name}; four in five completed stays "
            f"in {row.stage_name} here ended within {floatformat(row.stuck[1], 0)} days",
        )
    for group, row in alerts.waiting_decisions:
        part(WAITING, group, row, "")
    for innovation, stages, also in alerts.gaps:
        where = ", ".join(f"{name} ({n} part{'s' if n != 1 else ''})" for name, n in stages)
        items.append(
            Item(
                GAPS,
                innovation.title,
                innovation.get_absolute_url(),
                "",
                "; ".join([where, *also]),
            )
        )
    for group in alerts.no_recent_session:
        why = (
            f"last session on {group.last_session:%-d %B %Y}"
            if group.last_session
            else "no session yet"
        )
        innovation = group.innovation
        items.append(
            Item(no_session_heading(), innovation.title, innovation.get_absolute_url(), "", why)
        )
    for action in alerts.overdue_actions:
        items.append(
            Item(
                ACTIONS,
                truncatechars(action.text, 120),
                "",
                action.session.innovation.title,
                f"{name_of(action.owner)}, due {action.due_on:%-d %B %Y}",
            )
        )
    return items


@dataclass
class Portfolio:
    on: date
    groups: list  # every innovation that matches, with the rows that match
    counts: dict  # {stage: {state: count}} of the rows that match
    alerts: Alerts
    tags: list

    @property
    def rows(self):
        return [row for group in self.groups for row in group.rows]


@dataclass
class Filters:
    stage: int | None = None
    state: str = ""
    tag: str = ""
    lead: int | None = None
    stuck: bool = False
    status: str = "open"  # open, closed or all

    @property
    def on_parts(self):
        return bool(self.stage or self.state or self.lead or self.stuck)


def _of(organisation, innovations):
    """The innovations to read: those the person may see (`innovations`, a queryset from
    innovate.access.visible_innovations), or all of the organisation's."""
    if innovations is None:
        return Innovation.objects.filter(organisation=organisation)
    return innovations


def portfolio(organisation, on, filters=None, *, today, innovations=None, decisions=False):
    """The portfolio as of the end of `on`, the alerts with it, of the innovations the person
    may see (`innovations`, a queryset; all of the organisation's when None). For today, where
    each part stands is its own current position, kept by the write path; for an earlier date,
    or with `decisions` (each row's `move`, the decision that put the part there), its last
    live move by then is read as well. Nine queries, ten with the moves."""
    filters = filters or Filters()
    seen = _of(organisation, innovations)
    innovations = list(seen.select_related("lead").order_by("title", "pk"))
    # Every part is read, closed or not, so that the alerts and the filters see the same
    # rows; which are counted is decided by the innovation's status as counted_parts does.
    everything = queries.counted_parts(organisation, on, status="all", innovations=seen)
    parts = list(everything.select_related("lead", "stage").order_by("name"))
    if on == today and not decisions:
        latest = None
        where = {part.pk: Where.of(part) for part in parts}
    else:
        latest = queries.latest_moves(organisation, on, counted=everything)
        where = latest
    times = queries.durations(organisation, on, counted=everything)
    stuck = queries.stuck_parts(organisation, on, times=times)
    book = org_queries.MeasureBook(
        organisation,
        on,
        innovation_ids=seen.values("pk"),
        positions=org_queries.positions_from(
            (part, where[part.pk]) for part in parts if part.pk in where
        ),
    )
    sessions = org_queries.last_sessions(organisation, on)

    by_innovation = {i.pk: Group(i, closed_by(i, on), sessions.get(i.pk)) for i in innovations}
    every = []
    for part in parts:
        position = where.get(part.pk)
        if position is None:
            continue
        on_track, in_use = book.on_track(part.pk, part.innovation_id, position.to_stage.number)
        row = Row(
            part=part,
            where=position,
            days_in_stage=queries.days_in_stage(times.get(part.pk), on),
            on_track=on_track,
            measures=in_use,
            stuck=stuck.get(part.pk),
            move=latest.get(part.pk) if latest is not None else None,
        )
        every.append((by_innovation[part.innovation_id], row))

    alerts = _alerts(organisation, on, today, every, stuck, book, sessions, by_innovation, seen)

    counts = queries.empty_counts()
    for group, row in every:
        if _innovation_matches(group, filters) and _row_matches(row, group, filters):
            group.rows.append(row)
            counts[row.stage][row.state] += 1
    groups = [
        group
        for group in by_innovation.values()
        if _innovation_matches(group, filters) and (group.rows or not filters.on_parts)
    ]
    tags = sorted({tag for i in innovations for tag in i.tags})
    return Portfolio(on, groups, counts, alerts, tags)


def _innovation_matches(group, filters):
    innovation = group.innovation
    if filters.status == "open" and group.closed:
        return False
    if filters.status == "closed" and not group.closed:
        return False
    return not (filters.tag and filters.tag.lower() not in innovation.tags)


def _row_matches(row, group, filters):
    if filters.stage and row.stage != filters.stage:
        return False
    if filters.state and row.state != filters.state:
        return False
    if filters.lead and filters.lead not in (row.part.lead_id, group.innovation.lead_id):
        return False
    return not (filters.stuck and row.stuck is None)


def _alerts(organisation, on, today, every, stuck, book, sessions, by_innovation, seen):
    current = [(group, row) for group, row in every if not group.closed]
    pauses = sorted(
        (
            (group, row)
            for group, row in current
            if row.state == State.PAUSED and row.review_on and row.review_on < on
        ),
        key=lambda item: item[1].review_on,
    )
    reviews = None
    if on == today:
        reviews = sorted(
            (
                (group, row)
                for group, row in current
                if row.next_review_on and row.next_review_on < on
            ),
            key=lambda item: item[1].next_review_on,
        )
    stuck_rows = sorted(
        ((group, row) for group, row in current if row.stuck),
        key=lambda item: -item[1].stuck[0],
    )
    # A part is listed once, under its first reason, with the others beside it.
    listed = {row.part.pk: row for _group, row in [*pauses, *(reviews or [])]}
    for _group, row in stuck_rows:
        if row.part.pk in listed:
            listed[row.part.pk].also.append(
                f"{row.stuck[0]} active days in {row.stage_name}, longer than four in five "
                "completed stays there"
            )
    stuck_rows = [(group, row) for group, row in stuck_rows if row.part.pk not in listed]
    waiting = _waiting_decisions(organisation, on, current, [*listed.values()], stuck_rows, seen)
    gaps = defaultdict(list)
    names = stage_names()
    for gap in org_queries.coverage_gaps(
        [(group.innovation.pk, row.stage, row.state) for group, row in current],
        book.measured(),
    ):
        gaps[gap.innovation_id].append((names[gap.stage], gap.parts))
    gaps = [Gap(by_innovation[pk].innovation, stages, []) for pk, stages in gaps.items()]
    gaps.sort(key=lambda gap: gap.innovation.title)
    started = {group.innovation.pk: group for group, _row in current}
    since = on - timedelta(days=NO_SESSION_DAYS)
    quiet = sorted(
        (
            group
            for pk, group in started.items()
            if sessions.get(pk) is None or sessions[pk] < since
        ),
        key=lambda group: (group.last_session or date.min, group.innovation.title),
    )
    # An innovation is listed once, under its gaps, with its want of a session beside them.
    with_gaps = {gap.innovation.pk: gap for gap in gaps}
    for group in quiet:
        gap = with_gaps.get(group.innovation.pk)
        if gap is not None:
            gap.also.append(
                f"last session on {group.last_session:%-d %B %Y}"
                if group.last_session
                else "no session yet"
            )
    quiet = [group for group in quiet if group.innovation.pk not in with_gaps]
    actions = org_queries.overdue_actions(organisation, on, innovations=seen)
    return Alerts(pauses, reviews, stuck_rows, gaps, quiet, actions, waiting)


def _waiting_decisions(organisation, on, current, listed, stuck_rows, seen):
    """[(group, row)] of the counted parts with session decisions waiting to be applied at the
    end of `on` and no other reason to be listed; a part already listed (`listed` rows,
    `stuck_rows`) gets the decisions beside its other reasons instead. One query."""
    rows = {row.part.pk: (group, row) for group, row in current}
    shown = {row.part.pk: row for row in listed} | {row.part.pk: row for _g, row in stuck_rows}
    reasons = defaultdict(list)
    counted = queries.counted_parts(organisation, on, innovations=seen)
    for decision in org_queries.pending_decisions(organisation, on, parts=counted):
        if decision.part_id in rows:
            reasons[decision.part_id].append(
                f"Decision from {decision.session.title} on {decision.decided_on:%-d %B %Y} "
                f"waiting to be applied: {decision.describe()}"
            )
    waiting = []
    for part_pk, found in reasons.items():
        if part_pk in shown:
            shown[part_pk].also.extend(found)
        else:
            group, row = rows[part_pk]
            row.also.extend(found)
            waiting.append((group, row))
    return waiting


def recent_moves(organisation, on, *, status="open", limit=12, innovations=None):
    """The latest moves dated on or before `on` of the parts counted
    (stages.queries.counted_parts), newest first, voids and voided moves included. One
    query."""
    counted = queries.counted_parts(organisation, on, status=status, innovations=innovations)
    order = ("-effective_on", "-recorded_at", "-seq")
    # The newest moves are found first on the moves alone, then read with what they show:
    # joining first would join every move of the organisation before keeping twelve.
    newest = (
        Move.all_objects.filter(
            organisation=organisation, effective_on__lte=on, part__in=counted.values("pk")
        )
        .order_by(*order)
        .values("pk")[:limit]
    )
    return list(
        Move.all_objects.filter(pk__in=newest)
        .select_related("part__innovation", "to_stage", "recorded_by", "voids", "voided_by")
        .order_by(*order)
    )


def is_voided(move):
    """Whether a move was voided. Needs `voided_by` selected."""
    try:
        return move.voided_by is not None
    except Move.DoesNotExist:
        return False


# --- The summary line ----------------------------------------------------------------


@dataclass
class Summary:
    """The dashboard's first line: the innovations and parts counted (as filtered), the parts
    in each state, the items that need attention and what moved since a chosen point."""

    innovations: int
    parts: int
    by_state: dict  # {state: parts}
    attention: int
    after: date  # the moves dated after the end of this day, up to the as-of date, count
    since: str  # that point in words: "since 30 May 2024, a month before"
    moves: int
    moved_parts: int
    status: str = "open"  # the innovations counted: open, closed or all

    @property
    def compare_from(self):
        """The first date of the compare page that lists these moves, where it can."""
        return self.after if self.after >= EARLIEST else None


def months_before(on, months):
    """The same day `months` months before `on`, or the last day of that month."""
    index = on.year * 12 + on.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(on.day, monthrange(year, month)[1]))


def since_point(point, on, last_session):
    """(the day after whose end moves count, those words) for `point`: "session" (the latest
    session held by `on`), "month", "quarter" or ("date", a day)."""
    if point == "session":
        if last_session is None:
            return EARLIEST - timedelta(days=1), "since the first move (no session held yet)"
        return last_session, f"since the last session, on {last_session:%-d %B %Y}"
    if point in ("month", "quarter"):
        after = months_before(on, 1 if point == "month" else 3)
        return after, f"since {after:%-d %B %Y}, a {point} before"
    after = point[1]
    return after, f"since {after:%-d %B %Y}"


def summary(organisation, found, on, point, *, status="open"):
    """The Summary of the portfolio `found` (as filtered) as of the end of `on`: its counts
    are those of the page, and the moves counted are the live moves of its parts dated after
    `point` (see since_point) up to the end of `on`, as the compare page lists them. One
    query."""
    held = [group.last_session for group in found.groups if group.last_session]
    after, words = since_point(point, on, max(held, default=None))
    shown = {row.part.pk for row in found.rows}
    counted = queries.counted_parts(organisation, on, status=status)
    # Only the parts of the live moves are needed to count them, not the moves themselves.
    moved = (
        Move.all_objects.live()
        .filter(
            organisation=organisation,
            effective_on__gt=after,
            effective_on__lte=on,
            part__in=counted.values("pk"),
        )
        .values_list("part_id", flat=True)
    )
    moves = [part_id for part_id in moved if part_id in shown]
    return Summary(
        innovations=len(found.groups),
        parts=len(found.rows),
        by_state={
            state: sum(found.counts[n][state] for n in found.counts) for state in State.values
        },
        attention=found.alerts.count,
        after=after,
        since=words,
        moves=len(moves),
        moved_parts=len(set(moves)),
        status=status,
    )


# --- Durations ---------------------------------------------------------------------------


@dataclass
class DurationRow:
    part: Part
    days: dict  # {stage: active days}, stages visited only
    paused: dict  # {stage: paused days}
    visits: dict  # {stage: visits}
    paused_days: int
    stopped_days: int
    rewinds: int
    pauses: int

    @property
    def cells(self):
        """[(stage, active days or None, visits)] for the six stages."""
        return [(n, self.days.get(n), self.visits.get(n, 0)) for n in queries.STAGES]


def durations(organisation, on, *, status="open", innovations=None):
    """([DurationRow] of every part counted (stages.queries.counted_parts) and started by the
    end of `on`, in innovation and part order; {stage: queries.Median}). Two queries."""
    counted = queries.counted_parts(organisation, on, status=status, innovations=innovations)
    times = queries.durations(organisation, on, counted=counted)
    parts = (
        Part.objects.filter(organisation=organisation, pk__in=list(times))
        .select_related("innovation")
        .order_by("innovation__title", "name", "pk")
    )
    rows = []
    for part in parts:
        t = times[part.pk]
        rows.append(
            DurationRow(
                part=part,
                days={n: s.active_days for n, s in t.stages.items()},
                paused={n: s.paused_days for n, s in t.stages.items()},
                visits={n: s.visits for n, s in t.stages.items()},
                paused_days=sum(s.paused_days for s in t.stages.values()),
                stopped_days=t.stopped_days,
                rewinds=t.rewinds,
                pauses=t.pauses,
            )
        )
    return rows, queries.stage_medians(times)


# --- The board report --------------------------------------------------------------------


@dataclass
class ReportPage:
    innovation: Innovation
    closed: bool
    markers: list
    lanes: list
    start: date
    measures: list
    decisions: list  # the latest live moves, newest first
    session_decisions: list
    last_session: date | None


def report(organisation, on, *, status="open", decisions=5, innovations=None):
    """A page per innovation as of the end of `on` (of those the person may see,
    `innovations`): its wheel, the journey of each part, its measures with their status, its
    last decisions and, once closed, what was learned. Six queries at most."""
    seen = _of(organisation, innovations)
    innovations = list(seen.select_related("lead").order_by("title", "pk"))
    innovations = [
        i for i in innovations if status == "all" or (status == "closed") == closed_by(i, on)
    ]
    moves = list(
        Move.objects.filter(
            organisation=organisation,
            effective_on__lte=on,
            part__innovation__in=seen.values("pk"),
        )
        .select_related("part", "to_stage", "voids")
        .order_by("part__innovation_id", "part__name", "part_id", "seq")
    )
    voided = {m.voids_id for m in moves if m.voids_id is not None}
    last_live = {
        m.part_id: m for m in moves if m.kind != MoveKind.VOID and m.pk not in voided
    }  # moves are in seq order within each part: the last kept is where the part stood
    book = org_queries.MeasureBook(
        organisation,
        on,
        innovation_ids=seen.values("pk"),
        positions=org_queries.positions_from((m.part, m) for m in last_live.values()),
    )
    sessions = org_queries.last_sessions(organisation, on)
    session_decisions = org_queries.last_decisions(organisation, on)
    by_innovation = defaultdict(list)
    for move in moves:
        by_innovation[move.part.innovation_id].append(move)
    pages = []
    for innovation in innovations:
        journey = by_innovation.get(innovation.pk, [])
        live = [m for m in journey if m.kind != MoveKind.VOID and m.pk not in voided]
        lanes, markers = timeline_lanes(live, journey, voided, on)
        pages.append(
            ReportPage(
                innovation=innovation,
                closed=closed_by(innovation, on),
                markers=markers,
                lanes=lanes,
                start=min((m.effective_on for m in journey), default=on - timedelta(days=365)),
                measures=book.for_innovation(innovation.pk),
                decisions=sorted(
                    live, key=lambda m: (m.effective_on, m.recorded_at, m.seq), reverse=True
                )[:decisions],
                session_decisions=session_decisions.get(innovation.pk, []),
                last_session=sessions.get(innovation.pk),
            )
        )
    return pages


def timeline_lanes(live, journey, voided, on):
    """(lanes for innovate.pictures.timeline_svg, wheel markers) from an innovation's moves in
    part order. No query."""
    by_part = defaultdict(list)
    names = {}
    for move in journey:
        by_part[move.part_id].append(move)
        names[move.part_id] = move.part.name
    live_by_part = defaultdict(list)
    for move in live:
        live_by_part[move.part_id].append(move)
    lanes, markers = [], []
    for part_id, moves in by_part.items():
        chain = live_by_part.get(part_id)
        if not chain:
            continue
        segments = [
            {
                "start": move.effective_on,
                "end": following.effective_on if following else on,
                "stage": move.to_stage.number,
                "state": move.to_state,
                "words": f"{State(move.to_state).label.lower()} in {move.to_stage.name}",
            }
            for move, following in zip(chain, [*chain[1:], None], strict=True)
        ]
        events = [
            (
                m.effective_on,
                m.kind,
                ("Voided: " if m.pk in voided else "")
                + f"{m.describe()} on {m.effective_on:%-d %B %Y}",
                m.pk in voided,
            )
            for m in moves
            if m.kind != MoveKind.VOID
            and (m.kind in (MoveKind.REWIND, MoveKind.STOP) or m.pk in voided)
        ]
        lanes.append((names[part_id], segments, events))
        last = chain[-1]
        markers.append(
            Marker(
                len(markers) + 1,
                names[part_id],
                last.to_stage.number,
                last.to_state,
                last.cycle,
            )
        )
    return lanes, markers
