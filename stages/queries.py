"""Reads that aggregate an organisation's journey: which parts are counted, positions and the
latest moves as of a date, durations and stuck parts, parts per stage at the end of each month,
the moves between two dates and the median time in each stage. Each runs a fixed number of
queries, whatever the number of parts or moves, on PostgreSQL and SQLite alike."""

import statistics
from calendar import monthrange
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from django.db.models import Exists, F, OuterRef, Q, Subquery, Sum, Window
from django.db.models.functions import Lead, RowNumber

from stages.models import Innovation, InnovationStatus, Move, MoveKind, Part, StageVisit, State

# The innovations whose parts are counted: open ones unless closed ones are asked for.
COUNTED = {
    "open": "open innovations",
    "closed": "closed innovations",
    "all": "open and closed innovations",
}


@dataclass(frozen=True)
class AsOf:
    part_id: int
    stage: int
    state: str
    cycle: int
    effective_on: date
    seq: int


def counted_parts(organisation, on, *, status="open", innovations=None):
    """The parts a page, picture, report or export counts at the end of day `on`: those of the
    organisation's open innovations by default, of its closed ones (`status="closed"`) or of
    both (`"all"`). An innovation closed after `on` was still open then. `innovations`: the
    innovations the person may see (innovate.access.visible_innovations), a queryset used as
    a subquery; the parts of others are not counted. The one place that decides what is
    counted; a lazy queryset, so callers use it as a subquery and add no query."""
    parts = Part.objects.filter(organisation=organisation)
    if innovations is not None:
        parts = parts.filter(innovation__in=innovations.values("pk"))
    closed = Q(innovation__status=InnovationStatus.CLOSED) & (
        Q(innovation__closed_on__isnull=True) | Q(innovation__closed_on__lte=on)
    )
    if status == "open":
        return parts.exclude(closed)
    if status == "closed":
        return parts.filter(closed)
    return parts


def is_counted(status, innovation_status, closed_on, on):
    """Whether a part of an innovation with this status and closing date is counted at the end
    of `on`: the rule of `counted_parts`, for rows already read."""
    closed = innovation_status == InnovationStatus.CLOSED and (closed_on is None or closed_on <= on)
    return status == "all" or (status == "closed") == closed


def counted_words(status, parts):
    """What a page counts, in words: "open innovations; 23 parts"."""
    return f"{COUNTED[status]}; {parts} part{'' if parts == 1 else 's'}"


def _moves(organisation, *, innovation=None, part=None, counted=None):
    """Live moves of the organisation; of the parts `counted` (a queryset of parts) only,
    where it is given."""
    moves = Move.objects.live().filter(organisation=organisation)
    if counted is not None:
        moves = moves.filter(part__in=counted.values("pk"))
    if innovation is not None:
        moves = moves.filter(part__innovation=innovation)
    if part is not None:
        moves = moves.filter(part=part)
    return moves


def latest_moves(organisation, on=None, *, innovation=None, counted=None):
    """{part id: its last live Move}, or the last dated on or before the end of day `on`:
    where each part stood (`to_stage`, `to_state`, `cycle`) and the decision that put it there
    (`review_on` for a pause). Parts that started after `on` are absent. One query (`to_stage`
    selected); the one way every page finds the latest moves."""
    moves = _moves(organisation, innovation=innovation, counted=counted)
    if on is not None:
        moves = moves.filter(effective_on__lte=on)
    moves = (
        moves.annotate(
            rank=Window(RowNumber(), partition_by=[F("part_id")], order_by=F("seq").desc())
        )
        .filter(rank=1)
        .select_related("to_stage")
    )
    return {move.part_id: move for move in moves}


def positions_as_of(organisation, on, *, innovation=None):
    """{part id: AsOf} at the end of day `on`: each part's last live move dated on or before
    it. Parts that started later are absent. One query."""
    return {
        part_id: AsOf(
            part_id, move.to_stage.number, move.to_state, move.cycle, move.effective_on, move.seq
        )
        for part_id, move in latest_moves(organisation, on, innovation=innovation).items()
    }


