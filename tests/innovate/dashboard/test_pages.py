"""The dashboard pages beside the portfolio: time in each stage, the flow over time, two dates
compared and the board report, on the hand-built journeys."""

import datetime
import re

import pytest
from django.urls import reverse

from tests.factories import InnovationFactory, make_move, make_part
from tests.innovate.dashboard_journeys import build, frozen

D = datetime.date


@pytest.fixture(autouse=True)
def _clock():
    with frozen():
        yield


@pytest.fixture
def journeys(organisation, innovation, leader, manager, facilitator):
    return build(organisation, innovation, leader=leader, manager=manager, facilitator=facilitator)


def get(client, name, **params):
    response = client.get(reverse(f"dashboard:{name}"), params)
    assert response.status_code == 200
    return response.content.decode()


def text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def row(html, name):
    """The text of the table row whose header starts with `name`."""
    for found in re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', html, re.S):
        header = re.search(r"<th[^>]*>(.*?)</th>", found, re.S)
        if header and text(header.group(1)).startswith(name):
            return text(found)
    raise AssertionError(f"no row for {name}")


# --- Time in each stage ------------------------------------------------------------------


def test_durations_show_each_part_and_the_medians(client_for, viewer, journeys):
    html = get(client_for(viewer), "durations")
    assert row(html, "North team") == (
        "North team Family group conferencing 61 (2 visits) 106 (2 visits) – – – – 14 1 1"
    )
    assert row(html, "South team") == "South team Family group conferencing – – 31 – – – 150 0 1"
    assert "Mentor pool" not in html  # its innovation is closed
    assert "Counted: open innovations; 9 parts." in text(html)
    assert row(html, "1. Mobilising") == "1. Mobilising 30 7"
    assert row(html, "2. Designing") == "2. Designing 46 1"
    assert row(html, "3. Developing") == "3. Developing – 0"
    assert re.search(
        r'<svg class="app-chart app-chart--medians"[^>]* role="img" '
        r'aria-labelledby="medians-title medians-desc"',
        html,
    )
    assert (
        "Mobilising: 30 days over 7 completed visits; Designing: 46 days over 1 completed visit"
        in html
    )
    assert "9 parts started by 30 June 2024." in html


def test_durations_count_closed_innovations_when_asked(client_for, viewer, journeys):
    html = get(client_for(viewer), "durations", status="all")
    assert row(html, "Mentor pool") == "Mentor pool Mentoring – 91 – – – – 0 0 0"
    assert "10 parts started by 30 June 2024." in html
    assert "Counted: open and closed innovations; 10 parts." in text(html)
    closed = get(client_for(viewer), "durations", status="closed")
    assert "Counted: closed innovations; 1 part." in text(closed)


def test_durations_as_of_an_earlier_date(client_for, viewer, journeys):
    html = get(client_for(viewer), "durations", as_of="2024-03-01")
    assert row(html, "North team") == "North team Family group conferencing 31 29 – – – – 0 0 1"
    assert row(html, "1. Mobilising") == "1. Mobilising 30.5 6"
    assert "As of 1 March 2024." in html


def test_durations_are_paged(client_for, viewer, organisation, leader):
    innovation = InnovationFactory(organisation=organisation, title="Many teams")
    for n in range(51):
        make_part(innovation, by=leader, name=f"Team {n:02}", on=D(2024, 1, 1))
    client = client_for(viewer)
    first = get(client, "durations")
    assert "Team 49" in first and "Team 50" not in first
    assert "Page 1 of 2" in first
    assert "Team 50" in get(client, "durations", page="2")


# --- The flow ----------------------------------------------------------------------------


