"""Every dashboard page and file runs the same number of queries whatever the number of
innovations, parts, moves, measures and sessions."""

import datetime

import pytest
from django.urls import reverse

from assessments.services import evidence, sessions
from stages import services
from tests.factories import InnovationFactory, make_move, make_part
from tests.innovate.dashboard_journeys import frozen

D = datetime.date
SIZES = [2, 20]


@pytest.fixture(autouse=True)
def _clock():
    with frozen():
        yield


@pytest.fixture
def many(request, organisation, leader, facilitator):
    """`size` innovations, each with a lead, a tag, two parts (one that paused with a date to
    revisit and was rewound, one started in Developing), a measure with a reading, and a held
    session with a decision and an overdue action; every fourth innovation is closed."""
    titles = []
    for n in range(request.param):
        innovation = InnovationFactory(
            organisation=organisation, title=f"Innovation {n:02}", lead=leader
        )
        services.update_innovation(innovation, by=leader, tags=[f"tag {n}"])
        north = make_part(
            innovation, by=leader, name=f"North {n:02}", lead=leader, next_review_on=D(2024, 7, 1)
        )
        make_move(north, "advance", by=leader, on=D(2024, 2, 1))
        make_move(north, "pause", by=leader, on=D(2024, 3, 1), review_on=D(2024, 5, 1))
        make_move(north, "rewind", by=leader, on=D(2024, 4, 1), to_stage=1)
        south = make_part(innovation, by=leader, name=f"South {n:02}", stage=3, lead=leader)
        measure = evidence.define_measure(
            innovation, by=leader, stage=1, name=f"Measure {n:02}", target_value=5
        )
        evidence.record_reading(measure, by=leader, observed_on=D(2024, 6, 1), value=6)
        session = sessions.plan_session(
            innovation,
            by=facilitator,
            held_on=D(2024, 6, 1),
            title=f"Session {n:02}",
            facilitator=facilitator,
            parts=[north, south],
        )
        sessions.record_decision(session, south, by=facilitator, kind="stay", rationale="Wait.")
        sessions.add_action(
            session, by=facilitator, text=f"Action {n:02}", owner=leader, due_on=D(2024, 6, 10)
        )
        if n % 4 == 3:
            services.close_innovation(innovation, by=leader, outcome="other", learning="Learned.")
        titles.append(innovation.title)
    return titles


def fetch(client, name, **params):
    response = client.get(reverse(f"dashboard:{name}"), params)
    assert response.status_code == 200
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


@pytest.mark.parametrize("many", SIZES, indirect=True)
def test_every_dashboard_page_runs_the_same_queries_whatever_the_size(
    client_for, viewer, leader, many, django_assert_num_queries
):
    """One set of data per size, each page counted on its own. Two of each page's queries
    are the signed-in person and their memberships."""
    client = client_for(viewer)
    sizes = len(many)

    # One more than before Needs attention listed the decisions waiting to be applied, and
    # one more again for the summary line's moves since the chosen point (a month before by
    # default): they are not the twelve latest moves the feed reads. For today, where each
    # part stands is read with the part, not from its moves.
    with django_assert_num_queries(14):
        html = fetch(client, "portfolio", status="all")
    # A row per innovation, ten to a page, with where its two parts stand.
    shown = many[:10]
    for title in shown:
        assert f">{title}</a>" in html
    assert html.count('<td class="govuk-table__cell">2 parts') == len(shown)
    assert html.count('<td class="govuk-table__cell">1 Jun 2024</td>') == len(shown)
    assert "See all " in html

    # Needs attention, every item: the portfolio's reads without the feed and the summary.
    html = ""
    for page in ("1", "2"):
        with django_assert_num_queries(11):
            html += fetch(client, "attention", page=page)
    for n in range(sizes):
        assert f"Action {n:02}" in html
        waiting = (
            f"Decision from Session {n:02} on 1 June 2024 waiting to be applied: "
            f"South {n:02} stays where it is"
        )
        # Closed innovations are not counted in Needs attention.
        assert (waiting in html) == (n % 4 != 3)

    # A date before the latest moves: the table of visits answers only from then on, so the
    # time in each stage is folded from the log, after the one query that finds it cannot
    # answer; and where each part stood then is read from the moves. Under a filter on parts,
    # the table names the parts.
    with django_assert_num_queries(15):
        html = fetch(client, "portfolio", as_of="2024-03-15", state="paused", since="session")
    for n in range(len(shown)):
        assert f">North {n:02}</a>: paused in Designing" in html

    with django_assert_num_queries(5):
        html = fetch(client, "durations", status="all")
    for n in range(sizes):
        assert f">North {n:02}</a>" in html and f">South {n:02}</a>" in html

    with django_assert_num_queries(4):
        html = fetch(client, "flow", months="36", status="all")
    assert f'<td class="govuk-table__cell govuk-table__cell--numeric">{2 * sizes}</td>' in html

    with django_assert_num_queries(5):
        html = fetch(client, "compare", status="all", **{"from": "2024-01-15", "to": "2024-06-30"})
    for n in range(sizes):
        assert f"North {n:02} rewound to Mobilising" in html

    # The report opens with the portfolio's summary: the portfolio's reads (its counts and
    # Needs attention) and one for the moves since the previous report.
    with django_assert_num_queries(18):
        html = fetch(client, "report", status="all")
    assert html.count('<article class="app-report__page"') == sizes
    for n, title in enumerate(many):
        assert f">{title}" in html
        assert f"Measure {n:02}" in html
        assert f"Session {n:02}: South {n:02} stays where it is" in html
        assert f"North {n:02} rewound to Mobilising" in html

    # The portfolio file is built from the same portfolio as the page, alerts and all.
    for name, queries in (("export-portfolio", 13), ("export-moves", 4), ("export-durations", 5)):
        with django_assert_num_queries(queries):
            text = fetch(client, name, status="all")
        for n, title in enumerate(many):
            assert title in text and f"North {n:02}" in text, name

    mine = client_for(leader)
    # One more than before My work listed the decisions waiting to be applied.
    with django_assert_num_queries(7):
        html = fetch(mine, "my-work")
    for n in range(sizes):
        if n % 4 != 3:
            assert f">North {n:02}</a>" in html
            assert f"Action {n:02}" in html
            assert f"South {n:02} stays where it is" in html
