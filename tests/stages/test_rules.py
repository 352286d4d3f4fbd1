"""The rules of the wheel, as this test's own table: every state x every kind at the edge stages
(1 and 6) and one in the middle (3). A part already on the wheel is in cycle 2 here, so that a
move keeping the cycle and a move changing it can be told apart."""

import itertools
from datetime import date

import pytest

from stages import rules
from stages.rules import MoveRefused, Position, check_effective_on

NAMES = {
    1: "Mobilising",
    2: "Designing",
    3: "Developing",
    4: "Integrating",
    5: "Growing",
    6: "System Change",
}


def next_position(*args, **kwargs):
    """The rules as the write path asks them, naming the stages as the seed does."""
    return rules.next_position(*args, names=NAMES, **kwargs)


KINDS = [
    "start",
    "advance",
    "jump",
    "rewind",
    "new_cycle",
    "pause",
    "resume",
    "stop",
    "restart",
]
STATES = [None, "active", "paused", "stopped"]
STAGES = [1, 3, 6]

NEW = "A new part begins with a start move."
NOT_BEFORE_MOBILISING = "A rewind goes to a stage before Mobilising."
ONLY_AT_SYSTEM_CHANGE = "Only a part at System Change can go round again to Mobilising."

# (state, stage, kind): (to_stage, the resulting (stage, state, cycle) or the refusal's text)
TABLE = {
    # A new part: `stage` is where the start would put it.
    (None, 1, "start"): (1, (1, "active", 1)),
    (None, 1, "advance"): (1, NEW),
    (None, 1, "jump"): (1, NEW),
    (None, 1, "rewind"): (1, NEW),
    (None, 1, "new_cycle"): (1, NEW),
    (None, 1, "pause"): (1, NEW),
    (None, 1, "resume"): (1, NEW),
    (None, 1, "stop"): (1, NEW),
    (None, 1, "restart"): (1, NEW),
    (None, 3, "start"): (3, (3, "active", 1)),
    (None, 3, "advance"): (3, NEW),
    (None, 3, "jump"): (3, NEW),
    (None, 3, "rewind"): (3, NEW),
    (None, 3, "new_cycle"): (3, NEW),
    (None, 3, "pause"): (3, NEW),
    (None, 3, "resume"): (3, NEW),
    (None, 3, "stop"): (3, NEW),
    (None, 3, "restart"): (3, NEW),
    (None, 6, "start"): (6, (6, "active", 1)),
    (None, 6, "advance"): (6, NEW),
    (None, 6, "jump"): (6, NEW),
    (None, 6, "rewind"): (6, NEW),
    (None, 6, "new_cycle"): (6, NEW),
    (None, 6, "pause"): (6, NEW),
    (None, 6, "resume"): (6, NEW),
    (None, 6, "stop"): (6, NEW),
    (None, 6, "restart"): (6, NEW),
    # Active in Mobilising.
    ("active", 1, "start"): (
        1,
        "A part that is active cannot start. "
        "Allowed now: advance, jump ahead, pause, stop, void a mistaken move.",
    ),
    ("active", 1, "advance"): (None, (2, "active", 2)),
    ("active", 1, "jump"): (3, (3, "active", 2)),
    ("active", 1, "rewind"): (1, NOT_BEFORE_MOBILISING),
    ("active", 1, "new_cycle"): (None, ONLY_AT_SYSTEM_CHANGE),
    ("active", 1, "pause"): (None, (1, "paused", 2)),
    ("active", 1, "resume"): (
        None,
        "A part that is active cannot resume. "
        "Allowed now: advance, jump ahead, pause, stop, void a mistaken move.",
    ),
    ("active", 1, "stop"): (None, (1, "stopped", 2)),
    ("active", 1, "restart"): (
        1,
        "A part that is active cannot restart. "
        "Allowed now: advance, jump ahead, pause, stop, void a mistaken move.",
    ),
    # Active in Developing.
    ("active", 3, "start"): (
        3,
        "A part that is active cannot start. "
        "Allowed now: advance, jump ahead, rewind, pause, stop, void a mistaken move.",
    ),
    ("active", 3, "advance"): (None, (4, "active", 2)),
    ("active", 3, "jump"): (5, (5, "active", 2)),
    ("active", 3, "rewind"): (1, (1, "active", 2)),
    ("active", 3, "new_cycle"): (None, ONLY_AT_SYSTEM_CHANGE),
    ("active", 3, "pause"): (None, (3, "paused", 2)),
    ("active", 3, "resume"): (
        None,
        "A part that is active cannot resume. "
        "Allowed now: advance, jump ahead, rewind, pause, stop, void a mistaken move.",
    ),
    ("active", 3, "stop"): (None, (3, "stopped", 2)),
    ("active", 3, "restart"): (
        3,
        "A part that is active cannot restart. "
        "Allowed now: advance, jump ahead, rewind, pause, stop, void a mistaken move.",
    ),
    # Active in System Change.
    ("active", 6, "start"): (
        6,
        "A part that is active cannot start. "
        "Allowed now: rewind, go round again, pause, stop, void a mistaken move.",
    ),
    ("active", 6, "advance"): (
        None,
        "System Change is the last stage: to begin again at Mobilising, go round again.",
    ),
    ("active", 6, "jump"): (
        6,
        "No stage lies beyond the one after System Change: there is nothing to jump to.",
    ),
    ("active", 6, "rewind"): (3, (3, "active", 2)),
    ("active", 6, "new_cycle"): (None, (1, "active", 3)),
    ("active", 6, "pause"): (None, (6, "paused", 2)),
    ("active", 6, "resume"): (
        None,
        "A part that is active cannot resume. "
        "Allowed now: rewind, go round again, pause, stop, void a mistaken move.",
    ),
    ("active", 6, "stop"): (None, (6, "stopped", 2)),
    ("active", 6, "restart"): (
        6,
        "A part that is active cannot restart. "
        "Allowed now: rewind, go round again, pause, stop, void a mistaken move.",
    ),
    # Paused in Mobilising.
    ("paused", 1, "start"): (
        1,
        "A part that is paused cannot start. Allowed now: resume, stop, void a mistaken move.",
    ),
    ("paused", 1, "advance"): (
        None,
        "A part that is paused cannot advance. Allowed now: resume, stop, void a mistaken move.",
    ),
    ("paused", 1, "jump"): (
        3,
        "A part that is paused cannot jump ahead. Allowed now: resume, stop, void a mistaken move.",
    ),
    ("paused", 1, "rewind"): (1, NOT_BEFORE_MOBILISING),
    ("paused", 1, "new_cycle"): (
        None,
        "A part that is paused cannot go round again. "
        "Allowed now: resume, stop, void a mistaken move.",
    ),
    ("paused", 1, "pause"): (
        None,
        "A part that is paused cannot pause. Allowed now: resume, stop, void a mistaken move.",
    ),
    ("paused", 1, "resume"): (None, (1, "active", 2)),
    ("paused", 1, "stop"): (None, (1, "stopped", 2)),
    ("paused", 1, "restart"): (
        1,
        "A part that is paused cannot restart. Allowed now: resume, stop, void a mistaken move.",
    ),
    # Paused in Developing.
    ("paused", 3, "start"): (
        3,
        "A part that is paused cannot start. "
        "Allowed now: resume, rewind, stop, void a mistaken move.",
    ),
    ("paused", 3, "advance"): (
        None,
        "A part that is paused cannot advance. "
        "Allowed now: resume, rewind, stop, void a mistaken move.",
    ),
    ("paused", 3, "jump"): (
        5,
        "A part that is paused cannot jump ahead. "
        "Allowed now: resume, rewind, stop, void a mistaken move.",
    ),
    ("paused", 3, "rewind"): (1, (1, "active", 2)),
    ("paused", 3, "new_cycle"): (
        None,
        "A part that is paused cannot go round again. "
        "Allowed now: resume, rewind, stop, void a mistaken move.",
    ),
    ("paused", 3, "pause"): (
        None,
        "A part that is paused cannot pause. "
        "Allowed now: resume, rewind, stop, void a mistaken move.",
    ),
    ("paused", 3, "resume"): (None, (3, "active", 2)),
    ("paused", 3, "stop"): (None, (3, "stopped", 2)),
    ("paused", 3, "restart"): (
        3,
        "A part that is paused cannot restart. "
        "Allowed now: resume, rewind, stop, void a mistaken move.",
    ),
    # Paused in System Change.
    ("paused", 6, "start"): (
        6,
        "A part that is paused cannot start. "
        "Allowed now: resume, rewind, stop, void a mistaken move.",
    ),
    ("paused", 6, "advance"): (
        None,
        "A part that is paused cannot advance. "
        "Allowed now: resume, rewind, stop, void a mistaken move.",
    ),
    ("paused", 6, "jump"): (
        6,
        "A part that is paused cannot jump ahead. "
        "Allowed now: resume, rewind, stop, void a mistaken move.",
    ),
    ("paused", 6, "rewind"): (2, (2, "active", 2)),
    ("paused", 6, "new_cycle"): (
        None,
        "A part that is paused cannot go round again. "
        "Allowed now: resume, rewind, stop, void a mistaken move.",
    ),
    ("paused", 6, "pause"): (
        None,
        "A part that is paused cannot pause. "
        "Allowed now: resume, rewind, stop, void a mistaken move.",
    ),
    ("paused", 6, "resume"): (None, (6, "active", 2)),
    ("paused", 6, "stop"): (None, (6, "stopped", 2)),
    ("paused", 6, "restart"): (
        6,
        "A part that is paused cannot restart. "
        "Allowed now: resume, rewind, stop, void a mistaken move.",
    ),
    # Stopped in Mobilising.
    ("stopped", 1, "start"): (
        1,
        "A part that is stopped cannot start. Allowed now: restart, void a mistaken move.",
    ),
    ("stopped", 1, "advance"): (
        None,
        "A part that is stopped cannot advance. Allowed now: restart, void a mistaken move.",
    ),
    ("stopped", 1, "jump"): (
        3,
        "A part that is stopped cannot jump ahead. Allowed now: restart, void a mistaken move.",
    ),
    ("stopped", 1, "rewind"): (
        1,
        "A part that is stopped cannot rewind. Allowed now: restart, void a mistaken move.",
    ),
    ("stopped", 1, "new_cycle"): (
        None,
        "A part that is stopped cannot go round again. Allowed now: restart, void a mistaken move.",
    ),
    ("stopped", 1, "pause"): (
        None,
        "A part that is stopped cannot pause. Allowed now: restart, void a mistaken move.",
    ),
    ("stopped", 1, "resume"): (
        None,
        "A part that is stopped cannot resume. Allowed now: restart, void a mistaken move.",
    ),
    ("stopped", 1, "stop"): (
        None,
        "A part that is stopped cannot stop. Allowed now: restart, void a mistaken move.",
    ),
    ("stopped", 1, "restart"): (1, (1, "active", 2)),
    # Stopped in Developing.
    ("stopped", 3, "start"): (
        3,
        "A part that is stopped cannot start. Allowed now: restart, void a mistaken move.",
    ),
    ("stopped", 3, "advance"): (
        None,
        "A part that is stopped cannot advance. Allowed now: restart, void a mistaken move.",
    ),
    ("stopped", 3, "jump"): (
        5,
        "A part that is stopped cannot jump ahead. Allowed now: restart, void a mistaken move.",
    ),
    ("stopped", 3, "rewind"): (
        1,
        "A part that is stopped cannot rewind. Allowed now: restart, void a mistaken move.",
    ),
    ("stopped", 3, "new_cycle"): (
        None,
        "A part that is stopped cannot go round again. Allowed now: restart, void a mistaken move.",
    ),
    ("stopped", 3, "pause"): (
        None,
        "A part that is stopped cannot pause. Allowed now: restart, void a mistaken move.",
    ),
    ("stopped", 3, "resume"): (
        None,
        "A part that is stopped cannot resume. Allowed now: restart, void a mistaken move.",
    ),
    ("stopped", 3, "stop"): (
        None,
        "A part that is stopped cannot stop. Allowed now: restart, void a mistaken move.",
    ),
    ("stopped", 3, "restart"): (2, (2, "active", 2)),
    # Stopped in System Change.
    ("stopped", 6, "start"): (
        6,
        "A part that is stopped cannot start. Allowed now: restart, void a mistaken move.",
    ),
    ("stopped", 6, "advance"): (
        None,
        "A part that is stopped cannot advance. Allowed now: restart, void a mistaken move.",
    ),
    ("stopped", 6, "jump"): (
        6,
        "A part that is stopped cannot jump ahead. Allowed now: restart, void a mistaken move.",
    ),
    ("stopped", 6, "rewind"): (
        3,
        "A part that is stopped cannot rewind. Allowed now: restart, void a mistaken move.",
    ),
    ("stopped", 6, "new_cycle"): (
        None,
        "A part that is stopped cannot go round again. Allowed now: restart, void a mistaken move.",
    ),
    ("stopped", 6, "pause"): (
        None,
        "A part that is stopped cannot pause. Allowed now: restart, void a mistaken move.",
    ),
    ("stopped", 6, "resume"): (
        None,
        "A part that is stopped cannot resume. Allowed now: restart, void a mistaken move.",
    ),
    ("stopped", 6, "stop"): (
        None,
        "A part that is stopped cannot stop. Allowed now: restart, void a mistaken move.",
    ),
    ("stopped", 6, "restart"): (6, (6, "active", 2)),
}

