import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from innovate.access import (
    SESSION_KEY,
    current_membership,
    get_innovation_for,
    get_part_for,
    memberships,
    organisation_for,
)
from stages.models import Membership, Role
from tests.factories import InnovationFactory, MembershipFactory, UserFactory, make_part


@pytest.fixture
def request_as(rf):
    def make(user):
        request = rf.get("/")
        request.user = user
        request.session = SessionStore()
        return request

    return make


@pytest.fixture
def their_innovation(other_organisation, outsider):
    return InnovationFactory(organisation=other_organisation, title="Southdale hubs")


def test_a_member_gets_their_organisations_innovation(request_as, viewer, innovation):
    found, membership = get_innovation_for(request_as(viewer), innovation.pk)
    assert found == innovation
    assert membership.user == viewer
    assert membership.role == Role.VIEWER


def test_a_member_gets_their_organisations_part(request_as, viewer, part):
    found, membership = get_part_for(request_as(viewer), part.pk)
    assert found == part
    assert membership.organisation == part.organisation


def test_an_innovation_of_another_organisation_is_not_found(request_as, leader, their_innovation):
    with pytest.raises(Http404):
        get_innovation_for(request_as(leader), their_innovation.pk)


def test_a_part_of_another_organisation_is_not_found(request_as, outsider, part):
    with pytest.raises(Http404):
        get_part_for(request_as(outsider), part.pk)


def test_an_innovation_that_does_not_exist_is_not_found(request_as, leader, innovation):
    with pytest.raises(Http404):
        get_innovation_for(request_as(leader), innovation.pk + 1000)


def test_a_role_below_the_need_is_refused_naming_the_roles_that_may(request_as, viewer, innovation):
    with pytest.raises(PermissionDenied) as refused:
        get_innovation_for(request_as(viewer), innovation.pk, need=Role.LEADER)
    message = str(refused.value)
    assert "Only a leader or a role above it (leader, facilitator, manager) may do this." in message
    assert "Your role at Northshire County Council is viewer." in message


def test_a_manager_may_do_what_a_leader_may(request_as, manager, innovation):
    found, membership = get_innovation_for(request_as(manager), innovation.pk, need=Role.LEADER)
    assert found == innovation


def test_a_leader_may_not_do_what_only_a_manager_may(request_as, leader, part):
    with pytest.raises(PermissionDenied, match=r"Only a manager or a role above it \(manager\)"):
        get_part_for(request_as(leader), part.pk, need=Role.MANAGER)


def test_a_deactivated_membership_finds_nothing(request_as, leader, innovation, part):
    Membership.objects.filter(user=leader).update(is_active=False)
    request = request_as(leader)
    with pytest.raises(Http404):
        get_innovation_for(request, innovation.pk)
    with pytest.raises(Http404):
        get_part_for(request_as(leader), part.pk)
    with pytest.raises(Http404):
        organisation_for(request_as(leader))


def test_a_deactivated_user_has_no_memberships(request_as, leader):
    leader.is_active = False
    leader.save()
    assert memberships(request_as(leader)) == []


def test_organisation_for_gives_the_current_membership_and_checks_its_role(
    request_as, viewer, organisation
):
    membership = organisation_for(request_as(viewer))
    assert membership.organisation == organisation
    with pytest.raises(PermissionDenied):
        organisation_for(request_as(viewer), need=Role.LEADER)


@pytest.fixture
def two_hats(organisation, other_organisation):
    """A leader at Northshire who is a viewer at Southdale."""
    person = UserFactory(username="two-hats")
    MembershipFactory(user=person, organisation=organisation, role=Role.LEADER)
    MembershipFactory(user=person, organisation=other_organisation, role=Role.VIEWER)
    return person


def test_the_current_organisation_is_the_one_chosen_in_the_session(
    request_as, two_hats, organisation, other_organisation
):
    request = request_as(two_hats)
    assert current_membership(request).organisation == organisation
    request = request_as(two_hats)
    request.session[SESSION_KEY] = other_organisation.pk
    assert current_membership(request).organisation == other_organisation


def test_opening_an_object_of_a_second_organisation_switches_to_it(
    request_as, two_hats, other_organisation, their_innovation
):
    request = request_as(two_hats)
    found, membership = get_innovation_for(request, their_innovation.pk)
    assert found == their_innovation
    assert request.session[SESSION_KEY] == other_organisation.pk
    assert request.membership == membership


def test_the_role_that_counts_is_the_one_in_the_objects_organisation(
    request_as, two_hats, innovation, their_innovation
):
    assert get_innovation_for(request_as(two_hats), innovation.pk, need=Role.LEADER)
    with pytest.raises(PermissionDenied, match="Your role at Southdale Children's Trust is viewer"):
        get_innovation_for(request_as(two_hats), their_innovation.pk, need=Role.LEADER)


def test_a_browser_opening_an_innovation_of_the_second_organisation_works_there_afterwards(
    client_for, two_hats, innovation, other_organisation, their_innovation
):
    client = client_for(two_hats)
    before = client.get(reverse("innovations:list")).content.decode()
    assert "Southdale hubs" not in before
    response = client.get(reverse("innovations:detail", args=[their_innovation.pk]))
    assert response.status_code == 200
    assert client.session[SESSION_KEY] == other_organisation.pk
    after = client.get(reverse("innovations:list")).content.decode()
    assert "Southdale hubs" in after
    assert "Family group conferencing" not in after


def test_a_refused_object_does_not_switch_the_organisation(
    client_for, two_hats, organisation, their_innovation, outsider
):
    their_part = make_part(their_innovation, by=outsider, name="Hub A")
    client = client_for(two_hats)
    response = client.get(reverse("parts:move", args=[their_part.pk]))
    assert response.status_code == 403
    assert client.session.get(SESSION_KEY) in (None, organisation.pk)


def test_a_forbidden_page_names_the_roles_that_may(client_for, viewer, innovation):
    response = client_for(viewer).get(reverse("innovations:edit", args=[innovation.pk]))
    assert response.status_code == 403
    html = response.content.decode()
    assert "You cannot do this" in html
    assert "Only a leader or a role above it (leader, facilitator, manager) may do this." in html


def test_a_page_of_another_organisation_is_the_products_not_found_page(
    client_for, outsider, innovation
):
    response = client_for(outsider).get(reverse("innovations:detail", args=[innovation.pk]))
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "Family group conferencing" not in html
