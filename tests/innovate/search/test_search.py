"""Searching everything a person may read: a literal table of queries and what each finds over
the hand-built organisation (conftest.py), on PostgreSQL's full-text search and SQLite's
contains-search alike; what each persona of the access matrix finds; the same number of
queries for 2 and 20 matches; bad input answered with a message."""

import re

import pytest
from django.db import connection
from django.urls import reverse

from attachments import services as attachments
from stages import services
from stages.models import Innovation
from tests.attachments import samples
from tests.attachments.conftest import stored  # noqa: F401
from tests.factories import make_part
from tests.innovate.search.results import results
from tests.innovate.test_valid_html import _checker_or_skip, check

pytestmark = pytest.mark.django_db

SEARCH = reverse("search:results")

# query: every (kind, title) the manager finds, in the order shown.
TABLE = [
    (
        "Eastfield",
        [
            ("part", "Eastfield hub"),
            ("part", "Eastfield youth panel"),
            ("decision", "Stay where it is"),
        ],
    ),
    ("MASH", [("part", "Front door (MASH)")]),
    ("mash", [("part", "Front door (MASH)")]),
    (
        "rota",
        [
            ("move", "Pause"),
            ("reading", "Parents who found the first call respectful, 1 March 2024"),
            ("note", "Note"),
        ],
    ),
    (
        "duty rota",
        [
            ("move", "Pause"),
            ("reading", "Parents who found the first call respectful, 1 March 2024"),
            ("note", "Note"),
        ],
    ),
    ("referrals", [("move", "Start")]),
    (
        "respectful",
        [
            ("measure", "Parents who found the first call respectful"),
            ("reading", "Parents who found the first call respectful, 1 March 2024"),
        ],
    ),
    ("text message", [("measure", "Parents who found the first call respectful")]),
    ("board", [("check", "Key question: Yes"), ("action", "Action")]),
    ("young people", [("involvement", "Young people: Co-designing")]),
    ("power", [("ethics", "Ethics note")]),
    ("quarter", [("session", "Spring reflection")]),
    ("Spring reflection", [("session", "Spring reflection")]),
    ("wider network", [("innovation", "Family group conferencing")]),
    (
        "schools",
        [
            ("innovation", "Early help in schools"),
            ("learning", "What we learned: Early help in schools"),
        ],
    ),
    # Withdrawn, another organisation's, or not there at all: nothing.
    ("figures", []),
    ("old team", []),
    ("fostering", []),
    ("Southdale", []),
    ("helicopter", []),
]

# Each persona's "Eastfield": the open innovation's part and decision, the restricted
# innovation's part only for those who may see it, another organisation's only for its own.
OPEN = [("part", "Eastfield hub"), ("decision", "Stay where it is")]
EVERYTHING = [*OPEN[:1], ("part", "Eastfield youth panel"), OPEN[1]]
RESTRICTED = [("part", "Eastfield youth panel")]
PERSONAS = {
    "viewer": OPEN,
    "leader": OPEN,
    "facilitator": OPEN,
    "manager": EVERYTHING,
    "lead": EVERYTHING,
    "contributor": EVERYTHING,
    "guest_viewer": RESTRICTED,
    "guest_contributor": RESTRICTED,
    "guest_ended": [],
    "shut_out": OPEN,
    "outsider": [("part", "Eastfield fostering hub")],
}


def shown_rows(rows):
    return [(row.kind, re.sub(r"<[^>]+>", "", row.title)) for row in rows]


def shown(response):
    assert response.status_code == 200
    return shown_rows(results(response))


@pytest.mark.parametrize(("query", "expected"), TABLE, ids=[query for query, _ in TABLE])
def test_each_query_finds_what_the_table_says(client, world, query, expected):
    client.force_login(world["manager"])
    assert shown(client.get(SEARCH, {"q": query})) == expected


def test_full_text_search_finds_other_forms_of_a_word(client, world):
    """On PostgreSQL "families" finds "Family"; the contains-search finds the letters typed."""
    client.force_login(world["manager"])
    found = shown(client.get(SEARCH, {"q": "family"}))
    if connection.vendor == "postgresql":
        assert ("innovation", "Family group conferencing") in found
        assert ("learning", "What we learned: Early help in schools") in found
    else:
        assert found == [("innovation", "Family group conferencing")]


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_finds_only_what_they_may_read(client, world, persona):
    client.force_login(world[persona])
    assert shown(client.get(SEARCH, {"q": "Eastfield"})) == PERSONAS[persona]


