import time

from django.conf import settings


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
        if request.META.get("REMOTE_ADDR") not in settings.TRUSTED_PROXIES:
            for header in self.HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)
