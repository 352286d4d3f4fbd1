"""A session in the calendar: invitations carry an .ics file that icalendar reads back with
the same UID for every update and cancellation, a rising sequence, the times in
Europe/London; the session page offers the same file to download."""

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from assessments.services import sessions
from stages import clock
from tests.factories import make_part

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def session(innovation, leader, facilitator):
    part = make_part(innovation, by=leader)
    return sessions.plan_session(
        innovation,
        by=facilitator,
        held_on=clock.localdate(),
        title="Summer reflection",
        facilitator=facilitator,
        parts=[part],
        starts_at=time(10, 0),
        ends_at=time(12, 30),
        place="Room 2, County Hall",
        online_link="https://meet.example.org/summer",
    )


def read(raw):
    calendar = Calendar.from_ical(raw)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def attachment(message):
    ((name, content, mimetype),) = message.attachments
    assert name == "invitation.ics"
    return content, mimetype


def test_the_download_is_the_session_in_london_time(client, session, viewer):
    client.force_login(viewer)
    response = client.get(reverse("sessions:calendar", args=[session.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar, event = read(response.content)
    assert str(calendar["method"]) == "PUBLISH"
    assert str(event["uid"]) == f"reflection-session-{session.pk}@innovate.example.org"
    assert event["sequence"] == 0
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert start == datetime.combine(session.held_on, time(10, 0), tzinfo=LONDON)
    assert end == datetime.combine(session.held_on, time(12, 30), tzinfo=LONDON)
    assert event["dtstart"].params["TZID"] == "Europe/London"
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    assert str(event["location"]) == "Room 2, County Hall or https://meet.example.org/summer"
    assert str(event["summary"]) == "Summer reflection (Family group conferencing)"


def test_invitations_updates_and_cancellations_keep_the_uid_and_raise_the_sequence(
    client, session, facilitator, viewer, leader, django_capture_on_commit_callbacks
):
    client.force_login(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("sessions:invite", args=[session.pk]),
            {"people": [viewer.pk, leader.pk], "level": "operational"},
        )
    assert response.status_code == 303
    invited = sorted(mail.outbox, key=lambda m: m.to)
    assert sorted(m.to[0] for m in invited) == sorted([viewer.email, leader.email])
    content, mimetype = attachment(invited[0])
    assert mimetype == "text/calendar; method=REQUEST"
    calendar, first = read(content)
    assert str(calendar["method"]) == "REQUEST"
    assert first["sequence"] == 0
    assert "Summer reflection" in invited[0].body
    assert str(first["attendee"]) == f"mailto:{invited[0].to[0]}"

    # The time changes: everyone invited receives the update, same UID, sequence 1.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("sessions:edit", args=[session.pk]),
            {
                "title": "Summer reflection",
                "held_on": session.held_on.isoformat(),
                "starts_at": "14:00",
                "ends_at": "15:30",
                "place": "Room 2, County Hall",
                "online_link": "https://meet.example.org/summer",
                "facilitator": facilitator.pk,
                "parts": [session.parts.get().pk],
                "notes": "",
            },
        )
    assert response.status_code == 303, re.findall(
        r"govuk-error-message.*", response.content.decode()
    )
    assert len(mail.outbox) == 2
    _, updated = read(attachment(mail.outbox[0])[0])
    assert str(updated["uid"]) == str(first["uid"])
    assert updated["sequence"] == 1
    assert updated.decoded("dtstart") == datetime.combine(
        session.held_on, time(14, 0), tzinfo=LONDON
    )
    assert mail.outbox[0].subject.startswith("Updated: Summer reflection")

    # Taking the viewer off the attendees sends them the cancellation.
    mail.outbox.clear()
    attendee = session.attendees.get(person=viewer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("sessions:remove-attendee", args=[session.pk, attendee.pk]))
    (cancel,) = mail.outbox
    assert cancel.to == [viewer.email]
    content, mimetype = attachment(cancel)
    assert mimetype == "text/calendar; method=CANCEL"
    calendar, cancelled = read(content)
    assert str(calendar["method"]) == "CANCEL"
    assert str(cancelled["status"]) == "CANCELLED"
    assert str(cancelled["uid"]) == str(first["uid"])
    assert cancelled["sequence"] == 1


def test_a_session_without_times_is_a_whole_day(client, innovation, leader, facilitator):
    part = make_part(innovation, by=leader)
    on = clock.localdate() + timedelta(days=3)
    session = sessions.plan_session(
        innovation,
        by=facilitator,
        held_on=on,
        title="Review",
        facilitator=facilitator,
        parts=[part],
    )
    client.force_login(facilitator)
    _, event = read(client.get(reverse("sessions:calendar", args=[session.pk])).content)
    assert event.decoded("dtstart") == on
    assert event.decoded("dtend") == on + timedelta(days=1)


def test_an_end_before_the_start_is_refused_at_its_field(client, session, facilitator):
    client.force_login(facilitator)
    response = client.post(
        reverse("sessions:edit", args=[session.pk]),
        {
            "title": "Summer reflection",
            "held_on": session.held_on.isoformat(),
            "starts_at": "14:00",
            "ends_at": "13:00",
            "facilitator": facilitator.pk,
            "parts": [session.parts.get().pk],
        },
    )
    assert response.status_code == 422
    assert "The end time must be after the start time." in response.content.decode()
    session.refresh_from_db()
    assert session.starts_at == time(10, 0)


def test_people_who_may_not_see_the_innovation_cannot_be_invited(
    client, session, facilitator, outsider
):
    client.force_login(facilitator)
    response = client.post(
        reverse("sessions:invite", args=[session.pk]),
        {"people": [outsider.pk], "level": "operational"},
    )
    assert response.status_code == 422
    assert "Choose people from the list." in response.content.decode()
    assert session.attendees.count() == 0
    assert mail.outbox == []


def test_someone_first_invited_after_a_change_receives_an_invitation_not_an_update(
    client, session, facilitator, viewer, leader, django_capture_on_commit_callbacks
):
    """The session's time changed before anyone was invited: its sequence is 1, but to the
    person invited now it is new, so the email invites them rather than saying it changed;
    an update goes only to someone already invited."""
    client.force_login(facilitator)
    sessions.update_session(
        session,
        by=facilitator,
        held_on=session.held_on,
        title=session.title,
        facilitator=facilitator,
        parts=list(session.parts.all()),
        starts_at=time(14, 0),
        ends_at=time(15, 0),
        place=session.place,
        online_link=session.online_link,
    )
    session.refresh_from_db()
    assert session.calendar_sequence == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("sessions:invite", args=[session.pk]),
            {"people": [viewer.pk], "level": "operational"},
        )
    (invitation,) = mail.outbox
    assert invitation.subject.startswith("Invitation: Summer reflection")
    assert "You are invited to a reflection session" in invitation.body
    assert "has changed" not in invitation.alternatives[0][0]
    _, event = read(attachment(invitation)[0])
    assert event["sequence"] == 1


def test_the_attendees_table_names_invited_people_under_who(
    client, session, facilitator, viewer, django_capture_on_commit_callbacks
):
    """An invited member is listed by name, so the column is headed Who, not Role."""
    client.force_login(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("sessions:invite", args=[session.pk]),
            {"people": [viewer.pk], "level": "operational"},
        )
    html = client.get(reverse("sessions:detail", args=[session.pk])).content.decode()
    table = html[html.index('aria-label="Attendees by level"') :]
    table = table[: table.index("</table>")]
    assert '<th scope="col" class="govuk-table__header">Who</th>' in table
    assert ">Role</th>" not in table
    assert f'<td class="govuk-table__cell">{viewer.get_full_name()}</td>' in table
