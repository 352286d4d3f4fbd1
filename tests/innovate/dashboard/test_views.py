"""The portfolio dashboard page, and the checklist every dashboard page answers: who may see
it, the method, a bad date and the htmx fragment."""

import datetime
import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from stages.models import Role
from tests.factories import InnovationFactory, MembershipFactory, UserFactory, make_move, make_part
from tests.innovate.dashboard_journeys import build, frozen
from tests.innovate.helpers import HTMX, login_url

D = datetime.date
PORTFOLIO = reverse("dashboard:portfolio")
PAGES = ["portfolio", "attention", "durations", "flow", "compare", "report", "my-work"]
FILES = ["export-portfolio", "export-moves", "export-durations"]
WITH_AS_OF = ["portfolio", "attention", "durations", "flow", "report"]


@pytest.fixture(autouse=True)
def _clock():
    with frozen():
        yield


@pytest.fixture
def journeys(organisation, innovation, leader, manager, facilitator):
    return build(organisation, innovation, leader=leader, manager=manager, facilitator=facilitator)


@pytest.fixture
def theirs(other_organisation, outsider):
    """Another organisation's innovation and part."""
    innovation = InnovationFactory(organisation=other_organisation, title="Southdale mentoring")
    make_part(innovation, by=outsider, name="Southdale team", on=D(2024, 2, 1))
    return innovation


def body(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


def table_row(html, title):
    """The portfolio table's row of an innovation, as text."""
    found = re.search(
        rf'<tr class="govuk-table__row">\s*<th scope="row"[^>]*>\s*<a [^>]*>{title}</a>(.*?)</tr>',
        html,
        re.S,
    )
    assert found, f"no row for {title}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip()


def innovations_in_table(html):
    table = html[html.index('<table class="govuk-table govuk-body-s app-portfolio">') :]
    return re.findall(r'<th scope="row"[^>]*>\s*<a [^>]*>([^<]+)</a>', table)


def parts_listed(html):
    """The parts the portfolio table names (it names them under a filter on parts)."""
    return re.findall(r'class="govuk-link app-portfolio__part" href="[^"]+">([^<]+)</a>', html)


def section(html, heading):
    """The text of a section of Needs attention, from its heading to the end of its list."""
    start = html.index(f">{heading}")
    end = html.index("</ul>", start)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[start:end]))


# --- The checklist -----------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES + FILES)
def test_an_anonymous_person_is_asked_to_sign_in(client, name):
    url = reverse(f"dashboard:{name}")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == login_url(url)


@pytest.mark.parametrize("name", PAGES + FILES)
def test_every_member_may_read_the_dashboards(request, client_for, journeys, name):
    for persona in ("viewer", "leader", "facilitator", "manager"):
        user = request.getfixturevalue(persona)
        response = client_for(user).get(reverse(f"dashboard:{name}"))
        assert response.status_code == 200, persona
        if name not in ("flow", "my-work"):
            assert "Family group conferencing" in body(response)


@pytest.mark.parametrize("name", PAGES + FILES)
def test_an_outsider_sees_only_their_own_organisation(client_for, journeys, theirs, outsider, name):
    response = client_for(outsider).get(reverse(f"dashboard:{name}"))
    assert response.status_code == 200
    text = body(response)
    for ours in ("Family group conferencing", "Kinship support", "North team", "Slow team"):
        assert ours not in text
    if name not in ("compare", "flow", "my-work"):
        assert "Southdale mentoring" in text


@pytest.mark.parametrize("name", PAGES + FILES)
def test_a_person_in_no_organisation_finds_nothing(client_for, journeys, name):
    stranger = UserFactory(username="stranger")
    assert client_for(stranger).get(reverse(f"dashboard:{name}")).status_code == 404


@pytest.mark.parametrize("name", PAGES + FILES)
def test_the_dashboards_answer_only_get(client_for, viewer, name):
    client = client_for(viewer)
    url = reverse(f"dashboard:{name}")
    assert client.post(url).status_code == 405
    assert client.put(url).status_code == 405


BAD_DATES = [
    ("2024-13-45", "The as-of date must be a real date"),
    ("yesterday", "The as-of date must be a real date"),
    ("1890-01-01", "The as-of date must be on or after 1 January 1990"),
    ("2024-07-01", "The as-of date must be today or in the past"),
    # Past the last day any date may have, one message still says what is allowed here.
    ("2999-01-01", "The as-of date must be today or in the past"),
]


