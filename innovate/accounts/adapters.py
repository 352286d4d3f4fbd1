"""How django-allauth fits Innovate.

AccountAdapter: nobody signs up on their own (accounts come from invitations and from work
accounts an organisation allows), allauth's own notices are not shown, and an inactive
account gets the product's page.

WorkAccountAdapter: each organisation's OpenID Connect provider comes from its sign-in settings
(signins.SignInSettings), one allauth app per organisation, chosen by the provider id in the
URL. A work account is linked to a person only through a verified email that a manager invited
or one at a domain the organisation allows, and only when the ID token carries the nonce this
sign-in sent and the issuer the organisation set; anything else is refused with a message that
says why, and no account is made."""

import jwt
import requests
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.base import AuthError
from django.contrib.auth import get_user_model
from django.db import transaction
from django.shortcuts import render

from innovate.clients import client_address
from signins import services as signins
from signins.models import SignInMethod, SignInSettings
from stages.people import normalise_email

PROVIDER = "openid_connect"


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return False

    def add_message(self, *args, **kwargs):
        """allauth's own notices ("Successfully signed in as ...") are not shown."""

    def is_reauthentication_required(self, *, app, **kwargs):
        # Setting up two-step sign-in needs a code from the app itself; turning it off or
        # making new recovery codes asks for a current code (innovate.accounts.views).
        return False

    def respond_user_inactive(self, request, user):
        return refused(
            request,
            "This account is disabled. Ask a manager of your organisation to reactivate you.",
        )


def refused(request, message, status=403):
    return render(request, "accounts/refused.html", {"message": message}, status=status)


def app_for(found):
    """The allauth app (not stored) of an organisation's sign-in settings."""
    return SocialApp(
        provider=PROVIDER,
        provider_id=found.provider_id,
        name=found.organisation.name,
        client_id=found.client_id,
        secret=found.client_secret,
        settings={"server_url": found.server_url, "oauth_pkce_enabled": True},
    )


def settings_of(provider_id):
    if not provider_id.startswith("org-") or not provider_id[4:].isdigit():
        return None
    return (
        SignInSettings.objects.select_related("organisation")
        .filter(organisation_id=int(provider_id[4:]))
        .exclude(server_url="")
        .exclude(client_id="")
        .first()
    )


def verified(claims):
    """Whether the provider says the email is verified: `email_verified`, or Microsoft Entra
    ID's `xms_edov` (the email's domain is verified by the tenant that owns it)."""
    return any(claims.get(name) in (True, "true", "True", 1, "1") for name in VERIFIED_CLAIMS)


VERIFIED_CLAIMS = ("email_verified", "xms_edov")


def claims_of(sociallogin):
    data = sociallogin.account.extra_data or {}
    token = data.get("id_token") or {}
    info = data.get("userinfo") or {}
    return token, {**token, **info}


class WorkAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request, provider=None, client_id=None):
        configured = SignInSettings.objects.select_related("organisation").exclude(server_url="")
        apps = [app_for(found) for found in configured.exclude(client_id="")]
        if provider and provider != PROVIDER:
            apps = [app for app in apps if app.provider_id == provider]
        if client_id:
            apps = [app for app in apps if app.client_id == client_id]
        return apps

    def is_open_for_signup(self, request, sociallogin):
        # pre_social_login has refused everyone who may not join.
        return True

    def is_auto_signup_allowed(self, request, sociallogin):
        return True

    def pre_social_login(self, request, sociallogin):
        found = settings_of(sociallogin.account.provider)
        if found is None:
            raise ImmediateHttpResponse(
                refused(request, "Your organisation no longer signs in with work accounts.")
            )
        token, claims = claims_of(sociallogin)
        email = normalise_email(claims.get("email"))
        organisation = found.organisation

        def refuse(message):
            signins.record(
                method=SignInMethod.WORK_ACCOUNT,
                succeeded=False,
                organisation=organisation,
                typed=email,
                detail=message,
                client=client_address(request),
            )
            raise ImmediateHttpResponse(refused(request, message))

        nonce = sociallogin.state.get("nonce")
        if not nonce or token.get("nonce") != nonce:
            refuse(
                "The sign-in could not be checked: the answer from your organisation's sign-in "
                "service did not carry this sign-in's nonce. Start again from the sign-in page."
            )
        if token.get("iss", "").rstrip("/") != found.server_url.rstrip("/"):
            refuse(
                f"The sign-in was refused: the token came from the issuer "
                f"{token.get('iss') or '(none)'}, not {found.server_url}, which {organisation} "
                "set. Ask a manager to check the server URL in the organisation settings."
            )
        if not email:
            refuse("Your work account did not share an email address, so you cannot sign in.")
        if not verified(claims):
            refuse(
                f"Your work account's email address {email} is not verified, so it cannot be "
                "linked to an Innovate account."
            )
        invitation = signins.open_invitation(organisation, email)
        domain = email.rpartition("@")[2]
        allowed = domain in found.domains
        if sociallogin.is_existing:
            user = sociallogin.user
            if user.memberships.filter(organisation=organisation, is_active=True).exists():
                return
            if not (invitation or allowed):
                refuse(f"You are no longer a member of {organisation}.")
            signins.join_by_work_account(found, user, invitation=invitation)
            return
        users = list(get_user_model().objects.filter(email__iexact=email)[:2])
        if len(users) > 1:
            refuse(
                f"More than one account uses {email}, so it cannot be told which is yours. "
                "Ask a manager to contact support."
            )
        member = (
            bool(users)
            and users[0].memberships.filter(organisation=organisation, is_active=True).exists()
        )
        if not (invitation or allowed or member):
            if found.domains:
                refuse(
                    f"{email} cannot sign in to {organisation}: its domain {domain} is not one "
                    f"{organisation} allows ({', '.join(found.domains)}), and no manager invited "
                    "it. No account was made."
                )
            refuse(
                f"{email} has not been invited to {organisation}. Ask a manager of "
                f"{organisation} to invite you. No account was made."
            )
        if users:
            # An account already uses this verified email: the work account is linked to it
            # (its member's own address, invited when they joined, or invited now).
            user = users[0]
            if not user.is_active and not invitation:
                refuse("This account is disabled. Ask a manager to reactivate you.")
            with transaction.atomic():
                sociallogin.connect(request, user)
                if not member:
                    signins.join_by_work_account(found, user, invitation=invitation)
            return
        # A new person: save_user makes the account and its membership.

    def save_user(self, request, sociallogin, form=None):
        found = settings_of(sociallogin.account.provider)
        _token, claims = claims_of(sociallogin)
        email = normalise_email(claims.get("email"))
        invitation = signins.open_invitation(found.organisation, email)
        user = sociallogin.user
        with transaction.atomic():
            user.set_unusable_password()
            user.username = signins.free_username(email)
            user.email = email
            sociallogin.save(request)
            signins.join_by_work_account(found, user, invitation=invitation)
        return user

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ):
        organisation = None
        found = settings_of(getattr(getattr(provider, "app", None), "provider_id", "") or "")
        if found:
            organisation = found.organisation
        message = why_refused(error, exception)
        signins.record(
            method=SignInMethod.WORK_ACCOUNT,
            succeeded=False,
            organisation=organisation,
            detail=message,
            client=client_address(request),
        )
        raise ImmediateHttpResponse(refused(request, message))


def why_refused(error, exception):
    cause = getattr(exception, "__cause__", None)
    if error == AuthError.CANCELLED:
        return "Signing in with your work account was cancelled. Nothing was changed."
    if isinstance(cause, jwt.ExpiredSignatureError):
        return (
            "The sign-in was refused: the token from your organisation's sign-in service has "
            "expired. Start again from the sign-in page."
        )
    if isinstance(cause, jwt.InvalidIssuerError):
        return (
            "The sign-in was refused: the token did not come from the issuer your organisation "
            "set. Ask a manager to check the server URL in the organisation settings."
        )
    if isinstance(cause, jwt.InvalidAudienceError):
        return (
            "The sign-in was refused: the token was not meant for Innovate. Ask a manager to "
            "check the client ID in the organisation settings."
        )
    if isinstance(exception, requests.RequestException):
        return (
            "Your organisation's sign-in service could not be reached. Try again later, or "
            "sign in with your username and password."
        )
    return (
        "Signing in with your work account did not work. Start again from the sign-in page, "
        "or sign in with your username and password."
    )
