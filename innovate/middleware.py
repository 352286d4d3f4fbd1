import time

from django.conf import settings
from django.http import HttpResponse
from django.urls import Resolver404, resolve

from innovate.clients import from_trusted_proxy


class RequestSizeMiddleware:
    """Refuse a request body larger than MAX_REQUEST_BYTES (MAX_FILE_REQUEST_BYTES on a page
    that takes an evidence document), or one that does not state its length, before anything
    reads it: the answer comes from the headers alone, so a huge upload is neither kept in
    memory nor spooled to disk. First in MIDDLEWARE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            return self.refuse("Send the request with its length (Content-Length).")
        length = request.META.get("CONTENT_LENGTH") or "0"
        if not (length.isascii() and length.isdigit()) or len(length) > 20:
            return self.refuse("The request's Content-Length is not a number.")
        length = int(length)
        if length <= settings.MAX_REQUEST_BYTES:
            return self.get_response(request)
        # Only a request of a size a file upload may reach is looked up, so the answer to a
        # huge one still comes from the headers alone.
        path = request.path_info
        if length <= settings.MAX_FILE_REQUEST_BYTES and self.takes_files(path):
            return self.get_response(request)
        limit = settings.MAX_REQUEST_BYTES
        if length > settings.MAX_FILE_REQUEST_BYTES and path.endswith("/files/"):
            limit = settings.MAX_FILE_REQUEST_BYTES
        return self.refuse(
            f"The request is too large: at most {limit // (1024 * 1024)} MB may be sent."
        )

    @staticmethod
    def takes_files(path):
        """Whether the page at `path` takes an evidence document: its view is marked by
        innovate.http.takes_files, and may be sent up to MAX_FILE_REQUEST_BYTES."""
        try:
            view = resolve(path).func
        except Resolver404:
            return False
        return getattr(view, "takes_files", False)

    @staticmethod
    def refuse(message):
        response = HttpResponse(message + "\n", status=400, content_type="text/plain")
        response["Content-Length"] = len(response.content)
        response["X-Content-Type-Options"] = "nosniff"
        return response


class PermissionsPolicyMiddleware:
    """The product uses no camera, microphone, location or payment: say so to the browser."""

    POLICY = (
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
        "microphone=(), payment=(), usb=(), interest-cohort=()"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.POLICY)
        return response


class IdleSessionMiddleware:
    """Sessions end after SESSION_COOKIE_AGE of inactivity. Saving the session on every request
    would cost a database write per page; it is renewed only when a few minutes have passed."""

    RENEW_AFTER = 300

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and request.user.is_authenticated:
            now = int(time.time())
            touched = session.get("touched", 0)
            if now - touched >= self.RENEW_AFTER:
                session["touched"] = now
                touched = now
            request.session_remaining = max(settings.SESSION_COOKIE_AGE - (now - touched), 0)
        return self.get_response(request)


def session_started(sender, request, user, **kwargs):
    """Signing in counts as activity: the idle clock starts now."""
    if hasattr(request, "session"):
        request.session["touched"] = int(time.time())


class TrustedProxyMiddleware:
    """The header that marks a request as HTTPS (X-Forwarded-Proto) is believed only from the
    reverse proxies in TRUSTED_PROXIES; from anyone else it is removed before SecurityMiddleware
    reads it, so a forged header cannot make a plain-http request look secure."""

    HEADERS = ("HTTP_X_FORWARDED_PROTO",)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not from_trusted_proxy(request):
            for header in self.HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)


class TwoStepRequiredMiddleware:
    """A person who signed in with a password, in an organisation that requires two-step
    sign-in, with no authenticator app yet, is sent to set one up before anything else. Whether
    they must is decided once as they sign in, however they signed in
    (innovate.accounts.signals), and kept in the session, so other pages cost no query."""

    ALLOWED = ("accounts:two-step", "logout", "keepalive")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get("two_step_setup") and request.user.is_authenticated:
            from django.shortcuts import redirect
            from django.urls import reverse

            allowed = {reverse(name) for name in self.ALLOWED}
            if request.path not in allowed and not request.path.startswith(
                settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/static/"
            ):
                return redirect("accounts:two-step")
        return self.get_response(request)


class CurrentRequestMiddleware:
    """Keep the request being answered where a person's name is written (innovate.access.
    name_of), so that a guest's name is marked "(guest)" on every page and export."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from innovate.access import answering

        with answering(request):
            return self.get_response(request)
