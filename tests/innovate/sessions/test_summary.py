"""The printable summary of a reflection session and the CSV of its actions."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from assessments.services import sessions
from tests.innovate.helpers import login_url
from tests.innovate.sessions_helpers import planned, two_parts

D = datetime.date


@pytest.fixture
def held(innovation, facilitator, leader, viewer):
    """A session with attendees at three levels, notes, an applied advance with a minority
    view, a stay, and two actions (one done)."""
    north, south = two_parts(innovation, leader)
    session = planned(innovation, facilitator, [north, south])
    for name, level, part in [
        ("Head of service", "strategic", None),
        ("Team manager", "operational", north),
        ("A parent from Family Voice", "young_person_or_family", None),
    ]:
        sessions.add_attendee(session, by=facilitator, name_or_role=name, level=level, part=part)
    sessions.add_note(
        session, by=facilitator, part=north, prompt=north.stage.prompts[0], text="Tested twice."
    )
    sessions.add_note(session, by=facilitator, text="A good turnout.")
    sessions.record_decision(
        session,
        north,
        by=facilitator,
        kind="advance",
        rationale="The pilot met its aims.",
        minority_view="Practice leads wanted one more month.",
    )
    sessions.record_decision(session, south, by=facilitator, kind="stay")
    sessions.apply_decisions(session, by=facilitator)
    sessions.add_action(
        session, by=facilitator, text="=HYPERLINK(1)", owner=viewer, due_on=D(2024, 4, 1)
    )
    done = sessions.add_action(session, by=facilitator, text="Book the room", owner=leader)
    sessions.complete_action(done, by=leader, done_on=D(2024, 3, 2))
    return session


def test_the_summary_holds_attendees_notes_decisions_moves_minority_views_and_actions(
    client_for, viewer, held
):
    response = client_for(viewer).get(reverse("sessions:summary", args=[held.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Summary: Spring review" in html
    strategic = html.index(">Strategic</h3>")
    operational = html.index(">Operational</h3>")
    family = html.index(">Young person or family</h3>")
    assert strategic < operational < family
    assert "Team manager (from North team)" in html
    assert "Tested twice." in html and "A good turnout." in html
    assert "North team advanced to Integrating, dated 1 March 2024" in html
    assert "South team stays active in Developing, round 1." in html
    assert "<strong>North team</strong> (advance): Practice leads wanted one more month." in html
    assert "=HYPERLINK(1)" in html and "Done 2 Mar 2024" in html
    assert 'class="govuk-body-s app-print-only app-print-running"' in html
    assert 'class="app-no-print"' in html
    assert "Mark as done" not in html


@pytest.mark.parametrize(("persona", "status"), [("viewer", 200), ("outsider", 404)])
def test_who_may_read_the_summary(request, client_for, held, persona, status):
    user = request.getfixturevalue(persona)
    url = reverse("sessions:summary", args=[held.pk])
    assert client_for(user).get(url).status_code == status


def test_the_summary_asks_an_anonymous_person_to_sign_in_and_answers_only_get(
    client, client_for, viewer, held
):
    url = reverse("sessions:summary", args=[held.pk])
    assert client.get(url)["Location"] == login_url(url)
    assert client_for(viewer).post(url).status_code == 405


def test_the_actions_stream_as_csv_with_formulas_neutralised(client_for, viewer, held):
    response = client_for(viewer).get(reverse("sessions:actions-csv", args=[held.pk]))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"] == f'attachment; filename="session-{held.pk}-actions.csv"'
    )
    text = b"".join(response.streaming_content).decode("utf-8").removeprefix("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "Action",
        "Owner",
        "Due",
        "Done",
        "Done on",
        "Session",
        "Session date",
        "Innovation",
    ]
    assert rows[1][:5] == ["'=HYPERLINK(1)", viewer.get_full_name(), "2024-04-01", "no", ""]
    assert rows[2][0] == "Book the room" and rows[2][3:5] == ["yes", "2024-03-02"]
    assert rows[1][5:] == ["Spring review", "2024-03-01", "Family group conferencing"]


@pytest.mark.parametrize(("persona", "status"), [("viewer", 200), ("outsider", 404)])
def test_who_may_download_the_actions(request, client_for, held, persona, status):
    user = request.getfixturevalue(persona)
    url = reverse("sessions:actions-csv", args=[held.pk])
    assert client_for(user).get(url).status_code == status


def test_the_csv_asks_an_anonymous_person_to_sign_in_and_answers_only_get(
    client, client_for, viewer, held
):
    url = reverse("sessions:actions-csv", args=[held.pk])
    assert client.get(url)["Location"] == login_url(url)
    assert client_for(viewer).post(url).status_code == 405
