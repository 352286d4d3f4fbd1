"""The one write path: services.start_part and services.move_part against the database."""

import datetime
from datetime import date
from zoneinfo import ZoneInfo

import pytest
import time_machine

from stages import services
from stages.models import Move, Part
from stages.services import MoveConflict, MoveRefused
from tests.factories import InnovationFactory, make_move, make_part

HistoricalPart = Part.history.model
LONDON = ZoneInfo("Europe/London")


def counts():
    return Move.objects.count(), HistoricalPart.objects.count(), Part.objects.count()


def position_of(part):
    part.refresh_from_db()
    return (
        part.stage.number,
        part.state,
        part.cycle,
        part.stage_since,
        part.state_since,
        part.review_on,
        part.version,
    )


# (where the part starts, the moves before, the move: (kind, to_stage, date, extra),
#  the Move's (from stage, from state, from cycle) -> (to stage, to state, cycle),
#  the part's stage_since, state_since and review_on afterwards)
CASES = {
    "advance": (
        3,
        [],
        ("advance", None, date(2024, 2, 1), {}),
        (3, "active", 1),
        (4, "active", 1),
        (date(2024, 2, 1), date(2024, 1, 1), None),
    ),
    "jump": (
        1,
        [],
        ("jump", 4, date(2024, 2, 1), {}),
        (1, "active", 1),
        (4, "active", 1),
        (date(2024, 2, 1), date(2024, 1, 1), None),
    ),
    "rewind": (
        3,
        [],
        ("rewind", 1, date(2024, 2, 1), {}),
        (3, "active", 1),
        (1, "active", 1),
        (date(2024, 2, 1), date(2024, 1, 1), None),
    ),
    "rewind-while-paused": (
        3,
        [("pause", None, date(2024, 2, 1), {})],
        ("rewind", 2, date(2024, 2, 15), {}),
        (3, "paused", 1),
        (2, "active", 1),
        (date(2024, 2, 15), date(2024, 2, 15), None),
    ),
    "pause": (
        3,
        [],
        ("pause", None, date(2024, 2, 1), {"review_on": date(2024, 3, 1)}),
        (3, "active", 1),
        (3, "paused", 1),
        # A pause does not end the visit to the stage.
        (date(2024, 1, 1), date(2024, 2, 1), date(2024, 3, 1)),
    ),
    "resume": (
        3,
        [("pause", None, date(2024, 2, 1), {"review_on": date(2024, 3, 1)})],
        ("resume", None, date(2024, 2, 15), {}),
        (3, "paused", 1),
        (3, "active", 1),
        (date(2024, 1, 1), date(2024, 2, 15), None),
    ),
    "stop": (
        3,
        [],
        ("stop", None, date(2024, 2, 1), {}),
        (3, "active", 1),
        (3, "stopped", 1),
        (date(2024, 1, 1), date(2024, 2, 1), None),
    ),
    "stop-while-paused": (
        3,
        [("pause", None, date(2024, 2, 1), {"review_on": date(2024, 3, 1)})],
        ("stop", None, date(2024, 2, 15), {}),
        (3, "paused", 1),
        (3, "stopped", 1),
        (date(2024, 1, 1), date(2024, 2, 15), None),
    ),
    "restart-earlier": (
        3,
        [("stop", None, date(2024, 2, 1), {})],
        ("restart", 2, date(2024, 2, 15), {}),
        (3, "stopped", 1),
        (2, "active", 1),
        (date(2024, 2, 15), date(2024, 2, 15), None),
    ),
    "restart-same-stage": (
        3,
        [("stop", None, date(2024, 2, 1), {})],
        ("restart", 3, date(2024, 2, 15), {}),
        (3, "stopped", 1),
        (3, "active", 1),
        (date(2024, 1, 1), date(2024, 2, 15), None),
    ),
    "new_cycle": (
        6,
        [],
        ("new_cycle", None, date(2024, 2, 1), {}),
        (6, "active", 1),
        (1, "active", 2),
        (date(2024, 2, 1), date(2024, 1, 1), None),
    ),
}


