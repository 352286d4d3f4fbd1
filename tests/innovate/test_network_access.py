"""The access core's answer for networks: who may know a network exists (others get a 404)
and, of those, who may do what (others get a 403). The table is this test's own."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied
from django.http import Http404

from innovate.access import get_network_for
from networks.models import NetworkMember
from stages import clock
from tests.factories import UserFactory
from tests.networks.world import make_world

OK, NO, GONE = "ok", 403, 404

# persona: (view, manage, member_manager, platform)
EXPECTED = {
    "platform_admin": (NO, NO, NO, OK),
    "network_owner_manager": (OK, OK, OK, NO),
    "owner_leader": (OK, NO, NO, NO),
    "member_manager": (OK, NO, OK, NO),
    "member_leader": (OK, NO, NO, NO),
    # A guest of a member organisation sees only the innovations shared with them.
    "member_guest": (GONE, GONE, GONE, GONE),
    "left_manager": (GONE, GONE, GONE, GONE),
    # The invited organisation's managers know of the network (to accept or decline) but may
    # not read it yet; its other people know nothing of it.
    "invited_manager": (NO, NO, NO, NO),
    "invited_viewer": (GONE, GONE, GONE, GONE),
    "observer": (OK, NO, NO, NO),
    "ended_observer": (GONE, GONE, GONE, GONE),
    "stranger": (GONE, GONE, GONE, GONE),
}
NEEDS = ("view", "manage", "member_manager", "platform")


@pytest.fixture
def world(organisation, manager):
    return make_world(organisation, manager)


def request_as(user):
    request = type("Request", (), {})()
    request.user = user
    request.session = SessionStore()
    return request


def answer(user, network_pk, need):
    request = request_as(user)
    try:
        get_network_for(request, network_pk, need)
    except Http404:
        return GONE
    except PermissionDenied:
        return NO
    return OK


@pytest.mark.parametrize("persona", EXPECTED)
def test_each_persona_gets_the_networks_answer_for_each_need(world, persona):
    user = world.people.get(persona) or UserFactory(username=persona)
    got = tuple(answer(user, world.network.pk, need) for need in NEEDS)
    assert got == EXPECTED[persona]


def test_a_network_that_does_not_exist_is_not_found(world):
    assert answer(world.people["member_manager"], world.network.pk + 1000, "view") == GONE


def test_an_organisation_that_joins_again_is_a_member_again(world):
    NetworkMember.objects.create(
        network=world.network,
        organisation=world.left,
        invited_by=world.people["network_owner_manager"],
        joined_by=world.people["left_manager"],
        joined_at=clock.now(),
    )
    assert answer(world.people["left_manager"], world.network.pk, "member_manager") == OK
    assert world.network.members.filter(organisation=world.left).count() == 2


def test_the_standing_says_who_the_person_is(world):
    network, standing = get_network_for(request_as(world.people["observer"]), world.network.pk)
    assert standing.is_observer and not standing.is_member
    network, standing = get_network_for(request_as(world.people["member_leader"]), world.network.pk)
    assert standing.membership.organisation == world.member
    assert not standing.is_observer


def test_an_unknown_need_is_a_mistake_in_the_code(world):
    with pytest.raises(ValueError):
        get_network_for(request_as(AnonymousUser()), world.network.pk, "leader")
