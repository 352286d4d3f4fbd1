"""services.move_parts: one decision for a part and the same for other parts of its
innovation, each moved on its own."""

import threading
from datetime import date

import pytest
from django.db import connection

from stages import services
from stages.models import Move, Part
from stages.services import MoveConflict, MoveRefused
from tests.factories import InnovationFactory, make_move, make_part

ADVANCE = {"kind": "advance", "effective_on": date(2024, 3, 1)}


def where(part):
    part.refresh_from_db()
    return (part.stage.number, part.state, part.cycle, part.version)


@pytest.fixture
def north(innovation, leader):
    return make_part(innovation, by=leader, name="North team")


@pytest.fixture
def south(innovation, leader):
    return make_part(innovation, by=leader, name="South team")


@pytest.fixture
def east(innovation, leader):
    """Paused, so it cannot advance."""
    east = make_part(innovation, by=leader, name="East team")
    make_move(east, "pause", by=leader, on=date(2024, 2, 1))
    return east


def test_each_part_moves_and_its_move_is_returned_in_the_order_given(leader, north, south, east):
    make_move(east, "resume", by=leader, on=date(2024, 2, 2))

    outcomes = services.move_parts(
        north, [(east.pk, 3), (south.pk, 1)], by=leader, expected_version=1, **ADVANCE
    )

    assert [(o.name, o.moved, o.refusal) for o in outcomes] == [
        ("North team", True, ""),
        ("East team", True, ""),
        ("South team", True, ""),
    ]
    assert [o.move.describe() for o in outcomes] == [
        "North team advanced to Designing",
        "East team advanced to Designing",
        "South team advanced to Designing",
    ]
    assert [o.move.pk for o in outcomes] == list(
        Move.objects.filter(kind="advance").order_by("pk").values_list("pk", flat=True)
    )
    assert where(north) == (2, "active", 1, 2)
    assert where(east) == (2, "active", 1, 4)
    assert where(south) == (2, "active", 1, 2)


def test_a_part_the_rules_refuse_stays_and_the_parts_after_it_still_move(
    leader, north, south, east
):
    outcomes = services.move_parts(
        north, [(east.pk, 2), (south.pk, 1)], by=leader, expected_version=1, **ADVANCE
    )

    assert [(o.name, o.moved, o.refusal) for o in outcomes] == [
        ("North team", True, ""),
        (
            "East team",
            False,
            "A part that is paused cannot advance. "
            "Allowed now: resume, stop, void a mistaken move.",
        ),
        ("South team", True, ""),
    ]
    assert outcomes[1].move is None
    assert where(north) == (2, "active", 1, 2)
    assert where(east) == (1, "paused", 1, 2)
    assert where(south) == (2, "active", 1, 2)
    assert Move.objects.filter(part=east).count() == 2


def test_a_part_moved_since_the_form_was_shown_is_reported_with_who_moved_it(
    leader, manager, north, south
):
    make_move(south, "advance", by=manager, on=date(2024, 2, 1))

    outcomes = services.move_parts(north, [(south.pk, 1)], by=leader, expected_version=1, **ADVANCE)

    assert [(o.name, o.moved) for o in outcomes] == [("North team", True), ("South team", False)]
    assert outcomes[1].refusal.startswith("South team was moved by ")
    assert "advanced to Designing. It is now active in Designing, round 1." in outcomes[1].refusal
    assert where(south) == (2, "active", 1, 2)


def test_a_part_of_another_innovation_is_not_moved(leader, organisation, north):
    elsewhere = make_part(
        InnovationFactory(organisation=organisation, title="Mockingbird"), by=leader, name="Hub"
    )

    outcomes = services.move_parts(
        north, [(elsewhere.pk, 1)], by=leader, expected_version=1, **ADVANCE
    )

    assert [(o.part, o.name, o.moved, o.refusal) for o in outcomes[1:]] == [
        (None, "A part", False, "it is not part of this innovation.")
    ]
    assert where(elsewhere) == (1, "active", 1, 1)


def test_the_first_part_named_again_among_the_others_is_not_moved_twice(leader, north):
    outcomes = services.move_parts(north, [(north.pk, 1)], by=leader, expected_version=1, **ADVANCE)

    assert [o.moved for o in outcomes] == [True, False]
    assert where(north) == (2, "active", 1, 2)


def test_when_the_rules_refuse_the_first_part_nothing_moves(leader, north, south):
    before = Move.objects.count(), Part.history.count()

    with pytest.raises(MoveRefused, match="Choose a reason for this rewind."):
        services.move_parts(
            north,
            [(south.pk, 1)],
            by=leader,
            expected_version=1,
            kind="rewind",
            to_stage=1,
            effective_on=date(2024, 3, 1),
        )

    assert (Move.objects.count(), Part.history.count()) == before
    assert where(south) == (1, "active", 1, 1)


def test_when_the_first_part_moved_meanwhile_its_conflict_is_raised_and_nothing_moves(
    leader, manager, north, south
):
    make_move(north, "advance", by=manager, on=date(2024, 2, 1))

    with pytest.raises(MoveConflict, match="North team was moved by "):
        services.move_parts(north, [(south.pk, 1)], by=leader, expected_version=1, **ADVANCE)

    assert where(north) == (2, "active", 1, 2)
    assert where(south) == (1, "active", 1, 1)


def test_with_no_other_parts_only_the_first_moves(leader, north, south):
    (outcome,) = services.move_parts(north, by=leader, expected_version=1, **ADVANCE)

    assert outcome.move.describe() == "North team advanced to Designing"
    assert where(south) == (1, "active", 1, 1)


@pytest.mark.django_db(transaction=True)
def test_each_part_is_committed_in_its_own_transaction(postgres, leader, north, south, east):
    """Another connection sees the moves of the parts that moved, though a part between them
    was refused."""
    services.move_parts(
        north, [(east.pk, 2), (south.pk, 1)], by=leader, expected_version=1, **ADVANCE
    )
    seen = {}

    def look():
        try:
            seen.update(
                Part.objects.filter(pk__in=[north.pk, south.pk, east.pk]).values_list(
                    "name", "version"
                )
            )
        finally:
            connection.close()

    reader = threading.Thread(target=look)
    reader.start()
    reader.join(timeout=30)

    assert seen == {"North team": 2, "South team": 2, "East team": 2}