@pytest.mark.parametrize("name", WITH_AS_OF)
def test_a_bad_as_of_date_shows_the_message_and_today(client_for, viewer, journeys, name):
    client = client_for(viewer)
    for as_of, message in BAD_DATES:
        response = client.get(reverse(f"dashboard:{name}"), {"as_of": as_of})
        assert response.status_code == 200
        html = body(response)
        assert "There is a problem" in html
        assert (
            f'id="id_as_of_error" class="govuk-error-message"><span class="govuk-visually-hidden">'
            f"Error:</span> {message}" in html
        ), as_of
        assert 'aria-describedby="id_as_of_helptext id_as_of_error"' in html
        assert "As of 1 March 2024" not in html
        assert ("All parts" if name == "flow" else "Family group conferencing") in html


@pytest.mark.parametrize("name", ["portfolio", "durations", "flow", "compare", "report"])
def test_htmx_gets_the_results_without_the_layout(client_for, viewer, journeys, name):
    response = client_for(viewer).get(reverse(f"dashboard:{name}"), {"as_of": "2024-03-01"}, **HTMX)
    assert response.status_code == 200
    html = body(response)
    assert "<html" not in html
    assert "<form" not in html
    assert ("All parts" if name == "flow" else "North team") in html


def test_the_menu_leads_to_the_dashboard_and_my_work(client_for, viewer, journeys):
    html = body(client_for(viewer).get(PORTFOLIO))
    assert f'href="{PORTFOLIO}" aria-current="page">Dashboard</a>' in html
    assert f'href="{reverse("dashboard:my-work")}">My work</a>' in html


# --- The portfolio -----------------------------------------------------------------------


def test_the_portfolio_shows_each_innovation_and_where_its_parts_stand(
    client_for, viewer, journeys
):
    html = body(client_for(viewer).get(PORTFOLIO))
    family = table_row(html, "Family group conferencing")
    assert family.startswith("Lead: ")
    assert "2 parts 2. Designing: 1 active 3. Developing: 1 paused" in family
    assert "stuck" not in family
    # North team's one measure is on track; South team has none.
    assert family.endswith("1 of 1 15 May 2024")
    kinship = table_row(html, "Kinship support")
    assert "7 parts 2 look stuck 1. Mobilising: 2 active 2. Designing: 5 active" in kinship
    assert kinship.endswith("0 of 5 –")
    assert 'href="/innovations/' in html and '/#parts">Its parts' in html
    # The parts themselves are listed on each innovation's page, not here.
    assert parts_listed(html) == []
    assert innovations_in_table(html) == ["Family group conferencing", "Kinship support"]
    assert "2 innovations, 9 parts, today." in html


def test_the_portfolio_has_the_wheel_with_its_numbers_as_a_table(client_for, viewer, journeys):
    html = body(client_for(viewer).get(PORTFOLIO))
    assert re.search(
        r'<svg class="app-wheel"[^>]* role="img" '
        r'aria-labelledby="portfolio-wheel-title portfolio-wheel-desc"',
        html,
    )
    assert "Mobilising: 2 active, 0 paused, 0 stopped; Designing: 6 active" in html
    rows = re.findall(
        r"</span> (\d)\. [A-Za-z ]+</th>\s*"
        r"<td[^>]*>(\d+)</td>\s*<td[^>]*>(\d+)</td>\s*<td[^>]*>(\d+)</td>",
        html,
    )
    assert rows == [
        ("1", "2", "0", "0"),
        ("2", "6", "0", "0"),
        ("3", "0", "1", "0"),
        ("4", "0", "0", "0"),
        ("5", "0", "0", "0"),
        ("6", "0", "0", "0"),
    ]


def test_the_alerts_name_what_needs_attention(client_for, viewer, journeys):
    html = body(client_for(viewer).get(PORTFOLIO))
    assert (
        "South team (Family group conferencing): paused in Developing, to revisit on 1 March 2024"
        in section(html, "Pauses past the date")
    )
    assert "North team (Family group conferencing): review was due on 1 June 2024" in section(
        html, "Parts past their next review"
    )
    stuck = section(html, "Parts that look stuck")
    assert "Slow team (Kinship support): 181 active days in Mobilising" in stuck
    assert "Steady team (Kinship support): 161 active days" in stuck
    gaps = section(html, "Stages holding parts with no measure")
    assert "Family group conferencing : Developing (1 part)" in gaps
    # Listed once, with every reason: no measure at a stage and no session yet.
    assert "Kinship support : Mobilising (2 parts); no session yet" in gaps
    # Kinship support's want of a session is beside its gaps, so nothing is listed under it.
    assert ">No reflection session in 90 days" not in html
    assert "Write to the funders about South team (Family group conferencing)" in html
    assert "due 15 June 2024" in html
    assert '<span class="govuk-tag govuk-tag--yellow">7</span>' in html


