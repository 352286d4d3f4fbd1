"""Signing in with a work account, two-step sign-in, the organisation's sign-in settings and
the sign-in history (a person's own, and their organisation's for managers)."""

import base64
import secrets

import requests
from allauth.account.internal.decorators import login_stage_required
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.base.internal.flows import delete_and_cleanup
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.flows import generate_recovery_codes
from allauth.mfa.stages import AuthenticateStage
from allauth.mfa.totp.internal import flows as totp_flows
from allauth.mfa.totp.internal.auth import get_totp_secret
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from innovate.access import organisation_for
from innovate.accounts.adapters import WorkAccountAdapter, settings_of
from innovate.accounts.forms import (
    ActivateForm,
    CurrentCodeForm,
    SignInSettingsForm,
    TwoStepCodeForm,
    WorkAccountForm,
)
from innovate.accounts.signals import WORK_ACCOUNT
from innovate.http import HttpRequest, posted, respond, see_other
from innovate.lockout import lockout, lockout_response
from innovate.pages.forms import SignInForm
from signins import services as signins
from stages.models import Role

DISCOVERY = "/.well-known/openid-configuration"
SHOW_CODES = "show_recovery_codes"
SETUP_NEEDED = "two_step_setup"


def _next(request):
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("home")


@require_POST
@never_cache
def sign_out(request: HttpRequest):
    """Signs out, everywhere the session was known (sessions live in the database). A person
    who signed in with a work account is then sent to their provider to sign out there too
    (OpenID Connect RP-initiated logout), and back to the sign-in page."""
    provider_id = request.session.get(WORK_ACCOUNT)
    logout(request)
    found = settings_of(provider_id) if provider_id else None
    end = end_session_endpoint(found) if found else None
    if not end:
        return redirect("login")
    query = urlencode(
        {
            "client_id": found.client_id,
            "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
        }
    )
    # A page that moves on by itself rather than a redirect: the browser's form-action policy
    # would refuse a form's redirect to another site.
    return respond(request, "accounts/signing_out.html", {"end": f"{end}?{query}"})


def end_session_endpoint(found):
    """The provider's end_session_endpoint from its discovery document, or None."""
    try:
        with WorkAccountAdapter().get_requests_session() as session:
            answer = session.get(found.server_url.rstrip("/") + DISCOVERY, timeout=5)
            answer.raise_for_status()
            return answer.json().get("end_session_endpoint")
    except (requests.RequestException, ValueError):
        return None


@require_POST
@never_cache
def work_account(request: HttpRequest):
    """Sends the person to their organisation's OpenID Connect provider, found from their
    work email's domain (or the organisation that invited it), with a nonce and PKCE."""
    form = WorkAccountForm(posted(request))
    found = None
    if form.is_valid():
        found = signins.settings_for_email(form.cleaned_data["email"])
        if found is None:
            domain = form.cleaned_data["email"].rpartition("@")[2]
            form.add_error(
                "email",
                f"No organisation signs in to Innovate with work accounts at {domain}. Sign in "
                "with your username or email and password, or ask your manager.",
            )
    if found is None:
        return respond(
            request,
            "registration/login.html",
            {"form": SignInForm(request), "work_form": form, "next": _next(request)},
            status=422,
        )
    provider = WorkAccountAdapter(request).get_provider(request, found.provider_id)
    nonce = secrets.token_urlsafe(32)
    redirect_to = provider.redirect(
        request,
        "login",
        next_url=_next(request),
        auth_params={"nonce": nonce, "login_hint": form.cleaned_data["email"]},
        nonce=nonce,
    )
    if not redirect_to.has_header("Location"):
        return redirect_to
    # A page that moves on by itself rather than a redirect: the browser's form-action policy
    # would refuse a form's redirect to another site.
    return respond(
        request,
        "accounts/to_provider.html",
        {"go_to": redirect_to["Location"], "organisation": found.organisation},
    )


@require_http_methods(["GET", "POST"])
@login_stage_required(stage=AuthenticateStage.key, redirect_urlname="login")
def two_step_code(request: HttpRequest):
    """The second step of signing in: a code from the authenticator app, or a recovery code.
    Wrong codes count towards the sign-in lockout like wrong passwords."""
    stage = request._login_stage
    user = stage.login.user
    credentials = {"username": user.get_username()}
    if lockout(request, credentials):
        return lockout_response(request, credentials=credentials)
    form = TwoStepCodeForm(user=user, data=posted(request))
    if request.method == "POST":
        if form.is_valid():
            form.save()
            return stage.exit()
        return respond(request, "accounts/two_step_code.html", {"form": form}, status=422)
    return respond(request, "accounts/two_step_code.html", {"form": form})


def _totp(user):
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()


