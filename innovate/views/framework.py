from django.shortcuts import render
from django.views.decorators.http import require_GET

from innovate.http import HttpRequest
from stages.models import Stage


@require_GET
def framework(request: HttpRequest):
    """The six stages in the framework's words. Public: it is the framework's own text."""
    return render(
        request, "framework.html", {"stages": list(Stage.objects.all()), "nav": "framework"}
    )
