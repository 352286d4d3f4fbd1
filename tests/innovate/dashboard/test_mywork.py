"""My work: the signed-in person's reviews, pauses to revisit, actions and coming sessions."""

import datetime
import re

import pytest
from django.urls import reverse

from tests.factories import InnovationFactory, make_move, make_part
from tests.innovate.dashboard_journeys import build, frozen
from tests.innovate.helpers import login_url

D = datetime.date
URL = reverse("dashboard:my-work")


@pytest.fixture(autouse=True)
def _clock():
    with frozen():
        yield


@pytest.fixture
def journeys(organisation, innovation, leader, manager, facilitator):
    return build(organisation, innovation, leader=leader, manager=manager, facilitator=facilitator)


def section(html, heading_id):
    start = html.index(f'id="{heading_id}"')
    end = html.find("<h2", start)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[start : end if end > 0 else None]))


def test_my_work_lists_the_leaders_reviews_pauses_actions_and_sessions(
    client_for, leader, journeys
):
    kinship = journeys["kinship"]
    make_part(
        kinship, by=leader, name="Due in a fortnight", lead=leader, next_review_on=D(2024, 7, 14)
    )
    make_part(kinship, by=leader, name="Due later", lead=leader, next_review_on=D(2024, 7, 15))
    make_move(journeys["slow"], "pause", by=leader, on=D(2024, 6, 20), review_on=D(2024, 7, 5))
    waiting = make_part(kinship, by=leader, name="Waiting team", lead=leader, on=D(2024, 2, 1))
    make_move(waiting, "pause", by=leader, on=D(2024, 3, 1), review_on=D(2024, 4, 1))
    response = client_for(leader).get(URL)
    assert response.status_code == 200
    html = response.content.decode()

    reviews = section(html, "reviews-heading")
    assert reviews.index("North team") < reviews.index("Due in a fortnight")
    assert "1 June 2024 Overdue" in reviews
    assert "Due later" not in reviews
    assert "South team" not in reviews

    pauses = section(html, "pauses-heading")
    assert pauses.index("Waiting team") < pauses.index("Slow team")
    assert "1 April 2024 Passed" in pauses
    assert "5 July 2024" in pauses

    actions = section(html, "actions-heading")
    assert "Write to the funders about South team" in actions
    assert "May review (Family group conferencing, 15 May 2024)" in actions
    assert "15 June 2024 Overdue" in actions

    sessions = section(html, "sessions-heading")
    assert "Wednesday 10 July 2024 : Kinship summer review (Kinship support)" in sessions


def test_a_facilitator_sees_the_sessions_they_facilitate(client_for, facilitator, journeys):
    html = client_for(facilitator).get(URL).content.decode()
    assert "Kinship summer review" in section(html, "sessions-heading")
    assert "No reviews due in the next 14 days." in html
    assert "No open actions." in html


def test_a_person_with_nothing_to_do_is_told_so(client_for, viewer, journeys):
    html = client_for(viewer).get(URL).content.decode()
    for words in (
        "No reviews due in the next 14 days.",
        "No pauses to revisit.",
        "No open actions.",
        "No sessions planned.",
    ):
        assert words in html


def test_done_actions_and_closed_innovations_are_not_work(
    client_for, leader, facilitator, journeys
):
    from assessments.services import sessions
    from stages import services

    sessions.complete_action(journeys["action"], by=facilitator)
    old = InnovationFactory(organisation=journeys["innovation"].organisation, title="Old idea")
    make_part(old, by=leader, name="Old team", lead=leader, next_review_on=D(2024, 6, 1))
    services.close_innovation(old, by=leader, outcome="other", learning="It was done elsewhere.")
    html = client_for(leader).get(URL).content.decode()
    assert "Write to the funders" not in html
    assert "Old team" not in html


def test_my_work_is_of_the_organisation_the_person_works_in(
    client_for, leader, journeys, other_organisation, outsider
):
    theirs = InnovationFactory(organisation=other_organisation, title="Theirs")
    make_part(theirs, by=outsider, name="Their team", lead=outsider, next_review_on=D(2024, 6, 1))
    html = client_for(outsider).get(URL).content.decode()
    assert "Their team" in html
    assert "North team" not in html and "Write to the funders" not in html
    assert "North team" in client_for(leader).get(URL).content.decode()


def test_my_work_asks_an_anonymous_person_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == login_url(URL)


def test_my_work_answers_only_get(client_for, viewer):
    assert client_for(viewer).post(URL).status_code == 405
