"""The people of an organisation: invitations, roles and leavers, through stages.people."""

import hashlib
import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from stages import people
from stages.models import Invitation, Membership, Move, Organisation, Role
from stages.people import InvitationUnusable
from tests.factories import PASSWORD, MembershipFactory, UserFactory, make_move, make_part

User = get_user_model()
SENT = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
GOOD = "kestrel-harbour-lantern"


@pytest.fixture
def manager(organisation):
    return MembershipFactory(
        organisation=organisation,
        role=Role.MANAGER,
        user=UserFactory(username="manager", first_name="Tom", last_name="Okafor"),
    ).user


@pytest.fixture
def leader(organisation):
    return MembershipFactory(
        organisation=organisation,
        role=Role.LEADER,
        user=UserFactory(username="leader", first_name="Priya", last_name="Shah"),
    ).user


def refusal(call):
    """The messages, by field ("__all__" for the change as a whole), of the ValidationError
    `call` raises."""
    with pytest.raises(ValidationError) as refused:
        call()
    error = refused.value
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


def new_person(**overrides):
    fields = {
        "username": "sam",
        "first_name": "Sam",
        "last_name": "Carter",
        "password": GOOD,
    }
    return {**fields, **overrides}


@pytest.fixture
def invited(organisation, manager):
    """(invitation, token) for sam.carter@example.org as a leader, sent now."""
    return people.invite(
        organisation, by=manager, email="Sam.Carter@Example.org ", role=Role.LEADER
    )


def version_of(organisation):
    return Organisation.objects.get(pk=organisation.pk).version


# Inviting


def test_an_invitation_stores_only_a_hash_of_its_token(invited):
    invitation, token = invited
    assert len(token) >= 40
    stored = Invitation.objects.get(pk=invitation.pk)
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {str(v) for v in Invitation.objects.values().get(pk=invitation.pk).values()}
    assert not hasattr(Invitation.history.model, "token_hash")


def test_an_invitation_lasts_seven_days_for_its_address_and_role(organisation, manager):
    with time_machine.travel(SENT, tick=False):
        invitation, _token = people.invite(
            organisation, by=manager, email="Sam.Carter@Example.org ", role=Role.LEADER
        )
    assert invitation.email == "sam.carter@example.org"
    assert invitation.role == Role.LEADER
    assert invitation.invited_by == manager
    assert invitation.created_at == SENT
    assert invitation.expires_at == SENT + timedelta(days=7)
    assert (invitation.accepted_at, invitation.accepted_by, invitation.revoked_at) == (
        None,
        None,
        None,
    )


def test_inviting_is_audited_and_bumps_the_version(organisation, manager):
    before = version_of(organisation)
    invitation, _token = people.invite(
        organisation, by=manager, email="ann@example.org", role=Role.VIEWER
    )
    (row,) = Invitation.history.filter(id=invitation.pk)
    assert row.history_user == manager
    assert row.history_change_reason == "Invited by Tom Okafor as viewer"
    assert version_of(organisation) == before + 1


def test_inviting_again_revokes_the_older_invitation(invited, organisation, manager):
    older, older_token = invited
    newer, newer_token = people.invite(
        organisation, by=manager, email="sam.carter@example.org", role=Role.FACILITATOR
    )
    older.refresh_from_db()
    assert older.revoked_at is not None
    assert newer.revoked_at is None and newer.role == Role.FACILITATOR
    assert older_token != newer_token
    assert Invitation.history.filter(id=older.pk).latest().history_change_reason == (
        "Revoked: Tom Okafor invited sam.carter@example.org again"
    )
    with pytest.raises(InvitationUnusable) as refused:
        people.find_invitation(older_token)
    assert refused.value.why == "revoked"
    assert people.find_invitation(newer_token) == newer


def test_inviting_again_after_expiry_revokes_the_expired_one(invited, organisation, manager):
    older, _token = invited
    later = older.expires_at + timedelta(days=1)
    with time_machine.travel(later, tick=False):
        assert older.status() == "expired"
        people.invite(organisation, by=manager, email="sam.carter@example.org", role=Role.LEADER)
    older.refresh_from_db()
    assert older.revoked_at == later
    assert Invitation.objects.pending().filter(organisation=organisation).count() == 1


def test_the_database_holds_one_pending_invitation_per_address(invited, organisation, manager):
    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.create(
            organisation=organisation,
            email="sam.carter@example.org",
            role=Role.VIEWER,
            invited_by=manager,
            token_hash="0" * 64,
            expires_at=invited[0].expires_at,
        )


def test_an_active_member_cannot_be_invited(organisation, manager, leader):
    assert refusal(
        lambda: people.invite(
            organisation, by=manager, email="LEADER@example.org", role=Role.VIEWER
        )
    ) == {"email": ["leader@example.org is already a member of Northshire County Council."]}
    assert not Invitation.objects.exists()


