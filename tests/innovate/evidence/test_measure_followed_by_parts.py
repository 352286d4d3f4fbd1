"""A measure of the whole innovation followed by two parts is on track only when each part is:
with North team's recent reading on target and East locality's last reading 160 days old, the
innovation page, each part's readiness, the measures list, the measure's page and the move
form all say it is not on track and name East locality as having no recent data."""

import re

import pytest
from django.urls import reverse

from tests.innovate.followed_measure import MEASURE, build, frozen

SHORT = f"0 of 1 measure on track ({MEASURE}: no recent data for East locality)"
WHY = "No recent data: East locality (the latest reading is from 3 March 2026, 160 days ago"
ON_TRACK_TAG = re.compile(r"<strong[^>]*app-status-tag[^>]*>On track</strong>")


@pytest.fixture(autouse=True)
def _clock():
    with frozen():
        yield


@pytest.fixture
def followed(innovation, leader):
    return build(innovation, leader)


def _row(html, marker):
    start = html.index(marker)
    return html[start : html.index("</tr>", start)]


def test_the_innovation_page_says_not_on_track_and_names_the_quiet_part(
    client_for, viewer, innovation, followed
):
    measure, north, east = followed
    html = client_for(viewer).get(innovation.get_absolute_url()).content.decode()

    row = _row(html, f'id="measure-{measure.pk}"')
    assert ">No recent data</strong>" in row
    assert not ON_TRACK_TAG.search(row)
    assert WHY in row
    assert "On track: North team." in row
    for part in (north, east):
        readiness = _row(html, f'id="evidence-part-{part.pk}"')
        assert SHORT[0].upper() + SHORT[1:] in readiness, part.name
    # Never "On track" for the measure beside "0 of 1 measure on track" for a part.
    assert "1 of 1 measure on track" not in html
    assert not ON_TRACK_TAG.search(html)


def test_the_measures_list_and_the_measure_page_agree(client_for, viewer, innovation, followed):
    measure, north, east = followed
    client = client_for(viewer)
    listing = client.get(reverse("evidence:measures", args=[innovation.pk])).content.decode()
    card = listing[listing.index(f'id="measure-{measure.pk}"') :]
    card = card[: card.index("</article>")]
    summary = card[: card.index("<table")]
    assert ">No recent data</strong>" in summary
    assert WHY in summary

    page = client.get(reverse("evidence:measure", args=[measure.pk])).content.decode()
    body = page[page.index("How it is going") :]
    assert ">No recent data</strong>" in body[: body.index("</p>")]
    assert WHY in body[: body.index("</p>")]
    assert "Followed by East locality, North team." in page
    assert "followed by the parts at Developing that are not stopped" in page
    # Each part's own series keeps its own status beside it.
    assert re.search(r">North team</th>.*?>On track</strong>", page, re.S)
    assert re.search(r">East locality</th>.*?>No recent data</strong>", page, re.S)


@pytest.mark.parametrize("which", ["north", "east"])
def test_the_move_form_of_each_part_says_not_on_track(client_for, leader, followed, which):
    measure, north, east = followed
    part = {"north": north, "east": east}[which]
    html = client_for(leader).get(reverse("parts:move", args=[part.pk])).content.decode()
    readiness = html[html.index('id="readiness"') :]
    readiness = readiness[: readiness.index("</div>")]
    assert SHORT[0].upper() + SHORT[1:] in readiness
    assert ">No recent data</strong>" in readiness
    assert WHY in readiness
    assert not ON_TRACK_TAG.search(readiness)