@dataclass
class StageTime:
    active_days: int = 0
    paused_days: int = 0
    visits: int = 0
    by_cycle: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0]))


@dataclass
class Visit:
    part_id: int
    stage: int
    cycle: int
    started_on: date
    active_days: int = 0
    paused_days: int = 0
    open: bool = False
    state: str = ""  # the state of its latest move: the part's own, while the visit is open


@dataclass
class PartTimes:
    stages: dict = field(default_factory=lambda: defaultdict(StageTime))
    visits: list = field(default_factory=list)
    rewinds: int = 0
    pauses: int = 0
    stopped_days: int = 0

    @property
    def current(self):
        return self.visits[-1] if self.visits and self.visits[-1].open else None


def spans(organisation, on, *, innovation=None, part=None, counted=None):
    """Live moves dated on or before `on` with the date of the next one (None for the last),
    ordered by part and seq. One query."""
    return spans_of(_moves(organisation, innovation=innovation, part=part, counted=counted), on)


def spans_of(moves, on):
    """As `spans`, for any queryset of live moves (a network's reads span organisations)."""
    return (
        moves.filter(effective_on__lte=on)
        .annotate(next_on=Window(Lead("effective_on"), partition_by=[F("part_id")], order_by="seq"))
        .order_by("part_id", "seq")
        .values(
            "part_id",
            "organisation_id",
            "kind",
            "to_stage__number",
            "to_state",
            "cycle",
            "effective_on",
            "next_on",
        )
    )


def durations(organisation, on, *, innovation=None, part=None, counted=None):
    """{part id: PartTimes} as of the end of day `on`: read from the parts' visits
    (stages.visits, kept by the write path) when `on` is on or after every counted part's
    latest live move, as it is for today; folded from the log otherwise (`fold_durations`).
    One query, or two for a date before some part's latest move."""
    if innovation is None and part is None:
        found = durations_from_visits(organisation, on, counted=counted)
        if found is not None:
            return found
    return fold_durations(organisation, on, innovation=innovation, part=part, counted=counted)


class VisitRow(NamedTuple):
    part_id: int
    stage: int
    cycle: int
    started_on: date
    last_on: date
    last_state: str
    current: bool
    active_days: int
    paused_days: int
    stopped_days: int
    rewinds: int
    pauses: int


def durations_from_visits(organisation, on, *, counted=None):
    """{part id: PartTimes} at the end of day `on` from the table of visits, or None when some
    counted part has a live move dated after `on` (the table holds the journey up to its
    latest move, so it answers only from then on). `counted`: current parts (Part.objects).
    One query."""
    visits = StageVisit.objects.filter(organisation=organisation)
    if counted is not None:
        # Counted parts are current ones already (Part.objects).
        visits = visits.filter(part__in=counted.values("pk"))
    else:
        visits = visits.filter(
            part__withdrawn_at__isnull=True, part__innovation__withdrawn_at__isnull=True
        )
    result = defaultdict(PartTimes)
    rows = visits.order_by("part_id", "number").values_list(
        "part_id",
        "stage",
        "cycle",
        "started_on",
        "last_on",
        "last_state",
        "current",
        "active_days",
        "paused_days",
        "stopped_days",
        "rewinds",
        "pauses",
    )
    for row in rows:
        row = VisitRow(*row)
        if row.last_on > on:
            return None
        times = result[row.part_id]
        active, paused, stopped = row.active_days, row.paused_days, row.stopped_days
        if row.current:
            days = (on - row.last_on).days
            if row.last_state == State.ACTIVE:
                active += days
            elif row.last_state == State.PAUSED:
                paused += days
            else:
                stopped += days
        times.visits.append(
            Visit(
                row.part_id,
                row.stage,
                row.cycle,
                row.started_on,
                active,
                paused,
                row.current,
                row.last_state,
            )
        )
        stage_time = times.stages[row.stage]
        stage_time.visits += 1
        stage_time.active_days += active
        stage_time.paused_days += paused
        stage_time.by_cycle[row.cycle][0] += active
        stage_time.by_cycle[row.cycle][1] += paused
        times.stopped_days += stopped
        times.rewinds += row.rewinds
        times.pauses += row.pauses
    return dict(result)