@pytest.mark.parametrize(
    ("start", "before", "move", "source", "target", "since"),
    list(CASES.values()),
    ids=list(CASES),
)
def test_a_move_writes_one_row_and_updates_the_part(
    innovation, leader, start, before, move, source, target, since
):
    part = make_part(innovation, by=leader, stage=start)
    for kind, to_stage, on, extra in before:
        make_move(part, kind, by=leader, on=on, to_stage=to_stage, **extra)
    moves, history, _ = counts()
    kind, to_stage, on, extra = move

    written = make_move(part, kind, by=leader, on=on, to_stage=to_stage, **extra)

    assert counts()[:2] == (moves + 1, history + 1)
    written.refresh_from_db()
    assert written.kind == kind
    assert written.seq == len(before) + 2
    assert (written.from_stage.number, written.from_state, written.from_cycle) == source
    assert (written.to_stage.number, written.to_state, written.cycle) == target
    assert written.effective_on == on
    assert written.recorded_by == leader
    assert written.review_on == extra.get("review_on")
    assert position_of(part) == (*target, *since, written.seq)


def test_a_start_writes_the_part_and_its_first_move(innovation, leader):
    part = services.start_part(
        innovation,
        by=leader,
        name="East locality",
        stage=3,
        effective_on=date(2024, 1, 1),
        rationale="Piloting since last year.",
    )
    move = Move.objects.get(part=part)
    assert (move.seq, move.kind, move.from_stage, move.from_state, move.from_cycle) == (
        1,
        "start",
        None,
        "",
        None,
    )
    assert (move.to_stage.number, move.to_state, move.cycle, move.effective_on) == (
        3,
        "active",
        1,
        date(2024, 1, 1),
    )
    assert move.rationale == "Piloting since last year."
    assert position_of(part) == (3, "active", 1, date(2024, 1, 1), date(2024, 1, 1), None, 1)


def test_a_refused_start_writes_nothing(innovation, leader, organisation):
    before = counts()
    with pytest.raises(MoveRefused):
        services.start_part(innovation, by=leader, name="East locality", stage=4)
    assert counts() == before
    organisation.refresh_from_db()
    assert organisation.version == 0


def test_the_part_given_shows_its_new_position(innovation, leader):
    part = make_part(innovation, by=leader)
    assert part.stage.number == 1
    services.move_part(part, kind="advance", by=leader, effective_on=date(2024, 2, 1))
    assert (part.stage.number, part.version, part.stage_since) == (2, 2, date(2024, 2, 1))


REFUSED = {
    "advance past system change": (
        6,
        {"kind": "advance"},
        "System Change is the last stage: to begin again at Mobilising, go round again.",
    ),
    "rewind without a reason": (
        3,
        {"kind": "rewind", "to_stage": 1, "rationale": "Went too fast."},
        "Choose a reason for this rewind.",
    ),
    "pause with a date to revisit before it": (
        3,
        {
            "kind": "pause",
            "reason": "planned_pause",
            "rationale": "Recess.",
            "review_on": date(2024, 1, 31),
        },
        "The date to revisit cannot be before the date the pause takes effect.",
    ),
    "a date in the future": (
        3,
        {"kind": "advance", "effective_on": date(2025, 1, 2)},
        "The date it took effect cannot be in the future.",
    ),
    "a date before the start": (
        3,
        {"kind": "advance", "effective_on": date(2023, 12, 31)},
        "The date cannot be before the part's latest move (start on 1 January 2024).",
    ),
    "void of a start": (
        3,
        {"kind": "void", "reason": "recording_error", "rationale": "Wrong part."},
        "There is no move to void: a part's start cannot be voided.",
    ),
}


