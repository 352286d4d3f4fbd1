"""Each part's visits to each stage, kept on the write path: stages.services writes a part's
visits again from its live moves in the same transaction as each move (a void included), so
the dashboards read the time in each stage and the stuck parts from a table instead of folding
the organisation's whole log. The rules are those of stages.queries.durations (the fold it is
tested against): a visit ends when the stage or the cycle changes, a pause does not end it,
paused days are counted apart and stopped days belong to no stage."""

from collections import defaultdict
from typing import NamedTuple

from django.db import transaction

from stages.models import Move, MoveKind, Part, StageVisit, State


class Step(NamedTuple):
    """A live move, as the fold needs it."""

    kind: str
    stage: int
    state: str
    cycle: int
    effective_on: object


def visits_from(steps, *, part_id, organisation_id):
    """[StageVisit] (unsaved) of one part from its live moves in seq order (`steps`: Step). No
    query."""
    visits = []
    for step, following in zip(steps, [*steps[1:], None], strict=False):
        visit = visits[-1] if visits else None
        if visit is None or (visit.stage, visit.cycle) != (step.stage, step.cycle):
            if visit is not None:
                visit.current = False
            visit = StageVisit(
                organisation_id=organisation_id,
                part_id=part_id,
                number=len(visits) + 1,
                stage=step.stage,
                cycle=step.cycle,
                started_on=step.effective_on,
                current=True,
            )
            visits.append(visit)
        visit.last_on = step.effective_on
        visit.last_state = step.state
        if step.kind == MoveKind.REWIND:
            visit.rewinds += 1
        if step.kind == MoveKind.PAUSE:
            visit.pauses += 1
        if following is None:
            continue  # the open span: counted when read, up to the date read
        days = (following.effective_on - step.effective_on).days
        if step.state == State.ACTIVE:
            visit.active_days += days
        elif step.state == State.PAUSED:
            visit.paused_days += days
        else:
            visit.stopped_days += days
    return visits


def step_of(move):
    """The Step of a Move (its `to_stage` selected)."""
    return Step(move.kind, move.to_stage.number, move.to_state, move.cycle, move.effective_on)


def record(part, live_moves):
    """Write the part's visits again from its live moves (Moves in seq order, `to_stage`
    selected), inside the caller's transaction. Two queries."""
    StageVisit.objects.filter(part_id=part.pk).delete()
    StageVisit.objects.bulk_create(
        visits_from(
            [step_of(m) for m in live_moves],
            part_id=part.pk,
            organisation_id=part.organisation_id,
        )
    )


def rebuild(*, organisation=None, batch=500):
    """Write every part's visits again from the log (of one organisation, or all), a batch of
    parts at a time, each batch in its own transaction. Returns (parts, visits) written."""
    parts = Part.all_objects.order_by("pk")
    if organisation is not None:
        parts = parts.filter(organisation=organisation)
    ids = list(parts.values_list("pk", "organisation_id"))
    written = 0
    for start in range(0, len(ids), batch):
        chunk = dict(ids[start : start + batch])
        steps = defaultdict(list)
        rows = (
            Move.all_objects.live()
            .filter(part_id__in=list(chunk))
            .order_by("part_id", "seq")
            .values_list("part_id", "kind", "to_stage__number", "to_state", "cycle", "effective_on")
        )
        for part_id, *step in rows:
            steps[part_id].append(Step(*step))
        visits = [
            visit
            for part_id, organisation_id in chunk.items()
            for visit in visits_from(
                steps.get(part_id, []), part_id=part_id, organisation_id=organisation_id
            )
        ]
        with transaction.atomic():
            StageVisit.objects.filter(part_id__in=list(chunk)).delete()
            StageVisit.objects.bulk_create(visits, batch_size=2000)
        written += len(visits)
    return len(ids), written
