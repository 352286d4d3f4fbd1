"""The write path of networks: joining and leaving, consent per innovation, models and
adoptions, fidelity, observers and the public summary."""

import pytest
from django.core.exceptions import ValidationError

from networks import services
from networks.models import (
    Adoption,
    ComponentKind,
    Fidelity,
    FidelityState,
    Network,
    NetworkMember,
    Observer,
    SharedModel,
    ShareLevel,
    Sharing,
    SummaryState,
)
from stages.models import Role
from tests.factories import InnovationFactory, MembershipFactory, OrganisationFactory, UserFactory

CORE, ADAPTABLE = ComponentKind.CORE, ComponentKind.ADAPTABLE


def messages_of(refusal):
    return " ".join(refusal.value.messages)


def test_an_invited_organisation_joins_when_its_manager_accepts(world):
    place = world.network.members.get(organisation=world.invited)
    assert place.is_pending
    services.accept_network_invitation(place, by=world.people["invited_manager"])
    place.refresh_from_db()
    assert place.is_current and place.joined_by == world.people["invited_manager"]
    assert place.history.first().history_change_reason.startswith("Joined")


def test_a_declined_invitation_cannot_then_be_accepted(world):
    place = world.network.members.get(organisation=world.invited)
    services.decline_network_invitation(place, by=world.people["invited_manager"])
    with pytest.raises(ValidationError, match="no longer open: it was declined"):
        services.accept_network_invitation(place, by=world.people["invited_manager"])


def test_a_member_or_invited_organisation_is_not_invited_twice(world):
    manager = world.people["network_owner_manager"]
    with pytest.raises(ValidationError, match="is a member of"):
        services.invite_organisation(world.network, world.member, by=manager)
    with pytest.raises(ValidationError, match="already invited to"):
        services.invite_organisation(world.network, world.invited, by=manager)
    # An organisation that left may be invited again; its old row is kept.
    services.invite_organisation(world.network, world.left, by=manager)
    assert world.network.members.filter(organisation=world.left).count() == 2


def test_leaving_withdraws_everything_the_organisation_shared_there(world):
    by = world.people["member_manager"]
    theirs = InnovationFactory(organisation=world.member, title="Southdale hubs")
    services.set_sharing(theirs, world.network, ShareLevel.REASONS, by=by)
    ours = InnovationFactory(organisation=world.owner, title="Family Safeguarding")
    model = services.publish_model(
        world.network,
        ours,
        by=world.people["network_owner_manager"],
        name="Family Safeguarding",
        components=[(CORE, "Group supervision", "")],
    )
    adoption = services.link_adoption(model, theirs, by=by)
    version = Network.objects.get().version
    services.leave_network(world.network, world.member, by=by)
    assert not NetworkMember.objects.current().filter(organisation=world.member).exists()
    assert Sharing.objects.get(innovation=theirs).level == ShareLevel.NOTHING
    assert Adoption.objects.get(pk=adoption.pk).ended_at is not None
    assert Network.objects.get().version > version


def test_the_owner_cannot_leave_its_own_network(world):
    with pytest.raises(ValidationError, match="owns Family Safeguarding spread"):
        services.leave_network(world.network, world.owner, by=world.people["network_owner_manager"])


def test_sharing_is_recorded_with_who_and_when_and_withdrawn_at_once(world):
    by = world.people["network_owner_manager"]
    innovation = InnovationFactory(organisation=world.owner, title="Family Safeguarding")
    assert services.set_sharing(innovation, world.network, ShareLevel.NOTHING, by=by) is None
    assert not Sharing.objects.exists()
    services.set_sharing(innovation, world.network, ShareLevel.STATUSES, by=by)
    services.set_sharing(innovation, world.network, ShareLevel.STATUSES, by=by)
    services.set_sharing(innovation, world.network, ShareLevel.NOTHING, by=by)
    sharing = Sharing.objects.get()
    assert sharing.level == ShareLevel.NOTHING and sharing.set_by == by
    reasons = [h.history_change_reason for h in sharing.history.order_by("history_id")]
    assert reasons == ["Shared: stages and measures' statuses", "Withdrawn: nothing shared"]


def test_an_organisation_that_is_not_a_member_shares_nothing(world):
    innovation = InnovationFactory(organisation=world.left, title="Eastmere hubs")
    with pytest.raises(ValidationError) as refused:
        services.set_sharing(
            innovation, world.network, ShareLevel.STAGES, by=world.people["left_manager"]
        )
    assert refused.value.message_dict == {
        "level": ["Eastmere Council is not a member of Family Safeguarding spread"]
    }
    assert not Sharing.objects.exists()


def test_a_model_needs_a_core_component(world):
    innovation = InnovationFactory(organisation=world.owner)
    with pytest.raises(ValidationError) as refused:
        services.publish_model(
            world.network,
            innovation,
            by=world.people["network_owner_manager"],
            name="Family Safeguarding",
            components=[(ADAPTABLE, "Local branding", "")],
        )
    assert "components" in refused.value.message_dict
    assert not SharedModel.objects.exists()


@pytest.fixture
def adoption(world):
    source = InnovationFactory(organisation=world.owner, title="Family Safeguarding")
    model = services.publish_model(
        world.network,
        source,
        by=world.people["network_owner_manager"],
        name="Family Safeguarding",
        components=[
            (CORE, "Group supervision", "Weekly, with the whole team"),
            (CORE, "Motivational interviewing", ""),
            (ADAPTABLE, "Team names", ""),
        ],
    )
    theirs = InnovationFactory(organisation=world.member, title="Southdale family safeguarding")
    return services.link_adoption(model, theirs, by=world.people["member_manager"])


