import datetime
import re

import pytest
from django.urls import reverse

from stages import services
from tests.factories import make_move, make_part
from tests.innovate.helpers import HTMX, login_url

D = datetime.date


def timeline_url(innovation):
    return reverse("innovations:timeline", args=[innovation.pk])


def history_url(innovation):
    return reverse("innovations:history", args=[innovation.pk])


@pytest.fixture
def journey(innovation, leader):
    """North team: started 1 Jan 2024, advanced 1 Feb, paused 1 Mar, resumed 15 Mar, rewound
    1 Apr, advanced 1 May (voided 2 May). South team: started 1 Jun 2024."""
    north = make_part(innovation, by=leader, name="North team", on=D(2024, 1, 1))
    make_move(north, "advance", by=leader, on=D(2024, 2, 1))
    make_move(
        north, "pause", by=leader, on=D(2024, 3, 1), reason="funding", review_on=D(2024, 6, 1)
    )
    make_move(north, "resume", by=leader, on=D(2024, 3, 15))
    make_move(north, "rewind", by=leader, on=D(2024, 4, 1), to_stage=1)
    make_move(north, "advance", by=leader, on=D(2024, 5, 1))
    make_move(north, "void", by=leader, on=D(2024, 5, 2))
    south = make_part(innovation, by=leader, name="South team", on=D(2024, 6, 1))
    return north, south


def wheel_list(html):
    """The text of the list of parts beside the wheel."""
    found = re.search(r'aria-label="Parts by number on the wheel">(.*?)</ol>', html, re.S)
    assert found, "no list beside the wheel"
    return found.group(1)


def table_rows(html):
    body = re.search(r'<tbody class="govuk-table__body">(.*?)</tbody>', html, re.S).group(1)
    return re.findall(r"<tr .*?</tr>", body, re.S)


# The timeline


def test_the_timeline_draws_each_part_and_tables_every_move(client_for, viewer, journey):
    response = client_for(viewer).get(timeline_url(journey[0].innovation))
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'<svg class="app-timeline"[^>]* role="img"', html)
    assert re.search(r'<svg class="app-wheel"[^>]* role="img"', html)
    assert "The wheel today" in html
    rows = table_rows(html)
    assert len(rows) == 8
    for words in (
        "North team started in Mobilising",
        "North team advanced to Designing",
        "North team paused in Designing: funding, to revisit on 1 June 2024",
        "North team resumed in Designing",
        "North team rewound to Mobilising: learning",
        "North team: the advance to Designing on 1 May 2024 was voided, back to active in "
        "Mobilising: recording error",
        "South team started in Mobilising",
    ):
        assert words in html
    assert html.count("<del>") == 1
    assert "<del>North team advanced to Designing</del>" in html
    assert wheel_list(html).count("</li>") == 2
    assert "North team: active in Mobilising" in wheel_list(html)


def test_the_timeline_as_of_a_date_shows_the_wheel_as_it_stood(client_for, viewer, journey):
    response = client_for(viewer).get(timeline_url(journey[0].innovation), {"as_of": "2024-03-05"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "The wheel as of 5 March 2024" in html
    beside_the_wheel = wheel_list(html)
    assert "North team: paused in Designing" in beside_the_wheel
    assert "South team" not in beside_the_wheel
    assert len(table_rows(html)) == 3
    assert "rewound" not in html


def test_the_timeline_before_any_part_started_says_so(client_for, viewer, journey):
    html = (
        client_for(viewer)
        .get(timeline_url(journey[0].innovation), {"as_of": "2023-12-31"})
        .content.decode()
    )
    assert "No part had started by then." in wheel_list(html)
    assert "No moves by this date." in html


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        ("2024-13-45", "The date must be a real date"),
        ("not a date", "The date must be a real date"),
        ("1890-01-01", "The date must be on or after 1 January 1990"),
        ("2999-01-01", "The date must be today or in the past"),
    ],
)
def test_an_invalid_as_of_date_shows_today_with_the_message(
    client_for, viewer, journey, as_of, message
):
    response = client_for(viewer).get(timeline_url(journey[0].innovation), {"as_of": as_of})
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        f'id="id_as_of_error" class="govuk-error-message"><span class="govuk-visually-hidden">'
        f"Error:</span> {message}" in html
    )
    assert "The wheel today" in html
    assert "South team: active in Mobilising" in wheel_list(html)


