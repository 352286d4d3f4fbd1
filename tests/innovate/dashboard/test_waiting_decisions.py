"""Decisions waiting to be applied, flagged where people look: in My work for those who answer
for the session, and in the dashboard's Needs attention as a reason beside a part's others,
each part listed once, until the decision is applied or marked not applied."""

import datetime
import re

import pytest
from django.urls import reverse

from assessments.services import sessions
from innovate.dashboard import portfolio as data
from stages import services
from stages.models import Role
from tests.factories import MembershipFactory, UserFactory, make_move
from tests.innovate.dashboard_journeys import TODAY, build, frozen

D = datetime.date
MY_WORK = reverse("dashboard:my-work")
DASHBOARD = reverse("dashboard:portfolio")
JUNE = D(2024, 6, 20)


@pytest.fixture(autouse=True)
def _clock():
    with frozen():
        yield


@pytest.fixture
def journeys(organisation, innovation, leader, manager, facilitator):
    return build(organisation, innovation, leader=leader, manager=manager, facilitator=facilitator)


@pytest.fixture
def june(journeys, manager):
    """June review of Kinship support, held on 20 June 2024 and facilitated by the manager; it
    decided that Kinship team 1 stays where it is."""
    session = sessions.plan_session(
        journeys["kinship"],
        by=manager,
        held_on=JUNE,
        title="June review",
        facilitator=manager,
        parts=[journeys["teams"][0], journeys["slow"]],
    )
    sessions.record_decision(session, journeys["teams"][0], by=manager, kind="stay")
    return session


def text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def section(html, heading_id):
    start = html.index(f'id="{heading_id}"')
    end = html.find("<h2", start)
    return html[start : end if end > 0 else None]


def needs_attention(client, **params):
    response = client.get(DASHBOARD, params)
    assert response.status_code == 200
    html = section(response.content.decode(), "alerts-heading")
    items = [text(item) for item in re.findall(r"<li>(.*?)</li>", html, re.S)]
    tag = re.search(r'<span class="govuk-tag govuk-tag--yellow">(\d+)</span>', html)
    return items, int(tag.group(1)) if tag else 0


def waiting_items(items):
    return [item for item in items if "waiting to be applied" in item]


TEAM_1 = (
    "Kinship team 1 (Kinship support): Decision from June review on 20 June 2024 waiting to "
    "be applied: Kinship team 1 stays where it is"
)


# --- Needs attention -------------------------------------------------------------------------


def test_a_part_with_a_decision_waiting_needs_attention(client_for, viewer, journeys):
    client = client_for(viewer)
    before, count_before = needs_attention(client)
    assert waiting_items(before) == []
    session = sessions.plan_session(
        journeys["kinship"],
        by=journeys["kinship"].lead,
        held_on=JUNE,
        title="June review",
        facilitator=journeys["kinship"].lead,
        parts=[journeys["teams"][0]],
    )
    sessions.record_decision(session, journeys["teams"][0], by=viewer, kind="stay")
    items, count = needs_attention(client)
    assert waiting_items(items) == [TEAM_1]
    assert count == count_before + 1 == len(items)


def test_the_decision_stops_needing_attention_once_applied(
    client_for, viewer, manager, organisation, june
):
    client = client_for(viewer)
    _items, count_before = needs_attention(client)
    sessions.apply_decisions(june, by=manager)
    items, count = needs_attention(client)
    assert waiting_items(items) == []
    assert count == count_before - 1 == len(items)
    assert data.portfolio(organisation, TODAY, today=TODAY).alerts.waiting_decisions == []


def test_the_decision_stops_needing_attention_once_marked_not_applied(
    client_for, viewer, manager, leader, journeys, june
):
    team = journeys["teams"][0]
    sessions.record_decision(june, team, by=manager, kind="advance")
    assert waiting_items(needs_attention(client_for(viewer))[0]) == [
        "Kinship team 1 (Kinship support): Decision from June review on 20 June 2024 waiting "
        "to be applied: Kinship team 1: advance"
    ]
    # Kinship team 1 moved after the session, so the decision cannot be applied.
    make_move(team, "advance", by=leader, on=D(2024, 6, 25))
    assert [o.status for o in sessions.apply_decisions(june, by=manager)] == ["not_applied"]
    items, count = needs_attention(client_for(viewer))
    assert waiting_items(items) == []
    assert count == len(items)


def test_as_of_a_date_a_decision_is_waiting_from_its_session_until_it_was_applied(
    client_for, viewer, manager, june
):
    sessions.apply_decisions(june, by=manager)  # today, 30 June 2024
    client = client_for(viewer)
    items, count = needs_attention(client, as_of="2024-06-29")
    assert TEAM_1 in items
    assert count == len(items)
    items, _count = needs_attention(client, as_of="2024-06-20")
    assert TEAM_1 in items
    items, _count = needs_attention(client, as_of="2024-06-19")
    assert waiting_items(items) == []


