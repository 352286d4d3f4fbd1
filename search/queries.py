"""Finding words in the index: on PostgreSQL its full-text search (English stemming, a rank
that weights titles above bodies, and highlighted snippets from the database); elsewhere every
word contained in the title or the body, the same shape of answer. Two queries whatever the
size of the data: the number found of each kind, and the page shown."""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.db.models.expressions import RawSQL

from search.models import KIND_ORDER, Entry, Kind
from stages.models import Part

# Marks around each word found, in a title or a snippet; the web front escapes the text and
# turns them into <mark>. Private-use characters, which no one types.
START, STOP = "\ue000", "\ue001"
CONFIG = "english"
SNIPPET_CHARACTERS = 220
WORD = re.compile(r"[^\s\"]+")


def words(text):
    """The words of a query as the contains-search reads them: quotes, a leading minus and
    "or" are search syntax on PostgreSQL, not words to find."""
    found = []
    for word in WORD.findall(text or ""):
        word = word.lstrip("-")
        if word and word.lower() != "or":
            found.append(word)
    return found


def full_text():
    return connection.vendor == "postgresql"


class _Counted:
    """A page's rows with the total already known, so the paginator asks no count of its own."""

    def __init__(self, rows, total):
        self.rows, self.total = rows, total

    def count(self):
        return self.total

    def __len__(self):
        return self.total

    def __getitem__(self, index):
        return self.rows[index]


@dataclass
class Found:
    counts: dict  # kind: number found, in the order results are shown
    page: object  # a Paginator page of Entry rows, each with `marked_title` and `snippet`
    kind: str

    @property
    def total(self):
        return sum(self.counts.values())


def _kind_order():
    """The place of a row's kind in KIND_ORDER: on PostgreSQL one call of array_position, which
    is built far faster than a CASE of every kind; elsewhere the CASE."""
    if full_text():
        return RawSQL(
            "array_position(%s::text[], search_entry.kind::text) - 1",
            (list(KIND_ORDER),),
            output_field=IntegerField(),
        )
    return Case(
        *[When(kind=k, then=Value(n)) for k, n in KIND_ORDER.items()], output_field=IntegerField()
    )


def find(text, *, organisation_id, innovations, kind="", page=None, per_page=20):
    """What `text` finds among the rows of `organisation_id` whose innovation is one of
    `innovations` (the person's visible innovations, never a withdrawn one; a lazy queryset
    used as a subquery), leaving out withdrawn parts. `kind` keeps to one kind. Two queries."""
    entries = Entry.objects.filter(
        organisation_id=organisation_id, innovation__in=innovations
    ).filter(
        Q(part__isnull=True)
        # Parts withdrawn themselves; those of a withdrawn innovation are left out with it,
        # as `innovations` holds none.
        | Q(
            part__in=Part.all_objects.filter(
                organisation_id=organisation_id, withdrawn_at__isnull=True
            ).values("pk")
        )
    )
    if full_text():
        query = SearchQuery(text, search_type="websearch", config=CONFIG)
        entries = entries.filter(vector=query)
    else:
        terms = words(text)
        if not terms:
            entries = entries.none()
        for term in terms:
            entries = entries.filter(Q(title__icontains=term) | Q(body__icontains=term))
    numbers = dict(entries.order_by().values_list("kind").annotate(found=Count("pk")))
    counts = {k: numbers[k] for k in KIND_ORDER if numbers.get(k)}
    shown = entries.filter(kind=kind) if kind else entries
    order = _kind_order()
    shown = shown.select_related("innovation", "part", "stage").annotate(order=order)
    if full_text():
        shown = (
            shown.defer("vector", "body")
            .annotate(
                rank=SearchRank(F("vector"), query),
                marked_title=SearchHeadline(
                    "title",
                    query,
                    config=CONFIG,
                    start_sel=START,
                    stop_sel=STOP,
                    highlight_all=True,
                ),
                snippet=SearchHeadline(
                    "body",
                    query,
                    config=CONFIG,
                    start_sel=START,
                    stop_sel=STOP,
                    min_words=12,
                    max_words=30,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                ),
            )
            .order_by("order", "-rank", "title", "pk")
        )
    else:
        shown = shown.defer("vector").order_by("order", "title", "pk")
    total = counts.get(kind, 0) if kind else sum(counts.values())
    found_page = Paginator(_Counted(shown, total), per_page).get_page(page)
    if not full_text():
        terms = words(text)
        for entry in found_page.object_list:
            entry.marked_title = mark(entry.title, terms)
            entry.snippet = mark(excerpt(entry.body, terms), terms)
    return Found(counts=counts, page=found_page, kind=kind)


def excerpt(body, terms):
    """About SNIPPET_CHARACTERS of `body` around the first word found, cut at spaces."""
    if len(body) <= SNIPPET_CHARACTERS:
        return body
    lowered = body.lower()
    places = [lowered.find(term.lower()) for term in terms]
    first = min((place for place in places if place >= 0), default=0)
    start = max(0, first - SNIPPET_CHARACTERS // 3)
    if start:
        space = body.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = start + SNIPPET_CHARACTERS
    if end < len(body):
        space = body.rfind(" ", start, end)
        end = space if space > first else end
    return f"{'… ' if start else ''}{body[start:end].strip()}{' …' if end < len(body) else ''}"


def mark(text, terms):
    """`text` with START and STOP around each place a term is found, ignoring case."""
    if not terms or not text:
        return text
    pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)
    return pattern.sub(lambda found: f"{START}{found.group(0)}{STOP}", text)


__all__ = ["Found", "Kind", "find", "words"]
