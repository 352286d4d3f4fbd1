from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from innovate.http import HttpRequest


@require_GET
def accessibility(request: HttpRequest):
    return render(request, "notices/accessibility.html")


@require_GET
def privacy(request: HttpRequest):
    return render(request, "notices/privacy.html")


@require_GET
def cookies(request: HttpRequest):
    return render(request, "notices/cookies.html")


@require_POST
@login_required
@never_cache
def keepalive(request: HttpRequest):
    """Extends an idle session (the warning before it ends offers this)."""
    request.session.modified = True
    return HttpResponse(status=204)
