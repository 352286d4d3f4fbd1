"""Long lists a page at a time, in templates whose view gives the whole (already bounded) list:
the innovation page's parts, whichever view renders it."""

from urllib.parse import parse_qs, urlsplit

from django import template
from django.core.paginator import Paginator

register = template.Library()


@register.simple_tag(takes_context=True)
def page_of(context, items, per_page, parameter="page"):
    """The page of `items` the request asks for in `parameter` (for an htmx request that does
    not say, the page the browser is showing): the first page when it asks for none or for one
    that is not a number, the last when it asks for one past the end."""
    request = context.get("request")
    number = None
    if request is not None:
        number = request.GET.get(parameter)
        htmx = getattr(request, "htmx", None)
        if number is None and htmx and htmx.current_url:
            number = parse_qs(urlsplit(htmx.current_url).query).get(parameter, [None])[0]
    return Paginator(items, per_page).get_page(number)
