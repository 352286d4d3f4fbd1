"""The demo tells its story in time: each step is recorded on the day it happened, its history
carries that day, sessions are named for their dates, and an agenda lists only the moves made
since the previous session."""

import re
from datetime import datetime, time
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models import (
    Action,
    Attendee,
    Check,
    Decision,
    Involvement,
    Measure,
    Note,
    Reading,
    ReflectionSession,
    SessionStatus,
)
from stages.models import Innovation, Move, Organisation, Part

pytestmark = pytest.mark.django_db

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
SEASONS = {
    "spring": (3, 4, 5),
    "summer": (6, 7, 8),
    "autumn": (9, 10, 11),
    "winter": (12, 1, 2),
}


def seed():
    call_command("seed_demo", stdout=StringIO())


def day(moment):
    return timezone.localdate(moment)


def history_models():
    return [model.history.model for model in apps.get_models() if hasattr(model, "history")]


def test_every_move_is_recorded_on_the_day_it_took_effect_in_working_hours():
    seed()
    moves = list(Move.objects.all())
    assert len(moves) > 100
    for move in moves:
        recorded = timezone.localtime(move.recorded_at)
        assert recorded.date() == move.effective_on, str(move)
        assert time(9) <= recorded.time() <= time(17, 30), str(move)


def test_no_history_row_is_dated_after_today_and_each_carries_its_steps_day():
    seed()
    now = timezone.now()
    rows = 0
    for model in history_models():
        rows += model.objects.count()
        assert not model.objects.filter(history_date__gt=now).exists(), model.__name__
    assert rows > 500

    for part in Part.objects.all():
        moved_on = sorted(part.moves.values_list("effective_on", flat=True))
        assert day(part.created_at) == moved_on[0], part.name
        assert sorted(day(row.history_date) for row in part.history.all()) == moved_on, part.name
    for innovation in Innovation.objects.all():
        started = min(p.created_at for p in innovation.parts.all())
        assert day(innovation.created_at) == day(started), innovation.title
        dates = [day(row.history_date) for row in innovation.history.order_by("history_date")]
        assert dates[0] == day(started)
        assert set(dates[1:]) <= {innovation.closed_on}, innovation.title
    for organisation in Organisation.objects.all():
        first = min(i.created_at for i in Innovation.objects.filter(organisation=organisation))
        assert organisation.created_at < first

    for reading in Reading.objects.select_related("measure"):
        assert day(reading.recorded_at) == reading.observed_on
        assert day(reading.measure.created_at) <= reading.observed_on
        (row,) = reading.history.all()
        assert row.history_date == reading.recorded_at
    for measure in Measure.objects.exclude(baseline_on=None):
        assert measure.baseline_on <= day(measure.created_at)
    for check in Check.objects.all():
        assert day(check.recorded_at) == check.answered_on
    for involvement in Involvement.objects.all():
        assert day(involvement.recorded_at) == involvement.recorded_on


def test_sessions_decisions_and_actions_are_recorded_on_their_days():
    seed()
    today = timezone.localdate()
    sessions = list(ReflectionSession.objects.all())
    assert len(sessions) >= 5
    for session in sessions:
        assert day(session.created_at) < session.held_on
        assert day(session.created_at) <= today
        if session.held_on > today:
            assert session.status == SessionStatus.PLANNED
            continue
        for model in (Attendee, Note, Decision, Action):
            for row in model.objects.filter(session=session):
                when = getattr(row, "recorded_at", None) or getattr(row, "created_at", None)
                if model is not Attendee:
                    assert day(when) == session.held_on, f"{model.__name__} of {session}"
                dates = {day(h.history_date) for h in row.history.all()}
                assert session.held_on == min(dates), f"{model.__name__} of {session}"
    for action in Action.objects.filter(done=True):
        latest = action.history.order_by("-history_date").first()
        assert day(latest.history_date) == action.done_on
    for decision in Decision.objects.exclude(move=None).select_related("move"):
        assert day(decision.move.recorded_at) == decision.decided_on