@require_http_methods(["GET", "POST"])
@login_required
@never_cache
def two_step(request: HttpRequest):
    """Two-step sign-in: set up an authenticator app (a QR code and its key, then a code from
    the app to prove it works), or see that it is on."""
    user = request.user
    if _totp(user):
        return respond(
            request,
            "accounts/two_step.html",
            {"active": True, "required": signins.two_step_required(user)},
        )
    secret = get_totp_secret(regenerate=request.method != "POST")
    form = ActivateForm(posted(request), user=user, secret=secret)
    if request.method == "POST" and form.is_valid():
        totp_flows.activate_totp(request, form)
        request.session.pop(SETUP_NEEDED, None)
        request.session[SHOW_CODES] = True
        return see_other("accounts:recovery-codes")
    adapter = get_mfa_adapter()
    url = adapter.build_totp_url(user, form.secret)
    svg = adapter.build_totp_svg(url)
    return respond(
        request,
        "accounts/two_step.html",
        {
            "active": False,
            "form": form,
            "secret": form.secret,
            "qr": "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode(),
            "required": request.session.get(SETUP_NEEDED) or signins.two_step_required(user),
        },
        status=422 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
@never_cache
def recovery_codes(request: HttpRequest):
    """Recovery codes, each good for one sign-in when the app is not to hand. They are shown
    once, when made; making new ones asks for a current code and ends the old ones."""
    user = request.user
    if not _totp(user):
        return see_other("accounts:two-step")
    if request.session.pop(SHOW_CODES, False):
        found = Authenticator.objects.filter(
            user=user, type=Authenticator.Type.RECOVERY_CODES
        ).first()
        codes = found.wrap().get_unused_codes() if found else []
        return respond(request, "accounts/recovery_codes.html", {"codes": codes})
    form = CurrentCodeForm(user=user, data=posted(request))
    if request.method == "POST" and form.is_valid():
        generate_recovery_codes(request)
        request.session[SHOW_CODES] = True
        return see_other("accounts:recovery-codes")
    return respond(
        request,
        "accounts/recovery_codes.html",
        {"form": form},
        status=422 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
@never_cache
def turn_off_two_step(request: HttpRequest):
    """Turning two-step sign-in off asks for a current code; an organisation that requires it
    does not allow it."""
    user = request.user
    found = _totp(user)
    if not found:
        return see_other("accounts:two-step")
    if signins.two_step_required(user):
        messages.info(request, "Your organisation requires two-step sign-in: it stays on.")
        return see_other("accounts:two-step")
    form = CurrentCodeForm(user=user, data=posted(request))
    if request.method == "POST" and form.is_valid():
        delete_and_cleanup(request, found)
        for other in Authenticator.objects.filter(user=user):
            delete_and_cleanup(request, other)
        messages.success(request, "Two-step sign-in is off.")
        return see_other("accounts:two-step")
    return respond(
        request,
        "accounts/turn_off.html",
        {"form": form},
        status=422 if form.errors else 200,
    )


@require_GET
@login_required
def sign_ins(request: HttpRequest):
    """The person's own sign-ins and refused attempts."""
    return respond(
        request,
        "accounts/sign_ins.html",
        {"events": list(signins.events_for_user(request.user)), "own": True},
    )


@require_GET
@login_required
def organisation_sign_ins(request: HttpRequest):
    """Managers: who of the organisation signed in, when and how, and the refused attempts."""
    membership = organisation_for(request, need=Role.MANAGER)
    organisation = membership.organisation
    return respond(
        request,
        "accounts/sign_ins.html",
        {
            "events": list(signins.events_for_organisation(organisation)),
            "own": False,
            "organisation": organisation,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def organisation_settings(request: HttpRequest):
    """Managers: two-step sign-in for the whole organisation, and signing in with work
    accounts through the organisation's own OpenID Connect provider."""
    membership = organisation_for(request, need=Role.MANAGER)
    organisation = membership.organisation
    current = signins.settings_for(organisation)
    initial = {
        "require_two_step": current.require_two_step,
        "server_url": current.server_url,
        "client_id": current.client_id,
        "allowed_domains": current.allowed_domains,
    }
    form = SignInSettingsForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            signins.update_settings(organisation, by=request.user, **form.cleaned_data)
        except ValidationError as refusal:
            form.refuse(refusal)
        else:
            messages.success(request, "The sign-in settings are saved.")
            return see_other("accounts:organisation-settings")
    callback = request.build_absolute_uri(
        reverse("openid_connect_callback", kwargs={"provider_id": current.provider_id})
    )
    return respond(
        request,
        "accounts/organisation_settings.html",
        {
            "organisation": organisation,
            "form": form,
            "secret_saved": bool(current.client_secret),
            "redirect_uri": callback,
        },
        status=422 if form.errors else 200,
    )
