"""The people of an organisation: invitations, roles, leavers. The one write path for them.

Every change is written with history carrying the acting person and a reason, and bumps the
organisation's version. Nobody is ever deleted: a leaver's membership is deactivated, and their
name stays on the moves they recorded and in every history.

An invitation is a single-use link that expires after `INVITATION_DAYS`. Only the sha256 of
its token is stored. Accepting creates the person's account, unless an account already uses
the invitation's email address: then the membership is added to that account, its password is
left alone, and the person signs in as themselves (or resets the password by email). Holding
the link proves control of the email address, the same proof a password reset relies on, so
it may grant the membership; it never grants a sign-in to an account that existed before.

A change the rules about people do not allow raises Django's ValidationError, with each message
at the name of the form field it belongs to, or for the change as a whole."""

import hashlib
import secrets
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY as USER_SESSION_KEY
from django.contrib.auth import get_user_model, password_validation
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from stages import clock, teams
from stages.models import Invitation, Membership, Organisation, Role, TeamRole
from stages.services import bump_version, save_with_history
from stages.text import is_plain_username, normalise_username, skeleton, strip_bidi

INVITATION_DAYS = 7

__all__ = [
    "INVITATION_DAYS",
    "InvitationUnusable",
    "accept_invitation",
    "account_for",
    "change_role",
    "deactivate",
    "find_invitation",
    "invite",
    "invite_guest",
    "reactivate",
    "revoke_invitation",
]


class InvitationUnusable(Exception):
    """The invitation exists but can no longer be used: `why` is "accepted", "revoked" or
    "expired"."""

    def __init__(self, invitation, why):
        self.invitation = invitation
        self.why = why
        super().__init__(f"This invitation is {why}.")


def hash_token(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def name_of(user):
    return user.get_full_name() or user.get_username()


def normalise_email(email):
    return (email or "").strip().lower()


def find_invitation(token):
    """The invitation whose link holds `token`, with its organisation and inviter. Raises
    Invitation.DoesNotExist for an unknown token and InvitationUnusable for one that was
    accepted, revoked or has expired."""
    if not token or len(token) > 100:
        raise Invitation.DoesNotExist
    invitation = Invitation.objects.select_related("organisation", "invited_by").get(
        token_hash=hash_token(token)
    )
    why = invitation.status()
    if why != "open":
        raise InvitationUnusable(invitation, why)
    return invitation


def account_for(invitation):
    """The account that already uses the invitation's email address, or None. Raises
    ValidationError when several do: nobody can tell which of them was invited."""
    found = list(get_user_model().objects.filter(email__iexact=invitation.email)[:2])
    if len(found) > 1:
        raise ValidationError(
            "More than one account uses this email address, so the invitation cannot tell "
            "which one to add. Ask the manager who invited you to contact support."
        )
    return found[0] if found else None


def _checked_email(email):
    email = normalise_email(email)
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            {"email": "Enter an email address in the right format, like name@example.org"}
        ) from None
    return email


@transaction.atomic
def invite(organisation, *, by, email, role, guest=None):
    """Invite `email` to `organisation` with `role`; returns (invitation, token). The token is
    the secret for the link and is not stored: send it, then forget it. An older invitation of
    the same address that was not used is revoked. `guest`, from invite_guest, makes it a
    guest's invitation: {"role", "until", "innovations"}."""
    email = _checked_email(email)
    if role not in Role.values:
        raise ValidationError({"role": "Choose a role."})
    _lock_members(organisation.pk)
    members = Membership.objects.filter(organisation=organisation, user__email__iexact=email)
    if members.active().exists():
        raise ValidationError({"email": f"{email} is already a member of {organisation}."})
    if members.filter(is_active=False).exists():
        raise ValidationError(
            {
                "email": f"{email} has left {organisation}. Reactivate them from the list of "
                "people instead of inviting them."
            }
        )
    now = clock.now()
    for older in Invitation.objects.pending().filter(organisation=organisation, email=email):
        older.revoked_at = now
        save_with_history(older, by=by, reason=f"Revoked: {name_of(by)} invited {email} again")
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        organisation=organisation,
        email=email,
        role=role,
        invited_by=by,
        token_hash=hash_token(token),
        created_at=now,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    if guest:
        invitation.guest_role = guest["role"]
        invitation.guest_until = guest["until"]
        words = (
            f"a guest ({TeamRole(guest['role']).label.lower()}) until "
            f"{guest['until']:%-d %B %Y} on {', '.join(i.title for i in guest['innovations'])}"
        )
    else:
        words = Role(role).label.lower()
    save_with_history(invitation, by=by, reason=f"Invited by {name_of(by)} as {words}")
    if guest:
        invitation.guest_innovations.set(guest["innovations"])
    bump_version(organisation.pk)
    return invitation, token


