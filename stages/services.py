"""The one write path for organisations' data. Every function takes `by=` the acting user and
commits everything it writes (rows, history, the organisation's version) or nothing."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from stages import rules
from stages.models import (
    Innovation,
    InnovationStatus,
    Move,
    MoveKind,
    Organisation,
    Part,
    Stage,
    State,
)
from stages.rules import MoveRefused, Position

__all__ = [
    "MoveConflict",
    "MoveRefused",
    "bump_version",
    "close_innovation",
    "create_innovation",
    "move_part",
    "reopen_innovation",
    "save_with_history",
    "start_part",
]


class MoveConflict(Exception):
    """The part moved since the form was shown."""

    def __init__(self, part, latest):
        self.part = part
        self.latest = latest
        where = Position(part.stage.number, part.state, part.cycle).describe()
        if latest is not None:
            who = latest.recorded_by.get_full_name() or latest.recorded_by.get_username()
            when = timezone.localtime(latest.recorded_at)
            message = (
                f"{part.name} was moved by {who} on {when:%-d %B %Y at %H:%M}: "
                f"{latest.describe()}. It is now {where}."
            )
        else:
            message = f"{part.name} has changed since you opened the form. It is now {where}."
        super().__init__(message)
        self.message = message


def bump_version(organisation_id):
    """Mark the organisation's data as changed, so every cached page of it is rebuilt."""
    Organisation.objects.filter(pk=organisation_id).update(version=F("version") + 1)


def save_with_history(obj, *, by, reason):
    obj._history_user = by
    obj._change_reason = reason
    obj.save()


def stages_by_number():
    return {s.number: s for s in Stage.objects.all()}


@transaction.atomic
def create_innovation(organisation, *, by, title, **fields):
    tags = fields.pop("tags", None)
    innovation = Innovation(organisation=organisation, title=title, **fields)
    if tags is not None:
        innovation.tags = tags
    save_with_history(innovation, by=by, reason="Created")
    bump_version(organisation.pk)
    return innovation


@transaction.atomic
def update_innovation(innovation, *, by):
    save_with_history(innovation, by=by, reason="Edited")
    bump_version(innovation.organisation_id)
    return innovation


@transaction.atomic
def close_innovation(innovation, *, by, learning, closed_on=None):
    if not (learning or "").strip():
        raise MoveRefused("Say what was learned before closing.", "learning")
    innovation.status = InnovationStatus.CLOSED
    innovation.learning = learning.strip()
    innovation.closed_on = closed_on or timezone.localdate()
    save_with_history(innovation, by=by, reason="Closed")
    bump_version(innovation.organisation_id)
    return innovation


@transaction.atomic
def reopen_innovation(innovation, *, by):
    innovation.status = InnovationStatus.OPEN
    innovation.closed_on = None
    save_with_history(innovation, by=by, reason="Reopened")
    bump_version(innovation.organisation_id)
    return innovation


@transaction.atomic
def update_part(part, *, by):
    save_with_history(part, by=by, reason="Edited")
    bump_version(part.organisation_id)
    return part


@transaction.atomic
def start_part(
    innovation,
    *,
    by,
    name,
    stage=1,
    effective_on=None,
    rationale="",
    reason="",
    evidence="",
    **fields,
):
    """Create a part together with its start move."""
    today = timezone.localdate()
    effective_on = effective_on or today
    position = rules.next_position(None, MoveKind.START, stage, reason=reason, rationale=rationale)
    rules.check_effective_on(effective_on, today=today)
    stage_obj = Stage.objects.get(number=position.stage)
    part = Part(
        organisation_id=innovation.organisation_id,
        innovation=innovation,
        name=name,
        stage=stage_obj,
        state=position.state,
        cycle=position.cycle,
        stage_since=effective_on,
        state_since=effective_on,
        version=1,
        **fields,
    )
    save_with_history(part, by=by, reason=f"Move 1: started in {stage_obj.name}")
    Move.objects.create(
        organisation_id=innovation.organisation_id,
        part=part,
        seq=1,
        kind=MoveKind.START,
        to_stage=stage_obj,
        to_state=position.state,
        cycle=position.cycle,
        reason=reason,
        rationale=rationale.strip(),
        evidence=evidence,
        effective_on=effective_on,
        recorded_by=by,
    )
    bump_version(innovation.organisation_id)
    return part


