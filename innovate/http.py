"""Helpers every view uses to answer as ARCHITECTURE.md's table says."""

from django.http import HttpRequest as DjangoHttpRequest
from django.shortcuts import render
from django_htmx.middleware import HtmxDetails


class HttpRequest(DjangoHttpRequest):
    htmx: HtmxDetails


def respond(request, template, context, *, partial=None, status=200):
    """The page, or its named partial for an htmx request."""
    name = f"{template}#{partial}" if partial and request.htmx else template
    return render(request, name, context, status=status)
