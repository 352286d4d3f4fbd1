"""The results a search page shows, read back from its HTML (the results are kept rendered, so
the page's context does not carry them): each result's kind, its title (the words found still
marked), its link, where it sits and its snippet."""

import html
import re
from dataclasses import dataclass

RESULT = re.compile(
    r'<li class="app-search-result" data-kind="(?P<kind>[a-z]+)">\s*'
    r'<h4[^>]*><a class="govuk-link" href="(?P<url>[^"]*)">(?P<title>.*?)</a></h4>\s*'
    r'<p class="[^"]*app-search-where[^"]*">(?P<where>.*?)</p>\s*'
    r'(?:<p class="govuk-body app-search-snippet">(?P<snippet>.*?)</p>\s*)?</li>',
    re.S,
)
HIDDEN = re.compile(r'<span class="govuk-visually-hidden">[^<]*</span>')
SEPARATOR = ' <span aria-hidden="true">›</span> '


@dataclass
class Shown:
    kind: str
    title: str
    url: str
    where: list
    snippet: str


def results(response):
    """[Shown] of a search page, in the order shown."""
    page = response.content.decode()
    found = []
    for match in RESULT.finditer(page):
        where = HIDDEN.sub("", match["where"]).replace(SEPARATOR.strip(), "\x00")
        found.append(
            Shown(
                kind=match["kind"],
                title=html.unescape(match["title"]),
                url=html.unescape(match["url"]),
                where=[html.unescape(place.strip()) for place in where.split("\x00")],
                snippet=html.unescape(match["snippet"] or ""),
            )
        )
    return found