# Enough words for any kind, so that the table tests only the state, the kind and the stage.
WORDS = {"reason": "learning", "rationale": "Agreed at the review."}


def position(state, stage):
    return None if state is None else Position(stage, state, 2)


def test_the_table_covers_every_state_kind_and_edge_stage():
    assert set(TABLE) == set(itertools.product(STATES, STAGES, KINDS))


@pytest.mark.parametrize(
    ("state", "stage", "kind", "to_stage", "expected"),
    [
        pytest.param(*key, *value, id=f"{key[0] or 'new'}-at-{key[1]}-{key[2]}")
        for key, value in TABLE.items()
    ],
)
def test_a_move_gives_the_tables_position_or_refusal(state, stage, kind, to_stage, expected):
    current = position(state, stage)
    if isinstance(expected, str):
        with pytest.raises(MoveRefused) as refused:
            next_position(current, kind, to_stage, **WORDS)
        assert refused.value.message == expected
    else:
        assert next_position(current, kind, to_stage, **WORDS) == Position(*expected)


def test_a_refused_kind_is_reported_against_the_kind_field():
    with pytest.raises(MoveRefused) as refused:
        next_position(Position(3, "stopped", 1), "advance")
    assert refused.value.field == "kind"


@pytest.mark.parametrize("to_stage", [1, 2, 3, 4, 5, 6])
def test_a_start_may_place_a_part_on_any_stage_in_cycle_one(to_stage):
    assert next_position(None, "start", to_stage, rationale="Under way already.") == Position(
        to_stage, "active", 1
    )


