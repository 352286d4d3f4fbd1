"""The dashboard opens with one summary line: the innovations and parts counted, the parts in
each state, the items that need attention and what moved since a chosen point (the last
session, a month or a quarter before, or a date); then Needs attention, then the wheel, with
the filters folded away until wanted."""

import datetime
import re

import pytest
from django.urls import reverse

from assessments.services import sessions
from stages import services
from stages.models import Move, MoveKind
from tests.factories import InnovationFactory, make_move, make_part
from tests.innovate.dashboard_journeys import frozen
from tests.innovate.helpers import HTMX

D = datetime.date
PORTFOLIO = reverse("dashboard:portfolio")


@pytest.fixture(autouse=True)
def _clock():
    with frozen():  # today is 30 June 2024
        yield


@pytest.fixture
def moved(organisation, innovation, leader, facilitator):
    """Moves on both sides of 30 May 2024 (a month before today) and of 30 March (a quarter
    before), a voided move inside the month, a session held on 15 June, and a closed
    innovation whose part moved in June."""
    north = make_part(innovation, by=leader, name="North team", on=D(2024, 1, 1))
    make_move(north, "advance", by=leader, on=D(2024, 4, 2))  # in the quarter
    make_move(north, "advance", by=leader, on=D(2024, 6, 1))
    make_move(north, "pause", by=leader, on=D(2024, 6, 20), review_on=D(2024, 9, 1))
    south = make_part(innovation, by=leader, name="South team", on=D(2024, 1, 1))
    make_move(south, "advance", by=leader, on=D(2024, 5, 30))  # the end of the day before
    make_move(south, "advance", by=leader, on=D(2024, 5, 31))
    make_move(south, "void", by=leader, on=D(2024, 6, 10))  # voids the advance of 31 May
    east = make_part(innovation, by=leader, name="East team", on=D(2024, 6, 15))
    make_move(east, "stop", by=leader, on=D(2024, 6, 25))
    june = sessions.plan_session(
        innovation,
        by=facilitator,
        held_on=D(2024, 6, 15),
        title="June review",
        facilitator=facilitator,
        parts=[north],
    )
    sessions.add_action(june, by=facilitator, text="Ask the families", owner=leader)
    closed = InnovationFactory(organisation=organisation, title="Mentoring")
    pool = make_part(closed, by=leader, name="Mentor pool", on=D(2024, 1, 1))
    make_move(pool, "advance", by=leader, on=D(2024, 6, 5))
    services.close_innovation(closed, by=leader, outcome="other", learning="Learned.")
    return {"north": north, "south": south, "east": east, "pool": pool}


def page(client, **params):
    response = client.get(PORTFOLIO, params)
    assert response.status_code == 200
    return response.content.decode()


def summary_line(html):
    found = re.search(r'<p class="[^"]*" id="summary-line">(.*?)</p>', html, re.S)
    assert found, "no summary line"
    return re.sub(r"<[^>]+>", "", found.group(1))


TODAY = D(2024, 6, 30)


def live_moves_after(after, parts, until=TODAY):
    """The test's own count: moves dated after `after`, neither a void nor voided."""
    moves = Move.objects.filter(part__in=parts)
    voided = {m.voids_id for m in moves if m.kind == MoveKind.VOID}
    return [
        m
        for m in moves
        if after < m.effective_on <= until and m.kind != MoveKind.VOID and m.pk not in voided
    ]


def test_the_summary_counts_the_moves_of_the_last_month(client_for, viewer, moved):
    line = summary_line(page(client_for(viewer)))
    # After the end of 30 May: North's advance and pause, East's start and stop; South's
    # advance of 31 May was voided, and Mentoring is closed.
    counted = [moved["north"], moved["south"], moved["east"]]
    assert len(live_moves_after(D(2024, 5, 30), counted)) == 4
    assert "4 moves of 2 parts since 30 May 2024, a month before" in line


