"""The Team page: who is on an innovation's team, changed by a manager or its lead, and what
a place on a team lets a person do on that innovation alone."""

from datetime import date, timedelta
from html import unescape

import pytest
from django.urls import reverse

from assessments.models import ReflectionSession
from stages import teams
from stages.models import Innovation, Move, Role, TeamMember
from tests.factories import InnovationFactory, MembershipFactory, UserFactory, make_part

pytestmark = pytest.mark.django_db


def team_url(innovation):
    return reverse("innovations:team", args=[innovation.pk])


@pytest.fixture
def contributor(organisation):
    return MembershipFactory(
        organisation=organisation,
        role=Role.VIEWER,
        user=UserFactory(username="casey", first_name="Casey", last_name="Jones"),
    ).user


def test_a_manager_names_the_lead_and_contributors_and_restricts_it(
    client, manager, leader, contributor, innovation
):
    client.force_login(manager)
    response = client.post(
        team_url(innovation),
        {"lead": leader.pk, "contributors": [contributor.pk], "restricted": "on"},
    )
    assert response.status_code == 303
    innovation.refresh_from_db()
    assert innovation.lead == leader and innovation.restricted
    (place,) = TeamMember.objects.filter(innovation=innovation)
    assert (place.user, place.role, place.is_active) == (contributor, "contributor", True)
    assert place.history.get().history_change_reason == (
        f"Added to the team by {manager.get_full_name()}"
    )
    assert innovation.history.first().history_change_reason.endswith("restricted")
    page = client.get(team_url(innovation)).content.decode()
    assert "Casey Jones" in page and "Restricted" in page


def test_the_lead_may_change_the_team_and_a_contributor_may_not(
    client, leader, contributor, manager, innovation
):
    teams.set_team(
        innovation, by=manager, lead=leader, contributors=[contributor], restricted=False
    )
    client.force_login(contributor)
    refused = client.post(team_url(innovation), {"lead": leader.pk})
    assert refused.status_code == 403
    assert "Only a manager or the innovation's lead" in unescape(refused.content.decode())
    assert TeamMember.objects.get(user=contributor).is_active

    client.force_login(leader)
    assert client.post(team_url(innovation), {"lead": leader.pk}).status_code == 303
    place = TeamMember.objects.get(user=contributor)
    assert not place.is_active
    assert (
        place.history.order_by("history_id")
        .last()
        .history_change_reason.startswith("Taken off the team by")
    )


def test_a_guest_or_someone_of_another_organisation_cannot_be_put_on_the_team(
    client, manager, innovation, organisation, outsider
):
    guest = MembershipFactory(organisation=organisation, role=Role.VIEWER, is_guest=True).user
    client.force_login(manager)
    response = client.post(team_url(innovation), {"contributors": [guest.pk, outsider.pk]})
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    assert not TeamMember.objects.exists()


def test_a_viewer_on_the_team_may_move_its_parts_and_not_another_innovations(
    client, organisation, manager, leader, contributor, innovation
):
    ours = make_part(innovation, by=leader, name="Ours")
    other = InnovationFactory(organisation=organisation, title="Someone else's")
    theirs = make_part(other, by=leader, name="Theirs")
    teams.set_team(innovation, by=manager, lead=None, contributors=[contributor], restricted=False)
    client.force_login(contributor)
    data = {
        "kind": "advance",
        "effective_on": date(2024, 2, 1).isoformat(),
        "rationale": "Ready.",
        "expected_version": 1,
    }
    moved = client.post(reverse("parts:move", args=[ours.pk]), data)
    assert moved.status_code == 303, moved.content.decode()[:2000]
    assert Move.objects.filter(part=ours).count() == 2
    refused = client.post(reverse("parts:move", args=[theirs.pk]), data)
    assert refused.status_code == 403
    assert "The innovation's lead and contributors may too." in unescape(refused.content.decode())
    assert Move.objects.filter(part=theirs).count() == 1


def test_a_member_not_on_a_restricted_innovations_team_finds_no_such_page(
    client, manager, leader, viewer, innovation
):
    part = make_part(innovation, by=leader, name="North team")
    teams.set_team(innovation, by=manager, lead=leader, contributors=[], restricted=True)
    client.force_login(viewer)
    for url in (
        innovation.get_absolute_url(),
        team_url(innovation),
        reverse("parts:move", args=[part.pk]),
        reverse("sessions:list", args=[innovation.pk]),
    ):
        assert client.get(url).status_code == 404, url
    client.force_login(leader)
    assert client.get(innovation.get_absolute_url()).status_code == 200


def test_removing_a_guest_keeps_their_place_and_its_history(client, manager, organisation):
    innovation = Innovation.objects.create(organisation=organisation, title="Shared")
    guest = MembershipFactory(organisation=organisation, role=Role.VIEWER, is_guest=True).user
    (place,) = teams.place_guest(
        guest,
        by=manager,
        innovations=[innovation],
        role="viewer",
        until=date.today() + timedelta(days=9),
    )
    client.force_login(manager)
    page = client.get(team_url(innovation)).content.decode()
    assert f"{guest.get_full_name()} (guest)" in page
    url = reverse("innovations:remove-place", args=[innovation.pk, place.pk])
    assert client.post(url).status_code == 303
    place.refresh_from_db()
    assert not place.is_active
    assert place.history.count() == 2
    page = client.get(team_url(innovation)).content.decode()
    assert "Access that has ended (1)" in page and "removed" in page


def test_a_contributor_editing_the_innovation_cannot_make_themselves_its_lead(
    client, manager, leader, contributor, innovation
):
    teams.set_team(
        innovation, by=manager, lead=leader, contributors=[contributor], restricted=False
    )
    client.force_login(contributor)
    url = reverse("innovations:edit", args=[innovation.pk])
    assert 'name="lead"' in client.get(url).content.decode()
    response = client.post(url, {"title": "Family group conferencing", "lead": contributor.pk})
    assert response.status_code == 303
    innovation.refresh_from_db()
    assert innovation.lead == leader


def test_the_lead_of_an_innovation_may_plan_and_facilitate_its_session(
    client, manager, leader, contributor, innovation, organisation
):
    part = make_part(innovation, by=leader, name="North team")
    other = InnovationFactory(organisation=organisation, title="Someone else's")
    teams.set_team(innovation, by=manager, lead=contributor, contributors=[], restricted=False)
    client.force_login(contributor)
    data = {
        "title": "Spring reflection",
        "held_on": date(2024, 3, 1).isoformat(),
        "facilitator": contributor.pk,
        "parts": [part.pk],
    }
    planned = client.post(reverse("sessions:plan", args=[innovation.pk]), data)
    assert planned.status_code == 303, planned.content.decode()[:3000]
    session = ReflectionSession.objects.get(innovation=innovation)
    assert session.facilitator == contributor
    assert client.get(reverse("sessions:run", args=[session.pk])).status_code == 302
    assert client.get(reverse("sessions:plan", args=[other.pk])).status_code == 403
