"""Search everything the person may read in their organisation: one box in the header, the
results grouped by kind, a page at a time, each with where it sits."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from innovate.access import organisation_for, scope_key, visible_innovations
from innovate.caching import fragment
from innovate.http import HttpRequest, respond
from innovate.search.forms import SearchForm
from search.models import Kind
from search.queries import START, STOP, find

PAGE_SIZE = 20

# kind: (the page's url name, what it takes from the row, a place on the page)
PAGES = {
    Kind.INNOVATION: ("innovations:detail", "page", ""),
    Kind.LEARNING: ("innovations:detail", "page", ""),
    Kind.PART: ("innovations:detail", "page", "part"),
    Kind.MOVE: ("innovations:timeline", "page", ""),
    Kind.MEASURE: ("evidence:measure", "page", ""),
    Kind.READING: ("evidence:measure", "page", ""),
    Kind.CHECK: ("evidence:check", "page", ""),
    Kind.INVOLVEMENT: ("evidence:involvement", "page", ""),
    Kind.ETHICS: ("evidence:ethics", "stage", ""),
    Kind.SESSION: ("sessions:detail", "page", ""),
    Kind.NOTE: ("sessions:detail", "page", ""),
    Kind.DECISION: ("sessions:detail", "page", ""),
    Kind.ACTION: ("sessions:detail", "page", "actions"),
    Kind.FILE: ("files:list", "page", ""),
}


@dataclass
class Result:
    kind: str
    kind_label: str
    title: str
    snippet: str
    url: str
    where: list


def marked(text):
    """The text escaped, then the words found marked: the marks are the only markup."""
    return mark_safe(escape(text or "").replace(START, "<mark>").replace(STOP, "</mark>"))


def link(entry):
    url_name, takes, place = PAGES.get(entry.kind, ("innovations:detail", "innovation", ""))
    if takes == "stage":
        url = reverse(url_name, args=[entry.page_id, entry.stage.number])
    elif takes == "innovation":
        url = reverse(url_name, args=[entry.innovation_id])
    else:
        url = reverse(url_name, args=[entry.page_id])
    if place == "part":
        return f"{url}#part-{entry.part_id}"
    return f"{url}#{place}" if place else url


def where(entry):
    """Where the row sits: innovation › part › stage, as far as it has them."""
    found = [entry.innovation.title]
    if entry.part is not None:
        found.append(entry.part.name)
    if entry.stage is not None:
        found.append(entry.stage.name)
    return found


@require_GET
@login_required
def results(request: HttpRequest):
    membership = organisation_for(request, guests=True)
    form = SearchForm(request.GET or None)
    status = 200
    results_html = ""
    if form.is_bound and not form.is_valid():
        status = 422
    elif form.is_bound and form.cleaned_data["q"].strip():
        # Kept under the organisation's version, which every write the index follows moves
        # on (tests/search/test_versions.py), for this person's view of it today.
        results_html = fragment(
            request,
            "search/results.html#results",
            lambda: _found(request, form, membership),
            organisation=membership.organisation,
            name="search",
            parts=(timezone.localdate(), request.GET.urlencode(), scope_key(membership)),
        )
    return respond(
        request,
        "search/results.html",
        {
            "form": form,
            "results_html": results_html,
            "kinds": dict(Kind.choices),
            "searched": form.is_bound and form.is_valid() and form.cleaned_data["q"].strip(),
        },
        status=status,
    )


def _found(request, form, membership):
    """The results' context: what the words find among what the person may read."""
    found = find(
        form.cleaned_data["q"],
        organisation_id=membership.organisation_id,
        innovations=visible_innovations(membership),
        kind=form.cleaned_data["kind"],
        page=request.GET.get("page"),
        per_page=PAGE_SIZE,
    )
    labels = dict(Kind.choices)
    rows = [
        Result(
            kind=entry.kind,
            kind_label=labels[entry.kind],
            title=marked(entry.marked_title or entry.title),
            snippet=marked(entry.snippet),
            url=link(entry),
            where=where(entry),
        )
        for entry in found.page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "form": form,
        "found": found,
        "rows": rows,
        "page": found.page,
        "query": query.urlencode(),
        "counts": [(kind, labels[kind], number) for kind, number in found.counts.items()],
    }