def test_signing_in_comes_first(client):
    response = client.get(SEARCH, {"q": "Eastfield"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_withdrawn_or_restricted_innovation_leaves_the_results_at_once(client, world):
    client.force_login(world["viewer"])
    Innovation.objects.filter(title="Family group conferencing").update(restricted=True)
    assert shown(client.get(SEARCH, {"q": "Eastfield"})) == []


def test_each_result_says_where_it_sits_and_links_to_its_page(client, world):
    client.force_login(world["manager"])
    response = client.get(SEARCH, {"q": "rota"})
    rows = results(response)
    assert [row.where for row in rows] == [
        ["Family group conferencing", "Front door (MASH)", "Designing"],
        ["Family group conferencing", "Front door (MASH)", "Designing"],
        ["Family group conferencing", "Front door (MASH)"],
    ]
    page = response.content.decode()
    assert 'Family group conferencing <span aria-hidden="true">›</span>' in page
    for row in rows:
        assert client.get(row.url.partition("#")[0]).status_code == 200


def test_results_are_grouped_by_kind_with_the_number_of_each(client, world):
    client.force_login(world["manager"])
    page = client.get(SEARCH, {"q": "respectful"}).content.decode()
    assert re.search(r"<h2[^>]*>2 found for “respectful”</h2>", page)
    assert page.index(">Measures</h3>") < page.index(">Readings</h3>")
    assert 'kind=measure">Measures (1)</a>' in page
    kept = client.get(SEARCH, {"q": "respectful", "kind": "reading"})
    assert shown(kept) == [("reading", "Parents who found the first call respectful, 1 March 2024")]
    assert "<strong>Readings (1)</strong>" in kept.content.decode()


def test_the_words_found_are_marked_and_the_rest_escaped(client, world, innovation, leader):
    make_part(innovation, by=leader, name="<script>alert(1)</script> Eastfield annexe", on=None)
    client.force_login(world["manager"])
    page = client.get(SEARCH, {"q": "annexe"}).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Eastfield <mark>annexe</mark>" in page
    assert "<script>alert" not in page


def test_a_long_body_is_cut_to_a_snippet_around_the_word(client, world, innovation, leader):
    words = " ".join(f"word{number}" for number in range(200))
    innovation.summary = f"{words} hidden-treasure {words}"
    innovation.save()
    client.force_login(world["manager"])
    (row,) = results(client.get(SEARCH, {"q": "treasure"}))
    assert "treasure</mark>" in row.snippet
    assert len(re.sub(r"<[^>]+>", "", row.snippet)) < 400


@pytest.mark.parametrize("matches", [2, 20])
def test_a_search_runs_the_same_queries_for_2_and_20_matches(
    client, world, innovation, leader, django_assert_num_queries, matches
):
    for number in range(matches):
        make_part(innovation, by=leader, name=f"Lighthouse {number}", on=None)
    client.force_login(world["manager"])
    client.get(SEARCH)  # the session and the stage names are warm, as on any page after the first
    with django_assert_num_queries(5):
        response = client.get(SEARCH, {"q": "Lighthouse"})
    names = [re.sub(r"<[^>]+>", "", row.title) for row in results(response)]
    assert sorted(names) == sorted(f"Lighthouse {number}" for number in range(matches))
    page = response.content.decode()
    assert all(f"Lighthouse</mark> {number}<" in page for number in range(matches))


def test_results_come_a_page_at_a_time(client, world, innovation, leader):
    for number in range(23):
        make_part(innovation, by=leader, name=f"Lighthouse {number:02}", on=None)
    client.force_login(world["manager"])
    first = client.get(SEARCH, {"q": "Lighthouse"})
    assert len(results(first)) == 20
    assert "Page 1 of 2" in first.content.decode()
    second = client.get(SEARCH, {"q": "Lighthouse", "page": 2})
    assert [re.sub(r"<[^>]+>", "", row.title) for row in results(second)] == [
        "Lighthouse 20",
        "Lighthouse 21",
        "Lighthouse 22",
    ]
    assert shown(client.get(SEARCH, {"q": "Lighthouse", "page": "many"}))[0] == (
        "part",
        "Lighthouse 00",
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"q": "x" * 201}, "q", "Enter at most 200 characters to search for (you entered 201)"),
        ({"q": "Eastfield\x00"}, "q", "Null characters are not allowed."),
        ({"q": "Eastfield", "kind": "passwords"}, "kind", "Choose what to show from the list"),
    ],
    ids=["too long", "a NUL byte", "a forged kind"],
)
def test_bad_input_is_answered_with_a_message_at_its_field(client, world, data, field, message):
    client.force_login(world["manager"])
    response = client.get(SEARCH, data)
    assert response.status_code == 422
    assert results(response) == []
    assert 'id="results"' not in response.content.decode()
    page = response.content.decode()
    assert f'<a href="#id_{field}">{message}</a>' in page
    assert f'id="{field}-error"' in page