def test_a_leaver_is_reactivated_rather_than_invited(organisation, manager, leader):
    people.deactivate(Membership.objects.get(user=leader), by=manager)
    assert refusal(
        lambda: people.invite(
            organisation, by=manager, email="leader@example.org", role=Role.LEADER
        )
    ) == {
        "email": [
            "leader@example.org has left Northshire County Council. Reactivate them from the "
            "list of people instead of inviting them."
        ]
    }


def test_a_member_of_another_organisation_can_be_invited(organisation, manager, outsider):
    invitation, _token = people.invite(
        organisation, by=manager, email="outsider@example.org", role=Role.VIEWER
    )
    assert invitation.organisation == organisation


@pytest.mark.parametrize("email", ["", "not-an-address", "two@@example.org"])
def test_an_address_in_the_wrong_format_is_refused(organisation, manager, email):
    assert refusal(
        lambda: people.invite(organisation, by=manager, email=email, role=Role.LEADER)
    ) == {"email": ["Enter an email address in the right format, like name@example.org"]}


def test_an_unknown_role_is_refused(organisation, manager):
    assert refusal(
        lambda: people.invite(organisation, by=manager, email="ann@example.org", role="owner")
    ) == {"role": ["Choose a role."]}


def test_revoking_withdraws_the_link(invited, manager):
    invitation, token = invited
    people.revoke_invitation(invitation, by=manager)
    with pytest.raises(InvitationUnusable) as refused:
        people.accept_invitation(token, **new_person())
    assert refused.value.why == "revoked"
    assert not User.objects.filter(username="sam").exists()
    row = Invitation.history.filter(id=invitation.pk).latest()
    assert (row.history_user, row.history_change_reason) == (manager, "Revoked by Tom Okafor")


def test_an_accepted_invitation_cannot_be_revoked(invited, manager):
    invitation, token = invited
    people.accept_invitation(token, **new_person())
    assert refusal(lambda: people.revoke_invitation(invitation, by=manager)) == {
        "__all__": [
            "sam.carter@example.org has already accepted. Deactivate them from the list of people."
        ]
    }


# Accepting


def test_accepting_creates_the_account_and_the_membership(invited, organisation, manager):
    invitation, token = invited
    before = version_of(organisation)
    user = people.accept_invitation(token, **new_person())
    assert (user.username, user.first_name, user.last_name, user.email) == (
        "sam",
        "Sam",
        "Carter",
        "sam.carter@example.org",
    )
    assert user.is_active and user.check_password(GOOD)
    membership = Membership.objects.get(user=user)
    assert (membership.organisation, membership.role, membership.is_active) == (
        organisation,
        Role.LEADER,
        True,
    )
    row = membership.history.latest()
    assert row.history_user == user
    assert row.history_change_reason == "Joined by invitation from Tom Okafor as leader"
    invitation.refresh_from_db()
    assert invitation.accepted_by == user and invitation.accepted_at is not None
    assert invitation.history.latest().history_change_reason == "Accepted: a new account"
    assert version_of(organisation) == before + 1


def test_an_invitation_works_only_once(invited):
    _invitation, token = invited
    people.accept_invitation(token, **new_person())
    with pytest.raises(InvitationUnusable) as refused:
        people.accept_invitation(token, **new_person(username="sam2"))
    assert refused.value.why == "accepted"
    assert User.objects.filter(email="sam.carter@example.org").count() == 1


def test_an_invitation_works_until_it_expires(invited):
    invitation, token = invited
    with time_machine.travel(invitation.expires_at - timedelta(seconds=1), tick=False):
        assert people.find_invitation(token).status() == "open"
        user = people.accept_invitation(token, **new_person())
    assert user.username == "sam"


def test_an_expired_invitation_cannot_be_accepted(invited):
    invitation, token = invited
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)
    with (
        time_machine.travel(invitation.expires_at, tick=False),
        pytest.raises(InvitationUnusable) as refused,
    ):
        people.accept_invitation(token, **new_person())
    assert refused.value.why == "expired"
    assert not User.objects.filter(username="sam").exists()
    assert not Membership.objects.filter(user__username="sam").exists()


@pytest.mark.parametrize("token", ["", "no-such-token", "x" * 500])
def test_an_unknown_token_is_not_found(invited, token):
    with pytest.raises(Invitation.DoesNotExist):
        people.accept_invitation(token, **new_person())


