"""The edit pages of parts and innovations carry the history row they were shown at: an edit
of a record someone else changed meanwhile is a 409 naming who and what, with the input kept;
a move or a close in between is never undone. A move form shown before the part moved is a
409 too, not a refusal of a choice it offered."""

import datetime
import re

import pytest
from django.urls import reverse

from stages import services
from stages.models import Move, Part
from tests.factories import UserFactory, make_move
from tests.innovate.helpers import date_fields, row_counts

D = datetime.date


@pytest.fixture
def colleague(organisation):
    user = UserFactory(username="colleague", first_name="Asha", last_name="Patel")
    organisation.memberships.create(user=user, role="leader")
    return user


def seen_in(html):
    return re.search(r'name="seen" value="(\d+)"', html).group(1)


def test_the_part_form_carries_the_history_row_it_was_shown_at(client_for, leader, part):
    html = client_for(leader).get(reverse("parts:edit", args=[part.pk])).content.decode()
    assert seen_in(html) == str(services.latest_history_id(part))


def test_an_edit_of_a_part_renamed_meanwhile_is_a_409_naming_who_and_what(
    client_for, leader, colleague, part
):
    client = client_for(leader)
    url = reverse("parts:edit", args=[part.pk])
    seen = seen_in(client.get(url).content.decode())
    services.update_part(part, by=colleague, name="North locality team")
    before = row_counts()

    response = client.post(
        url, {"seen": seen, "name": "North east team", "kind": "team", "next_review_on": ""}
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else has just changed this" in html
    assert "North locality team was changed by Asha Patel on " in html
    assert "(name)" in html
    assert "Name now" in html
    assert 'value="North east team"' in html
    assert row_counts() == before
    part.refresh_from_db()
    assert part.name == "North locality team"

    again = client.post(
        url,
        {"seen": seen_in(html), "name": "North east team", "kind": "team", "next_review_on": ""},
    )
    assert again.status_code == 303
    part.refresh_from_db()
    assert part.name == "North east team"


def test_an_edit_from_a_form_shown_before_a_pause_keeps_the_pause(
    client_for, leader, colleague, part
):
    client = client_for(leader)
    url = reverse("parts:edit", args=[part.pk])
    seen = seen_in(client.get(url).content.decode())
    make_move(part, "pause", by=colleague, on=D(2024, 2, 1), review_on=D(2024, 3, 1))

    response = client.post(
        url,
        {
            "seen": seen,
            "name": "North team",
            "kind": "team",
            **date_fields("next_review_on", D(2024, 6, 1)),
        },
    )

    assert response.status_code == 303
    part.refresh_from_db()
    assert (part.state, part.version, part.review_on) == ("paused", 2, D(2024, 3, 1))
    assert part.next_review_on == D(2024, 6, 1)
    assert services.disagreements(part, list(Move.objects.filter(part=part))) == []
    assert part.history.order_by("-history_id").first().history_change_reason == (
        "Edited: next review"
    )


def test_an_edit_of_an_innovation_changed_meanwhile_is_a_409(
    client_for, leader, colleague, innovation
):
    client = client_for(leader)
    url = reverse("innovations:edit", args=[innovation.pk])
    seen = seen_in(client.get(url).content.decode())
    services.update_innovation(innovation, by=colleague, summary="Their summary.")

    response = client.post(url, {"seen": seen, "title": innovation.title, "summary": "Mine."})

    assert response.status_code == 409
    html = response.content.decode()
    assert "was changed by Asha Patel on " in html
    assert "(summary)" in html
    assert "Their summary." in html
    assert "Mine.</textarea>" in html
    innovation.refresh_from_db()
    assert innovation.summary == "Their summary."


def test_an_edit_from_a_form_shown_before_a_close_keeps_it_closed(
    client_for, leader, colleague, innovation
):
    client = client_for(leader)
    url = reverse("innovations:edit", args=[innovation.pk])
    seen = seen_in(client.get(url).content.decode())
    services.close_innovation(
        innovation, by=colleague, outcome="other", learning="It ran its course."
    )

    response = client.post(url, {"seen": seen, "title": innovation.title, "summary": "Mine."})

    assert response.status_code == 303
    innovation.refresh_from_db()
    assert (innovation.status, innovation.summary) == ("closed", "Mine.")


def test_a_move_form_shown_before_someone_paused_the_part_is_a_409_not_a_refusal(
    client_for, leader, colleague, part
):
    make_move(part, "pause", by=colleague, on=D(2024, 2, 1))
    before = row_counts()

    response = client_for(leader).post(
        reverse("parts:move", args=[part.pk]),
        {
            "kind": "pause",
            "reason": "funding",
            "rationale": "The grant ended.",
            "effective_on": "2024-03-01",
            "expected_version": 1,
        },
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert "North team was moved by Asha Patel on " in html
    assert "It is now paused in Mobilising, round 1." in html
    assert "Select a valid choice" not in html
    assert "The grant ended." in html
    assert 'name="expected_version" value="2"' in html
    assert row_counts() == before


def test_the_history_shows_a_part_set_from_its_log(client_for, viewer, leader, part, innovation):
    make_move(part, "pause", by=leader, on=D(2024, 2, 1))
    Part.objects.filter(pk=part.pk).update(version=1, state="active")
    services.repair_part(part)

    html = client_for(viewer).get(reverse("innovations:history", args=[innovation.pk]))
    html = html.content.decode()

    assert "Position set from its log of moves: North team" in html
    assert "Repaired from its log (move 2): state active → paused; version 1 → 2" in html


def test_a_refused_edit_keeps_the_stored_name_in_the_heading(client_for, leader, colleague, part):
    client = client_for(leader)
    url = reverse("parts:edit", args=[part.pk])
    seen = seen_in(client.get(url).content.decode())
    services.update_part(part, by=colleague, name="North locality team")

    response = client.post(
        url, {"seen": seen, "name": "North east team", "kind": "team", "next_review_on": ""}
    )

    html = response.content.decode()
    assert "<h1" in html and ">Edit North locality team</h1>" in html
    assert 'value="North east team"' in html