def test_the_flow_tables_each_month_and_draws_stacked_bars(client_for, viewer, journeys):
    html = get(client_for(viewer), "flow", months="6")
    assert row(html, "Jan 2024") == "Jan 2024 5 4 1 0 0 0 0 0 10"
    assert row(html, "Feb 2024") == "Feb 2024 2 7 1 0 0 0 1 0 10"
    assert row(html, "Apr 2024") == "Apr 2024 3 5 1 0 0 0 1 1 10"
    # Mentoring, closed on 1 May, is counted while it was open and not after.
    assert row(html, "30 Jun 2024") == "30 Jun 2024 2 6 1 0 0 0 1 0 9"
    assert "Counted: open innovations; 9 parts." in text(html)
    every = get(client_for(viewer), "flow", months="6", status="all")
    assert row(every, "30 Jun 2024") == "30 Jun 2024 2 6 1 0 0 0 1 1 10"
    assert "Dec 2023" not in html
    svg = re.search(r'<svg class="app-chart app-chart--flow".*?</svg>', html, re.S).group(0)
    assert 'role="img"' in svg
    assert "<title>31 January 2024: 5 parts active in Mobilising</title>" in svg
    assert "<title>30 April 2024: 1 part stopped</title>" in svg
    # Paused parts are hatched over their stage's colour; stopped parts have a pattern of their
    # own, so that neither is told by colour alone.
    assert "<title>29 February 2024: 1 part paused in Developing</title>" in svg
    assert svg.count('fill="url(#flow-paused)" class="app-chart__paused"') == 5
    assert svg.count('fill="url(#flow-stopped)" class="app-chart__stopped"') == 1
    # Each segment tall enough carries its stage's number.
    assert re.findall(r'class="app-timeline__number">(\d)<', svg)[:3] == ["1", "2", "3"]
    assert svg.count('class="app-stage-2 app-chart__segment"') == 6


def test_the_flow_over_a_year_by_default(client_for, viewer, journeys):
    html = get(client_for(viewer), "flow")
    assert row(html, "Jul 2023") == "Jul 2023 0 0 0 0 0 0 0 0 0"
    assert "Jun 2023" not in html


def test_the_flow_of_another_organisation_counts_only_its_parts(
    client_for, journeys, other_organisation, outsider
):
    theirs = InnovationFactory(organisation=other_organisation)
    make_part(theirs, by=outsider, name="Elsewhere", on=D(2024, 2, 1))
    html = get(client_for(outsider), "flow", months="6")
    assert row(html, "30 Jun 2024") == "30 Jun 2024 1 0 0 0 0 0 0 0 1"


# --- Compare two dates -------------------------------------------------------------------


def test_compare_lists_what_moved_after_the_first_date_up_to_the_second(
    client_for, viewer, journeys
):
    html = get(client_for(viewer), "compare", **{"from": "2024-03-01", "to": "2024-04-01"})
    assert row(html, "1. Mobilising") == (
        "1. Mobilising 2 active, 0 paused, 0 stopped 3 active, 0 paused, 0 stopped +1"
    )
    assert row(html, "2. Designing") == (
        "2. Designing 6 active, 1 paused, 0 stopped 5 active, 0 paused, 1 stopped -1"
    )
    assert "3 moves took effect after 1 March 2024, up to and including 1 April 2024." in html
    found = text(html[html.index("What moved") :])
    assert found.index("Mentor pool stopped in Designing: funding") < found.index(
        "North team rewound to Mobilising: learning"
    )
    assert "North team resumed in Designing" in found
    assert "North team paused" not in found
    assert "export/moves.csv?after=2024-03-01&amp;as_of=2024-04-01" in html


def test_compare_strikes_out_voided_moves(client_for, viewer, journeys, leader):
    make_move(journeys["slow"], "advance", by=leader, on=D(2024, 6, 1))
    make_move(journeys["slow"], "void", by=leader, on=D(2024, 6, 2))
    html = get(client_for(viewer), "compare", **{"from": "2024-05-31", "to": "2024-06-30"})
    assert "<del>Slow team advanced to Designing</del> (voided)" in html
    assert (
        "Slow team: the advance to Designing on 1 June 2024 was voided, back to active in "
        "Mobilising"
    ) in html