@pytest.mark.parametrize(("stage", "fields", "message"), list(REFUSED.values()), ids=list(REFUSED))
def test_a_refused_move_writes_nothing(innovation, leader, organisation, stage, fields, message):
    part = make_part(innovation, by=leader, stage=stage)
    organisation.refresh_from_db()
    version, before, where = organisation.version, counts(), position_of(part)
    fields = {"effective_on": date(2024, 2, 1), **fields}

    with pytest.raises(MoveRefused) as refused:
        services.move_part(part, by=leader, today=date(2025, 1, 1), **fields)

    assert refused.value.message == message
    assert counts() == before
    assert position_of(part) == where
    organisation.refresh_from_db()
    assert organisation.version == version


def test_every_write_bumps_the_organisations_version(innovation, leader, organisation):
    part = make_part(innovation, by=leader)
    organisation.refresh_from_db()
    assert organisation.version == 1
    make_move(part, "advance", by=leader, on=date(2024, 2, 1))
    organisation.refresh_from_db()
    assert organisation.version == 2


def test_a_move_of_another_organisation_leaves_this_ones_version(
    innovation, leader, organisation, other_organisation, outsider
):
    theirs = make_part(InnovationFactory(organisation=other_organisation), by=outsider)
    make_move(theirs, "advance", by=outsider, on=date(2024, 2, 1))
    assert version_of(organisation) == 0
    assert version_of(other_organisation) == 2


def version_of(organisation):
    organisation.refresh_from_db()
    return organisation.version


@time_machine.travel(datetime.datetime(2025, 1, 1, 12, 0, tzinfo=LONDON), tick=False)
def test_a_stale_version_raises_a_conflict_naming_who_moved_the_part_how_and_where_it_is(
    innovation, leader, manager
):
    manager.first_name, manager.last_name = "Asha", "Khan"
    manager.save()
    part = make_part(innovation, by=leader)
    shown = Part.objects.get(pk=part.pk)
    make_move(part, "advance", by=manager, on=date(2024, 2, 1), expected_version=1)
    before = counts()

    with pytest.raises(MoveConflict) as conflict:
        make_move(shown, "pause", by=leader, on=date(2024, 2, 2), expected_version=1)

    assert conflict.value.message == (
        "North team was moved by Asha Khan on 1 January 2025 at 12:00: "
        "North team advanced to Designing. It is now active in Designing, round 1."
    )
    assert counts() == before


@time_machine.travel(datetime.datetime(2025, 7, 1, 9, 30, tzinfo=LONDON), tick=False)
def test_a_conflict_after_a_void_says_so(innovation, leader, manager):
    manager.first_name, manager.last_name = "Asha", "Khan"
    manager.save()
    part = make_part(innovation, by=leader)
    make_move(part, "advance", by=leader, on=date(2024, 2, 1))
    make_move(part, "void", by=manager, on=date(2024, 2, 1))

    with pytest.raises(MoveConflict) as conflict:
        make_move(part, "advance", by=leader, on=date(2024, 2, 2), expected_version=2)

    assert conflict.value.message == (
        "North team was moved by Asha Khan on 1 July 2025 at 09:30: "
        "North team: the advance to Designing on 1 February 2024 was voided, back to active in "
        "Mobilising: recording error. "
        "It is now active in Mobilising, round 1."
    )


def test_renaming_a_part_causes_no_conflict(innovation, leader):
    part = make_part(innovation, by=leader)
    services.update_part(part, by=leader, name="North and west team")
    move = make_move(part, "advance", by=leader, on=date(2024, 2, 1), expected_version=1)
    assert move.seq == 2


def test_the_current_version_is_accepted(innovation, leader):
    part = make_part(innovation, by=leader)
    make_move(part, "advance", by=leader, on=date(2024, 2, 1), expected_version=1)
    move = make_move(part, "advance", by=leader, on=date(2024, 2, 2), expected_version=2)
    assert (move.seq, move.to_stage.number) == (3, 3)


