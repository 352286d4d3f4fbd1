"""The weekly digest on a hand-built week: one part advanced, one pause that became overdue,
one measure whose status changed; sent to managers once, never to others, and not at all in
a week with nothing to say."""

from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from assessments.services import evidence
from innovate.access import visible_innovations
from innovate.notifications.jobs import _attention
from notifications import digest, sending
from stages import clock
from stages.models import Membership
from tests.factories import make_move, make_part


@pytest.fixture
def week(innovation, leader):
    today = clock.localdate()
    north = make_part(innovation, by=leader, name="North team", on=today - timedelta(days=60))
    make_move(north, "advance", by=leader, on=today - timedelta(days=3))
    south = make_part(innovation, by=leader, name="South team", on=today - timedelta(days=60))
    make_move(
        south, "pause", by=leader, on=today - timedelta(days=30), review_on=today - timedelta(2)
    )
    defined = timezone.make_aware(datetime.combine(today - timedelta(days=20), time(9)))
    with clock.recording_at(defined):
        measure = evidence.define_measure(
            innovation,
            by=leader,
            stage=1,
            name="Families reached",
            target_value=10,
            target_on=today + timedelta(days=90),
            baseline_value=2,
            baseline_on=today - timedelta(days=20),
        )
    evidence.record_reading(measure, by=leader, observed_on=today - timedelta(days=2), value=1)
    return today


def test_the_digest_of_a_hand_built_week(week, organisation, manager):
    membership = Membership.objects.get(user=manager)
    found = digest.build(
        organisation, week, innovations=visible_innovations(membership), attention=_attention
    )
    moved = [text for text, _ in found.moves]
    assert moved == [
        f"North team of Family group conferencing: advance, Mobilising to Designing "
        f"({week - timedelta(days=3):%-d %B})"
    ]
    assert any(
        line.startswith("South team (Family group conferencing): paused in Mobilising")
        for line in found.new_attention
    ), found.new_attention
    assert found.resolved_attention == []
    (line, path) = found.measures[0]
    assert line.startswith("Families reached (Mobilising): No data to "), line
    assert path.startswith("/measures/") or "measure" in path


def test_managers_receive_it_once_and_others_never(week, manager, leader, viewer):
    assert sending.send_digests(week, seen=visible_innovations, attention=_attention) == 1
    (message,) = mail.outbox
    assert message.to == [manager.email]
    assert "What moved" in message.body
    html = message.alternatives[0][0]
    assert "North team of Family group conferencing: advance" in html
    since = week - timedelta(days=7)
    assert f"here is the week from {since:%-d %B} to {week:%-d %B %Y}." in html
    # The attention items lead to the page that lists them all, in both parts.
    assert "/dashboard/attention/" in html
    assert "Every item needing attention now: http" in message.body
    assert sending.send_digests(week, seen=visible_innovations, attention=_attention) == 0


def test_a_quiet_week_sends_nothing(innovation, leader, manager):
    make_part(innovation, by=leader, on=clock.localdate() - timedelta(days=60))
    assert sending.send_digests(seen=visible_innovations, attention=_attention) == 0
    assert mail.outbox == []