@pytest.mark.parametrize(
    ("params", "field", "message", "shown"),
    [
        (
            {"from": "2024-04-01", "to": "2024-03-01"},
            "from",
            "The first date must be before the second.",
            "From 2 December 2023 to 1 March 2024",
        ),
        (
            {"from": "2024-04-01", "to": "2024-04-01"},
            "from",
            "The first date must be before the second.",
            "From 2 January 2024 to 1 April 2024",
        ),
        (
            {"from": "not a date"},
            "from",
            "The first date must be a real date",
            "From 1 April 2024 to 30 June 2024",
        ),
        (
            {"to": "2025-01-01"},
            "to",
            "The second date must be today or in the past",
            "From 1 April 2024 to 30 June 2024",
        ),
    ],
)
def test_compare_with_bad_dates_says_why_and_falls_back_to_90_days(
    client_for, viewer, journeys, params, field, message, shown
):
    html = get(client_for(viewer), "compare", **params)
    assert "There is a problem" in html
    assert (
        f'id="id_{field}_error" class="govuk-error-message"><span class="govuk-visually-hidden">'
        f"Error:</span> {message}" in html
    )
    assert shown in html


# --- The board report --------------------------------------------------------------------


def test_the_report_has_a_page_per_innovation(client_for, viewer, journeys):
    html = get(client_for(viewer), "report")
    pages = re.findall(r'<article class="app-report__page".*?</article>', html, re.S)
    assert [re.search(r"<h2[^>]*>([^<]+)", p).group(1).strip() for p in pages] == [
        "Family group conferencing",
        "Kinship support",
    ]
    assert "Counted: open innovations; 9 parts." in text(html)
    html = get(client_for(viewer), "report", status="all")
    pages = re.findall(r'<article class="app-report__page".*?</article>', html, re.S)
    assert [re.search(r"<h2[^>]*>([^<]+)", p).group(1).strip() for p in pages] == [
        "Family group conferencing",
        "Kinship support",
        "Mentoring",
    ]
    fgc, kinship, mentoring = pages
    pk = journeys["innovation"].pk
    assert f'aria-labelledby="report-{pk}-wheel-title report-{pk}-wheel-desc"' in fgc
    assert (
        f'aria-labelledby="report-{pk}-timeline-title" '
        f'aria-describedby="report-{pk}-timeline-desc"' in fgc
    )
    assert "1. North team: active in Designing" in fgc
    assert "2. South team: paused in Developing" in fgc
    assert "Families offered a conference" in fgc and "On track" in fgc
    assert "12 families on 1 Jun 2024" in fgc
    assert text(fgc).count("North team advanced to Designing") >= 1
    assert "15 May 2024" in fgc
    assert "Carers in a peer group" in kinship and "No data" in kinship
    assert "What we learned" in mentoring and "Mentors need paid time." in mentoring
    assert "Mentor pool stopped in Designing: funding" in mentoring
    assert "What we learned" not in fgc
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    for name in re.findall(r"url\(#([^)]+)\)", html):
        assert name in ids, f"url(#{name}) names no element of the page"


def test_the_report_shows_session_decisions(client_for, viewer, journeys, facilitator):
    from assessments.services import sessions

    sessions.record_decision(
        journeys["held"],
        journeys["north"],
        by=facilitator,
        kind="stay",
        rationale="Wait for the summer numbers.",
    )
    html = get(client_for(viewer), "report")
    assert "May review: North team stays where it is" in html
    assert "(waiting to be applied)" in html
    assert "Wait for the summer numbers." in html


def test_the_report_as_of_an_earlier_date(client_for, viewer, journeys):
    html = get(client_for(viewer), "report", as_of="2024-03-01")
    assert "Board report: innovations as of 1 March 2024" in html
    fgc = re.findall(r'<article class="app-report__page".*?</article>', html, re.S)[0]
    assert "1. North team: paused in Designing" in fgc
    assert "rewound" not in fgc
    assert "No measure of success defined by then." in fgc
    mentoring = re.findall(r'<article class="app-report__page".*?</article>', html, re.S)[2]
    assert "What we learned" not in mentoring


def test_the_report_of_open_innovations_only(client_for, viewer, journeys):
    html = get(client_for(viewer), "report", status="open")
    assert html.count('<article class="app-report__page"') == 2
    assert "Mentoring</h2>" not in html


def test_the_report_is_made_for_print(client_for, viewer, journeys):
    from pathlib import Path

    css = (Path(__file__).resolve().parents[3] / "static" / "css" / "application.css").read_text()
    assert re.search(r"@media print\{[^@]*\.app-report__page\{[^}]*break-before:page", css)
