"""Notes and attendees of a reflection session: removed only until its decisions are applied,
and every removal shown in the innovation's history."""

import pytest
from django.urls import reverse

from assessments.models import Attendee, Note
from assessments.services import sessions
from tests.innovate.helpers import HTMX
from tests.innovate.sessions_helpers import planned, session_rows, two_parts

REFUSED = "The decisions of this session have been applied as moves"


@pytest.fixture
def parts(innovation, leader):
    return two_parts(innovation, leader)


@pytest.fixture
def session(innovation, facilitator, parts):
    return planned(innovation, facilitator, list(parts))


@pytest.fixture
def recorded(session, facilitator, parts):
    attendee = sessions.add_attendee(
        session, by=facilitator, name_or_role="Team manager", level="operational"
    )
    note = sessions.add_note(session, by=facilitator, part=parts[0], text="Letters went out.")
    sessions.record_decision(session, parts[0], by=facilitator, kind="advance")
    return attendee, note


@pytest.fixture
def applied(session, recorded, facilitator):
    sessions.apply_decisions(session, by=facilitator)
    return recorded


def remove_note_url(session, note):
    return reverse("sessions:remove-note", args=[session.pk, note.pk])


def remove_attendee_url(session, attendee):
    return reverse("sessions:remove-attendee", args=[session.pk, attendee.pk])


@pytest.mark.parametrize("htmx", [False, True])
def test_a_note_of_an_applied_session_cannot_be_removed(
    client_for, facilitator, session, applied, htmx
):
    _attendee, note = applied
    before = session_rows()
    response = client_for(facilitator).post(
        remove_note_url(session, note), **(HTMX if htmx else {})
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert REFUSED in html
    assert "Letters went out." in html
    assert ("<html" in html) is not htmx
    assert session_rows() == before


@pytest.mark.parametrize("htmx", [False, True])
def test_an_attendee_of_an_applied_session_cannot_be_removed(
    client_for, facilitator, session, applied, htmx
):
    attendee, _note = applied
    before = session_rows()
    response = client_for(facilitator).post(
        remove_attendee_url(session, attendee), **(HTMX if htmx else {})
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert REFUSED in html
    assert "Team manager" in html
    assert session_rows() == before


def test_an_applied_session_offers_no_remove_buttons(
    client_for, facilitator, session, parts, applied
):
    attendee, note = applied
    client = client_for(facilitator)
    detail = client.get(session.get_absolute_url()).content.decode()
    run = client.get(reverse("sessions:run-part", args=[session.pk, parts[0].pk]))
    assert "Team manager" in detail and "Letters went out." in run.content.decode()
    assert remove_attendee_url(session, attendee) not in detail
    assert remove_note_url(session, note) not in run.content.decode()


def test_before_applying_the_remove_buttons_are_offered(client_for, facilitator, session, recorded):
    attendee, _note = recorded
    detail = client_for(facilitator).get(session.get_absolute_url()).content.decode()
    assert remove_attendee_url(session, attendee) in detail


def test_every_removal_shows_in_the_innovation_s_history(
    client_for, facilitator, viewer, innovation, session, recorded
):
    attendee, note = recorded
    client = client_for(facilitator)
    assert client.post(remove_note_url(session, note)).status_code == 303
    assert client.post(remove_attendee_url(session, attendee)).status_code == 303
    assert not Note.objects.exists() and not Attendee.objects.exists()

    html = client_for(viewer).get(reverse("innovations:history", args=[innovation.pk]))
    html = html.content.decode()
    assert "Note removed from the session “Spring review”</strong>: Letters went out." in html
    assert "Attendee removed from the session “Spring review”</strong>: Team manager" in html
    assert html.count(f"· {facilitator.get_full_name() or facilitator.username}</p>") >= 2


def test_the_attendee_field_asks_for_a_role_not_a_name(client_for, facilitator, session):
    html = client_for(facilitator).get(session.get_absolute_url()).content.decode()
    assert 'for="id_name_or_role">Role</label>' in html
    assert "care-experienced young person; parent. Not a name" in html
    assert "Name or role" not in html
