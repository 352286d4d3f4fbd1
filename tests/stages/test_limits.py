"""Limits a real service never reaches, held by the write path: parts per innovation and moves
per part. The tests lower them; the settings hold 500 and 2,000."""

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from stages import services
from stages.models import Move, Part
from stages.services import MoveRefused
from tests.factories import InnovationFactory, make_move, make_part


def counts():
    return Move.objects.count(), Part.objects.count(), Part.history.count()


def test_the_limits_are_far_beyond_a_real_service(settings):
    assert settings.MAX_PARTS_PER_INNOVATION == 500
    assert settings.MAX_MOVES_PER_PART == 2000


def test_a_part_past_the_limit_of_an_innovation_is_refused_and_nothing_saved(
    settings, innovation, leader
):
    settings.MAX_PARTS_PER_INNOVATION = 3
    for name in ("North team", "South team", "East team"):
        make_part(innovation, by=leader, name=name)
    before = counts()
    with pytest.raises(ValidationError) as refused:
        make_part(innovation, by=leader, name="West team")
    assert refused.value.message_dict == {
        "name": [
            "This innovation has 3 parts, the most an innovation may have: no more can be added."
        ]
    }
    assert counts() == before


def test_the_parts_limit_counts_each_innovation_apart(settings, organisation, innovation, leader):
    settings.MAX_PARTS_PER_INNOVATION = 1
    make_part(innovation, by=leader, name="North team")
    other = InnovationFactory(organisation=organisation, title="Mockingbird family model")
    assert make_part(other, by=leader, name="North team").innovation == other


def test_a_move_past_the_limit_of_a_part_is_refused_and_nothing_saved(settings, innovation, leader):
    settings.MAX_MOVES_PER_PART = 3
    part = make_part(innovation, by=leader)
    make_move(part, "advance", by=leader, on=date(2024, 2, 1))
    make_move(part, "pause", by=leader, on=date(2024, 3, 1))
    assert part.version == 3
    before = counts()
    for kind in ("resume", "stop", "void"):
        with pytest.raises(MoveRefused) as refused:
            make_move(part, kind, by=leader, on=date(2024, 4, 1))
        assert refused.value.field == "kind"
        assert refused.value.message == (
            "North team has 3 moves, the most a part may have: no more can be recorded. "
            "Add a new part to carry its journey on."
        )
    assert counts() == before
    part.refresh_from_db()
    assert (part.stage.number, part.state, part.version) == (2, "paused", 3)


def test_a_stale_move_at_the_limit_is_still_a_conflict(settings, innovation, leader):
    settings.MAX_MOVES_PER_PART = 2
    part = make_part(innovation, by=leader)
    make_move(part, "advance", by=leader, on=date(2024, 2, 1))
    with pytest.raises(services.MoveConflict):
        services.move_part(
            part, kind="advance", by=leader, effective_on=date(2024, 3, 1), expected_version=1
        )


@pytest.mark.django_db(transaction=True)
def test_parts_added_at_the_same_moment_never_pass_the_limit(
    postgres, settings, innovation, leader
):
    """Threads released together by a barrier each add a part to an innovation one short of
    its limit: exactly one is added, the others are refused."""
    settings.MAX_PARTS_PER_INNOVATION = 3
    make_part(innovation, by=leader, name="North team")
    make_part(innovation, by=leader, name="South team")
    threads_count = 4
    barrier = threading.Barrier(threads_count)
    added, refused = [], []

    def add(n):
        try:
            barrier.wait(timeout=10)
            added.append(make_part(innovation, by=leader, name=f"Team {n}").pk)
        except ValidationError:
            refused.append(n)
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=(n,)) for n in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(added) == 1
    assert len(refused) == threads_count - 1
    assert Part.objects.filter(innovation=innovation).count() == 3
