"""The daily reminder's rules, as a literal table: each kind of reminder, when it is due, not
yet due, already sent, when the person was deactivated and when they turned the kind off."""

from datetime import timedelta

import pytest
from django.core import mail

from assessments.services import sessions
from innovate.access import visible_innovations
from notifications import sending, services
from stages import clock, people, teams
from stages.models import Membership, Role
from tests.factories import MembershipFactory, UserFactory, make_move, make_part

# kind: (who receives it, what the email says)
KINDS = {
    "review": ("leader", "North team of Family group conferencing (Mobilising): review due on"),
    "pause": ("leader", "North team of Family group conferencing (Mobilising): paused, to revisit"),
    "action": ("leader", "An action from “Spring reflection” (Family group conferencing): due"),
    "session": ("facilitator", "Spring reflection (Family group conferencing):"),
    "decision": ("facilitator", "1 decision of “Spring reflection” (Family group conferencing)"),
    "guest": ("manager", "Guest Tester's access to Family group conferencing ends on"),
}

# (kind, situation): emails the person receives from two runs of the day's job.
TABLE = {
    ("review", "due"): 1,
    ("review", "not yet due"): 0,
    ("review", "already sent"): 0,
    ("review", "deactivated"): 0,
    ("review", "preference off"): 0,
    ("pause", "due"): 1,
    ("pause", "not yet due"): 0,
    ("pause", "already sent"): 0,
    ("pause", "deactivated"): 0,
    ("pause", "preference off"): 0,
    ("action", "due"): 1,
    ("action", "not yet due"): 0,
    ("action", "already sent"): 0,
    ("action", "deactivated"): 0,
    ("action", "preference off"): 0,
    ("session", "due"): 1,
    ("session", "not yet due"): 0,
    ("session", "already sent"): 0,
    ("session", "deactivated"): 0,
    ("session", "preference off"): 0,
    ("decision", "due"): 1,
    ("decision", "not yet due"): 0,
    ("decision", "already sent"): 0,
    ("decision", "deactivated"): 0,
    ("decision", "preference off"): 0,
    ("guest", "due"): 1,
    ("guest", "not yet due"): 0,
    ("guest", "already sent"): 0,
    ("guest", "deactivated"): 0,
    ("guest", "preference off"): 0,
}


def make(kind, *, due, today, innovation, leader, facilitator, manager):
    """The one item of `kind`, due today or only later."""
    later = timedelta(days=0 if due else 8)
    if kind == "review":
        make_part(innovation, by=leader, lead=leader, next_review_on=today + later)
    elif kind == "pause":
        part = make_part(innovation, by=leader, lead=leader, on=today - timedelta(days=20))
        make_move(part, "pause", by=leader, on=today - timedelta(days=10), review_on=today + later)
    elif kind in {"action", "session", "decision"}:
        part = make_part(innovation, by=leader, on=today - timedelta(days=20))
        # A session tomorrow (or later); the others were held yesterday.
        held_on = today + timedelta(days=1) + later if kind == "session" else today - timedelta(1)
        session = sessions.plan_session(
            innovation,
            by=facilitator,
            held_on=held_on,
            title="Spring reflection",
            facilitator=facilitator,
            parts=[part],
        )
        if kind == "action":
            sessions.add_action(
                session, by=facilitator, text="Call the school", owner=leader, due_on=today + later
            )
        # A decision is due once recorded; before that there is nothing waiting.
        if kind == "decision" and due:
            sessions.record_decision(session, part, by=facilitator, kind="advance", to_stage=2)
    elif kind == "guest":
        guest = MembershipFactory(
            organisation=innovation.organisation,
            role=Role.VIEWER,
            is_guest=True,
            user=UserFactory(username="guest", first_name="Guest"),
        ).user
        teams.place_guest(
            guest,
            by=manager,
            innovations=[innovation],
            role="viewer",
            until=today + timedelta(days=5) + later,
        )


def run(today):
    return sending.send_reminders(today, seen=visible_innovations)


@pytest.mark.parametrize(("kind", "situation"), sorted(TABLE))
def test_the_reminder_rules(kind, situation, innovation, leader, facilitator, manager):
    today = clock.localdate()
    users = {"leader": leader, "facilitator": facilitator, "manager": manager}
    person = users[KINDS[kind][0]]
    make(
        kind,
        due=situation != "not yet due",
        today=today,
        innovation=innovation,
        leader=leader,
        facilitator=facilitator,
        manager=manager,
    )
    if situation == "deactivated":
        membership = Membership.objects.get(user=person, organisation=innovation.organisation)
        people.deactivate(membership, by=manager if person != manager else _another(innovation))
    if situation == "preference off":
        services.set_preferences(person, {kind: "off"}, by=person)
    run(today)
    if situation == "already sent":
        assert len(mail.outbox) == 1
        mail.outbox.clear()
    run(today)
    received = [m for m in mail.outbox if m.to == [person.email]]
    assert len(received) == TABLE[(kind, situation)]
    if received:
        assert KINDS[kind][1] in received[0].body
    if situation != "deactivated":
        # Nobody else is told of this person's item.
        assert all(m.to == [person.email] for m in mail.outbox)


def _another(innovation):
    return MembershipFactory(
        organisation=innovation.organisation, role=Role.MANAGER, user=UserFactory()
    ).user


def test_a_later_run_tells_only_of_what_is_new(innovation, leader, facilitator, manager):
    """A review was sent this morning; a pause falls due later in the day: the next run's
    email tells of the pause alone, not the review again."""
    today = clock.localdate()
    common = {"today": today, "innovation": innovation, "leader": leader}
    common.update(facilitator=facilitator, manager=manager)
    make("review", due=True, **common)
    run(today)
    (first,) = mail.outbox
    assert KINDS["review"][1] in first.body
    mail.outbox.clear()
    part = make_part(innovation, by=leader, name="South team", lead=leader)
    make_move(part, "pause", by=leader, on=today - timedelta(days=1), review_on=today)
    run(today)
    (second,) = mail.outbox
    assert second.subject.startswith("1 reminder from Innovate")
    html = second.alternatives[0][0]
    for body in (second.body, html):
        assert "South team of Family group conferencing (Mobilising): paused, to revisit" in body
        assert "review due on" not in body
        assert "Reviews due" not in body


def test_a_pause_decided_today_to_revisit_today_is_reminded_at_the_next_run(innovation, leader):
    """As a new user tries it: pause a part today, to revisit today; the next run tells them."""
    today = clock.localdate()
    part = make_part(innovation, by=leader, name="North team", lead=leader)
    make_move(part, "pause", by=leader, on=today, review_on=today)
    run(today)
    (email,) = mail.outbox
    assert email.to == [leader.email]
    assert KINDS["pause"][1] in email.body