def test_a_part_already_listed_gets_the_decision_beside_its_other_reasons(
    client_for, viewer, facilitator, organisation, journeys, june
):
    """South team is paused past its date to revisit; Slow team looks stuck. Each is listed
    once, with the decision waiting beside its first reason, and the count does not grow."""
    client = client_for(viewer)
    before, count_before = needs_attention(client)
    sessions.record_decision(journeys["held"], journeys["south"], by=facilitator, kind="stay")
    sessions.record_decision(june, journeys["slow"], by=facilitator, kind="stay")
    items, count = needs_attention(client)
    assert count == count_before == len(items) == len(before)
    south = [item for item in items if item.startswith("South team")]
    assert south == [
        "South team (Family group conferencing): paused in Developing, to revisit on 1 March "
        "2024; Decision from May review on 15 May 2024 waiting to be applied: South team stays "
        "where it is"
    ]
    slow = [item for item in items if item.startswith("Slow team")]
    assert len(slow) == 1
    assert slow[0].endswith(
        "; Decision from June review on 20 June 2024 waiting to be applied: Slow team stays "
        "where it is"
    )
    assert waiting_items(items) == [south[0], slow[0], TEAM_1]
    alerts = data.portfolio(organisation, TODAY, today=TODAY).alerts
    assert [row.part.name for _g, row in alerts.waiting_decisions] == ["Kinship team 1"]


def test_decisions_from_two_sessions_make_one_item_with_both_reasons(
    client_for, viewer, manager, journeys, june
):
    client = client_for(viewer)
    _items, count_before = needs_attention(client)
    later = sessions.plan_session(
        journeys["kinship"],
        by=manager,
        held_on=D(2024, 6, 27),
        title="Late June review",
        facilitator=manager,
        parts=[journeys["teams"][0]],
    )
    sessions.record_decision(later, journeys["teams"][0], by=manager, kind="advance")
    items, count = needs_attention(client)
    assert waiting_items(items) == [
        TEAM_1 + "; Decision from Late June review on 27 June 2024 waiting to be applied: "
        "Kinship team 1: advance"
    ]
    assert count == count_before == len(items)


def test_decisions_on_parts_of_a_closed_innovation_are_not_counted(
    client_for, viewer, leader, journeys, june
):
    client = client_for(viewer)
    _items, count_before = needs_attention(client)
    services.close_innovation(journeys["kinship"], by=leader, outcome="other", learning="Done.")
    for params in ({}, {"status": "all"}):
        items, count = needs_attention(client, **params)
        assert waiting_items(items) == []
        assert count == len(items)
    assert count < count_before


# --- My work ---------------------------------------------------------------------------------


def my_decisions(client):
    response = client.get(MY_WORK)
    assert response.status_code == 200
    return section(response.content.decode(), "decisions-heading")


@pytest.fixture
def may_decided(journeys, facilitator):
    """May review, facilitated by the facilitator, decided that South team stays."""
    sessions.record_decision(journeys["held"], journeys["south"], by=facilitator, kind="stay")
    return journeys["held"]


def test_the_facilitator_sees_the_decisions_of_their_session_with_where_to_apply_them(
    client_for, facilitator, may_decided, june
):
    html = my_decisions(client_for(facilitator))
    assert (
        "South team stays where it is Waiting to be applied May review (Family group "
        "conferencing, 15 May 2024)"
    ) in text(html)
    assert f'href="{reverse("sessions:apply", args=[may_decided.pk])}"' in html
    assert "June review" not in html  # facilitated by the manager


def test_a_facilitator_of_another_session_does_not_see_them(client_for, organisation, may_decided):
    other = MembershipFactory(
        organisation=organisation,
        role=Role.FACILITATOR,
        user=UserFactory(username="other-facilitator"),
    ).user
    html = my_decisions(client_for(other))
    assert "South team" not in html
    assert "No decisions waiting to be applied." in html


def test_the_lead_of_the_innovation_sees_them_and_where_the_session_is(
    client_for, leader, may_decided
):
    html = my_decisions(client_for(leader))
    assert "South team stays where it is" in text(html)
    # A leader may not apply decisions: the link is to the session's page.
    assert f'href="{may_decided.get_absolute_url()}"' in html
    assert reverse("sessions:apply", args=[may_decided.pk]) not in html


def test_a_manager_sees_every_decision_waiting_in_the_organisation(
    client_for, manager, may_decided, june
):
    html = text(my_decisions(client_for(manager)))
    assert "South team stays where it is" in html
    assert "Kinship team 1 stays where it is" in html
    assert html.index("South team") < html.index("Kinship team 1")  # oldest session first


def test_my_work_stops_showing_a_decision_once_applied_or_not_applied(
    client_for, facilitator, manager, leader, journeys, may_decided, june
):
    client = client_for(manager)
    sessions.apply_decisions(may_decided, by=facilitator)
    html = text(my_decisions(client))
    assert "South team" not in html
    assert "Kinship team 1 stays where it is" in html
    team = journeys["teams"][0]
    sessions.record_decision(june, team, by=manager, kind="advance")
    assert "Kinship team 1: advance" in text(my_decisions(client))
    # Kinship team 1 moved after the session, so the decision cannot be applied.
    make_move(team, "advance", by=leader, on=D(2024, 6, 25))
    assert [o.status for o in sessions.apply_decisions(june, by=manager)] == ["not_applied"]
    assert "No decisions waiting to be applied." in my_decisions(client)
