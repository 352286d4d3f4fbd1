"""The one write path for sign-in settings, sign-in history and joining by a work account.

A manager sets how the organisation's people sign in (update_settings): whether two-step
sign-in is required of those who use a password, and the organisation's OpenID Connect provider
(its server URL, client id and secret, and the email domains whose people may join by signing
in). The secret is written here and never read back out to a page. Each change is saved with
history (the secret left out of it) and bumps the organisation's version.

A person who signs in with a work account is linked to an account only through a verified
email: one a manager invited (they join with the invitation's role) or one at a domain the
organisation allows (they join as a viewer)."""

import re
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from signins.models import SignInEvent, SignInMethod, SignInSettings
from stages.models import Invitation, Membership, Role
from stages.people import name_of, normalise_email
from stages.services import bump_version, save_with_history
from stages.text import is_plain_username, skeleton

DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}


def settings_for(organisation):
    """The organisation's sign-in settings; unsaved defaults when it has none yet."""
    found = SignInSettings.objects.filter(organisation=organisation).first()
    return found or SignInSettings(organisation=organisation)


def parse_domains(text):
    """The domains typed one a line (or separated by spaces or commas), lower-case, each once."""
    domains = []
    for word in re.split(r"[\s,;]+", (text or "").strip().lower()):
        word = word.removeprefix("@")
        if word and word not in domains:
            domains.append(word)
    return domains


@transaction.atomic
def update_settings(
    organisation,
    *,
    by,
    require_two_step,
    server_url="",
    client_id="",
    client_secret=None,
    allowed_domains="",
):
    """Set the organisation's sign-in settings. `client_secret` None (or empty) keeps the stored
    secret. Raises ValidationError naming the field at fault; nothing is saved then."""
    server_url = (server_url or "").strip().rstrip("/")
    client_id = (client_id or "").strip()
    client_secret = (client_secret or "").strip()
    domains = parse_domains(allowed_domains)
    errors = {}
    if server_url:
        parts = urlsplit(server_url)
        local = (parts.hostname or "") in LOCAL_HOSTS
        if parts.scheme != "https" and not (parts.scheme == "http" and local):
            errors["server_url"] = (
                "Enter the server URL of your provider starting https://, for example "
                "https://login.microsoftonline.com/your-tenant-id/v2.0"
            )
        elif parts.query or parts.fragment:
            errors["server_url"] = "Enter the server URL without a ? or # part."
    bad = [d for d in domains if not DOMAIN.match(d)]
    if bad:
        errors["allowed_domains"] = (
            f"{bad[0]} is not a domain. Enter domains like northshire.gov.uk, one a line."
        )
    elif len(domains) > 20:
        errors["allowed_domains"] = "Enter 20 domains at most."
    locked = SignInSettings.objects.select_for_update().filter(
        organisation=organisation
    ).first() or SignInSettings(organisation=organisation)
    if domains and "allowed_domains" not in errors:
        for other in SignInSettings.objects.exclude(organisation=organisation).exclude(
            allowed_domains=""
        ):
            taken = set(other.domains) & set(domains)
            if taken:
                errors["allowed_domains"] = (
                    f"{sorted(taken)[0]} is already allowed by another organisation. "
                    "A domain can lead to one organisation only."
                )
                break
    if (server_url or client_id or client_secret or domains) and "server_url" not in errors:
        if not server_url:
            errors["server_url"] = "Enter the server URL of your provider"
        if not client_id:
            errors["client_id"] = "Enter the client ID"
        if not client_secret and not locked.client_secret:
            errors["client_secret"] = "Enter the client secret"
    if errors:
        raise ValidationError(errors)
    wanted = {
        "require_two_step": bool(require_two_step),
        "server_url": server_url,
        "client_id": client_id,
        "allowed_domains": "\n".join(domains),
    }
    if client_secret:
        wanted["client_secret"] = client_secret
    if not (server_url or client_id):
        wanted["client_secret"] = ""
    changed = [f for f, v in wanted.items() if getattr(locked, f) != v]
    if locked.pk and not changed:
        return locked
    for field in changed:
        setattr(locked, field, wanted[field])
    said = ", ".join(SignInSettings._meta.get_field(f).verbose_name for f in changed) or "set up"
    save_with_history(
        locked,
        by=by,
        reason=f"Sign-in settings changed by {name_of(by)}: {said}",
        update_fields=changed if locked.pk else None,
    )
    bump_version(organisation.pk)
    return locked