class Standing(NamedTuple):
    """Where a part stands at the end of a date and its time so far, read from its visits."""

    stage: int
    state: str
    cycle: int
    last_move: str
    last_move_on: date
    review_on: date | None
    days_in_stage: int
    paused_days: int
    stopped_days: int
    rewinds: int
    pauses: int


def with_standing(parts):
    """The parts (a queryset) annotated with what `standing` reads: their latest visit (from
    stages.visits, kept by the write path), the sums over all their visits, and the kind and
    review date of their latest live move. Correlated subqueries on the visits' and the
    moves' (part, number) and (part, seq) keys: no query of its own, no row per move read."""
    visits = StageVisit.objects.filter(part=OuterRef("pk"))
    latest = visits.order_by("-number")
    # The latest live move, found by walking the part's moves back from its last one (its
    # (part, seq) key) and stopping at the first that is neither a void nor voided. The parts
    # are given, so the moves' own filter of withdrawn parts is left out: its joins, and a
    # join for "voided", would make the planner sort each part's moves, and estimate the query
    # costly enough to compile it first, which takes longer than running it.
    voided = Move.all_objects.filter(voids=OuterRef("pk"))
    move = (
        Move.all_objects.filter(part=OuterRef("pk"))
        .exclude(kind=MoveKind.VOID)
        .filter(~Exists(voided))
        .order_by("-seq")
    )

    def total(name):
        return Subquery(
            visits.order_by().values("part").annotate(total=Sum(name)).values("total")[:1]
        )

    return parts.annotate(
        visit_stage=Subquery(latest.values("stage")[:1]),
        visit_cycle=Subquery(latest.values("cycle")[:1]),
        visit_started_on=Subquery(latest.values("started_on")[:1]),
        visit_last_on=Subquery(latest.values("last_on")[:1]),
        visit_last_state=Subquery(latest.values("last_state")[:1]),
        visit_current=Subquery(latest.values("current")[:1]),
        visits_paused=total("paused_days"),
        visits_stopped=total("stopped_days"),
        visits_rewinds=total("rewinds"),
        visits_pauses=total("pauses"),
        move_kind=Subquery(move.values("kind")[:1]),
        move_review_on=Subquery(move.values("review_on")[:1]),
    )


STANDING_FIELDS = [
    "visit_stage",
    "visit_cycle",
    "visit_started_on",
    "visit_last_on",
    "visit_last_state",
    "visit_current",
    "visits_paused",
    "visits_stopped",
    "visits_rewinds",
    "visits_pauses",
    "move_kind",
    "move_review_on",
]


def standing(row, on):
    """The Standing at the end of `on` of a part read through `with_standing` (a dict of
    `STANDING_FIELDS`), as `durations` and `latest_moves` would give it; None for a part with
    no visit, and for one whose latest move is dated after `on`: the visits answer only from
    a part's latest move on (read the log then). No query."""
    last_on = row["visit_last_on"]
    if last_on is None or last_on > on:
        return None
    state = row["visit_last_state"]
    paused, stopped = row["visits_paused"] or 0, row["visits_stopped"] or 0
    if row["visit_current"]:
        days = (on - last_on).days
        if state == State.PAUSED:
            paused += days
        elif state != State.ACTIVE:
            stopped += days
    return Standing(
        row["visit_stage"],
        state,
        row["visit_cycle"],
        row["move_kind"],
        last_on,
        row["move_review_on"] if state == State.PAUSED else None,
        (on - row["visit_started_on"]).days,
        paused,
        stopped,
        row["visits_rewinds"] or 0,
        row["visits_pauses"] or 0,
    )


