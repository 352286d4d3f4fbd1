"""PDF downloads: a page's own template rendered with `pdf` set and laid out by WeasyPrint
with the print styles, so the download is the same document as the browser's print view.
Stylesheets and images are read from the static files on this machine, never the network."""

import functools
import mimetypes
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.text import slugify

# The address the page's root-relative links resolve against; nothing is fetched from it.
BASE_URL = "http://innovate.local/"


def static_path(url):
    """The local file a static URL names, or None: the static folders' own file first, else
    the collected one (in production the names carry a hash)."""
    prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    path = unquote(urlsplit(url).path)
    if not path.startswith(prefix):
        return None
    name = path[len(prefix) :]
    if not name or ".." in Path(name).parts:
        return None
    found = finders.find(name)
    if found:
        return Path(found)
    collected = Path(settings.STATIC_ROOT) / name
    return collected if collected.is_file() else None


def _fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesFetcher(URLFetcher):
        """Serves data: URLs and the static files; refuses every other address."""

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            found = static_path(url)
            if found is None:
                raise ValueError(f"Only static files are read for a PDF, not {url}")
            kind = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=found.read_bytes(), headers={"Content-Type": kind})

    return StaticFilesFetcher()


# The pictures' own rules in the stylesheet, by the start of their class names.
PICTURE_CLASSES = ("app-wheel", "app-marker", "app-timeline", "app-stage-", "app-agg", "app-chart")
# Printed, the pictures' words are drawn larger (see assets/scss/_dashboard.scss).
PRINT_PICTURE_RULES = (
    ".app-wheel__label,.app-wheel__centre,.app-wheel__more,.app-marker__number,"
    ".app-marker__cycle,.app-agg__total,.app-agg__count{font-size:18px}"
)
_VAR = re.compile(r"var\(--[\w-]+,\s*([^()]*(?:\([^()]*\))?[^()]*)\)")
_RULE = re.compile(r"([^{}@]+)\{([^{}]*)\}")


@functools.cache
def picture_styles():
    """The stylesheet's rules for the pictures, custom properties replaced by their fallback:
    WeasyPrint draws an inline SVG with the styles inside it, not the page's."""
    found = static_path("/" + settings.STATIC_URL.strip("/") + "/css/application.css")
    css = found.read_text(encoding="utf-8-sig") if found else ""
    css = re.sub(r"@media[^{]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}", "", css)
    rules = []
    for selector, body in _RULE.findall(css):
        if any(name in selector for name in PICTURE_CLASSES):
            rules.append(selector.strip() + "{" + _VAR.sub(r"\1", body) + "}")
    return "".join(rules) + PRINT_PICTURE_RULES


def with_picture_styles(html):
    """Each inline SVG of `html` with the pictures' rules inside it."""
    style = f"<style>{picture_styles()}</style>"
    return re.sub(r"(<svg\b[^>]*>)", lambda m: m.group(1) + style, html)


def render_pdf(request, template, context):
    """The PDF of `template` rendered with `pdf` set in its context."""
    # Imported here: WeasyPrint loads Pango when imported, which only PDFs need.
    from weasyprint import HTML

    html = with_picture_styles(render_to_string(template, {**context, "pdf": True}, request))
    return HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher()).write_pdf()


def pdf_response(request, template, context, *, filename):
    """The PDF as a download named `filename` (made safe, ".pdf" added)."""
    response = HttpResponse(render_pdf(request, template, context), content_type="application/pdf")
    safe = slugify(filename) or "document"
    response["Content-Disposition"] = f'attachment; filename="{safe}.pdf"'
    return response
