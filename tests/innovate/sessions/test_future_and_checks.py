"""A session dated in the future says in facilitator mode, before anything is typed, what can be
recorded before its date and what must wait, and offers no form for what must wait; the summary
holds every answer to a check given in the session."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Check
from assessments.services import evidence, sessions
from tests.factories import make_part
from tests.innovate.helpers import HTMX, error_at
from tests.innovate.sessions_helpers import HELD_ON, planned, session_rows

D = datetime.date


@pytest.fixture
def east(innovation, leader):
    """A part at Integrating, whose key question the framework states."""
    return make_part(innovation, by=leader, name="East team", stage=4, on=D(2024, 1, 1))


@pytest.fixture
def coming(innovation, facilitator, east):
    later = timezone.localdate() + datetime.timedelta(days=10)
    return planned(innovation, facilitator, [east], held_on=later, title="Next month")


def run_url(session, part):
    return reverse("sessions:run-part", args=[session.pk, part.pk])


def section(html, heading_id):
    return html.split(f'id="{heading_id}"')[1].split("</section>")[0]


def test_facilitator_mode_for_a_future_session_says_first_what_must_wait(
    client_for, facilitator, coming, east
):
    html = client_for(facilitator).get(run_url(coming, east)).content.decode()
    day = f"{coming.held_on:%-d %B %Y}"
    warning = html[html.index('id="waits"') :]
    assert f"This session is planned for {day}." in warning
    assert "Before then you can record notes here and who is coming" in warning
    assert f"The answers to the check and the decisions wait until {day}" in warning
    assert html.index('id="waits"') < html.index('id="notes-heading"')
    assert 'name="text"' in section(html, "notes-heading")
    check = section(html, "check-heading")
    assert 'name="answer"' not in check
    assert f"The answer to the check is recorded on {day} or after." in check
    decision = section(html, "decision-heading")
    assert 'name="kind"' not in decision
    assert f"The decision is recorded on {day} or after." in decision


def test_facilitator_mode_on_the_day_offers_every_form_and_no_warning(
    client_for, facilitator, innovation, east
):
    session = planned(innovation, facilitator, [east], held_on=timezone.localdate())
    html = client_for(facilitator).get(run_url(session, east)).content.decode()
    assert 'id="waits"' not in html
    assert 'name="answer"' in section(html, "check-heading")
    assert 'name="kind"' in section(html, "decision-heading")


def test_a_note_is_taken_before_the_day_but_a_check_answer_is_refused(
    client_for, facilitator, coming, east
):
    client = client_for(facilitator)
    response = client.post(
        reverse("sessions:add-note", args=[coming.pk, east.pk]), {"text": "Agenda idea."}, **HTMX
    )
    assert response.status_code == 200
    before = session_rows()
    response = client.post(
        reverse("sessions:answer-check", args=[coming.pk, east.pk]),
        {"answer": "partly", "evidence": "Funded to March."},
    )
    error_at(
        response,
        "answer",
        f"This session is planned for {coming.held_on:%-d %B %Y}: record the answers to the "
        "check on the day or after.",
    )
    assert session_rows() == before


def test_an_answer_given_in_the_session_is_dated_the_session_s_date(
    client_for, facilitator, innovation, east
):
    session = planned(innovation, facilitator, [east])
    response = client_for(facilitator).post(
        reverse("sessions:answer-check", args=[session.pk, east.pk]),
        {"answer": "partly", "evidence": "Funded to March."},
    )
    assert response.status_code == 303
    assert Check.objects.get(part=east).answered_on == HELD_ON


def test_the_summary_holds_every_answer_to_a_check_given_in_the_session(
    client_for, viewer, facilitator, leader, innovation, east
):
    north = make_part(innovation, by=leader, name="North team", stage=3, on=D(2024, 1, 1))
    elsewhere = make_part(innovation, by=leader, name="West team", stage=4, on=D(2024, 1, 1))
    session = planned(innovation, facilitator, [east, north])
    sessions.answer_check_in_session(
        session, east, by=facilitator, answer="partly", evidence="Funded to March."
    )
    sessions.answer_check_in_session(
        session, east, by=facilitator, answer="yes", evidence="The council confirmed it."
    )
    evidence.reflect_on_prompts(
        north, by=leader, notes=[("What have we changed?", "Shorter forms.")], answered_on=HELD_ON
    )
    # Not the session's: another day, or a part outside its scope.
    evidence.answer_check(
        east, by=leader, answer="no", evidence="Not yet funded.", answered_on=D(2024, 2, 1)
    )
    evidence.answer_check(
        elsewhere, by=leader, answer="no", evidence="Outside the scope.", answered_on=HELD_ON
    )

    html = client_for(viewer).get(reverse("sessions:summary", args=[session.pk])).content
    html = html.decode()
    answers = html.split("Answers to the checks</h2>")[1].split("<h2")[0]
    assert answers.index("Funded to March.") < answers.index("The council confirmed it.")
    assert "Is it (financially, practically) sustainable? <strong>Partly</strong>" in answers
    assert "<strong>Yes</strong>" in answers
    assert "<strong>Reflection on the prompts</strong> at Developing" in answers
    assert "Shorter forms." in answers
    assert "Not yet funded." not in answers
    assert "Outside the scope." not in answers


def test_a_summary_with_no_answer_says_so(client_for, viewer, facilitator, innovation, east):
    session = planned(innovation, facilitator, [east])
    html = client_for(viewer).get(reverse("sessions:summary", args=[session.pk])).content
    assert "No check was answered." in html.decode()