def fold_durations(organisation, on, *, innovation=None, part=None, counted=None):
    """{part id: PartTimes} as of the end of day `on`, folded from the live moves.

    Days run between consecutive moves' dates; the open span ends at `on`. A visit to a stage
    ends when the stage or the cycle changes (a pause does not end it); paused days are
    counted apart; stopped days belong to no stage. One query."""
    rows = spans(organisation, on, innovation=innovation, part=part, counted=counted)
    return fold_spans(rows, on)


def fold_spans(rows, on):
    """{part id: PartTimes} from `rows` as `spans` reads them, the open span ending at `on`:
    the one fold of time in a stage, for an organisation's pages and a network's alike. No
    query of its own."""
    result = defaultdict(PartTimes)
    for row in rows:
        times = result[row["part_id"]]
        stage, cycle, state = row["to_stage__number"], row["cycle"], row["to_state"]
        end = row["next_on"] or on
        days = (end - row["effective_on"]).days
        if row["kind"] == "rewind":
            times.rewinds += 1
        if row["kind"] == "pause":
            times.pauses += 1
        visit = times.visits[-1] if times.visits else None
        if visit is None or (visit.stage, visit.cycle) != (stage, cycle):
            if visit is not None:
                visit.open = False
            visit = Visit(row["part_id"], stage, cycle, row["effective_on"])
            times.visits.append(visit)
            times.stages[stage].visits += 1
        visit.open = row["next_on"] is None
        visit.state = state
        stage_time = times.stages[stage]
        if state == State.ACTIVE:
            visit.active_days += days
            stage_time.active_days += days
            stage_time.by_cycle[cycle][0] += days
        elif state == State.PAUSED:
            visit.paused_days += days
            stage_time.paused_days += days
            stage_time.by_cycle[cycle][1] += days
        else:
            times.stopped_days += days
    return dict(result)


def stuck_parts(organisation, on, *, innovation=None, times=None):
    """{part id: (current visit's active days, 80th percentile)} for parts whose current visit
    has lasted longer, in active days, than 80% of the organisation's completed visits to that
    stage; only stages with at least 5 completed visits count. Parts paused or stopped now are
    not stuck: they are where someone decided they would be. `times` may pass the
    organisation's durations as of `on` when the caller has them already."""
    all_times = durations(organisation, on) if times is None else times
    completed = defaultdict(list)
    for times in all_times.values():
        for visit in times.visits:
            if not visit.open:
                completed[visit.stage].append(visit.active_days)
    limits = {
        stage: statistics.quantiles(days, n=5, method="inclusive")[3]
        for stage, days in completed.items()
        if len(days) >= 5
    }
    if innovation is None:
        # Each part's state now is that of its open visit's latest move: no query.
        current_states = {
            part_id: times.current.state
            for part_id, times in all_times.items()
            if times.current is not None
        }
    else:
        current_states = {
            part_id: position.state
            for part_id, position in positions_as_of(
                organisation, on, innovation=innovation
            ).items()
        }
    stuck = {}
    for part_id, state in current_states.items():
        times = all_times.get(part_id)
        visit = times.current if times else None
        if visit is None or state != State.ACTIVE or visit.stage not in limits:
            continue
        if visit.active_days > limits[visit.stage]:
            stuck[part_id] = (visit.active_days, limits[visit.stage])
    return stuck


# What moved and how the wheel changed over time (the flow), and medians of time in a stage.

STAGES = range(1, 7)


def empty_counts():
    """{stage number: {state: 0}} for the six stages."""
    return {n: {s: 0 for s in State.values} for n in STAGES}


def month_ends(on, months):
    """The last day of each of the `months` - 1 whole months before `on`'s month, then `on`
    itself: the points a flow chart ending at `on` is drawn at, oldest first."""
    ends = [on]
    year, month = on.year, on.month
    for _ in range(months - 1):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        ends.append(date(year, month, monthrange(year, month)[1]))
    return sorted(ends)


