"""No viewer can exhaust the servers: long tables come a page at a time, long journeys and many
parts are summarised in the pictures, and the limits on parts and moves are refused with a
message at the field."""

import datetime
import re

import pytest
from django.urls import reverse

from innovate.innovations import journey
from stages.models import Part
from tests.factories import make_move, make_part
from tests.innovate.helpers import HTMX, csrf_post, error_at, row_counts

D = datetime.date


def table_rows(html, caption):
    """The body rows of the table with this caption."""
    table = re.search(
        rf"<caption[^>]*>{re.escape(caption)}.*?</caption>.*?<tbody[^>]*>(.*?)</tbody>", html, re.S
    )
    assert table, f"no table captioned {caption!r}"
    return re.findall(r"<tr [^>]*>.*?</tr>", table.group(1), re.S)


def wheel_list(html):
    return re.search(r'aria-label="Parts by number on the wheel">(.*?)</ol>', html, re.S).group(1)


# The timeline's table of moves, a page at a time


@pytest.fixture
def eight_moves(innovation, leader, monkeypatch):
    """North team's seven moves and South team's start, three moves a page."""
    monkeypatch.setattr(journey, "MOVES_PAGE", 3)
    north = make_part(innovation, by=leader, name="North team", on=D(2024, 1, 1))
    for n, kind in enumerate(["advance", "pause", "resume", "advance", "advance", "advance"]):
        make_move(north, kind, by=leader, on=D(2024, 2 + n, 1))
    make_part(innovation, by=leader, name="South team", on=D(2024, 9, 1))
    return innovation


def test_the_timeline_tables_its_moves_a_page_at_a_time(client_for, viewer, eight_moves):
    url = reverse("innovations:timeline", args=[eight_moves.pk])
    client = client_for(viewer)
    pages = [client.get(url, {"page": n}).content.decode() for n in (1, 2, 3)]
    caption = "Moves up to"
    assert [len(table_rows(html, caption)) for html in pages] == [3, 3, 2]
    assert "1 to 3 of 8" in pages[0] and "7 to 8 of 8" in pages[2]
    assert "North team started in Mobilising" in table_rows(pages[0], caption)[0]
    assert "South team started in Mobilising" in table_rows(pages[2], caption)[1]
    assert 'href="?page=2" rel="next"' in pages[0]
    assert 'href="?page=1" rel="prev"' in pages[1] and 'href="?page=3" rel="next"' in pages[1]
    assert 'rel="next"' not in pages[2]
    # The picture and the wheel stay whole on every page.
    for html in pages:
        assert "South team: active in Mobilising" in wheel_list(html)
        assert html.count('class="app-stage-') >= 7


def test_the_timeline_pages_keep_the_as_of_date(client_for, viewer, eight_moves):
    url = reverse("innovations:timeline", args=[eight_moves.pk])
    html = client_for(viewer).get(url, {"as_of": "2024-06-15"}).content.decode()
    assert "1 to 3 of 6" in html
    assert 'href="?as_of=2024-06-15&amp;page=2" rel="next"' in html
    second = client_for(viewer).get(url, {"as_of": "2024-06-15", "page": 2}).content.decode()
    assert "The wheel as of 15 June 2024" in second
    assert len(table_rows(second, "Moves up to")) == 3


@pytest.mark.parametrize(("asked", "shown"), [("abc", 1), ("0", 3), ("99999999999", 3)])
def test_a_timeline_page_out_of_range_shows_a_page_of_moves(
    client_for, viewer, eight_moves, asked, shown
):
    url = reverse("innovations:timeline", args=[eight_moves.pk])
    response = client_for(viewer).get(url, {"page": asked})
    assert response.status_code == 200
    assert f"Page {shown} of 3" in response.content.decode()


def test_the_timeline_fragment_for_htmx_carries_the_page_links(client_for, viewer, eight_moves):
    url = reverse("innovations:timeline", args=[eight_moves.pk])
    html = client_for(viewer).get(url, **HTMX).content.decode()
    assert "<html" not in html
    assert '<nav class="govuk-pagination" aria-label="Pages">' in html


# The innovation page with many parts


@pytest.fixture
def many_parts(innovation, leader):
    """61 parts: more than a page of the parts table (50) and than the wheel draws one by one
    (60); every fifth paused."""
    for n in range(1, 62):
        part = make_part(innovation, by=leader, name=f"Team {n:02}")
        if n % 5 == 0:
            make_move(part, "pause", by=leader, on=D(2024, 2, 1))
    return innovation


def test_the_innovation_page_tables_its_parts_a_page_at_a_time(client_for, viewer, many_parts):
    url = many_parts.get_absolute_url()
    client = client_for(viewer)
    first, second = (client.get(url, {"page": n}).content.decode() for n in (1, 2))
    caption = "Parts of Family group conferencing"
    first_rows, second_rows = table_rows(first, caption), table_rows(second, caption)
    assert (len(first_rows), len(second_rows)) == (50, 11)
    assert "1. Team 01" in first_rows[0] and "50. Team 50" in first_rows[-1]
    assert "51. Team 51" in second_rows[0] and "61. Team 61" in second_rows[-1]
    assert 'href="?page=2" rel="next"' in first
    # The list beside the wheel follows the table's page.
    assert wheel_list(first).count("<li>") == 50
    assert "61. Team 61: active in Mobilising" in wheel_list(second)
    assert "The wheel counts all 61 parts; parts 51 to 61 are listed here" in second
    # So does the evidence table.
    evidence = second[second.index('id="evidence"') :]
    assert evidence.count('id="evidence-part-') == 11
    assert "Parts 51 to 61 of 61, the same as in the parts table" in evidence