def test_the_dashboard_lists_the_most_urgent_items_and_links_to_them_all(
    client_for, viewer, organisation, leader
):
    """Twelve parts past their next review: the ten longest overdue on the dashboard, all
    twelve on the Needs attention page, which keeps the dashboard's filters."""
    innovation = InnovationFactory(organisation=organisation, title="Reviews")
    for n in range(12):
        make_part(
            innovation,
            by=leader,
            name=f"Team {n:02}",
            on=D(2024, 1, 1),
            next_review_on=D(2024, 6, 1) + datetime.timedelta(days=n),
        )
    client = client_for(viewer)
    html = body(client.get(PORTFOLIO, {"stage": "1"}))
    reviews = section(html, "Parts past their next review")
    assert [f"Team {n:02}" in reviews for n in range(12)] == [True] * 10 + [False] * 2
    assert reviews.index("Team 00") < reviews.index("Team 09")
    assert "the 10 most urgent" in html
    assert '<a class="govuk-link" href="/dashboard/attention/?stage=1">See all 13 items' in html

    page = body(client.get(reverse("dashboard:attention"), {"stage": "1"}))
    assert '<h1 class="govuk-heading-l">Needs attention</h1>' in page
    every = section(page, "Parts past their next review")
    assert all(f"Team {n:02} (Reviews): review was due on" in every for n in range(12))
    assert ">Reviews</a>: Mobilising (12 parts); no session yet" in page
    assert '<a class="govuk-back-link app-no-print" href="/dashboard/?stage=1">' in page


def test_the_needs_attention_page_is_paged(client_for, viewer, organisation, leader):
    for n in range(51):
        innovation = InnovationFactory(organisation=organisation, title=f"Innovation {n:02}")
        make_part(innovation, by=leader, name=f"Team {n:02}", on=D(2024, 1, 1))
    client = client_for(viewer)
    url = reverse("dashboard:attention")
    first = body(client.get(url))
    # Each innovation has a stage with no measure, and no session yet: one item each.
    assert "51 items" in first and "Items 1 to 50." in first
    assert "Page 1 of 2" in first and 'href="?page=2"' in first
    second = body(client.get(url, {"page": "2"}))
    assert "Items 51 to 51." in second
    assert ">Innovation 50</a>: Mobilising (1 part); no session yet" in second
    assert "Innovation 49</a>" not in second


def test_filtering_to_paused_parts(client_for, viewer, journeys):
    html = body(client_for(viewer).get(PORTFOLIO, {"state": "paused"}))
    assert parts_listed(html) == ["South team"]
    assert "South team</a>: paused in Developing, to revisit 1 Mar 2024" in html
    assert innovations_in_table(html) == ["Family group conferencing"]
    assert "1 innovation, 1 part, today." in html
    assert "The wheel, as filtered" in html
    assert '<option value="paused" selected>Paused</option>' in html
    assert "export/portfolio.csv?state=paused" in html


def test_filtering_to_stuck_parts_of_a_tag(client_for, viewer, journeys):
    html = body(client_for(viewer).get(PORTFOLIO, {"stuck": "on", "tag": "kinship"}))
    assert parts_listed(html) == ["Slow team", "Steady team"]
    assert "2 parts 2 look stuck 1. Mobilising: 2 active" in table_row(html, "Kinship support")
    assert "1 innovation, 2 parts, today." in html
    # The tag to filter by is chosen from the organisation's tags, the chosen one selected.
    assert '<option value="kinship" selected>kinship</option>' in html


def test_a_bad_filter_shows_its_message_and_is_left_out(client_for, viewer, journeys):
    response = client_for(viewer).get(PORTFOLIO, {"stage": "9", "state": "paused"})
    html = body(response)
    assert response.status_code == 200
    assert "Select a valid choice. 9 is not one of the available choices." in html
    assert "1 innovation, 1 part, today." in html


