"""Two people apply the same session's decisions at the same moment: each decision is applied
once."""

import threading
from datetime import date

import pytest
from django.db import connection

from assessments.models import Decision, ReflectionSession
from assessments.services import sessions
from stages.models import Move
from tests.factories import make_part


@pytest.mark.django_db(transaction=True)
def test_applying_twice_at_once_applies_each_decision_once(
    postgres, innovation, facilitator, manager
):
    parts = [make_part(innovation, by=facilitator, name=f"Team {n}", stage=3) for n in range(3)]
    session = sessions.plan_session(
        innovation,
        by=facilitator,
        held_on=date(2024, 3, 1),
        title="Review",
        facilitator=facilitator,
        parts=parts,
    )
    for part in parts:
        sessions.record_decision(session, part, by=facilitator, kind="advance")
    barrier = threading.Barrier(2)
    reports = {}

    def apply(who):
        shown = ReflectionSession.objects.get(pk=session.pk)
        try:
            barrier.wait(timeout=10)
            reports[who.username] = sessions.apply_decisions(shown, by=who)
        except Exception as error:
            reports[who.username] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=apply, args=(who,)) for who in (facilitator, manager)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert all(isinstance(report, list) for report in reports.values()), reports
    outcomes = [o for report in reports.values() for o in report]
    assert sorted(o.status for o in outcomes) == ["applied"] * 3
    assert set(Decision.objects.values_list("status", flat=True)) == {"applied"}
    for part in parts:
        assert list(Move.objects.filter(part=part).values_list("seq", "kind")) == [
            (1, "start"),
            (2, "advance"),
        ]


@pytest.mark.django_db(transaction=True)
def test_a_leader_moving_a_part_while_decisions_are_applied_loses_and_doubles_nothing(
    postgres, innovation, facilitator, leader
):
    north, south = (
        make_part(innovation, by=leader, name=name, stage=3) for name in ("North", "South")
    )
    session = sessions.plan_session(
        innovation,
        by=facilitator,
        held_on=date(2024, 3, 1),
        title="Review",
        facilitator=facilitator,
        parts=[north, south],
    )
    for part in (north, south):
        sessions.record_decision(session, part, by=facilitator, kind="advance")
    barrier = threading.Barrier(2)
    results = {}

    def apply():
        shown = ReflectionSession.objects.get(pk=session.pk)
        try:
            barrier.wait(timeout=10)
            results["apply"] = sessions.apply_decisions(shown, by=facilitator)
        except Exception as error:
            results["apply"] = error
        finally:
            connection.close()

    def move():
        from stages import services
        from stages.models import Part

        shown = Part.objects.get(pk=north.pk)
        try:
            barrier.wait(timeout=10)
            results["move"] = services.move_part(
                shown,
                kind="pause",
                by=leader,
                reason="workforce",
                rationale="Two vacancies.",
                effective_on=date(2024, 3, 2),
                expected_version=1,
            )
        except Exception as error:
            results["move"] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=apply), threading.Thread(target=move)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert isinstance(results["apply"], list), results
    north_moves = list(Move.objects.filter(part=north).order_by("seq").values_list("kind"))
    south_moves = list(Move.objects.filter(part=south).order_by("seq").values_list("kind"))
    assert south_moves == [("start",), ("advance",)]
    decision = Decision.objects.get(part=north)
    if isinstance(results["move"], Move):
        # The leader won: the facilitator's decision for North is reported, not applied.
        assert north_moves == [("start",), ("pause",)]
        assert decision.status == "not_applied"
        assert decision.move_id is None
    else:
        # The session won: the leader's form was out of date and got a clear conflict.
        assert type(results["move"]).__name__ == "MoveConflict"
        assert north_moves == [("start",), ("advance",)]
        assert decision.status == "applied"
        assert decision.move.kind == "advance"
