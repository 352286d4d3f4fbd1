"""innovate.demo.people: the demo's organisations and people, through the services."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from innovate.demo import people
from innovate.demo.story import Story
from stages.models import Invitation, Membership, Organisation
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()


def test_the_demo_people_leave_an_open_invitation_and_a_leaver(organisation):
    manager = MembershipFactory(
        organisation=organisation,
        role="manager",
        user=UserFactory(username="manager", email="tom.okafor@northshire.example"),
    ).user

    story = Story()
    people.load_people(story, organisation, {"manager": manager}, timezone.localdate())
    story.run()

    (invitation,) = Invitation.objects.pending()
    assert invitation.status() == "open"
    assert (invitation.email, invitation.role) == ("sam.carter@northshire.example", "leader")
    leaver = User.objects.get(username="jo-bailey")
    assert not leaver.is_active
    assert not Membership.objects.get(user=leaver).is_active


def test_an_organisation_is_created_with_its_members_through_the_services():
    organisation, members = people.load_organisation(people.SOUTHDALE)

    assert (organisation.name, organisation.slug) == ("Southdale Children's Trust", "southdale")
    assert sorted(members) == ["southdale-leader", "southdale-manager"]
    manager = members["southdale-manager"]
    assert [
        (row.history_user, row.history_change_reason) for row in organisation.history.all()
    ] == [(manager, "Created")]
    rows = Membership.history.filter(organisation=organisation).order_by("history_id")
    assert [
        (row.user.username, row.role, row.history_user, row.history_change_reason) for row in rows
    ] == [
        ("southdale-leader", "leader", manager, "Member added"),
        ("southdale-manager", "manager", manager, "Member added"),
    ]
    assert Organisation.objects.get(pk=organisation.pk).version == 3
    assert members["southdale-leader"].check_password(people.DEMO_PASSWORD)


def test_an_account_that_exists_is_used_as_it_is():
    existing = UserFactory(username="southdale-leader", first_name="Someone", last_name="Else")

    _organisation, members = people.load_organisation(people.SOUTHDALE)

    assert members["southdale-leader"] == existing
    existing.refresh_from_db()
    assert existing.first_name == "Someone"
    assert not existing.check_password(people.DEMO_PASSWORD)
