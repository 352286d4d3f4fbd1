"""The rules of the wheel as a pure function: no database, so the write path, imports and the
benchmark generator all validate a journey step the same way. The stages' names, which a refusal
speaks of, are the caller's to pass in ({number: name}, as `stages.models.stage_names()` gives
them): platform staff may rename a stage."""

from dataclasses import dataclass

from stages.dates import date_problem
from stages.models import MoveKind, State, stage_names

FIRST, LAST = 1, 6

ALLOWED = {
    None: (MoveKind.START,),
    State.ACTIVE: (
        MoveKind.ADVANCE,
        MoveKind.JUMP,
        MoveKind.REWIND,
        MoveKind.NEW_CYCLE,
        MoveKind.PAUSE,
        MoveKind.STOP,
        MoveKind.VOID,
    ),
    State.PAUSED: (MoveKind.RESUME, MoveKind.REWIND, MoveKind.STOP, MoveKind.VOID),
    State.STOPPED: (MoveKind.RESTART, MoveKind.VOID),
}
NEEDS_REASON = frozenset(
    {
        MoveKind.JUMP,
        MoveKind.REWIND,
        MoveKind.PAUSE,
        MoveKind.STOP,
        MoveKind.RESTART,
        MoveKind.VOID,
    }
)
NEEDS_RATIONALE = NEEDS_REASON | {MoveKind.NEW_CYCLE}
NEEDS_TARGET = frozenset({MoveKind.START, MoveKind.JUMP, MoveKind.REWIND, MoveKind.RESTART})


@dataclass(frozen=True)
class Position:
    stage: int
    state: str
    cycle: int

    def describe(self, names=None):
        """The position in words ("active in Designing, round 1"). Without `names`, reads
        `stage_names()` (the cache, or one query)."""
        names = names or stage_names()
        return f"{State(self.state).label.lower()} in {names[self.stage]}, round {self.cycle}"


