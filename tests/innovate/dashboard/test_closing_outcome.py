"""How a closed innovation ended, on the board report and in the portfolio file, on the
hand-built journeys (Mentoring closed on 1 May 2024 when its funding ended)."""

import csv
import io
import re

import pytest
from django.urls import reverse

from stages import services
from tests.innovate.dashboard_journeys import build, frozen


@pytest.fixture(autouse=True)
def _clock():
    with frozen():
        yield


@pytest.fixture
def journeys(organisation, innovation, leader, manager, facilitator):
    return build(organisation, innovation, leader=leader, manager=manager, facilitator=facilitator)


def report_pages(client, **params):
    response = client.get(reverse("dashboard:report"), params)
    assert response.status_code == 200
    pages = re.findall(
        r'<article class="app-report__page".*?</article>', response.content.decode(), re.S
    )
    return {re.search(r"<h2[^>]*>([^<]+)", p).group(1).strip(): p for p in pages}


def portfolio_rows(client, **params):
    response = client.get(reverse("dashboard:export-portfolio"), params)
    assert response.status_code == 200
    raw = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *body = list(csv.reader(io.StringIO(raw, newline="")))
    return [dict(zip(header, line, strict=True)) for line in body]


def test_the_board_report_says_how_a_closed_innovation_ended(client_for, viewer, journeys):
    pages = report_pages(client_for(viewer), status="all")
    assert "How it ended:</strong> Stopped: funding ended" in pages["Mentoring"]
    assert "How it ended" not in pages["Family group conferencing"]
    assert "How it ended" not in pages["Kinship support"]


def test_the_board_report_before_the_closing_says_nothing_of_how_it_ended(
    client_for, viewer, journeys
):
    pages = report_pages(client_for(viewer), status="all", as_of="2024-04-15")
    assert "How it ended" not in pages["Mentoring"]


def test_the_portfolio_file_says_how_each_closed_innovation_ended(client_for, viewer, journeys):
    rows = portfolio_rows(client_for(viewer), status="all")
    ended = {row["Innovation"]: (row["Open or closed"], row["How it ended"]) for row in rows}
    assert ended == {
        "Family group conferencing": ("Open", ""),
        "Kinship support": ("Open", ""),
        "Mentoring": ("Closed", "Stopped: funding ended"),
    }
    header = list(rows[0])
    assert header.index("How it ended") == header.index("Open or closed") + 1


def test_a_closing_through_the_write_path_shows_in_the_file_with_its_parts_stopped(
    client_for, viewer, leader, journeys
):
    kinship = journeys["kinship"]
    services.close_innovation(
        kinship, by=leader, outcome="mainstreamed", learning="Peer groups work."
    )
    rows = portfolio_rows(client_for(viewer), status="closed")
    kinship_rows = [r for r in rows if r["Innovation"] == "Kinship support"]
    assert len(kinship_rows) == 7
    assert {(r["How it ended"], r["State"], r["Last move"]) for r in kinship_rows} == {
        ("Mainstreamed into standard practice", "Stopped", "Stop")
    }
    assert "Kinship support" not in {r["Innovation"] for r in portfolio_rows(client_for(viewer))}


def test_a_reopened_innovation_shows_as_open_with_its_chosen_part_active_again(
    client_for, viewer, leader, journeys
):
    kinship = journeys["kinship"]
    services.close_innovation(kinship, by=leader, outcome="merged", learning="Joined hubs.")
    services.reopen_innovation(kinship, by=leader, restart=[journeys["slow"].pk])
    rows = [r for r in portfolio_rows(client_for(viewer)) if r["Innovation"] == "Kinship support"]
    assert {(r["Open or closed"], r["How it ended"]) for r in rows} == {("Open", "")}
    states = {r["Part"]: r["State"] for r in rows}
    assert states.pop("Slow team") == "Active"
    assert set(states.values()) == {"Stopped"}