def test_the_header_has_a_search_box_for_those_signed_in(client, world):
    assert 'id="header-search"' not in client.get(reverse("framework")).content.decode()
    client.force_login(world["guest_viewer"])
    page = client.get(reverse("framework")).content.decode()
    assert '<form class="app-header-search" method="get" action="/search/" role="search"' in page
    assert '<label class="govuk-visually-hidden" for="header-search">' in page


def test_an_empty_search_shows_the_form_alone(client, world):
    client.force_login(world["viewer"])
    response = client.get(SEARCH, {"q": "  "})
    assert response.status_code == 200
    assert response.context["results_html"] == ""
    assert "found for" not in response.content.decode()


def test_the_results_and_a_refused_search_are_valid_html(client, world, tmp_path):
    java = _checker_or_skip()
    client.force_login(world["manager"])
    for name, data in [
        ("results", {"q": "Eastfield"}),
        ("kind", {"q": "rota", "kind": "move"}),
        ("nothing", {"q": "helicopter"}),
        ("refused", {"q": "x" * 201}),
    ]:
        (tmp_path / f"{name}.html").write_text(client.get(SEARCH, data).content.decode())
    messages = check(java, sorted(tmp_path.glob("*.html")))
    assert [m["message"] for m in messages if m.get("type") == "error"] == []


def test_an_evidence_file_is_found_by_its_name_and_opens_its_list(
    client,
    world,
    innovation,
    leader,
    stored,  # noqa: F811
):
    attachments.add_attachment(
        innovation, samples.upload("Eastfield feedback.pdf", samples.pdf()), by=leader
    )
    client.force_login(world["viewer"])
    response = client.get(SEARCH, {"q": "feedback"})
    assert shown(response) == [("file", "Eastfield feedback.pdf")]
    (row,) = results(response)
    assert row.url == reverse("files:list", args=[innovation.pk])
    assert client.get(row.url).status_code == 200


def test_a_search_asked_again_is_answered_from_its_kept_results(
    client, world, django_assert_num_queries
):
    client.force_login(world["manager"])
    first = client.get(SEARCH, {"q": "Eastfield"})
    with django_assert_num_queries(3):  # the session, the person and their organisation
        again = client.get(SEARCH, {"q": "Eastfield"})
    assert results(again) == results(first) != []


def test_a_write_after_a_search_is_found_by_the_next_one(client, world, innovation, leader):
    client.force_login(world["manager"])
    before = results(client.get(SEARCH, {"q": "Eastfield"}))
    part = make_part(innovation, by=leader, name="Eastfield annexe", on=None)
    after = results(client.get(SEARCH, {"q": "Eastfield"}))
    assert ("part", "Eastfield annexe") in shown_rows(after)
    services.withdraw_part(part, by=world["manager"], reason="Added by mistake.")
    assert results(client.get(SEARCH, {"q": "Eastfield"})) == before


def test_people_who_see_less_are_not_shown_results_kept_for_a_manager(client, world):
    client.force_login(world["manager"])
    assert ("part", "Eastfield youth panel") in shown(client.get(SEARCH, {"q": "Eastfield"}))
    client.force_login(world["viewer"])
    assert ("part", "Eastfield youth panel") not in shown(client.get(SEARCH, {"q": "Eastfield"}))