def flow(organisation, ends, *, status=None, innovations=None):
    """[(date, {stage: {state: count}})] for each date of `ends`: where every part of the
    organisation stood at the end of that day, as `latest_moves` would say; with a `status`,
    only the parts counted on that day (stages.queries.counted_parts: an innovation closed
    later was still open then); with `innovations` (a queryset), only their parts. One query
    of live moves, folded in order."""
    ends = sorted(ends)
    counts = [empty_counts() for _ in ends]
    if not ends:
        return []
    moves = Move.objects.live()
    if innovations is not None:
        moves = moves.filter(part__innovation__in=innovations.values("pk"))
    rows = (
        moves.filter(organisation=organisation, effective_on__lte=ends[-1])
        .order_by("part_id", "seq")
        .values_list(
            "part_id",
            "to_stage__number",
            "to_state",
            "effective_on",
            "part__innovation__status",
            "part__innovation__closed_on",
        )
    )
    by_part = defaultdict(list)
    innovations = {}
    for part_id, stage, state, effective_on, innovation_status, closed_on in rows:
        by_part[part_id].append((effective_on, stage, state))
        innovations[part_id] = (innovation_status, closed_on)
    for part_id, journey in by_part.items():
        i, where = 0, None
        for index, end in enumerate(ends):
            while i < len(journey) and journey[i][0] <= end:
                where = journey[i][1:]
                i += 1
            if where is not None and (
                status is None or is_counted(status, *innovations[part_id], end)
            ):
                counts[index][where[0]][where[1]] += 1
    return list(zip(ends, counts, strict=True))


def moves_between(organisation, after, until, *, counted=None):
    """Every move recorded with `effective_on` in (after, until], voids and voided moves
    included, newest first; of the parts `counted` only where it is given. The part, its
    innovation, the stages, who recorded it and what it voids or was voided by are selected.
    One query."""
    moves = Move.objects.filter(
        organisation=organisation, effective_on__gt=after, effective_on__lte=until
    )
    if counted is not None:
        moves = moves.filter(part__in=counted.values("pk"))
    return list(
        moves.select_related(
            "part__innovation", "from_stage", "to_stage", "recorded_by", "voids", "voided_by"
        ).order_by("-effective_on", "-recorded_at", "-seq")
    )


class Median(NamedTuple):
    stage: int
    days: float | None
    visits: int


def stage_medians(times_by_part):
    """{stage: Median(median active days, completed visits)} over the completed visits in
    `times_by_part` ({part id: stages.queries.PartTimes}). A visit still under way has not
    ended, so it would pull the median down; it is left out. No query."""
    completed = defaultdict(list)
    for times in times_by_part.values():
        for visit in times.visits:
            if not visit.open:
                completed[visit.stage].append(visit.active_days)
    return {
        stage: Median(
            stage,
            statistics.median(completed[stage]) if completed[stage] else None,
            len(completed[stage]),
        )
        for stage in STAGES
    }


def days_in_stage(times, on):
    """Days from the start of the part's current visit to its stage to the end of `on`, or
    None when the part had not started. No query."""
    if times is None or not times.visits:
        return None
    return (on - times.visits[-1].started_on).days


def withdrawn(organisation):
    """(withdrawn innovations, parts withdrawn one by one), newest withdrawal first, with who
    withdrew them (and each part's innovation) selected. Two queries."""
    innovations = list(
        Innovation.all_objects.withdrawn()
        .filter(organisation=organisation)
        .select_related("withdrawn_by")
        .order_by("-withdrawn_at", "pk")
    )
    parts = list(
        Part.all_objects.filter(organisation=organisation, withdrawn_at__isnull=False)
        .select_related("withdrawn_by", "innovation")
        .order_by("-withdrawn_at", "pk")
    )
    return innovations, parts