@pytest.mark.parametrize("to_stage", [0, 7])
def test_a_stage_outside_the_six_is_refused(to_stage):
    with pytest.raises(MoveRefused) as refused:
        next_position(None, "start", to_stage, rationale="Under way already.")
    assert refused.value.message == "Choose one of the six stages."
    assert refused.value.field == "to_stage"


@pytest.mark.parametrize(
    ("current", "kind"),
    [
        (None, "start"),
        (Position(3, "active", 1), "jump"),
        (Position(3, "active", 1), "rewind"),
        (Position(3, "paused", 1), "rewind"),
        (Position(3, "stopped", 1), "restart"),
    ],
)
def test_a_move_to_a_chosen_stage_needs_the_stage(current, kind):
    with pytest.raises(MoveRefused) as refused:
        next_position(current, kind, None, **WORDS)
    assert refused.value.message == "Choose the stage to move to."
    assert refused.value.field == "to_stage"


def test_an_advance_goes_to_the_next_stage_only():
    assert next_position(Position(2, "active", 1), "advance", 3) == Position(3, "active", 1)
    with pytest.raises(MoveRefused) as refused:
        next_position(Position(2, "active", 1), "advance", 4)
    assert refused.value.message == "An advance goes to the next stage; to go further, jump ahead."
    assert refused.value.field == "to_stage"


