"""Two people apply the same session's decisions at the same moment: each decision is applied
once."""

import threading
from datetime import date

import pytest
from django.db import connection

from assessments import sessions
from assessments.models import Decision, ReflectionSession
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
