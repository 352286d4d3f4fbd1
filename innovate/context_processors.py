from django.conf import settings

from innovate.access import current_membership, memberships, observed_networks


def organisation(request):
    """The organisation the person is working in, and the others they may switch to."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {
        "session_seconds": getattr(request, "session_remaining", settings.SESSION_COOKIE_AGE),
        "current_membership": getattr(request, "membership", None) or current_membership(request),
        "memberships": memberships(request),
        # Read only for a person with no organisation (the header names what they observe).
        "observed_networks": lambda: observed_networks(request),
    }