def test_a_jump_to_the_next_stage_is_refused():
    with pytest.raises(MoveRefused) as refused:
        next_position(Position(3, "active", 1), "jump", 4, **WORDS)
    assert refused.value.message == (
        "A jump goes to a stage beyond the one after Developing; to go to the next stage, advance."
    )


def test_a_jump_goes_as_far_as_system_change_in_the_same_cycle():
    assert next_position(Position(1, "active", 2), "jump", 6, **WORDS) == Position(6, "active", 2)


@pytest.mark.parametrize("to_stage", [3, 4])
def test_a_rewind_to_the_same_or_a_later_stage_is_refused(to_stage):
    with pytest.raises(MoveRefused) as refused:
        next_position(Position(3, "active", 1), "rewind", to_stage, **WORDS)
    assert refused.value.message == "A rewind goes to a stage before Developing."


def test_a_restart_goes_to_the_stopped_stage_or_an_earlier_one():
    assert next_position(Position(3, "stopped", 2), "restart", 3, **WORDS) == Position(
        3, "active", 2
    )
    assert next_position(Position(3, "stopped", 2), "restart", 1, **WORDS) == Position(
        1, "active", 2
    )
    with pytest.raises(MoveRefused) as refused:
        next_position(Position(3, "stopped", 2), "restart", 4, **WORDS)
    assert refused.value.message == (
        "A restart goes to the stage where the part stopped (Developing) or an earlier one."
    )


