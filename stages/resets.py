"""Limits on password reset requests, counted in the database so every app server sees them.

One address receives at most PASSWORD_RESET_LIMIT_PER_ADDRESS links in PASSWORD_RESET_WINDOW,
and one client may ask at most PASSWORD_RESET_LIMIT_PER_CLIENT times in it. The address is
counted whether or not an account uses it, so a refusal tells nobody who has an account. Only
the links that were sent count against an address: flooding requests for someone's address
cannot stop them resetting their password, as each link sent stays usable."""

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac

from stages.models import PasswordResetRequest

__all__ = ["ResetRefused", "record_reset_request"]


class ResetRefused(Exception):
    """Too many requests; `message` says for which and when to try again."""

    def __init__(self, message):
        self.message = message
        super().__init__(message)


def email_hash(email):
    normalised = (email or "").strip().lower()
    return salted_hmac("stages.resets.email", normalised, algorithm="sha256").hexdigest()


def record_reset_request(email, *, client):
    """Record a request for a reset link to `email` from `client` (an address or None). Raises
    ResetRefused when it is over a limit: then no link may be sent.

    The request is written before it is counted, so requests racing each other on several
    servers never send more links than the limit: each counts every request written before it.
    Four or five queries."""
    now = timezone.now()
    window = settings.PASSWORD_RESET_WINDOW
    since = now - window
    PasswordResetRequest.objects.filter(requested_at__lte=since).delete()
    request = PasswordResetRequest.objects.create(
        email_hash=email_hash(email), client=client, sent=True, requested_at=now
    )
    recent = PasswordResetRequest.objects.filter(requested_at__gt=since)
    refusal = None
    if client:
        by_client = recent.filter(client=client).order_by("-requested_at")
        times = list(
            by_client.values_list("requested_at", flat=True)[
                : settings.PASSWORD_RESET_LIMIT_PER_CLIENT + 1
            ]
        )
        if len(times) > settings.PASSWORD_RESET_LIMIT_PER_CLIENT:
            refusal = (
                "Too many requests for a password reset have come from your network. "
                f"Try again after {_clock(times[-2] + window)}."
            )
    if refusal is None:
        limit = settings.PASSWORD_RESET_LIMIT_PER_ADDRESS
        earlier = (
            recent.filter(email_hash=request.email_hash, sent=True)
            .exclude(pk=request.pk)
            .order_by("-requested_at")
        )
        times = list(earlier.values_list("requested_at", flat=True)[:limit])
        if len(times) >= limit:
            refusal = (
                f"We have already sent {limit} links to this address, the most we send in a "
                f"short time. Use the latest one, or try again after "
                f"{_clock(times[-1] + window)}."
            )
    if refusal is not None:
        PasswordResetRequest.objects.filter(pk=request.pk).update(sent=False)
        raise ResetRefused(refusal)


def _clock(moment):
    return f"{timezone.localtime(moment):%H:%M}"
