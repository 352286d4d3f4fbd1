"""A leader pauses a part whose review is overdue, with a date to revisit, in a real browser:
the dashboard and My work no longer call it overdue. axe-core checks every page and swap."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from stages.models import Move, Role
from tests.browser.conftest import axe, axe_page, login
from tests.browser.dates import fill_date
from tests.factories import PASSWORD, InnovationFactory, MembershipFactory, UserFactory, make_part

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def overdue(stages):
    membership = MembershipFactory(
        role=Role.LEADER,
        organisation__name="Northshire County Council",
        organisation__slug="northshire",
        user=UserFactory(username="alex", first_name="Alex", last_name="Morgan"),
    )
    leader = membership.user
    today = timezone.localdate()
    innovation = InnovationFactory(
        organisation=membership.organisation, title="Family group conferencing"
    )
    part = make_part(
        innovation,
        by=leader,
        name="Northern hub",
        on=today - datetime.timedelta(days=60),
        lead=leader,
        next_review_on=today - datetime.timedelta(days=10),
    )
    return innovation, part


def listed(page, name):
    """Where the portfolio table, filtered to some parts, says the part stands."""
    return page.locator("table.app-portfolio li").filter(
        has=page.locator(".app-portfolio__part", has_text=name)
    )


def test_a_paused_part_with_a_date_to_revisit_is_no_longer_overdue(page, live_server, overdue):
    innovation, part = overdue
    revisit = timezone.localdate() + datetime.timedelta(days=60)
    login(page, live_server, "alex", PASSWORD)

    # Before: overdue on the dashboard and in My work.
    page.goto(f"{live_server.url}/dashboard/")
    axe_page(page)
    alerts = page.locator(".app-alerts")
    expect(alerts).to_contain_text("Northern hub (Family group conferencing): review was due on")
    # Two items: the overdue review, and the innovation with no measure and no session yet.
    expect(alerts.locator("h2 .govuk-tag")).to_have_text("2")
    page.goto(f"{live_server.url}/my-work/")
    axe_page(page)
    expect(page.locator("#reviews-heading ~ .app-table-wrapper table").first).to_contain_text(
        "Northern hub"
    )
    expect(page.locator("#reviews-heading ~ .app-table-wrapper table").first).to_contain_text(
        "Overdue"
    )

    # The leader pauses it with a date to revisit, on the innovation page.
    page.goto(f"{live_server.url}{innovation.get_absolute_url()}")
    axe_page(page)
    page.get_by_role("link", name="Move Northern hub", exact=True).click()
    expect(page.locator("#move-panel h2", has_text="Move Northern hub")).to_be_visible()
    axe(page)
    page.get_by_label("Pause", exact=True).check()
    page.get_by_label("Reason").select_option(label="Workforce or capacity")
    page.get_by_label("Why, in your own words").fill("Two social workers left.")
    fill_date(page, "Date to revisit the pause (optional)", revisit)
    with page.expect_response(lambda r: r.request.method == "POST") as response:
        page.get_by_role("button", name="Record the decision").click()
    assert response.value.status == 200
    expect(page.locator("#overview .govuk-notification-banner--success")).to_be_visible()
    axe(page)
    pause = Move.objects.get(part=part, kind="pause")
    assert pause.review_on == revisit

    # After: the dashboard shows the pause and its date, and nothing overdue about it.
    page.goto(f"{live_server.url}/dashboard/")
    axe_page(page)
    expect(alerts).not_to_contain_text("Northern hub")
    expect(alerts.locator("h2 .govuk-tag")).to_have_text("1")
    page.goto(f"{live_server.url}/dashboard/?state=paused")
    axe_page(page)
    expect(listed(page, "Northern hub")).to_have_text(
        f"Northern hub: paused in Mobilising, to revisit {revisit:%-d %b %Y}"
    )

    # My work: no review due; the pause is not due for a while either.
    page.goto(f"{live_server.url}/my-work/")
    axe_page(page)
    expect(page.get_by_text("No reviews due in the next 14 days.")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Overdue")