@pytest.mark.parametrize(
    ("stage", "message"),
    [
        (
            4,
            "A part that is active cannot resume. "
            "Allowed now: advance, jump ahead, rewind, pause, stop, void a mistaken move.",
        ),
        (
            5,
            "A part that is active cannot resume. "
            "Allowed now: advance, rewind, pause, stop, void a mistaken move.",
        ),
    ],
)
def test_jumping_is_offered_while_a_stage_beyond_the_next_remains(stage, message):
    with pytest.raises(MoveRefused) as refused:
        next_position(Position(stage, "active", 1), "resume")
    assert refused.value.message == message


def test_a_jump_from_integrating_reaches_system_change():
    assert next_position(Position(4, "active", 1), "jump", 6, **WORDS) == Position(6, "active", 1)


def test_a_void_is_not_a_move_to_a_stage():
    with pytest.raises(MoveRefused) as refused:
        next_position(Position(3, "active", 1), "void", 2, **WORDS)
    assert refused.value.message == "A void is recorded against a move, not a stage."


# (kind, where the part is, to_stage, the refusal without a reason)
NEEDS_REASON_AND_RATIONALE = [
    ("jump", Position(2, "active", 1), 4, "Choose a reason for this jump ahead."),
    ("rewind", Position(2, "active", 1), 1, "Choose a reason for this rewind."),
    ("rewind", Position(2, "paused", 1), 1, "Choose a reason for this rewind."),
    ("pause", Position(2, "active", 1), None, "Choose a reason for this pause."),
    ("stop", Position(2, "active", 1), None, "Choose a reason for this stop."),
    ("stop", Position(2, "paused", 1), None, "Choose a reason for this stop."),
    ("restart", Position(2, "stopped", 1), 2, "Choose a reason for this restart."),
]