def move_part(
    part,
    *,
    kind,
    by,
    to_stage=None,
    reason="",
    rationale="",
    evidence="",
    effective_on=None,
    review_on=None,
    expected_version=None,
    today=None,
):
    """Move `part` on the wheel and return the Move. Raises MoveRefused when the rules do not
    allow it and MoveConflict when `expected_version` is no longer the part's version.

    A `void` undoes the part's latest live move: the position returns to what it was before."""
    kind = MoveKind(kind)
    today = today or timezone.localdate()
    effective_on = effective_on or today
    rationale = (rationale or "").strip()
    with transaction.atomic():
        locked = Part.objects.select_for_update().get(pk=part.pk)
        if expected_version is not None and locked.version != expected_version:
            raise MoveConflict(locked, _latest_move(locked))
        live = list(
            Move.objects.live()
            .filter(part=locked)
            .select_related("from_stage", "to_stage")
            .order_by("seq")
        )
        latest = live[-1] if live else None
        current = Position(locked.stage.number, locked.state, locked.cycle)
        voided = None
        if kind == MoveKind.VOID:
            if latest is None or latest.kind == MoveKind.START:
                raise MoveRefused(
                    "There is no move to void: a part's start cannot be voided.", "kind"
                )
            rules.check_reason(kind, reason, rationale)
            if review_on is not None:
                raise MoveRefused("A date to revisit belongs only to a pause.", "review_on")
            voided = latest
            new = Position(voided.from_stage.number, voided.from_state, voided.from_cycle)
        else:
            new = rules.next_position(
                current,
                kind,
                to_stage,
                reason=reason,
                rationale=rationale,
                review_on=review_on,
                effective_on=effective_on,
            )
        rules.check_effective_on(
            effective_on,
            today=today,
            latest=(latest.get_kind_display(), latest.effective_on) if latest else None,
        )
        stages = stages_by_number()
        seq = locked.version + 1
        try:
            with transaction.atomic():
                move = Move.objects.create(
                    organisation_id=locked.organisation_id,
                    part=locked,
                    seq=seq,
                    kind=kind,
                    from_stage=locked.stage,
                    to_stage=stages[new.stage],
                    from_state=current.state,
                    to_state=new.state,
                    from_cycle=current.cycle,
                    cycle=new.cycle,
                    reason=reason,
                    rationale=rationale,
                    evidence=evidence,
                    effective_on=effective_on,
                    review_on=review_on,
                    recorded_by=by,
                    voids=voided,
                )
        except IntegrityError:
            locked.refresh_from_db()
            raise MoveConflict(locked, _latest_move(locked)) from None

        chain = live[:-1] if voided else [*live, move]
        stage_since, state_since = since_dates(chain)
        locked.stage = stages[new.stage]
        locked.state = new.state
        locked.cycle = new.cycle
        locked.stage_since = stage_since
        locked.state_since = state_since
        locked.review_on = chain[-1].review_on if new.state == State.PAUSED else None
        locked.version = seq
        move.part = locked
        save_with_history(locked, by=by, reason=f"Move {seq}: {move.describe()}")
        bump_version(locked.organisation_id)
    part.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    part._state.fields_cache.update(locked._state.fields_cache)
    return move


def since_dates(chain):
    """(stage_since, state_since) after a chain of live moves, oldest first. A visit to a stage
    lasts until the stage or the cycle changes; a state lasts until the state changes."""
    last = chain[-1]
    stage_since = state_since = last.effective_on
    for earlier in reversed(chain[:-1]):
        if (earlier.to_stage_id, earlier.cycle) != (last.to_stage_id, last.cycle):
            break
        stage_since = earlier.effective_on
    for earlier in reversed(chain[:-1]):
        if earlier.to_state != last.to_state:
            break
        state_since = earlier.effective_on
    return stage_since, state_since


def _latest_move(part):
    return (
        Move.objects.filter(part=part)
        .select_related("recorded_by", "to_stage", "part", "voids__to_stage")
        .order_by("-seq")
        .first()
    )
