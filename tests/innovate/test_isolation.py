"""A restricted innovation, and everything an organisation holds beyond what is shared with a
guest, is left out of every list, count, picture and export: the innovation list, the dashboard
with its wheel, feed and Needs attention, compare, durations, flow, the board report, My work
and every CSV. A manager, who sees everything, is the control: the same pages name it."""

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from assessments.services import sessions
from stages import teams
from stages.models import Role, TeamRole
from tests.factories import InnovationFactory, MembershipFactory, UserFactory, make_move, make_part

pytestmark = pytest.mark.django_db

HIDDEN = ["Secret pilot", "Hidden team", "Secret review", "Brief the secret board"]

DASHBOARD_PAGES = [
    ("dashboard:portfolio", ""),
    ("dashboard:durations", ""),
    ("dashboard:flow", ""),
    ("dashboard:compare", "?from=2024-01-01"),
    ("dashboard:report", ""),
    ("dashboard:export-portfolio", ""),
    ("dashboard:export-moves", ""),
    ("dashboard:export-durations", ""),
    ("dashboard:my-work", ""),
]


@pytest.fixture
def place(organisation, leader, manager, viewer):
    """Three innovations: an open one shared with a guest, another open one, and a restricted
    one led by the leader, of which the viewer (not on its team) leads a part."""
    today = timezone.localdate()
    shared = InnovationFactory(organisation=organisation, title="Open work")
    other = InnovationFactory(organisation=organisation, title="Other work")
    secret = InnovationFactory(organisation=organisation, title="Secret pilot")
    make_part(shared, by=leader, name="Seen team", lead=viewer)
    make_part(other, by=leader, name="Other team")
    hidden = make_part(secret, by=leader, name="Hidden team", lead=viewer)
    make_move(hidden, "advance", by=leader, on=date(2024, 3, 1))
    make_move(hidden, "pause", by=leader, on=date(2024, 4, 1), review_on=date(2024, 5, 1))
    held = sessions.plan_session(
        secret,
        by=manager,
        held_on=date(2024, 4, 2),
        title="Secret review",
        facilitator=manager,
        parts=[hidden],
    )
    sessions.add_action(
        held, by=manager, text="Brief the secret board", owner=viewer, due_on=date(2024, 4, 10)
    )
    sessions.plan_session(
        secret,
        by=manager,
        held_on=today + timedelta(days=10),
        title="Secret review to come",
        facilitator=manager,
        parts=[hidden],
    )
    teams.set_team(secret, by=manager, lead=leader, contributors=[], restricted=True)
    guest = MembershipFactory(
        organisation=organisation,
        role=Role.VIEWER,
        is_guest=True,
        user=UserFactory(username="police-partner", first_name="Kate", last_name="Morgan"),
    ).user
    teams.place_guest(
        guest,
        by=manager,
        innovations=[shared],
        role=TeamRole.VIEWER,
        until=today + timedelta(days=30),
    )
    return {"shared": shared, "other": other, "secret": secret, "guest": guest}


def _text(client, name, query=""):
    response = client.get(reverse(name) + query)
    assert response.status_code == 200, name
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.mark.parametrize("name,query", DASHBOARD_PAGES)
def test_a_restricted_innovation_is_left_out_of_every_page_and_export(
    name, query, place, client, viewer, manager
):
    client.force_login(manager)
    seen_by_manager = _text(client, name, query)
    client.force_login(viewer)
    seen_by_viewer = _text(client, name, query)

    for words in HIDDEN:
        assert words not in seen_by_viewer, (name, words)
    if name not in {"dashboard:my-work", "dashboard:flow"}:  # these name no part of others
        # The control: the same page names the restricted innovation's part for a manager.
        assert "Hidden team" in seen_by_manager or "Secret pilot" in seen_by_manager, name


@pytest.mark.parametrize(
    "name", ["dashboard:portfolio", "dashboard:durations", "dashboard:flow", "dashboard:report"]
)
def test_the_counts_leave_the_restricted_innovation_out(name, place, client, viewer, manager):
    client.force_login(manager)
    assert "open innovations; 3 parts" in _text(client, name)
    client.force_login(viewer)
    assert "open innovations; 2 parts" in _text(client, name)


def test_the_innovation_list_leaves_the_restricted_innovation_out(
    place, client, viewer, leader, manager
):
    client.force_login(viewer)
    listed = _text(client, "innovations:list")
    assert "Open work" in listed and "Other work" in listed
    assert "Secret pilot" not in listed
    for person in (leader, manager):
        client.force_login(person)
        listed = _text(client, "innovations:list")
        assert "Secret pilot" in listed
        assert '<strong class="govuk-tag govuk-tag--purple">Restricted</strong>' in listed


def test_my_work_leaves_out_a_part_the_person_leads_in_a_restricted_innovation(
    place, client, viewer
):
    client.force_login(viewer)
    mine = _text(client, "dashboard:my-work")
    assert "Hidden team" not in mine
    assert "Brief the secret board" not in mine
    assert "Secret review to come" not in mine


def test_a_guest_lists_only_the_innovation_shared_with_them(place, client):
    client.force_login(place["guest"])
    listed = _text(client, "innovations:list")
    assert "Open work" in listed
    assert "Other work" not in listed and "Secret pilot" not in listed
    assert "Signed in as <a" in listed and ", guest at Northshire County Council</p>" in listed
    assert reverse("dashboard:portfolio") not in listed
    assert client.get(place["shared"].get_absolute_url()).status_code == 200
    assert client.get(place["other"].get_absolute_url()).status_code == 404
    assert client.get(place["secret"].get_absolute_url()).status_code == 404


@pytest.mark.parametrize("name,query", DASHBOARD_PAGES)
def test_a_guest_sees_no_dashboard_export_or_my_work(name, query, place, client):
    client.force_login(place["guest"])
    response = client.get(reverse(name) + query)
    assert response.status_code == 403
    assert "only the innovations shared with you" in response.content.decode()


def test_a_guest_loses_access_on_the_day_after_their_last_and_when_removed(place, client, manager):
    guest, shared = place["guest"], place["shared"]
    client.force_login(guest)
    last_day = timezone.now() + timedelta(days=30)
    with time_machine.travel(last_day, tick=False):
        client.force_login(guest)
        assert client.get(shared.get_absolute_url()).status_code == 200
    with time_machine.travel(last_day + timedelta(days=1), tick=False):
        client.force_login(guest)
        assert client.get(shared.get_absolute_url()).status_code == 404
        assert "Open work" not in _text(client, "innovations:list")

    client.force_login(guest)
    (place_row,) = shared.team.filter(user=guest)
    assert client.get(shared.get_absolute_url()).status_code == 200
    teams.remove_place(place_row, by=manager)
    assert client.get(shared.get_absolute_url()).status_code == 404
    reasons = [row.history_change_reason for row in place_row.history.order_by("history_id")]
    assert reasons[0].startswith("Shared by") and reasons[-1].startswith("Removed by")