@pytest.mark.parametrize(("kind", "current", "to_stage", "message"), NEEDS_REASON_AND_RATIONALE)
def test_a_move_that_needs_a_reason_is_refused_without_one(kind, current, to_stage, message):
    with pytest.raises(MoveRefused) as refused:
        next_position(current, kind, to_stage, rationale="Agreed at the review.")
    assert refused.value.message == message
    assert refused.value.field == "reason"


@pytest.mark.parametrize(("kind", "current", "to_stage", "message"), NEEDS_REASON_AND_RATIONALE)
@pytest.mark.parametrize("rationale", ["", "   \n "])
def test_a_move_that_needs_a_reason_also_needs_a_rationale(
    kind, current, to_stage, message, rationale
):
    with pytest.raises(MoveRefused) as refused:
        next_position(current, kind, to_stage, reason="funding", rationale=rationale)
    assert refused.value.message == "Say why, in your own words."
    assert refused.value.field == "rationale"


@pytest.mark.parametrize(("kind", "current", "to_stage", "message"), NEEDS_REASON_AND_RATIONALE)
def test_a_move_with_a_reason_and_a_rationale_is_allowed(kind, current, to_stage, message):
    assert next_position(current, kind, to_stage, reason="funding", rationale="No money.")


def test_going_round_again_needs_a_rationale_but_no_reason():
    with pytest.raises(MoveRefused) as refused:
        next_position(Position(6, "active", 1), "new_cycle")
    assert refused.value.message == "Say why, in your own words."
    assert refused.value.field == "rationale"
    assert next_position(Position(6, "active", 1), "new_cycle", rationale="Guidance changed.") == (
        Position(1, "active", 2)
    )


@pytest.mark.parametrize(
    ("current", "kind", "expected"),
    [
        (Position(2, "active", 1), "advance", Position(3, "active", 1)),
        (Position(2, "paused", 1), "resume", Position(2, "active", 1)),
    ],
)
def test_advancing_and_resuming_need_no_words(current, kind, expected):
    assert next_position(current, kind) == expected


def test_a_start_in_mobilising_needs_no_words():
    assert next_position(None, "start", 1) == Position(1, "active", 1)


@pytest.mark.parametrize("to_stage", [2, 3, 4, 5, 6])
def test_a_start_past_mobilising_needs_a_rationale(to_stage):
    with pytest.raises(MoveRefused) as refused:
        next_position(None, "start", to_stage, rationale=" ")
    assert refused.value.message == "Say why this part starts past Mobilising."
    assert refused.value.field == "rationale"


def test_a_pause_may_have_a_date_to_revisit_after_it_takes_effect():
    assert next_position(
        Position(3, "active", 1),
        "pause",
        reason="planned_pause",
        rationale="Summer recess.",
        effective_on=date(2024, 7, 1),
        review_on=date(2024, 7, 2),
    ) == Position(3, "paused", 1)


@pytest.mark.parametrize("review_on", [date(2024, 6, 30), date(2023, 7, 1)])
def test_a_date_to_revisit_before_the_pause_is_refused(review_on):
    with pytest.raises(MoveRefused) as refused:
        next_position(
            Position(3, "active", 1),
            "pause",
            reason="planned_pause",
            rationale="Summer recess.",
            effective_on=date(2024, 7, 1),
            review_on=review_on,
        )
    assert refused.value.message == (
        "The date to revisit cannot be before the date the pause takes effect."
    )
    assert refused.value.field == "review_on"


def test_a_date_to_revisit_may_be_the_day_the_pause_takes_effect():
    assert next_position(
        Position(3, "active", 1),
        "pause",
        reason="planned_pause",
        rationale="Look again at the end of the day.",
        effective_on=date(2024, 7, 1),
        review_on=date(2024, 7, 1),
    ) == Position(3, "paused", 1)


