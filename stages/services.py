"""The one write path for organisations' data. Every function takes `by=` the acting user and
commits everything it writes (rows, history, the organisation's version) or nothing."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from stages import clock, rules, visits
from stages.models import (
    ClosingOutcome,
    Innovation,
    InnovationStatus,
    Move,
    MoveKind,
    Organisation,
    Part,
    Reason,
    Stage,
    State,
)
from stages.rules import MoveRefused, Position

__all__ = [
    "MoveConflict",
    "MoveRefused",
    "bump_version",
    "EditConflict",
    "close_innovation",
    "create_innovation",
    "MoveOutcome",
    "move_part",
    "move_parts",
    "reopen_innovation",
    "stopped_by_closing",
    "save_with_history",
    "repair_part",
    "start_part",
    "update_innovation",
    "update_part",
    "restore_innovation",
    "restore_part",
    "withdraw_innovation",
    "withdraw_part",
]


class MoveConflict(Exception):
    """The part moved since the form was shown."""

    def __init__(self, part, latest):
        self.part = part
        self.latest = latest
        where = part.position.describe()
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


def bump_version(organisation_id, *, innovation_id=None):
    """Mark the organisation's data as changed, in the caller's transaction, so that the cached
    pages showing it are rebuilt: its dashboards always, and the pages of the innovation
    `innovation_id` only when the change is that innovation's alone; without one, the pages of
    every innovation of the organisation."""
    changes = {"version": F("version") + 1}
    if innovation_id is None:
        changes["shared_version"] = F("shared_version") + 1
    else:
        Innovation.all_objects.filter(pk=innovation_id).update(version=F("version") + 1)
    Organisation.objects.filter(pk=organisation_id).update(**changes)


def save_with_history(obj, *, by, reason, update_fields=None):
    obj._history_user = by
    obj._change_reason = reason
    obj.save(update_fields=update_fields)


def stages_by_number():
    return {s.number: s for s in Stage.objects.all()}


def names_of(stages):
    """{number: name} of `stages_by_number()`, for the rules' refusals."""
    return {number: stage.name for number, stage in stages.items()}


@transaction.atomic
def create_innovation(organisation, *, by, title, **fields):
    tags = fields.pop("tags", None)
    innovation = Innovation(organisation=organisation, title=title, **fields)
    if tags is not None:
        innovation.tags = tags
    save_with_history(innovation, by=by, reason="Created")
    bump_version(organisation.pk)
    return innovation


# The fields a person edits on a form. A part's position (stage, state, cycle, since-dates,
# version) is written only by move_part; an innovation's status only by close and reopen.
INNOVATION_FIELDS = ("title", "summary", "prompted_by", "better_for_whom", "lead", "tags_text")
PART_FIELDS = ("name", "kind", "lead", "next_review_on")
POSITION_FIELDS = (
    "stage",
    "state",
    "cycle",
    "stage_since",
    "state_since",
    "review_on",
    "version",
)


class EditConflict(Exception):
    """Someone else changed the record's editable fields since the form was shown."""

    def __init__(self, obj, latest, fields):
        self.obj = obj
        self.latest = latest
        self.fields = fields
        names = _field_names(type(obj), fields)
        if latest is not None:
            who = name_of(latest.history_user) if latest.history_user else "someone"
            when = timezone.localtime(latest.history_date)
            message = (
                f"{obj} was changed by {who} on {when:%-d %B %Y at %H:%M} since you opened "
                f"the form ({names}). Check the changes below, then save again if yours "
                "still apply."
            )
        else:
            message = f"{obj} has changed since you opened the form ({names})."
        super().__init__(message)
        self.message = message


def name_of(user):
    return user.get_full_name() or user.get_username()


def _field_names(model, fields):
    labels = []
    for name in fields:
        if name == "tags_text":
            labels.append("tags")
        else:
            labels.append(str(model._meta.get_field(name).verbose_name).lower())
    return ", ".join(labels)


def latest_history_id(obj):
    """The id of the newest history row of `obj`: a form carries it, so a save can tell
    whether someone else changed the record meanwhile. One query."""
    return obj.history.order_by("-history_id").values_list("history_id", flat=True).first()


