"""stages.organisations: creating an organisation and adding its members, with history."""

import pytest
from django.core.exceptions import ValidationError

from stages.models import Membership, Organisation
from stages.organisations import add_member, create_organisation
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

HistoricalOrganisation = Organisation.history.model
HistoricalMembership = Membership.history.model


def refusal(error):
    return error.value.message_dict


def test_an_organisation_is_created_with_a_slug_from_its_name_and_a_history_row():
    person = UserFactory(username="founder")

    organisation = create_organisation(name="Westmoor Borough Council", by=person)

    organisation.refresh_from_db()
    assert (organisation.name, organisation.slug) == (
        "Westmoor Borough Council",
        "westmoor-borough-council",
    )
    assert organisation.version == 1
    (row,) = organisation.history.all()
    assert (row.history_user, row.history_change_reason) == (person, "Created")


def test_a_second_organisation_of_the_same_name_gets_the_next_free_slug():
    OrganisationFactory(name="Eastvale", slug="eastvale")
    OrganisationFactory(name="Eastvale", slug="eastvale-2")

    organisation = create_organisation(name="Eastvale")

    assert organisation.slug == "eastvale-3"
    assert organisation.history.get().history_user is None


def test_a_slug_given_is_used_as_it_is():
    organisation = create_organisation(name="Northshire County Council", slug="northshire")
    assert organisation.slug == "northshire"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"name": "   "}, {"name": ["Enter the organisation's name."]}),
        ({"name": "x" * 201}, {"name": ["Keep the name to 200 characters."]}),
        (
            {"name": "Eastvale", "slug": "east vale"},
            {"slug": ["Use only letters, numbers, hyphens and underscores in the short name."]},
        ),
        (
            {"name": "Eastvale", "slug": "taken"},
            {"slug": ["Another organisation already uses the short name taken."]},
        ),
    ],
)
def test_bad_input_is_refused_at_its_field_and_nothing_is_written(fields, expected):
    OrganisationFactory(name="Taken Trust", slug="taken")
    before = Organisation.objects.count(), HistoricalOrganisation.objects.count()

    with pytest.raises(ValidationError) as error:
        create_organisation(**fields)

    assert refusal(error) == expected
    assert (Organisation.objects.count(), HistoricalOrganisation.objects.count()) == before


def test_bidirectional_controls_and_extra_spaces_leave_the_name():
    organisation = create_organisation(name="  Riverside\u202e  Trust ")
    assert organisation.name == "Riverside Trust"


def test_a_member_is_added_with_their_role_and_a_history_row(organisation, manager):
    person = UserFactory(username="newcomer")
    version = Organisation.objects.get(pk=organisation.pk).version

    membership = add_member(organisation, person, role="facilitator", by=manager)

    membership.refresh_from_db()
    assert (membership.organisation, membership.user, membership.role, membership.is_active) == (
        organisation,
        person,
        "facilitator",
        True,
    )
    (row,) = membership.history.all()
    assert (row.history_user, row.history_change_reason) == (manager, "Member added")
    assert Organisation.objects.get(pk=organisation.pk).version == version + 1


def test_a_member_already_there_is_refused(organisation, manager, leader):
    leader.first_name, leader.last_name = "Priya", "Shah"
    with pytest.raises(ValidationError) as error:
        add_member(organisation, leader, role="viewer", by=manager)
    assert refusal(error) == {
        "user": ["Priya Shah is already a member of Northshire County Council."]
    }
    assert Membership.objects.get(user=leader).role == "leader"


def test_a_leaver_is_refused_with_the_way_back(organisation, manager):
    leaver = MembershipFactory(
        organisation=organisation,
        user=UserFactory(first_name="Jo", last_name="Bailey"),
        is_active=False,
    ).user
    before = HistoricalMembership.objects.count()

    with pytest.raises(ValidationError) as error:
        add_member(organisation, leaver, role="leader", by=manager)

    assert refusal(error) == {
        "user": [
            "Jo Bailey has left Northshire County Council. Reactivate them from the list of people "
            "instead."
        ]
    }
    assert HistoricalMembership.objects.count() == before


def test_a_role_not_on_the_list_is_refused(organisation, manager):
    with pytest.raises(ValidationError) as error:
        add_member(organisation, UserFactory(username="someone"), role="owner", by=manager)
    assert refusal(error) == {"role": ["Choose a role."]}
    assert not Membership.objects.filter(user__username="someone").exists()
