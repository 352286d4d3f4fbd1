"""The dashboard, the board report and the portfolio file agree with the innovation page on a
measure of the whole innovation followed by two parts: with North team's recent reading on
target and East locality's last reading 160 days old, it is not on track for either part, and
the report names East locality as having no recent data."""

import csv
import io
import re

import pytest
from django.urls import reverse

from tests.innovate.followed_measure import MEASURE, build, frozen

WHY = "No recent data: East locality (the latest reading is from 3 March 2026, 160 days ago"


@pytest.fixture(autouse=True)
def _clock():
    with frozen():
        yield


@pytest.fixture
def followed(innovation, leader):
    return build(innovation, leader)


def test_the_portfolio_counts_the_measure_on_track_for_neither_part(client_for, viewer, followed):
    html = client_for(viewer).get(reverse("dashboard:portfolio")).content.decode()
    table = html[html.index('class="govuk-table govuk-body-s app-portfolio"') :]
    row = table[table.index("<tbody") :]
    row = row[: row.index("</tr>")]
    # Each part has the measure in use and neither has it on track.
    assert '<td class="govuk-table__cell">0 of 2</td>' in row


def test_the_portfolio_file_counts_it_on_track_for_neither_part(client_for, viewer, followed):
    response = client_for(viewer).get(reverse("dashboard:export-portfolio"))
    assert response.status_code == 200
    raw = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = {row["Part"]: row for row in csv.DictReader(io.StringIO(raw, newline=""))}
    for name in ("North team", "East locality"):
        assert (rows[name]["Measures on track"], rows[name]["Measures in use"]) == ("0", "1")


def test_the_board_report_says_not_on_track_and_names_the_quiet_part(
    client_for, viewer, innovation, followed
):
    html = client_for(viewer).get(reverse("dashboard:report")).content.decode()
    page = re.search(r'<article class="app-report__page".*?</article>', html, re.S).group(0)
    row = page[page.index(f">{MEASURE}<br>") :]
    row = row[: row.index("</tr>")]
    assert "<strong>No recent data</strong>" in row
    assert "<strong>On track</strong>" not in row
    assert WHY in row
    assert "On track: North team." in row


def test_the_report_as_of_an_earlier_date_judges_the_parts_as_they_were(
    client_for, viewer, followed
):
    """On 1 August 2026 East locality's reading was 151 days old: still too old."""
    html = client_for(viewer).get(reverse("dashboard:report"), {"as_of": "2026-08-01"})
    html = html.content.decode()
    assert "No recent data: East locality (the latest reading is from 3 March 2026, 151 days" in (
        html
    )
