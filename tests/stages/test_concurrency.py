"""Two people move the same part at the same moment: the database lets one through."""

import threading
from datetime import date

import pytest
from django.db import connection

from stages import services
from stages.models import Move, Part
from tests.factories import make_part


@pytest.mark.django_db(transaction=True)
def test_two_moves_of_the_same_part_at_once_write_one_move_and_raise_one_conflict(
    postgres, innovation, leader, manager
):
    leader.first_name, leader.last_name = "Lee", "Jones"
    leader.save()
    manager.first_name, manager.last_name = "Asha", "Khan"
    manager.save()
    part = make_part(innovation, by=leader)
    barrier = threading.Barrier(2)
    outcomes = {}

    def advance(who):
        # Each thread has its own copy of the part, as two open forms would.
        shown = Part.objects.get(pk=part.pk)
        try:
            barrier.wait(timeout=10)
            services.move_part(
                shown, kind="advance", by=who, effective_on=date(2024, 2, 1), expected_version=1
            )
            outcomes[who.get_full_name()] = "moved"
        except Exception as error:
            outcomes[who.get_full_name()] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=advance, args=(who,)) for who in (leader, manager)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(type(outcome).__name__ for outcome in outcomes.values()) == [
        "MoveConflict",
        "str",
    ], outcomes
    (winner,) = [name for name, outcome in outcomes.items() if outcome == "moved"]
    (conflict,) = [outcome for outcome in outcomes.values() if outcome != "moved"]
    assert list(Move.objects.filter(part=part).values_list("seq", "kind")) == [
        (1, "start"),
        (2, "advance"),
    ]
    part.refresh_from_db()
    assert (part.version, part.stage.number) == (2, 2)
    assert conflict.message.startswith(f"North team was moved by {winner} on ")
    assert conflict.message.endswith(
        ": North team advanced to Designing. It is now active in Designing, round 1."
    )


@pytest.mark.django_db(transaction=True)
def test_many_people_moving_one_part_leave_one_move_per_version_and_a_continuous_log(
    postgres, innovation, leader
):
    part = make_part(innovation, by=leader)
    workers, rounds = 6, 4
    barrier = threading.Barrier(workers)
    moved, conflicts, failures = [], [], []
    lock = threading.Lock()

    def work(index):
        try:
            barrier.wait(timeout=10)
            for _ in range(rounds):
                shown = Part.objects.get(pk=part.pk)
                version = shown.version
                kind = "resume" if shown.state == "paused" else "pause"
                fields = {"reason": "planned_pause", "rationale": "Rota"} if kind == "pause" else {}
                try:
                    services.move_part(
                        shown,
                        kind=kind,
                        by=leader,
                        effective_on=date(2024, 2, 1),
                        expected_version=version,
                        **fields,
                    )
                    with lock:
                        moved.append(version + 1)
                except services.MoveConflict:
                    with lock:
                        conflicts.append(index)
        except Exception as error:  # anything else is a failure of the write path
            with lock:
                failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    assert len(moved) + len(conflicts) == workers * rounds
    assert conflicts, "six people at once should have met at least one conflict"
    seqs = list(Move.objects.filter(part=part).order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(moved) + 2))
    assert sorted(moved) == seqs[1:]
    part.refresh_from_db()
    assert part.version == seqs[-1]
    kinds = list(Move.objects.filter(part=part).order_by("seq").values_list("kind", flat=True))
    assert all(a != b for a, b in zip(kinds[1:], kinds[2:], strict=False))
