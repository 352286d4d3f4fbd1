"""The sign-in lockout, through django-axes.

Failures are counted per username across every address, so a new address gives no fresh
guesses. After AXES_FAILURE_LIMIT failures the username waits SIGN_IN_FIRST_WAIT; each further
failure doubles the wait, up to SIGN_IN_LONGEST_WAIT. Failures are remembered for
AXES_COOLOFF_TIME (a day); a successful sign-in or a completed password reset forgets them, so a
person locked out by someone else resets their password and signs in at once. Attempts refused
while locked out are not counted, so they do not lengthen the wait.

One client address that fails SIGN_IN_FAILURE_LIMIT_PER_ADDRESS times within
SIGN_IN_ADDRESS_WINDOW, across any usernames, waits that window from its latest failure: one
address cannot try a few passwords on every account. The address comes from
innovate.clients.client_address, which believes a forwarded header only from a trusted proxy."""

from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Max, Sum
from django.shortcuts import render
from django.utils import timezone


def username_of(request, credentials=None):
    """The username an attempt counts against (AXES_USERNAME_CALLABLE): the typed username, or
    the username of the one account that uses a typed email address, so that failures by email
    and by username add up to one lockout. An address no single account uses counts as typed."""
    if credentials is not None:
        typed = credentials.get("username") or credentials.get("email") or ""
    else:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        typed = data.get("username") or data.get("login") or ""
    typed = str(typed).strip()
    if not typed or "@" not in typed:
        return typed or None
    User = get_user_model()
    if User.objects.filter(username=typed).exists():
        return typed
    found = list(User.objects.filter(email__iexact=typed).values_list("username", flat=True)[:2])
    return found[0] if len(found) == 1 else typed.lower()


def wait_after(failures):
    """How long a username waits after its `failures`-th failure (the limit or more)."""
    doublings = max(failures - settings.AXES_FAILURE_LIMIT, 0)
    longest = settings.SIGN_IN_LONGEST_WAIT
    if doublings >= 32:
        return longest
    return min(settings.SIGN_IN_FIRST_WAIT * 2**doublings, longest)


def _failures(attempts):
    found = attempts.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    return found["failures"] or 0, found["last"]


def lockout(request, credentials=None):
    """(ends, scope) for a sign-in attempt that is locked out now, scope being "account" or
    "address"; None when it may go ahead. Two queries."""
    now = getattr(request, "axes_attempt_time", None) or timezone.now()
    found = []
    username = get_client_username(request, credentials)
    if username:
        failures, last = _failures(
            AccessAttempt.objects.filter(
                username=username, attempt_time__gte=now - settings.AXES_COOLOFF_TIME
            )
        )
        if failures >= settings.AXES_FAILURE_LIMIT and last + wait_after(failures) > now:
            found.append((last + wait_after(failures), "account"))
    address = getattr(request, "axes_ip_address", None)
    if address:
        window = settings.SIGN_IN_ADDRESS_WINDOW
        failures, last = _failures(
            AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=now - window)
        )
        if failures >= settings.SIGN_IN_FAILURE_LIMIT_PER_ADDRESS:
            found.append((last + window, "address"))
    return max(found, default=None)


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler, deciding a lockout as the module says."""

    def is_locked(self, request, credentials=None):
        if not settings.AXES_LOCK_OUT_AT_FAILURE:
            return False
        return lockout(request, credentials) is not None

    def get_failures(self, request, credentials=None):
        """axes locks the attempt just recorded out when this reaches AXES_FAILURE_LIMIT: a
        username's failures, or the limit itself when its address is over the address limit."""
        failures = super().get_failures(request, credentials)
        address = getattr(request, "axes_ip_address", None)
        if address:
            since = request.axes_attempt_time - settings.SIGN_IN_ADDRESS_WINDOW
            by_address, _last = _failures(
                AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since)
            )
            if by_address >= settings.SIGN_IN_FAILURE_LIMIT_PER_ADDRESS:
                failures = max(failures, settings.AXES_FAILURE_LIMIT)
        return failures


def lockout_response(request, original_response=None, credentials=None):
    """The 429 page: when the person may try again, and the way out by a password reset."""
    found = lockout(request, credentials)
    if found is None:
        # Locked out by the attempt that was just recorded: its wait starts now.
        ends, scope = request.axes_attempt_time + settings.SIGN_IN_FIRST_WAIT, "account"
    else:
        ends, scope = found
    ends = timezone.localtime(ends)
    today = timezone.localdate()
    if ends.date() == today:
        when = f"{ends:%H:%M}"
    elif ends.date() == today + timedelta(days=1):
        when = f"{ends:%H:%M} tomorrow"
    else:
        when = f"{ends:%H:%M} on {ends:%-d %B}"
    return render(request, "errors/429.html", {"when": when, "scope": scope}, status=429)


def forget_failures(username):
    """A completed password reset proves the person is who they say: their failures are
    forgotten and any lockout of their account ends."""
    return reset(username=username)
