"""The sign-in history and the two-step requirement, kept however a person signs in: the
product's sign-in page, a work account, an invitation or a password reset."""

from allauth.account.internal.flows.login import get_authentication_records
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed

from innovate.clients import client_address
from innovate.lockout import username_of
from signins import services as signins
from signins.models import SignInMethod

SETUP_NEEDED = "two_step_setup"
WORK_ACCOUNT = "signed_in_with_provider"


def _method(request, user):
    used = {record.get("method") for record in get_authentication_records(request, user)}
    if "socialaccount" in used:
        return SignInMethod.WORK_ACCOUNT
    if "mfa" in used:
        return SignInMethod.TWO_STEP
    return SignInMethod.PASSWORD


def signed_in(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    method = _method(request, user)
    signins.record(
        method=method,
        succeeded=True,
        user=user,
        typed=user.get_username(),
        client=client_address(request),
    )
    if method == SignInMethod.WORK_ACCOUNT:
        # Signing out of Innovate then signs out at the organisation's provider too.
        records = get_authentication_records(request, user)
        request.session[WORK_ACCOUNT] = next(
            (r.get("provider") for r in records if r.get("method") == "socialaccount"), None
        )
    if method != SignInMethod.WORK_ACCOUNT and signins.two_step_missing(user):
        request.session[SETUP_NEEDED] = True
    else:
        request.session.pop(SETUP_NEEDED, None)


def sign_in_failed(sender, credentials, request=None, **kwargs):
    if request is None:
        return
    typed = str(credentials.get("username") or credentials.get("email") or "")
    username = username_of(request, {"username": typed}) if typed else None
    user = get_user_model().objects.filter(username=username).first() if username else None
    two_step = credentials.get("two_step")
    signins.record(
        method=SignInMethod.TWO_STEP if two_step else SignInMethod.PASSWORD,
        succeeded=False,
        user=user,
        typed=typed,
        detail="Wrong code" if two_step else "Wrong username, email or password, or locked out",
        client=client_address(request),
    )


def code_failed(sender, request, user, authenticator=None, reauthentication=False, **kwargs):
    """A wrong two-step code counts towards the sign-in lockout as a wrong password does."""
    user_login_failed.send(
        sender=__name__,
        credentials={"username": user.get_username(), "two_step": True},
        request=request,
    )


def connect():
    from allauth.mfa.signals import authentication_failed

    user_logged_in.connect(signed_in, dispatch_uid="innovate-sign-in-history")
    user_login_failed.connect(sign_in_failed, dispatch_uid="innovate-sign-in-failed")
    authentication_failed.connect(code_failed, dispatch_uid="innovate-two-step-failed")
