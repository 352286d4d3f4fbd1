from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url


class HttpResponseSeeOther(HttpResponseRedirect):
    status_code = 303


def see_other(to, *args, **kwargs):
    """303 See Other: after a successful POST the browser fetches the page that changed."""
    return HttpResponseSeeOther(resolve_url(to, *args, **kwargs))