@pytest.mark.parametrize(
    "password, message",
    [
        ("short1", "This password is too short. It must contain at least 10 characters."),
        ("password123", "This password is too common."),
        ("4829301746", "This password is entirely numeric."),
        ("sam.carter@example", "The password is too similar to the email address."),
    ],
)
def test_a_weak_password_is_refused_and_nothing_is_saved(invited, password, message):
    invitation, token = invited
    users = User.objects.count()
    refused = refusal(lambda: people.accept_invitation(token, **new_person(password=password)))
    assert list(refused) == ["password"]
    assert message in refused["password"]
    assert User.objects.count() == users
    invitation.refresh_from_db()
    assert invitation.status() == "open"


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"username": "LEADER"}, "username", "That username is taken, or looks too like one"),
        ({"username": "sam carter"}, "username", "A username can have the letters a to z"),
        ({"username": " "}, "username", "Choose a username."),
        ({"first_name": ""}, "first_name", "Enter your first name."),
        ({"last_name": "  "}, "last_name", "Enter your last name."),
    ],
)
def test_an_account_needs_a_free_username_and_a_name(invited, leader, fields, field, message):
    _invitation, token = invited
    users = User.objects.count()
    refused = refusal(lambda: people.accept_invitation(token, **new_person(**fields)))
    assert list(refused) == [field]
    assert refused[field][0].startswith(message)
    assert User.objects.count() == users


def test_an_existing_account_joins_without_a_new_one(organisation, outsider, manager):
    """The outsider (a manager at Southdale) is invited to Northshire under their address."""
    _invitation, token = people.invite(
        organisation, by=manager, email="Outsider@example.org", role=Role.VIEWER
    )
    users = User.objects.count()
    user = people.accept_invitation(token, **new_person(password="another-password-9"))
    assert user == outsider
    assert User.objects.count() == users
    outsider.refresh_from_db()
    assert outsider.username == "outsider" and outsider.check_password(PASSWORD)
    assert sorted(
        Membership.objects.filter(user=outsider).values_list("organisation__slug", "role")
    ) == [("northshire", "viewer"), ("southdale", "manager")]
    assert Invitation.history.filter(history_change_reason="Accepted by an existing account")


def test_an_account_disabled_when_its_person_left_is_enabled_again_by_joining(
    organisation, other_organisation, manager, outsider
):
    colleague = MembershipFactory(organisation=other_organisation, role=Role.MANAGER).user
    people.deactivate(Membership.objects.get(user=outsider), by=colleague)
    outsider.refresh_from_db()
    assert not outsider.is_active
    _invitation, token = people.invite(
        organisation, by=manager, email="outsider@example.org", role=Role.LEADER
    )
    people.accept_invitation(token)
    outsider.refresh_from_db()
    assert outsider.is_active
    assert Membership.objects.active().get(user=outsider).organisation == organisation


def test_an_address_used_by_two_accounts_cannot_be_accepted(organisation, manager):
    UserFactory(username="twin1", email="twin@example.org")
    UserFactory(username="twin2", email="TWIN@example.org")
    _invitation, token = people.invite(
        organisation, by=manager, email="twin@example.org", role=Role.VIEWER
    )
    assert refusal(lambda: people.accept_invitation(token)) == {
        "__all__": [
            "More than one account uses this email address, so the invitation cannot tell "
            "which one to add. Ask the manager who invited you to contact support."
        ]
    }
    assert not Membership.objects.filter(user__username__startswith="twin").exists()


# Roles


def test_changing_a_role_is_audited(organisation, manager, leader):
    membership = Membership.objects.get(user=leader)
    before = version_of(organisation)
    people.change_role(membership, by=manager, role=Role.FACILITATOR)
    membership.refresh_from_db()
    assert membership.role == Role.FACILITATOR
    row = membership.history.latest()
    assert row.history_user == manager
    assert row.history_change_reason == "Role changed by Tom Okafor from leader to facilitator"
    assert version_of(organisation) == before + 1


def test_the_last_manager_cannot_demote_themselves(manager):
    membership = Membership.objects.get(user=manager)
    rows = membership.history.count()
    assert refusal(lambda: people.change_role(membership, by=manager, role=Role.LEADER)) == {
        "role": ["You are the organisation's only manager. Make someone else a manager first."]
    }
    membership.refresh_from_db()
    assert membership.role == Role.MANAGER
    assert membership.history.count() == rows


def test_a_manager_may_step_down_when_another_manager_remains(organisation, manager, leader):
    people.change_role(Membership.objects.get(user=leader), by=manager, role=Role.MANAGER)
    people.change_role(Membership.objects.get(user=manager), by=manager, role=Role.VIEWER)
    assert Membership.objects.get(user=manager).role == Role.VIEWER


def test_a_deactivated_manager_does_not_count_as_the_other_manager(organisation, manager, leader):
    leaver = MembershipFactory(organisation=organisation, role=Role.MANAGER).user
    people.deactivate(Membership.objects.get(user=leaver), by=manager)
    assert "role" in refusal(
        lambda: people.change_role(
            Membership.objects.get(user=manager), by=manager, role=Role.LEADER
        )
    )