def test_an_adapted_component_says_how_and_why(world, adoption):
    by = world.people["member_leader"]
    core = adoption.model.components.get(name="Group supervision")
    with pytest.raises(ValidationError) as refused:
        services.record_fidelity(adoption, core, by=by, state=FidelityState.ADAPTED, how_why=" ")
    assert refused.value.message_dict == {
        "how_why": ["Say how Group supervision was adapted, and why"]
    }
    services.record_fidelity(adoption, core, by=by, state=FidelityState.NOT_YET)
    services.record_fidelity(
        adoption, core, by=by, state=FidelityState.ADAPTED, how_why="Fortnightly: rural teams"
    )
    fidelity = Fidelity.objects.get()
    assert fidelity.state == FidelityState.ADAPTED
    assert [h.state for h in fidelity.history.order_by("history_id")] == ["not_yet", "adapted"]


def test_fidelity_is_recorded_only_for_the_models_core_components(world, adoption):
    adaptable = adoption.model.components.get(name="Team names")
    with pytest.raises(ValidationError, match="not a core component"):
        services.record_fidelity(
            adoption, adaptable, by=world.people["member_leader"], state=FidelityState.IN_PLACE
        )


def test_a_model_is_not_adopted_by_its_own_innovation_nor_twice(world, adoption):
    model = adoption.model
    with pytest.raises(ValidationError, match="the model's own innovation"):
        services.link_adoption(model, model.innovation, by=world.people["network_owner_manager"])
    with pytest.raises(ValidationError, match="already adopts"):
        services.link_adoption(model, adoption.innovation, by=world.people["member_manager"])


def test_an_observer_invitation_is_accepted_with_a_new_account(world):
    observer, token = services.invite_observer(
        world.network, by=world.people["network_owner_manager"], email="Minister@Example.gov.uk"
    )
    assert observer.email == "minister@example.gov.uk" and token not in observer.token_hash
    user = services.accept_observer_invitation(
        token,
        username="minister",
        first_name="Ada",
        last_name="Minister",
        password="a-long-test-password-1",
    )
    observer.refresh_from_db()
    assert observer.user == user and observer.accepted_at and observer.name == "Ada Minister"
    assert not user.memberships.exists()
    with pytest.raises(services.ObserverInvitationUnusable):
        services.accept_observer_invitation(token)


def test_a_member_of_a_member_organisation_cannot_be_an_observer(world):
    email = world.people["member_leader"].email
    with pytest.raises(ValidationError) as refused:
        services.invite_observer(
            world.network, by=world.people["network_owner_manager"], email=email
        )
    assert refused.value.message_dict["email"] == [
        f"{email} belongs to Southdale Children's Trust, a member of Family Safeguarding "
        "spread: an observer belongs to none of its member organisations"
    ]


def test_a_person_who_joined_a_member_since_being_invited_cannot_accept(world):
    observer, token = services.invite_observer(
        world.network, by=world.people["network_owner_manager"], email="late@example.org"
    )
    MembershipFactory(
        organisation=world.member,
        role=Role.VIEWER,
        user=UserFactory(username="late", email="late@example.org"),
    )
    with pytest.raises(ValidationError, match="belongs to Southdale"):
        services.accept_observer_invitation(token)
    assert Observer.objects.get(pk=observer.pk).accepted_at is None


def test_ending_an_observer_is_immediate(world):
    observer = Observer.objects.get(user=world.people["observer"])
    services.end_observer(observer, by=world.people["network_owner_manager"])
    assert not Observer.objects.current().filter(user=world.people["observer"]).exists()


# verb: {state before: state after, or the refusal}
SUMMARY = {
    "request": {
        "draft": "awaiting",
        "awaiting": "The summary is already awaiting approval or live",
        "live": "The summary is already awaiting approval or live",
        "withdrawn": "awaiting",
    },
    "approve": {
        "draft": "Only a summary awaiting approval can be approved",
        "awaiting": "live",
        "live": "Only a summary awaiting approval can be approved",
        "withdrawn": "Only a summary awaiting approval can be approved",
    },
    "withdraw": {
        "draft": "Only a summary awaiting approval or live can be withdrawn",
        "awaiting": "withdrawn",
        "live": "withdrawn",
        "withdrawn": "Only a summary awaiting approval or live can be withdrawn",
    },
}


@pytest.mark.parametrize(
    ("verb", "before"), [(verb, before) for verb in SUMMARY for before in SUMMARY[verb]]
)
def test_the_public_summary_moves_as_the_table_says(world, verb, before):
    by = world.people["network_owner_manager"]
    Network.objects.filter(pk=world.network.pk).update(
        summary_state=before,
        summary_approved_by=by if before == "live" else None,
        summary_approved_at=world.network.created_at if before == "live" else None,
    )
    token = Network.objects.get().summary_token
    expected = SUMMARY[verb][before]
    if expected in SummaryState.values:
        services.change_summary(world.network, verb, by=by)
        network = Network.objects.get()
        assert network.summary_state == expected
        assert (network.summary_token != token) == (verb == "withdraw")
    else:
        with pytest.raises(ValidationError) as refused:
            services.change_summary(world.network, verb, by=by)
        assert messages_of(refused) == expected
        assert Network.objects.get().summary_state == before


def test_a_network_name_is_used_once(world):
    with pytest.raises(ValidationError, match="already exists"):
        services.create_network(
            owner=OrganisationFactory(),
            name="family  safeguarding SPREAD",
            by=world.people["platform_admin"],
        )