def test_the_timeline_for_htmx_is_the_picture_fragment(client_for, viewer, journey):
    response = client_for(viewer).get(
        timeline_url(journey[0].innovation), {"as_of": "2024-03-05"}, **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "The wheel as of 5 March 2024" in html
    assert 'name="as_of"' not in html


def test_a_timeline_with_no_parts_yet_says_there_are_no_moves(client_for, viewer, innovation):
    response = client_for(viewer).get(timeline_url(innovation))
    assert response.status_code == 200
    assert "No moves by this date." in response.content.decode()


@pytest.mark.parametrize(("persona", "status"), [("viewer", 200), ("outsider", 404)])
def test_who_may_see_the_timeline(request, client_for, innovation, persona, status):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(timeline_url(innovation)).status_code == status


def test_the_timeline_asks_an_anonymous_person_to_sign_in(client, innovation):
    url = timeline_url(innovation)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == login_url(url)


def test_the_timeline_answers_only_get(client_for, viewer, innovation):
    assert client_for(viewer).post(timeline_url(innovation)).status_code == 405


# The history


def test_the_history_tells_moves_in_plain_words(client_for, viewer, leader, innovation):
    part = make_part(innovation, by=leader, name="North team", stage=3)
    make_move(
        part,
        "pause",
        by=leader,
        on=D(2024, 2, 1),
        reason="funding",
        rationale="The grant ended in January.",
        review_on=D(2024, 6, 1),
    )
    response = client_for(viewer).get(history_url(innovation))
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "<strong>North team paused in Developing: funding, to revisit on 1 June 2024</strong>"
        ", effective 1 February 2024" in html
    )
    assert "“The grant ended in January.”" in html
    assert "<strong>North team started in Developing</strong>, effective 1 January 2024" in html
    assert f"{leader.first_name} Tester" in html


def test_the_history_shows_field_edits_old_and_new(client_for, viewer, leader, innovation, part):
    services.update_part(part, by=leader, name="North locality team")
    services.update_innovation(
        innovation, by=leader, title="Family group decision making", lead=leader
    )
    html = client_for(viewer).get(history_url(innovation)).content.decode()
    assert "Name: <del>North team</del> → North locality team" in html
    assert "Title: <del>Family group conferencing</del> → Family group decision making" in html
    assert f"Lead: <del>(empty)</del> → {leader.first_name} Tester" in html


def test_the_history_shows_a_void(client_for, viewer, leader, moved_part):
    make_move(moved_part, "void", by=leader, on=D(2024, 2, 2))
    html = client_for(viewer).get(history_url(moved_part.innovation)).content.decode()
    assert (
        "North team: the advance to Designing on 1 February 2024 was voided, back to active in "
        "Mobilising: recording error"
    ) in html


def test_the_history_is_paginated(client_for, viewer, leader, innovation):
    names = [f"Team {n:02}" for n in range(1, 36)]
    for name in names:
        make_part(innovation, by=leader, name=name)
    client = client_for(viewer)
    first = client.get(history_url(innovation)).content.decode()
    second = client.get(history_url(innovation), {"page": 2}).content.decode()
    assert first.count('<li class="app-card') == 30
    assert second.count('<li class="app-card') == 6
    assert "Page 1 of 2" in first
    assert "Page 2 of 2" in second
    both = first + second
    assert all(f"<strong>{name} started in Mobilising</strong>" in both for name in names)
    assert "Innovation created: Family group conferencing" in both


@pytest.mark.parametrize("page", ["abc", "0", "999"])
def test_a_history_page_out_of_range_shows_a_page_of_the_feed(client_for, viewer, part, page):
    response = client_for(viewer).get(history_url(part.innovation), {"page": page})
    assert response.status_code == 200
    assert "North team started in Mobilising" in response.content.decode()


def test_the_history_for_htmx_is_the_feed_fragment(client_for, viewer, part):
    response = client_for(viewer).get(history_url(part.innovation), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "North team started in Mobilising" in html
    assert "History of changes" not in html


@pytest.mark.parametrize(("persona", "status"), [("viewer", 200), ("outsider", 404)])
def test_who_may_see_the_history(request, client_for, innovation, persona, status):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(history_url(innovation)).status_code == status


def test_the_history_asks_an_anonymous_person_to_sign_in(client, innovation):
    url = history_url(innovation)
    assert client.get(url)["Location"] == login_url(url)


def test_the_history_answers_only_get(client_for, viewer, innovation):
    assert client_for(viewer).put(history_url(innovation)).status_code == 405
