"""A pause's date to revisit is the part's next date to look at: while a part is paused with
that date, its own next review does not stand as a second alert on the dashboard or in My work;
Needs attention lists each part and innovation once, with all its reasons, and counts items."""

import datetime
import re

import pytest
from django.urls import reverse

from innovate.dashboard import portfolio as data
from stages import services
from tests.factories import make_move
from tests.innovate.dashboard_journeys import TODAY, build, frozen

D = datetime.date
IN_JANUARY = D(2025, 1, 15)


@pytest.fixture(autouse=True)
def _clock():
    with frozen():
        yield


@pytest.fixture
def journeys(organisation, innovation, leader, manager, facilitator):
    return build(organisation, innovation, leader=leader, manager=manager, facilitator=facilitator)


def text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def listed(html, name):
    """What the portfolio table says of a part it names (under a filter on parts)."""
    found = re.search(rf'app-portfolio__part" href="[^"]+">{name}</a>([^<]*)</li>', html)
    assert found, f"{name} is not listed"
    return found.group(1)


def section(html, heading_id):
    start = html.index(f'id="{heading_id}"')
    end = html.find("<h2", start)
    return text(html[start : end if end > 0 else None])


def test_an_overdue_part_paused_with_a_date_to_revisit_is_no_longer_overdue(
    organisation, journeys, leader
):
    before = data.portfolio(organisation, TODAY, today=TODAY).alerts
    assert "North team" in [row.part.name for _g, row in before.overdue_reviews]
    make_move(journeys["north"], "pause", by=leader, on=TODAY, review_on=IN_JANUARY)
    after = data.portfolio(organisation, TODAY, today=TODAY).alerts
    assert [row.part.name for _g, row in after.overdue_reviews] == []
    assert [row.part.name for _g, row in after.overdue_pauses] == ["South team"]
    assert after.count == before.count - 1


def test_the_dashboard_shows_the_pause_not_an_overdue_review(client_for, viewer, journeys, leader):
    client = client_for(viewer)
    url = reverse("dashboard:portfolio")
    overdue = "North team</a> (Family group conferencing): review was due on 1 June 2024"
    assert overdue in client.get(url).content.decode()
    make_move(journeys["north"], "pause", by=leader, on=TODAY, review_on=IN_JANUARY)
    html = client.get(url, {"state": "paused"}).content.decode()
    assert listed(html, "North team") == ": paused in Designing, to revisit 15 Jan 2025"
    assert overdue not in html


def test_my_work_lists_the_paused_part_under_pauses_only(client_for, journeys, leader):
    url = reverse("dashboard:my-work")
    client = client_for(leader)
    assert "North team" in section(client.get(url).content.decode(), "reviews-heading")
    make_move(journeys["north"], "pause", by=leader, on=TODAY, review_on=IN_JANUARY)
    html = client.get(url).content.decode()
    assert "North team" not in section(html, "reviews-heading")
    assert "Overdue" not in section(html, "reviews-heading")
    # Revisit on 15 January 2025, beyond the fortnight: nothing to do about it yet.
    assert "North team" not in section(html, "pauses-heading")


def test_a_pause_without_a_date_leaves_the_next_review_standing(organisation, journeys, leader):
    make_move(journeys["north"], "pause", by=leader, on=TODAY)
    alerts = data.portfolio(organisation, TODAY, today=TODAY).alerts
    assert [row.part.name for _g, row in alerts.overdue_reviews] == ["North team"]


def test_resuming_brings_the_parts_own_next_review_back(organisation, journeys, leader):
    make_move(journeys["north"], "pause", by=leader, on=D(2024, 6, 10), review_on=IN_JANUARY)
    assert data.portfolio(organisation, TODAY, today=TODAY).alerts.overdue_reviews == []
    make_move(journeys["north"], "resume", by=leader, on=TODAY)
    alerts = data.portfolio(organisation, TODAY, today=TODAY).alerts
    assert [row.part.name for _g, row in alerts.overdue_reviews] == ["North team"]


def test_a_part_with_several_reasons_is_listed_once_with_all_of_them(
    client_for, viewer, organisation, journeys, leader
):
    before = data.portfolio(organisation, TODAY, today=TODAY).alerts
    services.update_part(journeys["slow"], by=leader, next_review_on=D(2024, 6, 1))
    alerts = data.portfolio(organisation, TODAY, today=TODAY).alerts
    assert [row.part.name for _g, row in alerts.overdue_reviews] == ["North team", "Slow team"]
    assert [row.part.name for _g, row in alerts.stuck] == ["Steady team"]
    assert alerts.count == before.count  # one item, whatever its reasons
    html = client_for(viewer).get(reverse("dashboard:portfolio")).content.decode()
    assert (
        "Slow team (Kinship support): review was due on 1 June 2024; 181 active days in "
        "Mobilising, longer than four in five completed stays there"
    ) in text(html)
    assert text(html).count("Slow team (Kinship support)") == 1
    assert f'<span class="govuk-tag govuk-tag--yellow">{alerts.count}</span>' in html