def test_a_leavers_role_is_not_changed(manager, leader):
    membership = Membership.objects.get(user=leader)
    people.deactivate(membership, by=manager)
    assert refusal(lambda: people.change_role(membership, by=manager, role=Role.VIEWER)) == {
        "__all__": ["Priya Shah has left. Reactivate them first."]
    }


def test_an_unknown_role_is_not_given(manager, leader):
    assert refusal(
        lambda: people.change_role(Membership.objects.get(user=leader), by=manager, role="owner")
    ) == {"role": ["Choose a role."]}


# Leavers


def test_a_leaver_is_deactivated_never_deleted(organisation, manager, leader):
    membership = Membership.objects.get(user=leader)
    memberships = Membership.objects.count()
    before = version_of(organisation)
    people.deactivate(membership, by=manager)
    membership.refresh_from_db()
    leader.refresh_from_db()
    assert not membership.is_active
    assert not leader.is_active
    assert Membership.objects.count() == memberships
    assert User.objects.filter(pk=leader.pk).exists()
    row = membership.history.latest()
    assert row.history_user == manager
    assert row.history_change_reason == (
        "Deactivated by Tom Okafor: their account is disabled, as they belong to no other "
        "organisation"
    )
    assert version_of(organisation) == before + 1


def test_a_leaver_of_one_organisation_keeps_their_account_for_the_other(
    organisation, other_organisation, manager, leader
):
    MembershipFactory(user=leader, organisation=other_organisation, role=Role.VIEWER)
    people.deactivate(Membership.objects.get(user=leader, organisation=organisation), by=manager)
    leader.refresh_from_db()
    assert leader.is_active
    assert [m.organisation for m in Membership.objects.active().filter(user=leader)] == [
        other_organisation
    ]
    assert Membership.history.filter(user=leader).latest().history_change_reason == (
        "Deactivated by Tom Okafor"
    )


def test_nobody_deactivates_themselves(manager, leader):
    people.change_role(Membership.objects.get(user=leader), by=manager, role=Role.MANAGER)
    assert refusal(lambda: people.deactivate(Membership.objects.get(user=manager), by=manager)) == {
        "__all__": ["You cannot deactivate yourself. Ask another manager to do it."]
    }
    assert Membership.objects.get(user=manager).is_active


def test_the_only_manager_is_not_deactivated(manager, leader):
    assert refusal(lambda: people.deactivate(Membership.objects.get(user=manager), by=leader)) == {
        "__all__": [
            "Tom Okafor is the organisation's only manager. Make someone else a manager first."
        ]
    }
    manager.refresh_from_db()
    assert manager.is_active


def test_a_leaver_keeps_their_name_on_their_moves(innovation, manager, leader):
    part = make_part(innovation, by=leader)
    make_move(part, "advance", by=leader, on=datetime(2024, 2, 1).date())
    people.deactivate(Membership.objects.get(user=leader), by=manager)
    recorded = Move.objects.filter(part=part).select_related("recorded_by")
    assert {m.recorded_by.get_full_name() for m in recorded} == {"Priya Shah"}


def test_reactivating_brings_a_leaver_back_with_their_role(organisation, manager, leader):
    membership = Membership.objects.get(user=leader)
    people.deactivate(membership, by=manager)
    people.reactivate(membership, by=manager)
    membership.refresh_from_db()
    leader.refresh_from_db()
    assert membership.is_active and leader.is_active and membership.role == Role.LEADER
    assert membership.history.latest().history_change_reason == (
        "Reactivated by Tom Okafor as leader: their account is enabled again"
    )


def test_reactivating_a_member_changes_nothing(manager, leader):
    membership = Membership.objects.get(user=leader)
    rows = membership.history.count()
    people.reactivate(membership, by=manager)
    assert membership.history.count() == rows


# Two managers at once


@pytest.mark.django_db(transaction=True)
def test_two_managers_demoting_each_other_at_once_leave_one_manager(
    postgres,
    organisation,
    manager,
    leader,
):
    other = Membership.objects.get(user=leader)
    people.change_role(other, by=manager, role=Role.MANAGER)
    barrier = threading.Barrier(2)
    outcomes = {}

    def demote(who, whom):
        try:
            target = Membership.objects.get(user=whom)
            barrier.wait(timeout=10)
            people.change_role(target, by=who, role=Role.LEADER)
            outcomes[who.username] = "demoted"
        except Exception as error:
            outcomes[who.username] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=demote, args=(manager, leader)),
        threading.Thread(target=demote, args=(leader, manager)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(type(o).__name__ for o in outcomes.values()) == ["ValidationError", "str"]
    managers = Membership.objects.active().filter(organisation=organisation, role=Role.MANAGER)
    assert managers.count() == 1