@transaction.atomic
def invite_guest(organisation, *, by, email, role, until, innovations):
    """Share `innovations` with a person from a partner agency, as a viewer or a contributor
    (TeamRole), until the end of `until`. Returns (invitation, token) for a new guest; for a
    guest of the organisation already, their places are given at once and (None, None) is
    returned. A member of the organisation is refused: add them to the team instead."""
    email = _checked_email(email)
    innovations = list(innovations)
    teams.check_guest_terms(organisation, role=role, until=until, innovations=innovations)
    _lock_members(organisation.pk)
    found = (
        Membership.objects.filter(organisation=organisation, user__email__iexact=email)
        .select_related("user")
        .first()
    )
    if found is not None and found.is_active and found.user.is_active:
        if not found.is_guest:
            raise ValidationError(
                {
                    "email": f"{email} is a member of {organisation}: add them to the "
                    "innovation's team instead."
                }
            )
        teams.place_guest(found.user, by=by, innovations=innovations, role=role, until=until)
        return None, None
    guest = {"role": role, "until": until, "innovations": innovations}
    return invite(organisation, by=by, email=email, role=Role.VIEWER, guest=guest)


@transaction.atomic
def revoke_invitation(invitation, *, by):
    """Withdraw an invitation that was not used. Revoking one already revoked changes
    nothing; an accepted one cannot be revoked (deactivate the person instead)."""
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.accepted_at:
        raise ValidationError(
            f"{locked.email} has already accepted. Deactivate them from the list of people."
        )
    if locked.revoked_at:
        return locked
    locked.revoked_at = clock.now()
    save_with_history(locked, by=by, reason=f"Revoked by {name_of(by)}")
    bump_version(locked.organisation_id)
    return locked


def accept_invitation(token, *, username="", first_name="", last_name="", password=""):
    """Use the invitation whose link holds `token`; returns the person's account.

    With no account using the invitation's email address, a new account is made with the
    username, name and password given (the password checked by the site's validators).
    Otherwise the membership is added to that account and the other arguments are ignored:
    the person then signs in as themselves.

    Raises Invitation.DoesNotExist, InvitationUnusable or ValidationError."""
    with transaction.atomic():
        found = find_invitation(token)
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("organisation", "invited_by")
            .get(pk=found.pk)
        )
        why = invitation.status()
        if invitation.guest_until and invitation.guest_until < clock.localdate():
            why = "expired"
        if why != "open":
            raise InvitationUnusable(invitation, why)
        user = account_for(invitation)
        if user is None:
            user = _new_account(invitation, username, first_name, last_name, password)
            created = True
        else:
            created = False
            if not user.is_active:
                user.is_active = True
                user.save(update_fields=["is_active"])
        role = Role(invitation.role)
        inviter = name_of(invitation.invited_by)
        membership = Membership.objects.filter(
            user=user, organisation=invitation.organisation
        ).first()
        if membership is None:
            membership = Membership(user=user, organisation=invitation.organisation)
            reason = f"Joined by invitation from {inviter} as {role.label.lower()}"
        else:
            reason = f"Rejoined by invitation from {inviter} as {role.label.lower()}"
        membership.role = role
        membership.is_active = True
        if invitation.guest_role:
            membership.is_guest = True
            Organisation.objects.filter(pk=invitation.organisation_id).update(has_guests=True)
            reason = reason.replace(f"as {role.label.lower()}", "as a guest")
        save_with_history(membership, by=user, reason=reason)
        if invitation.guest_role:
            teams.place_guest(
                user,
                by=invitation.invited_by,
                innovations=list(invitation.guest_innovations.all()),
                role=invitation.guest_role,
                until=invitation.guest_until,
            )
        invitation.accepted_at = clock.now()
        invitation.accepted_by = user
        save_with_history(
            invitation,
            by=user,
            reason="Accepted: a new account" if created else "Accepted by an existing account",
        )
        bump_version(invitation.organisation_id)
    return user


