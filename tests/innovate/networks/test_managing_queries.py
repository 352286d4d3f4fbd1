"""The networks' management pages run a fixed number of queries, for a network of 2
organisations as for one of 20."""

import pytest
from django.urls import reverse

from networks import services
from networks.models import PlatformAdministrator
from stages.models import Role
from tests.factories import OrganisationFactory, UserFactory
from tests.networks.world import member

SIZES = [2, 20]


@pytest.fixture
def network_of(request, organisation, manager):
    size = request.param
    admin = UserFactory(username="platform-admin")
    PlatformAdministrator.objects.create(user=admin)
    network = services.create_network(
        owner=organisation, name="Family Safeguarding spread", by=admin
    )
    names = []
    for n in range(size - 1):
        joining = OrganisationFactory(name=f"Council {n:02}", slug=f"council-{n:02}")
        their_manager = member(joining, Role.MANAGER, f"manager-{n:02}")
        place = services.invite_organisation(network, joining, by=manager)
        if n % 3 == 2:
            services.decline_network_invitation(place, by=their_manager)
        elif n % 3 == 1:
            services.accept_network_invitation(place, by=their_manager)
            services.leave_network(network, joining, by=their_manager)
        else:
            services.accept_network_invitation(place, by=their_manager)
        names.append(joining.name)
        services.invite_observer(network, by=manager, email=f"observer{n}@example.org")
    return network, names


@pytest.mark.parametrize("network_of", SIZES, indirect=True)
def test_the_members_page_runs_the_same_queries_whatever_the_size(
    client, manager, network_of, django_assert_num_queries
):
    network, names = network_of
    client.force_login(manager)
    with django_assert_num_queries(7):
        response = client.get(reverse("networks:members", args=[network.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for name in names:
        assert name in html


@pytest.mark.parametrize("network_of", SIZES, indirect=True)
def test_the_observers_page_runs_the_same_queries_whatever_the_size(
    client, manager, network_of, django_assert_num_queries
):
    network, _names = network_of
    client.force_login(manager)
    with django_assert_num_queries(6):
        response = client.get(reverse("networks:observers", args=[network.pk]))
    assert response.status_code == 200
    assert "observer0@example.org" in response.content.decode()
