def organisation(request):
    """The organisation the person is working in, and the others they may switch to."""
    return {
        "current_membership": getattr(request, "membership", None),
        "memberships": getattr(request, "memberships", ()),
    }
