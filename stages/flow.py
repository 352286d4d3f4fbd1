"""Reads of an organisation's journey over time, for the dashboards: the move that put each part
where it stood on a date, parts per stage at the end of each month, the moves between two dates
and the organisation's median time in each stage. Each runs a fixed number of queries, whatever
the number of parts or moves, on PostgreSQL and SQLite alike."""

import statistics
from calendar import monthrange
from collections import defaultdict
from datetime import date
from typing import NamedTuple

from stages.models import Move, State
from stages.queries import (
    is_counted,
    latest_moves,  # noqa: F401  (flow's callers read it here)
)

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


def flow(organisation, ends, *, status=None):
    """[(date, {stage: {state: count}})] for each date of `ends`: where every part of the
    organisation stood at the end of that day, as `latest_moves` would say; with a `status`,
    only the parts counted on that day (stages.queries.counted_parts: an innovation closed
    later was still open then). One query of live moves, folded in order."""
    ends = sorted(ends)
    counts = [empty_counts() for _ in ends]
    if not ends:
        return []
    rows = (
        Move.objects.live()
        .filter(organisation=organisation, effective_on__lte=ends[-1])
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