def _edit(model, obj, *, by, allowed, fields, seen, reason):
    """Write `fields` (a subset of `allowed`) of `obj` under a row lock, only those that
    differ from the row as it stands. With `seen` (the history id the form was shown at), a
    change by someone else to any of `allowed` since then raises EditConflict."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Only {', '.join(allowed)} may be edited here, not {', '.join(unknown)}")
    locked = model.objects.select_for_update(of=("self",)).get(pk=obj.pk)
    if seen is not None:
        shown = obj.history.filter(history_id=seen).first()
        current = locked.history.order_by("-history_id").select_related("history_user").first()
        if shown is None:
            raise EditConflict(locked, current, list(fields))
        if current is not None and current.history_id != shown.history_id:
            differ = [
                name
                for name in allowed
                if getattr(shown, _attname(model, name)) != getattr(locked, _attname(model, name))
            ]
            if differ:
                raise EditConflict(locked, current, differ)
    changed = [name for name, value in fields.items() if getattr(locked, name) != value]
    if changed:
        for name in changed:
            setattr(locked, name, fields[name])
        locked._history_user = by
        locked._change_reason = f"{reason}: {_field_names(model, changed)}"
        locked.save(update_fields=changed)
        bump_version(
            locked.organisation_id,
            innovation_id=locked.pk
            if isinstance(locked, Innovation)
            else getattr(locked, "innovation_id", None),
        )
    obj.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    obj._state.fields_cache.update(locked._state.fields_cache)
    return obj, changed


def _attname(model, name):
    return model._meta.get_field(name).attname


@transaction.atomic
def update_innovation(innovation, *, by, seen=None, **fields):
    """Edit an innovation's own fields (INNOVATION_FIELDS; `tags` as a list). Returns the
    names of the fields that changed."""
    if "tags" in fields:
        holder = Innovation()
        holder.tags = fields.pop("tags") or []
        fields["tags_text"] = holder.tags_text
    _, changed = _edit(
        Innovation,
        innovation,
        by=by,
        allowed=INNOVATION_FIELDS,
        fields=fields,
        seen=seen,
        reason="Edited",
    )
    return changed


# The words of the stop move a closing writes for each live part: reopening finds the parts
# the closing stopped by them.
CLOSING_STOP = "Stopped when the innovation was closed"
CLOSING_REASONS = {
    ClosingOutcome.STOPPED_NO_BENEFIT: Reason.HARM_OR_NO_BENEFIT,
    ClosingOutcome.STOPPED_HARM: Reason.HARM_OR_NO_BENEFIT,
    ClosingOutcome.STOPPED_FUNDING: Reason.FUNDING,
}


@transaction.atomic
def close_innovation(innovation, *, by, learning, outcome, closed_on=None):
    """Close `innovation` with what was learned and how it ended. Each live (active or paused)
    part is stopped by a move dated the close date, in the same transaction; a part already
    stopped is left as it is. Nothing is deleted."""
    if not (learning or "").strip():
        raise ValidationError({"learning": "Say what was learned before closing."})
    if outcome not in ClosingOutcome.values or outcome == ClosingOutcome.NOT_RECORDED:
        raise ValidationError({"outcome": "Choose how the innovation ended."})
    outcome = ClosingOutcome(outcome)
    locked = Innovation.objects.select_for_update().get(pk=innovation.pk)
    if locked.is_closed:
        raise ValidationError(f"{locked.title} was closed on {locked.closed_on:%-d %B %Y}.")
    closed_on = closed_on or clock.localdate()
    live = Part.objects.filter(innovation=locked).exclude(state=State.STOPPED).order_by("name")
    for part in live:
        move_part(
            part,
            kind=MoveKind.STOP,
            by=by,
            reason=CLOSING_REASONS.get(outcome, Reason.OTHER),
            rationale=f"{CLOSING_STOP} ({outcome.label.lower()}).",
            effective_on=closed_on,
        )
    locked.status = InnovationStatus.CLOSED
    locked.learning = learning.strip()
    locked.closed_on = closed_on
    locked.outcome = outcome
    save_with_history(
        locked,
        by=by,
        reason="Closed",
        update_fields=["status", "learning", "closed_on", "outcome"],
    )
    bump_version(locked.organisation_id, innovation_id=locked.pk)
    innovation.status, innovation.learning = locked.status, locked.learning
    innovation.closed_on, innovation.outcome = locked.closed_on, locked.outcome
    return innovation


def stopped_by_closing(innovation):
    """The parts of a closed `innovation` that its closing stopped and that stand there still,
    by name. Two queries."""
    if not innovation.is_closed:
        return []
    parts = list(
        Part.objects.filter(innovation=innovation, state=State.STOPPED)
        .select_related("stage")
        .order_by("name")
    )
    latest = {
        m.part_id: m
        for m in Move.objects.live()
        .filter(part__in=parts)
        .annotate(rank=Window(RowNumber(), partition_by=[F("part_id")], order_by=F("seq").desc()))
        .filter(rank=1)
    }
    return [
        part
        for part in parts
        if (move := latest.get(part.pk)) is not None
        and move.kind == MoveKind.STOP
        and move.effective_on == innovation.closed_on
        and move.rationale.startswith(CLOSING_STOP)
    ]


@transaction.atomic
def reopen_innovation(innovation, *, by, restart=()):
    """Open `innovation` again; each part in `restart` (ids) that the closing stopped is
    restarted, active again at the stage it stopped in. Returns the parts restarted."""
    locked = Innovation.objects.select_for_update().get(pk=innovation.pk)
    restarted = []
    if locked.is_closed:
        wanted = {int(pk) for pk in restart}
        chosen = [part for part in stopped_by_closing(locked) if part.pk in wanted]
        locked.status = InnovationStatus.OPEN
        locked.closed_on = None
        locked.outcome = ""
        save_with_history(
            locked, by=by, reason="Reopened", update_fields=["status", "closed_on", "outcome"]
        )
        for part in chosen:
            move_part(
                part,
                kind=MoveKind.RESTART,
                by=by,
                to_stage=part.stage.number,
                reason=Reason.OTHER,
                rationale="Restarted when the innovation was reopened.",
            )
            restarted.append(part)
        bump_version(locked.organisation_id, innovation_id=locked.pk)
    innovation.status, innovation.closed_on = locked.status, locked.closed_on
    innovation.outcome = locked.outcome
    return restarted


WITHDRAWAL_FIELDS = ["withdrawn_at", "withdrawn_by", "withdrawn_reason"]


def _withdraw(model, obj, *, by, reason, what):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": f"Enter the reason for withdrawing the {what}."})
    locked = model.all_objects.select_for_update().get(pk=obj.pk)
    if locked.is_withdrawn:
        raise ValidationError(
            f"{locked} was withdrawn on {timezone.localtime(locked.withdrawn_at):%-d %B %Y}."
        )
    locked.withdrawn_at = timezone.now()
    locked.withdrawn_by = by
    locked.withdrawn_reason = reason
    save_with_history(locked, by=by, reason=f"Withdrawn: {reason}", update_fields=WITHDRAWAL_FIELDS)
    bump_version(locked.organisation_id)
    obj.withdrawn_at, obj.withdrawn_by, obj.withdrawn_reason = (
        locked.withdrawn_at,
        by,
        reason,
    )
    return obj


def _restore(model, obj, *, by, clash):
    locked = model.all_objects.select_for_update().get(pk=obj.pk)
    if not locked.is_withdrawn:
        return obj
    problem = clash(locked)
    if problem:
        raise ValidationError(problem)
    when = timezone.localtime(locked.withdrawn_at)
    locked.withdrawn_at = None
    locked.withdrawn_by = None
    locked.withdrawn_reason = ""
    save_with_history(
        locked,
        by=by,
        reason=f"Restored (withdrawn on {when:%-d %B %Y})",
        update_fields=WITHDRAWAL_FIELDS,
    )
    bump_version(locked.organisation_id)
    obj.withdrawn_at, obj.withdrawn_by, obj.withdrawn_reason = None, None, ""
    return obj


@transaction.atomic
def withdraw_innovation(innovation, *, by, reason):
    """Withdraw an innovation created by mistake, with the reason, under a row lock: it and its
    parts leave every list, count, picture, report and export, and are kept with their
    history. Nothing is deleted; restore_innovation brings it back."""
    return _withdraw(Innovation, innovation, by=by, reason=reason, what="innovation")


@transaction.atomic
def restore_innovation(innovation, *, by):
    """Bring back a withdrawn innovation with its parts. Refused, naming the title, when
    another innovation of the organisation took its title meanwhile."""

    def clash(locked):
        taken = Innovation.objects.filter(
            organisation_id=locked.organisation_id, title=locked.title
        ).exists()
        if taken:
            return {
                "title": f"Another innovation is called {locked.title} now: rename it before "
                "restoring this one."
            }
        return None

    return _restore(Innovation, innovation, by=by, clash=clash)


@transaction.atomic
def withdraw_part(part, *, by, reason):
    """Withdraw a part created by mistake, with the reason, under a row lock: it and its moves
    leave every list, count, picture, report and export, and are kept with their history."""
    return _withdraw(Part, part, by=by, reason=reason, what="part")


@transaction.atomic
def restore_part(part, *, by):
    """Bring back a withdrawn part. Refused, naming the name, when another part of the
    innovation took its name meanwhile."""

    def clash(locked):
        taken = Part.all_objects.filter(
            innovation_id=locked.innovation_id, name=locked.name, withdrawn_at__isnull=True
        ).exists()
        if taken:
            return {
                "name": f"Another part of this innovation is called {locked.name} now: rename "
                "it before restoring this one."
            }
        return None

    return _restore(Part, part, by=by, clash=clash)


@transaction.atomic
def update_part(part, *, by, seen=None, **fields):
    """Edit a part's own fields (PART_FIELDS), never its position. Returns the names of the
    fields that changed."""
    _, changed = _edit(
        Part, part, by=by, allowed=PART_FIELDS, fields=fields, seen=seen, reason="Edited"
    )
    return changed


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
    today = clock.localdate()
    effective_on = effective_on or today
    stages = stages_by_number()
    position = rules.next_position(
        None, MoveKind.START, stage, names=names_of(stages), reason=reason, rationale=rationale
    )
    rules.check_effective_on(effective_on, today=today)
    # Counted with the innovation locked, so that parts added at once cannot pass the limit.
    Innovation.objects.select_for_update().filter(pk=innovation.pk).values_list("pk").first()
    limit = settings.MAX_PARTS_PER_INNOVATION
    if Part.objects.filter(innovation_id=innovation.pk).count() >= limit:
        raise ValidationError(
            {
                "name": f"This innovation has {limit:,} parts, the most an innovation may have: "
                "no more can be added."
            }
        )
    stage_obj = stages[position.stage]
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
    move = Move.objects.create(
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
    visits.record(part, [move])
    bump_version(innovation.organisation_id, innovation_id=innovation.pk)
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
    today = today or clock.localdate()
    effective_on = effective_on or today
    rationale = (rationale or "").strip()
    inserting = False
    try:
        with transaction.atomic():
            # The stage is not joined here: a join would be judged again against the stage
            # the part had before a concurrent move, and find no row.
            locked = Part.objects.select_for_update(of=("self",)).get(pk=part.pk)
            if expected_version is not None and locked.version != expected_version:
                raise MoveConflict(locked, latest_move(locked))
            # A part's version counts its moves.
            if locked.version >= settings.MAX_MOVES_PER_PART:
                raise MoveRefused(
                    f"{locked.name} has {locked.version:,} moves, the most a part may have: no "
                    "more can be recorded. Add a new part to carry its journey on.",
                    "kind",
                )
            live = list(
                Move.objects.live()
                .filter(part=locked)
                .select_related("from_stage", "to_stage")
                .order_by("seq")
            )
            latest = live[-1] if live else None
            stages = stages_by_number()
            locked.stage = next(s for s in stages.values() if s.pk == locked.stage_id)
            current = locked.position
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
                    names=names_of(stages),
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
            seq = locked.version + 1
            # The part's row lock and version make a clash on (part, seq) impossible for
            # writers that take them; one that did not is told as a conflict, below.
            inserting = True
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
            inserting = False

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
            save_with_history(
                locked,
                by=by,
                reason=f"Move {seq}: {move.describe()}",
                update_fields=POSITION_FIELDS,
            )
            visits.record(locked, chain)
            bump_version(locked.organisation_id, innovation_id=locked.innovation_id)
    except IntegrityError:
        if not inserting:
            raise
        locked = Part.all_objects.select_related("stage").get(pk=part.pk)
        raise MoveConflict(locked, latest_move(locked)) from None
    part.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    part._state.fields_cache.update(locked._state.fields_cache)
    return move


@dataclass(frozen=True)
class MoveOutcome:
    """What became of one part in move_parts: the Move written, or why the part did not move
    (`refusal`, in words for the person who asked)."""

    part: Part | None  # None when the id named no other part of the innovation
    move: Move | None = None
    refusal: str = ""

    @property
    def moved(self):
        return self.move is not None

    @property
    def name(self):
        return self.part.name if self.part is not None else "A part"


def move_parts(part, others=(), *, by, expected_version=None, **decision):
    """Record one decision for `part` and the same decision for each of `others`, given as
    [(part id, the version the person saw)] of other parts of the same innovation. Returns a
    MoveOutcome per part: `part`'s first, then the others in their order.

    `part`'s refusal or conflict is raised (MoveRefused, MoveConflict) and nothing moves, as
    the decision was made for it. Each other part is then moved by move_part in its own
    transaction, so one the rules refuse, or one someone moved meanwhile, stays where it is
    while the rest move; its outcome says why. One query to find the others, then move_part's
    own for each."""
    first = move_part(part, by=by, expected_version=expected_version, **decision)
    outcomes = [MoveOutcome(part, first)]
    others = list(others)
    if not others:
        return outcomes
    found = (
        Part.objects.filter(innovation_id=part.innovation_id)
        .exclude(pk=part.pk)
        .select_related("stage")
        .in_bulk([pk for pk, _version in others])
    )
    for pk, version in others:
        other = found.get(pk)
        if other is None:
            outcomes.append(MoveOutcome(None, refusal="it is not part of this innovation."))
            continue
        try:
            move = move_part(other, by=by, expected_version=version, **decision)
        except (MoveRefused, MoveConflict) as refusal:
            outcomes.append(MoveOutcome(other, refusal=refusal.message))
        else:
            outcomes.append(MoveOutcome(other, move))
    return outcomes


def position_from_log(moves):
    """The position fields a part's row should hold, folded from its whole log (every move,
    oldest first, voids included): {field: value} as POSITION_FIELDS names them."""
    moves = sorted(moves, key=lambda m: m.seq)
    voided = {m.voids_id for m in moves if m.kind == MoveKind.VOID}
    chain = [m for m in moves if m.kind != MoveKind.VOID and m.pk not in voided]
    last = chain[-1]
    stage_since, state_since = since_dates(chain)
    return {
        "stage": last.to_stage,
        "state": last.to_state,
        "cycle": last.cycle,
        "stage_since": stage_since,
        "state_since": state_since,
        "review_on": last.review_on if last.to_state == State.PAUSED else None,
        "version": moves[-1].seq,
    }


def disagreements(part, moves):
    """[(field, in the row, from the log)] where `part`'s row disagrees with its log."""
    expected = position_from_log(moves)
    found = []
    for name, value in expected.items():
        attname = Part._meta.get_field(name).attname
        mine = getattr(part, attname)
        theirs = value.pk if name == "stage" else value
        if mine != theirs:
            found.append((name, mine, theirs))
    return found


@transaction.atomic
def repair_part(part, *, by=None):
    """Set `part`'s position from its log, under a row lock, with a history row saying so.
    The log is the record of decisions: the row is only its summary. Returns the
    disagreements repaired (none when the row already agreed)."""
    locked = Part.all_objects.select_for_update().get(pk=part.pk)
    moves = list(Move.all_objects.filter(part=locked).select_related("to_stage"))
    found = disagreements(locked, moves)
    if not found:
        return []
    for name, value in position_from_log(moves).items():
        setattr(locked, name, value)
    words = "; ".join(f"{name} {mine} → {theirs}" for name, mine, theirs in found)
    save_with_history(
        locked,
        by=by,
        reason=f"Repaired from its log (move {locked.version}): {words}",
        update_fields=POSITION_FIELDS,
    )
    bump_version(locked.organisation_id)
    return found


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


def latest_move(part):
    """The part's newest move (live or not), with who recorded it."""
    return (
        Move.objects.filter(part=part)
        .select_related("recorded_by", "to_stage", "part", "voids__to_stage")
        .order_by("-seq")
        .first()
    )
