"""Platform staff grant the platform administrator's role and may create networks in the
Django admin; a network created there has its owner as its first member."""

from networks.models import Network, NetworkMember, PlatformAdministrator
from tests.factories import UserFactory


def test_a_network_added_in_the_admin_has_its_owner_as_a_member(client, organisation):
    staff = UserFactory(username="staff", is_staff=True, is_superuser=True)
    client.force_login(staff)
    response = client.post(
        "/admin/networks/network/add/",
        {"name": "Family Safeguarding spread", "description": "", "owner": organisation.pk},
    )
    assert response.status_code == 302
    network = Network.objects.get()
    assert network.created_by == staff
    member = NetworkMember.objects.get(network=network)
    assert member.organisation == organisation and member.is_current


def test_granting_the_role_in_the_admin_records_who_granted_it(client, db):
    staff = UserFactory(username="staff", is_staff=True, is_superuser=True)
    someone = UserFactory(username="someone")
    client.force_login(staff)
    response = client.post("/admin/networks/platformadministrator/add/", {"user": someone.pk})
    assert response.status_code == 302
    granted = PlatformAdministrator.objects.get()
    assert (granted.user, granted.granted_by) == (someone, staff)