def test_the_wheel_of_many_parts_counts_them_in_each_stage(client_for, viewer, many_parts):
    html = client_for(viewer).get(many_parts.get_absolute_url()).content.decode()
    wheel = re.search(r'<svg class="app-wheel".*?</svg>', html, re.S).group(0)
    assert 'class="app-marker__number"' not in wheel
    assert "61 parts" in wheel
    assert "Mobilising: 49 active, 12 paused, 0 stopped" in wheel


def test_a_few_parts_fit_on_one_page_without_page_links(client_for, viewer, part):
    html = client_for(viewer).get(part.innovation.get_absolute_url()).content.decode()
    assert 'class="govuk-pagination"' not in html
    assert "The wheel counts all" not in html
    assert 'class="app-marker__number"' in html


# The limits on parts and moves, as the leader meets them


@pytest.fixture
def full(settings, innovation, leader):
    """An innovation at its limit of parts, lowered to 2."""
    settings.MAX_PARTS_PER_INNOVATION = 2
    make_part(innovation, by=leader, name="North team")
    make_part(innovation, by=leader, name="South team")
    return innovation


def test_a_part_past_the_limit_is_refused_at_its_name(client_for, leader, full):
    before = row_counts()
    url = reverse("innovations:add-part", args=[full.pk])
    response = csrf_post(
        client_for(leader, enforce_csrf_checks=True),
        url,
        {"name": "East team", "kind": "team", "stage": 1, "effective_on": "2024-03-01"},
    )
    html = error_at(
        response,
        "name",
        "This innovation has 2 parts, the most an innovation may have: no more can be added.",
    )
    assert 'value="East team"' in html
    assert row_counts() == before


@pytest.mark.parametrize(
    ("already", "message"),
    [
        (1, "An innovation may have at most 2 parts and this one has 1: add at most 1 more."),
        (2, "An innovation may have at most 2 parts and this one has 2: no more can be added."),
    ],
)
def test_several_parts_that_would_pass_the_limit_are_refused(
    settings, client_for, leader, innovation, already, message
):
    settings.MAX_PARTS_PER_INNOVATION = 2
    for n in range(already):
        make_part(innovation, by=leader, name=f"Team {n}")
    before = row_counts()
    url = reverse("innovations:add-parts", args=[innovation.pk])
    response = csrf_post(
        client_for(leader, enforce_csrf_checks=True),
        url,
        {"names": "East team\nWest team", "kind": "team", "stage": 1, "effective_on": "2024-03-01"},
    )
    html = error_at(response, "names", message)
    assert "East team\nWest team" in html
    assert row_counts() == before


@pytest.fixture
def worn(settings, part, leader):
    """North team at its limit of moves, lowered to 3: started, advanced, paused."""
    settings.MAX_MOVES_PER_PART = 3
    make_move(part, "advance", by=leader, on=D(2024, 2, 1))
    make_move(part, "pause", by=leader, on=D(2024, 3, 1))
    return part


LIMIT_MESSAGE = (
    "North team has 3 moves, the most a part may have: no more can be recorded. "
    "Add a new part to carry its journey on."
)


def test_a_move_past_the_limit_is_refused_at_the_decision(client_for, leader, worn):
    before = row_counts()
    url = reverse("parts:move", args=[worn.pk])
    response = csrf_post(
        client_for(leader, enforce_csrf_checks=True),
        url,
        {
            "kind": "resume",
            "effective_on": "2024-04-01",
            "rationale": "Funding came back.",
            "expected_version": 3,
        },
    )
    html = error_at(response, "kind", LIMIT_MESSAGE)
    assert "Funding came back." in html
    assert row_counts() == before


def test_a_void_past_the_limit_is_refused_with_the_message(client_for, leader, worn):
    before = row_counts()
    url = reverse("parts:void", args=[worn.pk])
    response = csrf_post(
        client_for(leader, enforce_csrf_checks=True),
        url,
        {"reason": "recording_error", "rationale": "Entered twice.", "expected_version": 3},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "There is a problem" in html and LIMIT_MESSAGE in html
    assert row_counts() == before
    assert Part.objects.get(pk=worn.pk).version == 3


def test_a_move_on_the_second_page_swaps_back_the_second_page(client_for, leader, many_parts):
    part = Part.objects.get(innovation=many_parts, name="Team 55")
    assert part.state == "paused"
    response = client_for(leader).post(
        reverse("parts:move", args=[part.pk]),
        {"kind": "resume", "effective_on": "2024-03-01", "expected_version": part.version},
        **HTMX,
        HTTP_HX_CURRENT_URL=f"http://testserver{many_parts.get_absolute_url()}?page=2",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    rows = table_rows(html, "Parts of Family group conferencing")
    assert len(rows) == 11
    assert "55. Team 55" in rows[4] and "app-tag--active" in rows[4]