def test_a_void_returns_the_part_to_where_it_was(innovation, leader):
    part = make_part(innovation, by=leader)
    advance = make_move(part, "advance", by=leader, on=date(2024, 1, 11))

    void = make_move(part, "void", by=leader, on=date(2024, 1, 15))

    assert (void.seq, void.kind, void.voids) == (3, "void", advance)
    assert (void.from_stage.number, void.from_state, void.from_cycle) == (2, "active", 1)
    assert (void.to_stage.number, void.to_state, void.cycle) == (1, "active", 1)
    assert position_of(part) == (1, "active", 1, date(2024, 1, 1), date(2024, 1, 1), None, 3)


def test_a_void_of_a_resume_returns_to_the_pause_and_its_date_to_revisit(innovation, leader):
    part = make_part(innovation, by=leader, stage=3)
    make_move(part, "pause", by=leader, on=date(2024, 2, 1), review_on=date(2024, 3, 1))
    make_move(part, "resume", by=leader, on=date(2024, 2, 15))

    make_move(part, "void", by=leader, on=date(2024, 2, 15))

    assert position_of(part) == (
        3,
        "paused",
        1,
        date(2024, 1, 1),
        date(2024, 2, 1),
        date(2024, 3, 1),
        4,
    )


def test_a_void_of_going_round_again_returns_to_system_change_in_cycle_one(innovation, leader):
    part = make_part(innovation, by=leader, stage=5)
    make_move(part, "advance", by=leader, on=date(2024, 2, 1))
    make_move(part, "new_cycle", by=leader, on=date(2024, 3, 1))

    make_move(part, "void", by=leader, on=date(2024, 3, 2))

    assert position_of(part) == (6, "active", 1, date(2024, 2, 1), date(2024, 1, 1), None, 4)


def test_a_voided_move_and_its_void_both_stay_but_neither_is_live(innovation, leader):
    part = make_part(innovation, by=leader)
    start = Move.objects.get(part=part)
    advance = make_move(part, "advance", by=leader, on=date(2024, 1, 11))
    void = make_move(part, "void", by=leader, on=date(2024, 1, 15))
    pause = make_move(part, "pause", by=leader, on=date(2024, 1, 20))

    assert list(Move.objects.filter(part=part)) == [start, advance, void, pause]
    assert list(Move.objects.live().filter(part=part)) == [start, pause]


def test_a_second_void_voids_the_move_before(innovation, leader):
    part = make_part(innovation, by=leader)
    first = make_move(part, "advance", by=leader, on=date(2024, 1, 11))
    second = make_move(part, "advance", by=leader, on=date(2024, 1, 21))

    assert make_move(part, "void", by=leader, on=date(2024, 1, 22)).voids == second
    assert position_of(part)[:3] == (2, "active", 1)
    assert make_move(part, "void", by=leader, on=date(2024, 1, 22)).voids == first
    assert position_of(part)[:3] == (1, "active", 1)

    with pytest.raises(MoveRefused) as refused:
        make_move(part, "void", by=leader, on=date(2024, 1, 22))
    assert refused.value.message == "There is no move to void: a part's start cannot be voided."


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"reason": ""}, "Choose a reason for this void."),
        ({"rationale": ""}, "Say why, in your own words."),
    ],
)
def test_a_void_needs_a_reason_and_a_rationale(innovation, leader, fields, message):
    part = make_part(innovation, by=leader)
    make_move(part, "advance", by=leader, on=date(2024, 1, 11))
    before = counts()
    with pytest.raises(MoveRefused) as refused:
        make_move(part, "void", by=leader, on=date(2024, 1, 15), **fields)
    assert refused.value.message == message
    assert counts() == before