def test_a_stay_decision_tells_where_the_part_stood_on_the_sessions_day():
    seed()
    for decision in Decision.objects.filter(status="stay").select_related("part", "session"):
        stood = (
            decision.part.moves.filter(effective_on__lte=decision.session.held_on)
            .select_related("to_stage")
            .order_by("-seq")
            .first()
        )
        assert decision.part_version == stood.seq, decision.part.name
        assert f"in {stood.to_stage.name}" in decision.outcome, decision.part.name


def names_agree_with_dates():
    titles = []
    for session in ReflectionSession.objects.all():
        words = re.findall(r"[A-Za-z]+", session.title)
        for word in words:
            if word in MONTHS:
                assert MONTHS.index(word) + 1 == session.held_on.month, session.title
            if word.lower() in SEASONS:
                assert session.held_on.month in SEASONS[word.lower()], session.title
        titles.append(session.title)
    return titles


def nothing_lies_in_the_future():
    now, today = timezone.now(), timezone.localdate()
    for model in history_models():
        assert not model.objects.filter(history_date__gt=now).exists(), model.__name__
    assert not Move.objects.filter(effective_on__gt=today).exists()
    assert not Move.objects.filter(recorded_at__gt=now).exists()
    assert not Reading.objects.filter(observed_on__gt=today).exists()
    later = ReflectionSession.objects.filter(held_on__gt=today)
    assert later.exists()
    assert not later.exclude(status=SessionStatus.PLANNED).exists()


def test_every_session_is_named_for_its_date():
    seed()
    titles = names_agree_with_dates()
    assert any(any(month in title for month in MONTHS) for title in titles)
    nothing_lies_in_the_future()


@pytest.mark.parametrize("on", ["2027-01-20", "2027-04-08", "2027-07-31", "2027-10-03"])
def test_the_story_holds_whatever_day_the_demo_is_loaded(on):
    moment = datetime.combine(
        datetime.fromisoformat(on).date(), time(8, 5), tzinfo=ZoneInfo("Europe/London")
    )
    with time_machine.travel(moment, tick=False):
        seed()
        names_agree_with_dates()
        nothing_lies_in_the_future()
        for move in Move.objects.all():
            assert day(move.recorded_at) == move.effective_on


def shown(move):
    return f"{move.describe()}, on {move.effective_on:%-d %B %Y}"


def test_an_agenda_lists_only_the_moves_made_since_the_previous_session():
    seed()
    client = Client()
    client.force_login(get_user_model().objects.get(username="facilitator"))
    checked = 0
    for session in ReflectionSession.objects.filter(organisation__slug="northshire"):
        response = client.get(reverse("sessions:agenda", args=[session.pk]))
        assert response.status_code == 200
        page = response.content.decode()
        previous = (
            ReflectionSession.objects.filter(
                innovation=session.innovation, held_on__lt=session.held_on
            )
            .exclude(status=SessionStatus.PLANNED)
            .order_by("-held_on")
            .first()
        )
        if previous is None:
            assert "This is the first reflection session" in page
            continue
        assert "recorded since then" not in page
        moves = Move.objects.filter(part__in=session.parts.all()).select_related(
            "part", "to_stage", "voids"
        )
        since = [m for m in moves if m.effective_on > previous.held_on]
        before = [m for m in moves if m.effective_on <= previous.held_on]
        assert before
        for move in since:
            assert shown(move) in page
        for move in before:
            assert shown(move) not in page
        checked += 1
    assert checked >= 2


def test_the_session_to_come_sees_the_move_made_since_the_last_review():
    seed()
    today = timezone.localdate()
    (upcoming,) = ReflectionSession.objects.filter(
        organisation__slug="northshire", held_on__gt=today
    )
    client = Client()
    client.force_login(get_user_model().objects.get(username="facilitator"))
    page = client.get(reverse("sessions:agenda", args=[upcoming.pk])).content.decode()
    assert f"{upcoming.held_on:%B} review with the localities" in page
    assert "Family group conferencing service advanced to Designing" in page
    assert "North locality team advanced to Growing" not in page
