"""The sessions list flags each session whose decisions are waiting to be applied, until they
are applied or marked not applied, and can be narrowed to those sessions."""

import datetime
import re

import pytest
from django.urls import reverse

from assessments.services import sessions
from tests.factories import make_move, make_part
from tests.innovate.sessions_helpers import planned, two_parts

D = datetime.date
SIZES = [2, 20]


@pytest.fixture
def parts(innovation, leader):
    return two_parts(innovation, leader)


@pytest.fixture
def decided(innovation, facilitator, parts):
    """Spring review (1 March 2024) decided that North team advances and South team stays;
    Winter review (1 February 2024) was held with a note and decided nothing."""
    winter = planned(innovation, facilitator, list(parts), held_on=D(2024, 2, 1), title="Winter")
    sessions.add_note(winter, by=facilitator, text="Nothing to decide yet.")
    spring = planned(innovation, facilitator, list(parts))
    north, south = parts
    sessions.record_decision(spring, north, by=facilitator, kind="advance")
    sessions.record_decision(spring, south, by=facilitator, kind="stay")
    return spring


def row_of(html, title):
    for found in re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', html, re.S):
        if f">{title}</a>" in found:
            return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found)).strip()
    return None


def list_page(client, innovation, **params):
    response = client.get(reverse("sessions:list", args=[innovation.pk]), params)
    assert response.status_code == 200
    return response.content.decode()


def test_a_session_with_decisions_waiting_says_how_many(client_for, viewer, innovation, decided):
    html = list_page(client_for(viewer), innovation)
    assert row_of(html, "Spring review").endswith("Held 2 decisions waiting to be applied")
    assert (
        '<strong class="govuk-tag govuk-tag--orange">2 decisions waiting to be applied</strong>'
        in html
    )
    assert "waiting" not in row_of(html, "Winter")


def test_the_flag_goes_once_the_decisions_are_applied(
    client_for, viewer, facilitator, innovation, decided
):
    sessions.apply_decisions(decided, by=facilitator)
    html = list_page(client_for(viewer), innovation)
    assert row_of(html, "Spring review").endswith("Decisions applied")
    assert "waiting to be applied</strong>" not in html


def test_the_flag_goes_once_a_decision_is_marked_not_applied(
    client_for, viewer, facilitator, leader, innovation, parts, decided
):
    north, _south = parts
    # Recorded for a decision that then could not be applied: North team moved meanwhile.
    make_move(north, "pause", by=leader, on=D(2024, 3, 5))
    sessions.apply_decisions(decided, by=facilitator)
    html = list_page(client_for(viewer), innovation)
    assert "waiting to be applied" not in row_of(html, "Spring review")


def test_one_decision_waiting_is_counted_in_the_singular(
    client_for, viewer, facilitator, innovation, parts
):
    session = planned(innovation, facilitator, list(parts))
    sessions.record_decision(session, parts[0], by=facilitator, kind="stay")
    html = list_page(client_for(viewer), innovation)
    assert row_of(html, "Spring review").endswith("Held 1 decision waiting to be applied")


def test_the_list_can_show_only_the_sessions_with_decisions_waiting(
    client_for, viewer, innovation, decided
):
    html = list_page(client_for(viewer), innovation, waiting="1")
    assert row_of(html, "Spring review") is not None
    assert row_of(html, "Winter") is None
    assert 'id="waiting" name="waiting" type="checkbox" value="1" checked' in html
    assert "Showing only the sessions with decisions waiting to be applied." in html
    assert "No planned session has decisions waiting to be applied." in html


def test_with_none_waiting_the_narrowed_list_says_so(
    client_for, viewer, facilitator, innovation, decided
):
    sessions.apply_decisions(decided, by=facilitator)
    html = list_page(client_for(viewer), innovation, waiting="1")
    assert row_of(html, "Spring review") is None
    assert "No session held has decisions waiting to be applied." in html


@pytest.mark.parametrize("value", ["", "0", "yes", "1' OR 1=1", "\x00"])
def test_any_other_value_of_the_choice_shows_every_session(
    client_for, viewer, innovation, decided, value
):
    html = list_page(client_for(viewer), innovation, waiting=value)
    assert row_of(html, "Spring review") is not None and row_of(html, "Winter") is not None
    assert 'value="1" checked' not in html


def test_another_organisations_sessions_list_is_not_found_narrowed_or_not(
    client_for, outsider, innovation, decided
):
    url = reverse("sessions:list", args=[innovation.pk])
    assert client_for(outsider).get(url, {"waiting": "1"}).status_code == 404


@pytest.fixture
def many(request, innovation, facilitator, leader):
    """A held session with `size` parts, each with a decision waiting, and an earlier one
    whose decisions were applied."""
    parts = [
        make_part(innovation, by=leader, name=f"Team {n:02}", stage=3) for n in range(request.param)
    ]
    earlier = planned(innovation, facilitator, parts, held_on=D(2024, 2, 1), title="Winter")
    for part in parts:
        sessions.record_decision(earlier, part, by=facilitator, kind="stay")
    sessions.apply_decisions(earlier, by=facilitator)
    session = planned(innovation, facilitator, parts)
    for part in parts:
        sessions.record_decision(session, part, by=facilitator, kind="advance")
    return request.param


@pytest.mark.parametrize("many", SIZES, indirect=True)
@pytest.mark.parametrize("params", [{}, {"waiting": "1"}])
def test_the_list_runs_the_same_queries_whatever_the_number_of_decisions_waiting(
    client_for, viewer, innovation, many, params, django_assert_num_queries
):
    client = client_for(viewer)
    # The same as before the list counted the decisions waiting: the count is in the one
    # query that reads the sessions.
    with django_assert_num_queries(8):
        html = list_page(client, innovation, **params)
    assert row_of(html, "Spring review").endswith(f"Held {many} decisions waiting to be applied")
    assert (row_of(html, "Winter") is None) == bool(params)