class MoveRefused(Exception):
    """A move the rules do not allow; `field` names the form field the message belongs to."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


def allowed_kinds(position):
    """The kinds of move allowed from `position` (None for a part not yet started), by rule
    alone; whether a move remains to void is for the caller to know."""
    state = None if position is None else position.state
    kinds = ALLOWED[state]
    if position is not None and position.state == State.ACTIVE:
        if position.stage == LAST:
            kinds = tuple(k for k in kinds if k not in (MoveKind.ADVANCE, MoveKind.JUMP))
        else:
            kinds = tuple(k for k in kinds if k != MoveKind.NEW_CYCLE)
            if position.stage >= LAST - 1:
                kinds = tuple(k for k in kinds if k != MoveKind.JUMP)
        if position.stage == FIRST:
            kinds = tuple(k for k in kinds if k != MoveKind.REWIND)
    if position is not None and position.state == State.PAUSED and position.stage == FIRST:
        kinds = tuple(k for k in kinds if k != MoveKind.REWIND)
    return kinds


def target_stages(position, kind):
    """Stage numbers `kind` may go to from `position`."""
    if kind == MoveKind.START:
        return list(range(FIRST, LAST + 1))
    if kind == MoveKind.JUMP:
        return list(range(position.stage + 2, LAST + 1))
    if kind == MoveKind.REWIND:
        return list(range(FIRST, position.stage))
    if kind == MoveKind.RESTART:
        return list(range(FIRST, position.stage + 1))
    return []


def next_position(
    current,
    kind,
    to_stage=None,
    *,
    names,
    reason="",
    rationale="",
    review_on=None,
    effective_on=None,
):
    """Where a part at `current` stands after a move of `kind`; raises MoveRefused, naming the
    stages as `names` ({number: name}) does.

    Voids are not handled here: their result is the position before the voided move."""
    kind = MoveKind(kind)
    state = None if current is None else current.state
    if kind == MoveKind.VOID:
        raise MoveRefused("A void is recorded against a move, not a stage.", "kind")
    if kind not in ALLOWED[state]:
        if current is None:
            raise MoveRefused("A new part begins with a start move.", "kind")
        allowed = ", ".join(MoveKind(k).label.lower() for k in allowed_kinds(current))
        raise MoveRefused(
            f"A part that is {State(state).label.lower()} cannot {kind.label.lower()}. "
            f"Allowed now: {allowed}.",
            "kind",
        )
    check_reason(kind, reason, rationale, to_stage=to_stage, names=names)
    if review_on is not None:
        if kind != MoveKind.PAUSE:
            raise MoveRefused("A date to revisit belongs only to a pause.", "review_on")
        # The same day is allowed: "look at this again today" is a pause someone may decide.
        if effective_on is not None and review_on < effective_on:
            raise MoveRefused(
                "The date to revisit cannot be before the date the pause takes effect.",
                "review_on",
            )

    if kind in NEEDS_TARGET and to_stage is None:
        raise MoveRefused("Choose the stage to move to.", "to_stage")
    if to_stage is not None and not FIRST <= to_stage <= LAST:
        raise MoveRefused("Choose one of the six stages.", "to_stage")

    if kind == MoveKind.START:
        return Position(to_stage, State.ACTIVE, 1)
    here, first, last = names[current.stage], names[FIRST], names[LAST]
    if kind == MoveKind.ADVANCE:
        if current.stage == LAST:
            raise MoveRefused(
                f"{last} is the last stage: to begin again at {first}, go round again.",
                "kind",
            )
        if to_stage is not None and to_stage != current.stage + 1:
            raise MoveRefused(
                "An advance goes to the next stage; to go further, jump ahead.", "to_stage"
            )
        return Position(current.stage + 1, State.ACTIVE, current.cycle)
    if kind == MoveKind.JUMP:
        if current.stage >= LAST - 1:
            raise MoveRefused(
                f"No stage lies beyond the one after {here}: there is nothing to jump to.",
                "to_stage",
            )
        if to_stage <= current.stage + 1:
            raise MoveRefused(
                f"A jump goes to a stage beyond the one after {here}; "
                "to go to the next stage, advance.",
                "to_stage",
            )
        return Position(to_stage, State.ACTIVE, current.cycle)
    if kind == MoveKind.REWIND:
        if to_stage >= current.stage:
            raise MoveRefused(f"A rewind goes to a stage before {here}.", "to_stage")
        return Position(to_stage, State.ACTIVE, current.cycle)
    if kind == MoveKind.NEW_CYCLE:
        if current.stage != LAST:
            raise MoveRefused(f"Only a part at {last} can go round again to {first}.", "kind")
        return Position(FIRST, State.ACTIVE, current.cycle + 1)
    if kind == MoveKind.PAUSE:
        return Position(current.stage, State.PAUSED, current.cycle)
    if kind == MoveKind.RESUME:
        return Position(current.stage, State.ACTIVE, current.cycle)
    if kind == MoveKind.STOP:
        return Position(current.stage, State.STOPPED, current.cycle)
    # restart
    if to_stage > current.stage:
        raise MoveRefused(
            f"A restart goes to the stage where the part stopped ({here}) or an earlier one.",
            "to_stage",
        )
    return Position(to_stage, State.ACTIVE, current.cycle)


def check_reason(kind, reason, rationale, *, to_stage=None, names=None):
    """A reason and a rationale where the kind needs them; `names` ({number: name}) is needed
    only for a start, whose refusal names the first stage."""
    if kind in NEEDS_REASON and not reason:
        noun = "void" if kind == MoveKind.VOID else MoveKind(kind).label.lower()
        raise MoveRefused(f"Choose a reason for this {noun}.", "reason")
    needs_rationale = kind in NEEDS_RATIONALE or (
        kind == MoveKind.START and to_stage is not None and to_stage > FIRST
    )
    if needs_rationale and not (rationale or "").strip():
        if kind == MoveKind.START:
            raise MoveRefused(f"Say why this part starts past {names[FIRST]}.", "rationale")
        raise MoveRefused("Say why, in your own words.", "rationale")


def check_effective_on(effective_on, *, today, latest=None):
    """`latest` is (kind label, date) of the part's latest live move, or None."""
    problem = date_problem(effective_on, "date it took effect", today=today)
    if problem:
        raise MoveRefused(problem, "effective_on")
    if latest is not None and effective_on < latest[1]:
        label, on = latest
        raise MoveRefused(
            f"The date cannot be before the part's latest move ({label.lower()} on "
            f"{on:%-d %B %Y}).",
            "effective_on",
        )