def record(*, method, succeeded, user=None, organisation=None, typed="", detail="", client=None):
    """Keep one sign-in or refused attempt in the history."""
    return SignInEvent.objects.create(
        method=method,
        succeeded=succeeded,
        user=user,
        organisation=organisation,
        typed=(typed or "")[:254],
        detail=(detail or "")[:300],
        client=client,
    )


def open_invitation(organisation, email):
    """The open invitation of `email` to `organisation`, or None."""
    now = timezone.now()
    return (
        Invitation.objects.pending()
        .filter(organisation=organisation, email=normalise_email(email), expires_at__gt=now)
        .select_related("invited_by")
        .first()
    )


def settings_for_email(email):
    """The sign-in settings of the organisation whose work accounts `email` signs in with: the
    one that allows its domain, or else one that invited it or has it as a member. None when no
    organisation with a work-account provider knows it."""
    email = normalise_email(email)
    domain = email.rpartition("@")[2]
    configured = SignInSettings.objects.exclude(server_url="").exclude(client_id="")
    for found in configured.select_related("organisation"):
        if domain in found.domains:
            return found
    now = timezone.now()
    invited = Invitation.objects.pending().filter(email=email, expires_at__gt=now)
    members = Membership.objects.active().filter(user__email__iexact=email)
    organisations = set(invited.values_list("organisation_id", flat=True)) | set(
        members.values_list("organisation_id", flat=True)
    )
    return (
        configured.filter(organisation_id__in=organisations)
        .select_related("organisation")
        .order_by("organisation_id")
        .first()
    )


def free_username(email):
    """A username for a new account from its email address, unlike any taken."""
    User = get_user_model()
    base = re.sub(r"[^a-z0-9@.+_-]", "", email.partition("@")[0].lower())[:140] or "member"
    if not is_plain_username(base):
        base = "member"
    taken = {skeleton(u) for u in User.objects.values_list("username", flat=True).iterator()}
    candidate, n = base, 1
    while skeleton(candidate) in taken:
        n += 1
        candidate = f"{base}{n}"
    return candidate


@transaction.atomic
def join_by_work_account(sign_in_settings, user, *, invitation=None):
    """A person who signed in with a verified work email joins the organisation: with the role
    of their open invitation, or as a viewer when the organisation allows their domain."""
    organisation = sign_in_settings.organisation
    role = Role(invitation.role) if invitation else Role.VIEWER
    membership = Membership.objects.filter(user=user, organisation=organisation).first()
    if membership is not None and membership.is_active:
        return membership
    if membership is None:
        membership = Membership(user=user, organisation=organisation, role=role)
    else:
        membership.role, membership.is_active = role, True
    how = (
        f"by invitation from {name_of(invitation.invited_by)}"
        if invitation
        else "by signing in with a work account at an allowed domain"
    )
    save_with_history(membership, by=user, reason=f"Joined {how} as {role.label.lower()}")
    if invitation:
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        save_with_history(invitation, by=user, reason="Accepted by signing in with a work account")
    bump_version(organisation.pk)
    return membership


def events_for_organisation(organisation, limit=200):
    """Sign-ins and refused attempts of the organisation's people (present and past), and the
    work-account attempts its provider refused, newest first."""
    from django.db.models import Q

    members = Membership.objects.filter(organisation=organisation).values("user_id")
    return (
        SignInEvent.objects.filter(Q(organisation=organisation) | Q(user_id__in=members))
        .select_related("user")
        .order_by("-at", "-pk")[:limit]
    )


def events_for_user(user, limit=100):
    return SignInEvent.objects.filter(user=user).order_by("-at", "-pk")[:limit]


__all__ = [
    "SignInMethod",
    "events_for_organisation",
    "events_for_user",
    "free_username",
    "join_by_work_account",
    "open_invitation",
    "record",
    "settings_for",
    "settings_for_email",
    "update_settings",
]


def two_step_required(user):
    """Whether an organisation the person is an active member of requires two-step sign-in."""
    return SignInSettings.objects.filter(
        require_two_step=True,
        organisation__memberships__user=user,
        organisation__memberships__is_active=True,
    ).exists()


def two_step_missing(user):
    """True for a person who signs in with a password, belongs to an organisation that
    requires two-step sign-in, and has no authenticator app set up."""
    from allauth.mfa.models import Authenticator

    if not user.has_usable_password() or not two_step_required(user):
        return False
    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