def test_a_void_with_a_date_to_revisit_is_refused(innovation, leader):
    part = make_part(innovation, by=leader)
    make_move(part, "pause", by=leader, on=date(2024, 1, 11))
    before = counts()
    with pytest.raises(MoveRefused) as refused:
        make_move(part, "void", by=leader, on=date(2024, 1, 15), review_on=date(2024, 2, 1))
    assert refused.value.message == "A date to revisit belongs only to a pause."
    assert refused.value.field == "review_on"
    assert counts() == before


def test_a_date_before_the_latest_live_move_is_refused_until_that_move_is_voided(
    innovation, leader
):
    part = make_part(innovation, by=leader)
    make_move(part, "advance", by=leader, on=date(2024, 3, 1))
    with pytest.raises(MoveRefused) as refused:
        make_move(part, "pause", by=leader, on=date(2024, 2, 1))
    assert refused.value.message == (
        "The date cannot be before the part's latest move (advance on 1 March 2024)."
    )

    make_move(part, "void", by=leader, on=date(2024, 3, 1))
    pause = make_move(part, "pause", by=leader, on=date(2024, 2, 1))

    assert (pause.seq, pause.from_stage.number) == (4, 1)
    assert position_of(part)[:5] == (1, "paused", 1, date(2024, 1, 1), date(2024, 2, 1))


def test_a_void_cannot_be_dated_before_the_move_it_voids(innovation, leader):
    part = make_part(innovation, by=leader)
    make_move(part, "advance", by=leader, on=date(2024, 3, 1))
    with pytest.raises(MoveRefused) as refused:
        make_move(part, "void", by=leader, on=date(2024, 2, 1))
    assert refused.value.message == (
        "The date cannot be before the part's latest move (advance on 1 March 2024)."
    )


def test_a_move_on_the_same_day_as_the_latest_is_allowed(innovation, leader):
    part = make_part(innovation, by=leader)
    move = make_move(part, "advance", by=leader, on=date(2024, 1, 1))
    assert move.effective_on == date(2024, 1, 1)


@time_machine.travel(datetime.datetime(2025, 7, 1, 0, 30, tzinfo=LONDON), tick=False)
def test_today_is_the_date_in_london(innovation, leader):
    # 00:30 in London on 1 July is still 30 June in UTC.
    part = make_part(innovation, by=leader)
    assert make_move(part, "advance", by=leader, on=None).effective_on == date(2025, 7, 1)
    with pytest.raises(MoveRefused) as refused:
        make_move(part, "advance", by=leader, on=date(2025, 7, 2))
    assert refused.value.message == "The date it took effect cannot be in the future."


def test_history_records_who_moved_the_part_and_which_move(innovation, leader, manager):
    part = make_part(innovation, by=leader)
    make_move(part, "advance", by=leader, on=date(2024, 1, 11))
    make_move(part, "pause", by=manager, on=date(2024, 1, 21), review_on=date(2024, 3, 1))

    rows = list(part.history.order_by("history_id"))

    assert [(row.history_user, row.history_change_reason) for row in rows] == [
        (leader, "Move 1: started in Mobilising"),
        (leader, "Move 2: North team advanced to Designing"),
        (
            manager,
            "Move 3: North team paused in Designing: planned pause, to revisit on 1 March 2024",
        ),
    ]
    assert [(row.stage.number, row.state, row.version) for row in rows] == [
        (1, "active", 1),
        (2, "active", 2),
        (2, "paused", 3),
    ]


def test_a_parts_position_is_its_stage_number_state_and_cycle_now(
    innovation, leader, django_assert_num_queries
):
    part = make_part(innovation, by=leader, stage=6, rationale="Embedded years ago.")
    make_move(part, "new_cycle", by=leader, on=date(2024, 2, 1))
    make_move(part, "pause", by=leader, on=date(2024, 3, 1))
    stored = Part.objects.select_related("stage").get(pk=part.pk)

    with django_assert_num_queries(0):
        position = stored.position

    assert (position.stage, position.state, position.cycle) == (1, "paused", 2)
    assert position.describe() == "paused in Mobilising, round 2"
