"""Helpers every view uses to answer as ARCHITECTURE.md's table says."""

import datetime

from django.contrib import messages
from django.http import HttpRequest as DjangoHttpRequest
from django.http import HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django_htmx.middleware import HtmxDetails


class HttpRequest(DjangoHttpRequest):
    htmx: HtmxDetails


# The menu item each area's pages light up; a URL name listed here overrides its namespace.
NAV = {
    "innovations": "innovations",
    "parts": "innovations",
    "evidence": "innovations",
    "files": "innovations",
    "sessions": "innovations",
    "dashboard": "dashboard",
    "dashboard:my-work": "my-work",
    "people": "people",
    "tokens": "people",
    "people:accept": None,
    "networks": "networks",
    "networks:observe": None,
    "networks:sharing": "innovations",
    "networks:adopt": "innovations",
    "networks:adoption": "innovations",
    "framework": "framework",
}


def nav_for(request):
    """The menu item of the page's area (base.html), from the URL the request resolved to."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return None
    if match.view_name in NAV:
        return NAV[match.view_name]
    return NAV.get(match.namespace)


def respond(request, template, context, *, partial=None, status=200):
    """The page, or its named partial for an htmx request, with the menu item of its area."""
    name = f"{template}#{partial}" if partial and request.htmx else template
    return render(request, name, {"nav": nav_for(request), **context}, status=status)


def edit_conflict(request, template, context, form, conflict):
    """409 for an edit of a record someone else changed since the form was shown
    (stages.services.EditConflict): who changed what, each of those fields as it is now, and
    the person's input kept. The form now carries the newest history row, so saving again
    goes through."""
    form.data = form.data.copy()
    form.data["seen"] = conflict.latest.history_id if conflict.latest else ""
    record = conflict.obj
    now = []
    for name in conflict.fields:
        if name == "tags_text":
            now.append(("Tags", ", ".join(record.tags) or "none"))
            continue
        field = type(record)._meta.get_field(name)
        value = getattr(record, name)
        if hasattr(value, "get_full_name"):
            value = value.get_full_name() or value.get_username()
        elif isinstance(value, datetime.date):
            value = f"{value:%-d %B %Y}"
        elif field.choices:
            value = getattr(record, f"get_{name}_display")()
        now.append(
            (str(field.verbose_name).capitalize(), value if value not in (None, "") else "none")
        )
    return respond(request, template, {**context, "conflict": conflict, "now": now}, status=409)


class HttpResponseSeeOther(HttpResponseRedirect):
    status_code = 303


def see_other(to, *args, **kwargs):
    """303 See Other: after a successful POST the browser fetches the page that changed."""
    return HttpResponseSeeOther(resolve_url(to, *args, **kwargs))


def takes_files(view):
    """Mark a view that takes an evidence document: its requests may be as large as
    MAX_FILE_REQUEST_BYTES (innovate.middleware.RequestSizeMiddleware), every other view's
    MAX_REQUEST_BYTES. Put it above the view's other decorators."""
    view.takes_files = True
    return view


def posted(request):
    """The form data of a POST (even an empty one, so that it is refused with messages at
    every missing field), or None for a GET."""
    return request.POST if request.method == "POST" else None


def closed(request, innovation, to="change it", *, back=None):
    """The closed-innovation guard: a closed innovation's record is kept as it was, so a page
    that would change it sends the person back (to the innovation unless `back` says where),
    saying why."""
    messages.info(request, f"This innovation is closed: reopen it to {to}.")
    return see_other(back or innovation.get_absolute_url())
