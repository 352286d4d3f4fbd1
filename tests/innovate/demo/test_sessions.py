"""The demo data holds reflection sessions that show every part of the feature."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from assessments.models import (
    Action,
    Attendee,
    Decision,
    DecisionStatus,
    Note,
    ReflectionSession,
    SessionStatus,
)
from assessments.queries.sessions import agenda

pytestmark = pytest.mark.django_db


def test_the_demo_holds_past_sessions_with_moves_and_actions_and_one_to_come():
    call_command("seed_demo", stdout=StringIO())
    today = timezone.localdate()
    north = ReflectionSession.objects.filter(organisation__slug="northshire")

    past = north.filter(status=SessionStatus.APPLIED)
    assert past.count() >= 4
    assert past.values("innovation").distinct().count() >= 3
    assert all(s.held_on < today for s in past)
    levels = set(Attendee.objects.filter(session__in=past).values_list("level", flat=True))
    assert {"strategic", "operational", "practice", "young_person_or_family"} <= levels
    assert Note.objects.filter(session__in=past).exclude(prompt="").exists()

    moved = Decision.objects.filter(session__in=past, status=DecisionStatus.APPLIED)
    assert moved.count() >= 2
    for decision in moved.select_related("move", "session"):
        assert decision.move.effective_on == decision.decided_on == decision.session.held_on
        assert decision.move.seq == decision.part_version + 1
    assert Decision.objects.filter(session__in=past, status=DecisionStatus.STAY).exists()
    assert Decision.objects.filter(session__in=past).exclude(minority_view="").exists()

    actions = Action.objects.filter(organisation__slug="northshire")
    assert actions.filter(done=True).count() >= 2
    overdue = actions.filter(done=False, due_on__lt=today)
    assert overdue.count() == 1
    assert actions.filter(done=False, due_on__gte=today).count() >= 2

    (upcoming,) = north.filter(status=SessionStatus.PLANNED)
    assert upcoming.held_on > today
    shown = agenda(upcoming, today)
    previous = shown["previous"]
    assert previous.title == f"{previous.held_on:%B} review with the localities"
    moves = [m.describe() for e in shown["parts"] for m in e["moved"]]
    assert moves == ["Family group conferencing service advanced to Designing"]
    assert any(a.due_on and a.due_on < today for a in shown["open_actions"])

    south = ReflectionSession.objects.filter(organisation__slug="southdale")
    assert south.exists()
    for session in south:
        assert {p.organisation.slug for p in session.parts.all()} == {"southdale"}