def test_a_quarter_and_a_date_count_their_own_windows(client_for, viewer, moved):
    client = client_for(viewer)
    line = summary_line(page(client, since="quarter"))
    # After 30 March: North's three moves, South's advance of 30 May, East's two.
    counted = [moved["north"], moved["south"], moved["east"]]
    assert len(live_moves_after(D(2024, 3, 30), counted)) == 6
    assert "6 moves of 3 parts since 30 March 2024, a quarter before" in line
    line = summary_line(page(client, since="date", since_date="2024-06-19"))
    assert "2 moves of 2 parts since 19 June 2024 (see what moved)." in line


def test_the_last_session_is_the_point_it_counts_from(client_for, viewer, moved):
    line = summary_line(page(client_for(viewer), since="session"))
    # After 15 June: North's pause and East's stop (East started on the day itself).
    assert "2 moves of 2 parts since the last session, on 15 June 2024" in line


def test_the_summary_agrees_with_the_counted_line_needs_attention_and_the_wheel(
    client_for, viewer, moved
):
    html = page(client_for(viewer))
    line = summary_line(html)
    assert line.startswith("1 innovation, 3 parts: 1 active, 1 paused, 1 stopped. ")
    assert '<p class="govuk-body app-counted" id="counted">Counted: open innovations; 3 parts.' in (
        html
    )
    attention = re.search(r'id="alerts-heading">Needs attention <span[^>]*>(\d+)</span>', html)
    assert attention, "Needs attention has no count"
    count = int(attention.group(1))
    assert f"{count} item{'s' if count != 1 else ''} need{'' if count != 1 else 's'} attention" in (
        line
    )
    # Open and closed: Mentoring's part, its advance and its stop on closing count too.
    line = summary_line(page(client_for(viewer), status="all"))
    assert line.startswith("2 innovations, 4 parts as filtered: 1 active, 1 paused, 2 stopped")
    assert "6 moves of 3 parts since 30 May 2024" in line


def test_the_summary_comes_first_then_needs_attention_then_the_wheel(client_for, viewer, moved):
    html = page(client_for(viewer))
    order = [
        html.index('id="summary-line"'),
        html.index('id="alerts-heading"'),
        html.index(">The wheel"),
        html.index('id="portfolio-heading"'),
    ]
    assert order == sorted(order)


def test_the_summary_links_to_the_moves_it_counted(client_for, viewer, moved):
    client = client_for(viewer)
    html = page(client)
    link = f"{reverse('dashboard:compare')}?from=2024-05-30&amp;to=2024-06-30"
    assert f'href="{link}">see what moved</a>' in html
    listed = client.get(link.replace("&amp;", "&")).content.decode()
    assert "North team paused" in listed and "East team stopped" in listed


def test_filters_fold_away_until_one_is_set(client_for, viewer, moved):
    client = client_for(viewer)
    folded = '<details class="govuk-details app-no-print" id="filters-panel">'
    opened = '<details class="govuk-details app-no-print" id="filters-panel" open>'
    assert folded in page(client)
    assert folded in page(client, since="quarter")
    assert opened in page(client, state="paused")
    assert opened in page(client, as_of="2024-06-01")
    assert opened in page(client, as_of="yesterday")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"since": "date"}, "Enter the date to count the moves from."),
        (
            {"since": "date", "since_date": "2024-06-30"},
            "The date to count the moves from must be before the as-of date.",
        ),
        (
            {"since_date": "2024-06-10", "as_of": "2024-06-01"},
            "The date to count the moves from must be before the as-of date.",
        ),
    ],
)
def test_a_bad_date_to_count_from_is_named_and_a_month_counted(
    client_for, viewer, moved, params, message
):
    html = page(client_for(viewer), **params)
    assert "There is a problem" in html
    assert f'<a href="#id_since_date">{message}</a>' in html or message in html
    assert 'id="id_since_date_error" class="govuk-error-message">' in html
    assert "a month before" in summary_line(html)


def test_htmx_gets_the_summary_with_the_results(client_for, viewer, moved):
    response = client_for(viewer).get(PORTFOLIO, {"since": "quarter"}, **HTMX)
    html = response.content.decode()
    assert "<html" not in html
    assert "since 30 March 2024, a quarter before" in summary_line(html)