def _new_account(invitation, username, first_name, last_name, password):
    User = get_user_model()
    username = normalise_username(username)
    first_name = strip_bidi(first_name or "").strip()
    last_name = strip_bidi(last_name or "").strip()
    if not username:
        raise ValidationError({"username": "Choose a username."})
    if not is_plain_username(username):
        raise ValidationError(
            {
                "username": "A username can have the letters a to z, numbers and the characters "
                "@ . + - _ only."
            }
        )
    if len(username) > 150:
        raise ValidationError({"username": "A username can be 150 characters at most."})
    if _looks_taken(User, username):
        raise ValidationError(
            {"username": "That username is taken, or looks too like one that is. Choose another."}
        )
    if not first_name:
        raise ValidationError({"first_name": "Enter your first name."})
    if not last_name:
        raise ValidationError({"last_name": "Enter your last name."})
    user = User(
        username=username,
        first_name=first_name[:150],
        last_name=last_name[:150],
        email=invitation.email,
        date_joined=clock.now(),
    )
    try:
        password_validation.validate_password(password or "", user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise ValidationError({"username": "That username is taken. Choose another."}) from None
    return user


def _looks_taken(User, username):
    """True when an account's username is the same as `username` but for case or look-alike
    characters (1 and l, 0 and o, rn and m, ...)."""
    if User.objects.filter(username__iexact=username).exists():
        return True
    wanted = skeleton(username)
    return any(
        skeleton(taken) == wanted
        for taken in User.objects.values_list("username", flat=True).iterator()
    )


def _lock_members(organisation_id):
    """Serialise changes to an organisation's people, so two managers demoting each other at
    once cannot leave it with no manager."""
    list(Organisation.objects.select_for_update().filter(pk=organisation_id).values("pk"))


def _active_managers(organisation_id):
    return Membership.objects.active().filter(organisation_id=organisation_id, role=Role.MANAGER)


@transaction.atomic
def change_role(membership, *, by, role):
    """Give `membership` a new role. The last active manager keeps theirs."""
    if role not in Role.values:
        raise ValidationError({"role": "Choose a role."})
    _lock_members(membership.organisation_id)
    membership = Membership.objects.select_related("user").get(pk=membership.pk)
    if not membership.is_active or not membership.user.is_active:
        raise ValidationError(f"{name_of(membership.user)} has left. Reactivate them first.")
    old = Role(membership.role)
    if old == role:
        return membership
    others = _active_managers(membership.organisation_id).exclude(pk=membership.pk)
    if old == Role.MANAGER and not others.exists():
        who = "You are" if membership.user_id == by.pk else f"{name_of(membership.user)} is"
        raise ValidationError(
            {"role": f"{who} the organisation's only manager. Make someone else a manager first."}
        )
    membership.role = role
    save_with_history(
        membership,
        by=by,
        reason=f"Role changed by {name_of(by)} from {old.label.lower()} to "
        f"{Role(role).label.lower()}",
    )
    bump_version(membership.organisation_id)
    return membership


@transaction.atomic
def deactivate(membership, *, by):
    """A leaver: the membership is deactivated, never deleted. When the person has no other
    active membership their account is disabled too, so they cannot sign in. Their name stays
    on their moves and in the history."""
    _lock_members(membership.organisation_id)
    membership = Membership.objects.select_related("user", "organisation").get(pk=membership.pk)
    user = membership.user
    if membership.user_id == by.pk:
        raise ValidationError("You cannot deactivate yourself. Ask another manager to do it.")
    if not membership.is_active:
        return membership
    if (
        membership.role == Role.MANAGER
        and not _active_managers(membership.organisation_id).exclude(pk=membership.pk).exists()
    ):
        raise ValidationError(
            f"{name_of(user)} is the organisation's only manager. Make someone else a "
            "manager first."
        )
    membership.is_active = False
    others = Membership.objects.filter(user=user, is_active=True).exclude(pk=membership.pk).exists()
    reason = f"Deactivated by {name_of(by)}"
    if not others and user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
        end_sessions(user)
        reason += ": their account is disabled, as they belong to no other organisation"
    save_with_history(membership, by=by, reason=reason)
    bump_version(membership.organisation_id)
    return membership


def end_sessions(user):
    """Delete every session signed in as `user`, so that none comes back if the account is
    enabled again. (A disabled account's sessions are refused on every request anyway: each
    request reads the account.) Reads every live session: run it for rare events only."""
    live = Session.objects.filter(expire_date__gt=timezone.now())
    ended = [
        session.pk
        for session in live.iterator()
        if session.get_decoded().get(USER_SESSION_KEY) == str(user.pk)
    ]
    Session.objects.filter(pk__in=ended).delete()
    # A session kept in a shared cache too (cached_db) is removed from it as well.
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if hasattr(store, "cache_key_prefix"):
        cache = caches[settings.SESSION_CACHE_ALIAS]
        cache.delete_many([store.cache_key_prefix + key for key in ended])
    return len(ended)


@transaction.atomic
def reactivate(membership, *, by):
    """Bring a leaver back with the role they had. Their account is enabled again."""
    _lock_members(membership.organisation_id)
    membership = Membership.objects.select_related("user").get(pk=membership.pk)
    user = membership.user
    if membership.is_active and user.is_active:
        return membership
    reason = f"Reactivated by {name_of(by)} as {membership.get_role_display().lower()}"
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
        reason += ": their account is enabled again"
    membership.is_active = True
    save_with_history(membership, by=by, reason=reason)
    bump_version(membership.organisation_id)
    return membership


def new_account(invited, *, username, first_name, last_name, password):
    """A new account for the address `invited.email` (an invitation of any kind), checked as
    an invitation's is. Raises ValidationError naming the field."""
    return _new_account(invited, username, first_name, last_name, password)