def test_the_portfolio_as_of_a_past_date(client_for, viewer, journeys):
    html = body(client_for(viewer).get(PORTFOLIO, {"as_of": "2024-03-01"}))
    assert "As of 1 March 2024." in html
    assert "The dashboard shows the organisation as it stood" in html
    family = table_row(html, "Family group conferencing")
    assert "2 parts 2. Designing: 1 paused 3. Developing: 1 paused" in family
    assert "1 part 2. Designing: 1 active" in table_row(html, "Mentoring")
    assert innovations_in_table(html) == [
        "Family group conferencing",
        "Kinship support",
        "Mentoring",
    ]
    # Slow team looked stuck by then; Steady team, started three weeks later, did not yet.
    assert "7 parts 1 looks stuck" in table_row(html, "Kinship support")
    assert "Review dates are as they are set today" in html
    assert "3 innovations, 10 parts, as of 1 March 2024." in html
    assert "Names, leads and next reviews are as they are today." in html
    assert "rewound" not in html
    assert 'href="/dashboard/durations/?as_of=2024-03-01"' in html


def test_the_feed_lists_recent_moves_in_plain_words(client_for, viewer, journeys, leader):
    make_move(journeys["slow"], "advance", by=leader, on=D(2024, 6, 29))
    make_move(journeys["slow"], "void", by=leader, on=D(2024, 6, 29))
    html = body(client_for(viewer).get(PORTFOLIO))
    feed = html[html.index("Recent moves") :]
    assert "<del>Slow team advanced to Designing</del>" in feed
    assert (
        "Slow team: the advance to Designing on 29 June 2024 was voided, back to active in "
        "Mobilising: recording error"
    ) in feed
    assert feed.index("was voided") < feed.index("North team advanced to Designing")


def test_innovations_are_paged(client_for, viewer, organisation, leader):
    for n in range(11):
        innovation = InnovationFactory(organisation=organisation, title=f"Innovation {n:02}")
        make_part(innovation, by=leader, name=f"Team {n:02}", on=D(2024, 1, 1))
    client = client_for(viewer)
    first = body(client.get(PORTFOLIO, {"state": "active"}))
    assert innovations_in_table(first) == [f"Innovation {n:02}" for n in range(10)]
    assert "Page 1 of 2" in first
    assert 'href="?state=active&amp;page=2"' in first
    second = body(client.get(PORTFOLIO, {"state": "active", "page": "2"}))
    assert innovations_in_table(second) == ["Innovation 10"]
    assert parts_listed(second) == ["Team 10"]


def test_a_member_of_two_organisations_sees_the_one_they_work_in(
    client_for, journeys, theirs, other_organisation
):
    both = MembershipFactory(organisation=other_organisation, role=Role.VIEWER).user
    MembershipFactory(organisation=journeys["innovation"].organisation, role=Role.VIEWER, user=both)
    client = client_for(both)
    session = client.session
    session["organisation_id"] = other_organisation.pk
    session.save()
    html = body(client.get(PORTFOLIO))
    assert "Southdale mentoring" in html and "Family group conferencing" not in html


def test_the_demo_data_fills_every_panel(db, client_for):
    call_command("seed_demo", stdout=StringIO())
    people = {u.username: u for u in get_user_model().objects.all()}
    client = client_for(people["manager"])
    html = body(client.get(PORTFOLIO))
    attention = body(client.get(reverse("dashboard:attention")))
    assert "Page 1 of" not in attention, "the demo's items fit one page"
    for heading in (
        "Pauses past the date",
        "Parts past their next review",
        "Parts that look stuck",
        "Stages holding parts with no measure",
        "No reflection session in 90 days",
        "Actions overdue",
    ):
        assert ": " in section(attention, heading), heading  # an item and its reasons
    assert re.search(r">\d+ of \d+</td>", html), "no part has a measure"
    assert re.search(r'<td class="govuk-table__cell">\d+ \w+ \d{4}</td>', html)
    assert 'class="app-feed__item"' in html
    every_move = body(client.get(reverse("dashboard:compare"), {"from": "1990-01-01"}))
    assert "<del>" in every_move and "went round again" in every_move
    durations = body(client.get(reverse("dashboard:durations")))
    assert "(2 visits)" in durations
    report = body(client.get(reverse("dashboard:report"), {"status": "all"}))
    assert "At reflection sessions" in report and "What we learned" in report
    panels = {
        "reviews-heading": "No reviews due",
        "pauses-heading": "No pauses to revisit",
        "actions-heading": "No open actions",
        "sessions-heading": "No sessions planned",
    }
    filled = set()
    for username in ("leader", "manager", "facilitator"):
        mine = body(client_for(people[username]).get(reverse("dashboard:my-work")))
        filled |= {panel for panel, empty in panels.items() if empty not in mine}
    assert filled == set(panels)