@pytest.mark.parametrize(
    ("current", "kind", "to_stage"),
    [
        (Position(3, "active", 1), "advance", None),
        (Position(3, "active", 1), "stop", None),
        (Position(3, "active", 1), "rewind", 1),
        (Position(3, "paused", 1), "resume", None),
        (Position(3, "stopped", 1), "restart", 3),
        (Position(6, "active", 1), "new_cycle", None),
    ],
)
def test_a_date_to_revisit_belongs_only_to_a_pause(current, kind, to_stage):
    with pytest.raises(MoveRefused) as refused:
        next_position(
            current,
            kind,
            to_stage,
            **WORDS,
            effective_on=date(2024, 7, 1),
            review_on=date(2024, 9, 1),
        )
    assert refused.value.message == "A date to revisit belongs only to a pause."
    assert refused.value.field == "review_on"


TODAY = date(2025, 1, 1)


def test_a_date_in_the_future_is_refused():
    with pytest.raises(MoveRefused) as refused:
        check_effective_on(date(2025, 1, 2), today=TODAY)
    assert refused.value.message == "The date it took effect cannot be in the future."
    assert refused.value.field == "effective_on"


def test_today_is_allowed():
    check_effective_on(TODAY, today=TODAY, latest=("Advance", TODAY))


def test_a_date_before_1990_is_refused():
    with pytest.raises(MoveRefused) as refused:
        check_effective_on(date(1989, 12, 31), today=TODAY)
    assert refused.value.message == "The date it took effect must be on or after 1 January 1990."


@pytest.mark.parametrize(
    ("latest", "message"),
    [
        (
            ("Pause", date(2024, 1, 21)),
            "The date cannot be before the part's latest move (pause on 21 January 2024).",
        ),
        (
            ("Jump ahead", date(2024, 1, 21)),
            "The date cannot be before the part's latest move (jump ahead on 21 January 2024).",
        ),
    ],
)
def test_a_date_before_the_latest_move_is_refused_naming_that_move(latest, message):
    with pytest.raises(MoveRefused) as refused:
        check_effective_on(date(2024, 1, 20), today=TODAY, latest=latest)
    assert refused.value.message == message
    assert refused.value.field == "effective_on"


def test_the_same_day_as_the_latest_move_is_allowed():
    check_effective_on(date(2024, 1, 21), today=TODAY, latest=("Pause", date(2024, 1, 21)))


@pytest.mark.parametrize(
    ("current", "kind", "to_stage", "message"),
    [
        (Position(2, "active", 1), "rewind", 2, "A rewind goes to a stage before Co-designing."),
        (
            Position(6, "active", 1),
            "advance",
            None,
            "Changing the system is the last stage: to begin again at Getting going, "
            "go round again.",
        ),
        (
            Position(2, "active", 1),
            "new_cycle",
            None,
            "Only a part at Changing the system can go round again to Getting going.",
        ),
    ],
)
def test_a_refusal_names_the_stages_as_the_caller_names_them(current, kind, to_stage, message):
    names = {**NAMES, 1: "Getting going", 2: "Co-designing", 6: "Changing the system"}
    with pytest.raises(MoveRefused) as refused:
        rules.next_position(current, kind, to_stage, names=names, **WORDS)
    assert refused.value.message == message


def test_a_start_past_the_first_stage_names_it_as_the_caller_does():
    with pytest.raises(MoveRefused) as refused:
        rules.next_position(None, "start", 2, names={**NAMES, 1: "Getting going"})
    assert refused.value.message == "Say why this part starts past Getting going."


def test_a_position_is_described_with_the_names_given_or_the_stages_own(db):
    assert Position(2, "paused", 3).describe({**NAMES, 2: "Co-designing"}) == (
        "paused in Co-designing, round 3"
    )
    assert Position(2, "paused", 3).describe() == "paused in Designing, round 3"
