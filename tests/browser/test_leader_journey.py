"""A leader's journey round the wheel in a real browser: with htmx, without JavaScript, and by
keyboard alone. axe-core checks every page and every swap."""

import datetime
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from stages.models import Innovation, Move, Part, Role
from tests.browser.conftest import axe, axe_page, login
from tests.browser.dates import date_group, fill_date
from tests.factories import PASSWORD, InnovationFactory, MembershipFactory, UserFactory, make_part

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "innovation-page.png"
TITLE = "Family group conferencing at the front door"


@pytest.fixture
def leader():
    membership = MembershipFactory(
        role=Role.LEADER,
        organisation__name="Northshire County Council",
        organisation__slug="northshire",
        user=UserFactory(username="alex", first_name="Alex", last_name="Morgan"),
    )
    return membership.user


def iso(day):
    return day.isoformat()


def row(page, name):
    """The parts table's row for a part."""
    return page.locator("#overview table tbody tr").filter(
        has=page.locator("th", has_text=re.compile(rf"^\d+\. {re.escape(name)}"))
    )


def state_text(page, name):
    cells = row(page, name).locator("td")
    return f"{cells.nth(1).inner_text().strip()} / {cells.nth(0).inner_text().strip()}"


def wheel(page):
    return page.locator("#overview svg.app-wheel[role=img]")


def marker(page, text):
    """The wheel's markers (and the rewind arc) whose title contains `text`."""
    return wheel(page).locator("title", has_text=text)


def open_inline(page, link_name, heading):
    """Open a form in #move-panel with htmx and check it, as a keyboard or mouse user would
    find it."""
    page.get_by_role("link", name=link_name, exact=True).click()
    expect(page.locator("#move-panel h2", has_text=heading)).to_be_visible()
    axe(page)


def record(page, button="Record the decision"):
    """Submit the inline form; the overview is swapped in place, without a navigation."""
    before = page.url
    with page.expect_response(
        lambda r: r.request.method == "POST" and "/parts/" in r.url
    ) as response:
        page.get_by_role("button", name=button).click()
    assert response.value.status == 200, response.value.status
    expect(page.locator("#move-panel")).to_be_empty()
    expect(page.locator("#overview .govuk-notification-banner--success")).to_be_visible()
    assert page.url == before
    assert page.evaluate("window.stillTheSamePage") is True
    axe(page)


def test_a_leader_takes_two_parts_round_the_wheel_with_htmx(page, live_server, leader):
    today = timezone.localdate()
    review = today + datetime.timedelta(days=42)

    page.goto(f"{live_server.url}/login/")
    axe_page(page)
    login(page, live_server, "alex", PASSWORD)

    # The list, then the form that adds an innovation.
    expect(page.get_by_role("heading", level=1, name="Innovations")).to_be_visible()
    axe_page(page)
    page.get_by_role("link", name="Add an innovation", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Add an innovation")).to_be_visible()
    axe_page(page)
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Summary", exact=True).fill("Families plan with their network first.")
    page.get_by_label("Tags", exact=True).fill("front door, edge of care")
    page.get_by_role("button", name="Add the innovation").click()
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    innovation = Innovation.objects.get(title=TITLE)
    assert innovation.tags == ["front door", "edge of care"]
    detail = f"{live_server.url}/innovations/{innovation.pk}/"
    assert page.url == detail

    # Two parts at once, one name a line.
    page.get_by_role("link", name="Add several parts").click()
    expect(page.get_by_role("heading", level=1, name="Add several parts")).to_be_visible()
    axe_page(page)
    page.get_by_label("Names of the parts").fill("Northern hub\nSouthern hub\n")
    page.get_by_role("button", name="Add the parts").click()
    page.wait_for_url(detail)
    expect(page.get_by_text("2 parts added.")).to_be_visible()
    axe_page(page)
    north = Part.objects.get(innovation=innovation, name="Northern hub")
    south = Part.objects.get(innovation=innovation, name="Southern hub")
    assert state_text(page, "Northern hub") == "Active / Mobilising"
    assert state_text(page, "Southern hub") == "Active / Mobilising"
    page.evaluate("window.stillTheSamePage = true")

    # Advance the northern hub with the inline form.
    open_inline(page, "Move Northern hub", "Move Northern hub")
    page.get_by_label("Advance", exact=True).check()
    record(page)
    assert state_text(page, "Northern hub") == "Active / Designing"
    expect(marker(page, "1. Northern hub: active in Designing")).to_have_count(1)

    # A move without its reason is refused: 422, an error summary, nothing saved.
    open_inline(page, "Move Southern hub", "Move Southern hub")
    page.get_by_label("Pause", exact=True).check()
    with page.expect_response(lambda r: r.request.method == "POST") as response:
        page.get_by_role("button", name="Record the decision").click()
    assert response.value.status == 422
    summary = page.locator("#move-panel .govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_be_focused()
    axe(page)
    assert Move.objects.filter(part=south).count() == 1

    # Pause the southern hub with a reason, a rationale and a date to revisit.
    page.get_by_label("Pause", exact=True).check()
    page.get_by_label("Reason").select_option(label="Workforce or capacity")
    page.get_by_label("Why, in your own words").fill("Two social workers left in March.")
    fill_date(page, "Date to revisit the pause (optional)", review)
    record(page)
    assert state_text(page, "Southern hub").startswith("Paused")
    expect(marker(page, "2. Southern hub: paused in Mobilising")).to_have_count(1)

    # Rewind the northern hub.
    open_inline(page, "Move Northern hub", "Move Northern hub")
    page.get_by_label("Rewind", exact=True).check()
    page.get_by_label("To which stage").select_option(label="1. Mobilising")
    page.get_by_label("Reason").select_option(label="Learning from testing")
    page.get_by_label("Why, in your own words").fill("The design needs the partners back in.")
    record(page)
    assert state_text(page, "Northern hub") == "Active / Mobilising"
    expect(page.locator("#overview")).to_contain_text("Last rewind: Northern hub from Designing")

    # Stop, restart, then void the restart of the southern hub.
    open_inline(page, "Move Southern hub", "Move Southern hub")
    page.get_by_label("Stop", exact=True).check()
    page.get_by_label("Reason").select_option(label="Funding")
    page.get_by_label("Why, in your own words").fill("The grant ended.")
    record(page)
    assert state_text(page, "Southern hub") == "Stopped / Mobilising"

    open_inline(page, "Move Southern hub", "Move Southern hub")
    page.get_by_label("Restart", exact=True).check()
    page.get_by_label("To which stage").select_option(label="1. Mobilising")
    page.get_by_label("Reason").select_option(label="Funding")
    page.get_by_label("Why, in your own words").fill("A new grant came through.")
    record(page)
    assert state_text(page, "Southern hub") == "Active / Mobilising"

    open_inline(page, "Void last move of Southern hub", "Void the latest move of Southern hub")
    expect(page.locator("#move-panel")).to_contain_text("Southern hub restarted in Mobilising")
    page.get_by_label("What was wrong with the move").fill("The grant was not confirmed.")
    record(page, button="Void this move")
    assert state_text(page, "Southern hub") == "Stopped / Mobilising"
    expect(marker(page, "2. Southern hub: stopped in Mobilising")).to_have_count(1)

    page.reload()
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    axe(page)
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    page.evaluate("window.stillTheSamePage = true")

    # Restart again, then one decision for both parts.
    open_inline(page, "Move Southern hub", "Move Southern hub")
    page.get_by_label("Restart", exact=True).check()
    page.get_by_label("To which stage").select_option(label="1. Mobilising")
    page.get_by_label("Reason").select_option(label="Funding")
    page.get_by_label("Why, in your own words").fill("The grant is now confirmed.")
    record(page)

    open_inline(page, "Move Northern hub", "Move Northern hub")
    page.get_by_label("Advance", exact=True).check()
    page.get_by_label(re.compile(r"^Southern hub \(Mobilising, active\)")).check()
    record(page)
    expect(page.locator("#overview")).to_contain_text("Northern hub advanced to Designing")
    expect(page.locator("#overview")).to_contain_text("Southern hub advanced to Designing")
    assert state_text(page, "Northern hub") == "Active / Designing"
    assert state_text(page, "Southern hub") == "Active / Designing"
    expect(
        wheel(page).locator("title", has_text=re.compile(r"^\d\. .*: active in Designing"))
    ).to_have_count(2)

    # The full-page move form, for someone who opens it in its own tab.
    page.goto(f"{live_server.url}/parts/{north.pk}/move/")
    expect(page.get_by_role("heading", level=1, name="Move Northern hub")).to_be_visible()
    axe_page(page)
    page.get_by_label("Advance", exact=True).check()
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_url(detail)
    expect(page.get_by_text("Northern hub advanced to Developing.", exact=True)).to_be_visible()
    assert state_text(page, "Northern hub") == "Active / Developing"

    # The timeline and the history tell the journey.
    page.goto(f"{detail}timeline/")
    expect(page.get_by_role("heading", level=1, name="Journey timeline")).to_be_visible()
    axe_page(page)
    moves = page.locator("#picture table")
    expect(moves).to_contain_text("Southern hub paused in Mobilising: workforce or capacity")
    expect(moves).to_contain_text("Northern hub rewound to Mobilising: learning from testing")
    expect(moves).to_contain_text("voided, back to stopped in Mobilising")
    expect(moves.locator("del")).to_have_text(["Southern hub restarted in Mobilising: funding"])
    wheel_then = page.locator("#picture svg.app-wheel[role=img]")
    expect(wheel_then.locator("title").first).to_contain_text("The wheel of")
    journey = page.locator("#picture svg.app-timeline[role=img]")
    expect(journey.locator("title", has_text="Voided: Southern hub restarted")).to_have_count(1)
    expect(journey.locator("title", has_text="Northern hub rewound to Mobilising")).to_have_count(1)

    page.goto(f"{detail}history/")
    expect(page.get_by_role("heading", level=1, name="History of changes")).to_be_visible()
    axe_page(page)
    feed = page.locator("#feed")
    expect(feed).to_contain_text("Southern hub paused in Mobilising")
    expect(feed).to_contain_text("Northern hub rewound to Mobilising")
    expect(feed).to_contain_text("voided, back to stopped in Mobilising")

    page.goto(f"{live_server.url}/framework/")
    axe_page(page)

    # Close with what was learned.
    page.goto(detail)
    page.get_by_role("link", name="Close with what we learned").click()
    expect(page.get_by_role("heading", level=1, name="Close the innovation")).to_be_visible()
    axe_page(page)
    page.get_by_label("Mainstreamed into standard practice").check()
    page.get_by_label("What we learned").fill("Families came when the network was asked early.")
    page.get_by_role("button", name="Close with this learning").click()
    page.wait_for_url(detail)
    expect(page.get_by_text("Families came when the network was asked early.")).to_be_visible()
    axe_page(page)
    innovation.refresh_from_db()
    assert innovation.is_closed

    page.goto(f"{detail}history/")
    expect(page.locator("#feed del", has_text="Open")).to_have_count(1)


def submit(page, button):
    """Press a form's button with JavaScript off: a plain POST answered 303 See Other, then the
    page that changed."""
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name=button).click()
    response = navigation.value
    post = response.request.redirected_from
    assert post is not None, f"{button!r} answered {response.status} without a redirect"
    assert post.method == "POST"
    assert post.response().status == 303
    return response


def test_the_journey_works_with_javascript_off(no_js_page, live_server, leader):
    page = no_js_page
    today = timezone.localdate()
    login(page, live_server, "alex", PASSWORD)

    page.get_by_role("link", name="Add an innovation", exact=True).click()
    page.get_by_label("Title", exact=True).fill(TITLE)
    submit(page, "Add the innovation")
    innovation = Innovation.objects.get(title=TITLE)
    detail = f"{live_server.url}/innovations/{innovation.pk}/"
    assert page.url == detail

    page.get_by_role("link", name="Add several parts").click()
    page.get_by_label("Names of the parts").fill("Northern hub\nSouthern hub")
    submit(page, "Add the parts")
    assert page.url == detail
    assert state_text(page, "Northern hub") == "Active / Mobilising"

    # Advance: the Move link is a plain link to the form's own page.
    page.get_by_role("link", name="Move Northern hub").click()
    north = Part.objects.get(innovation=innovation, name="Northern hub")
    assert page.url == f"{live_server.url}/parts/{north.pk}/move/"
    expect(page.get_by_role("heading", level=1, name="Move Northern hub")).to_be_visible()
    page.get_by_label("Advance", exact=True).check()
    submit(page, "Record the decision")
    assert page.url == detail
    expect(page.get_by_text("Northern hub advanced to Designing.", exact=True)).to_be_visible()
    assert state_text(page, "Northern hub") == "Active / Designing"

    # A pause without its reason: 422, the form again with its error summary and input kept.
    page.get_by_role("link", name="Move Southern hub").click()
    page.get_by_label("Pause", exact=True).check()
    page.get_by_label("Why, in your own words").fill("Waiting for the new manager.")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Record the decision").click()
    assert navigation.value.status == 422
    expect(page.locator(".govuk-error-summary")).to_contain_text("There is a problem")
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page.get_by_label("Why, in your own words")).to_have_value(
        "Waiting for the new manager."
    )
    expect(page.get_by_label("Pause", exact=True)).to_be_checked()
    page.get_by_label("Reason").select_option(label="Leadership change")
    fill_date(page, "Date to revisit the pause (optional)", today + datetime.timedelta(days=28))
    submit(page, "Record the decision")
    assert state_text(page, "Southern hub").startswith("Paused")

    # Void the pause: back to active in Mobilising.
    page.get_by_role("link", name="Void last move of Southern hub").click()
    expect(
        page.get_by_role("heading", level=1, name="Void the latest move of Southern hub")
    ).to_be_visible()
    page.get_by_label("What was wrong with the move").fill("Recorded against the wrong hub.")
    submit(page, "Void this move")
    assert state_text(page, "Southern hub") == "Active / Mobilising"
    expect(page.locator("#overview")).to_contain_text("voided, back to active in Mobilising")

    # Close with what was learned.
    page.get_by_role("link", name="Close with what we learned").click()
    page.get_by_label("Stopped: priorities changed").check()
    page.get_by_label("What we learned").fill("One hub at a time works better.")
    submit(page, "Close with this learning")
    assert page.url == detail
    expect(page.get_by_text("One hub at a time works better.")).to_be_visible()
    innovation.refresh_from_db()
    assert innovation.is_closed
    assert [m.kind for m in Move.objects.filter(part__innovation=innovation).order_by("id")] == [
        "start",
        "start",
        "advance",
        "pause",
        "void",
        "stop",
        "stop",
    ]
    expect(page.locator("#main-content")).to_contain_text(
        "How it ended: Stopped: priorities changed"
    )


def focused(page):
    """What has the keyboard focus: its accessible name as a sighted user reads it."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el || el === document.body) return 'body';
            const label = el.labels && el.labels.length ? el.labels[0].innerText : '';
            return `${el.tagName.toLowerCase()}:${label || el.innerText || el.name}`.trim();
        }"""
    )


def focused_name(page):
    """The name of the box that has the keyboard focus."""
    return page.evaluate("() => document.activeElement && document.activeElement.name")


def same_day_and_month_after(day):
    """The first date after `day` whose day and month are the same number (12 December): typed
    digit by digit into a date field, it reads the same whether the browser's locale puts the
    day or the month first."""
    return min(
        candidate
        for year in (day.year, day.year + 1)
        for month in range(1, 13)
        if (candidate := datetime.date(year, month, month)) > day
    )


def test_the_move_form_works_by_keyboard_alone(page, live_server, leader):
    organisation = leader.memberships.get().organisation
    innovation = InnovationFactory(organisation=organisation, title=TITLE)
    part = make_part(innovation, by=leader, name="North team")
    review = same_day_and_month_after(timezone.localdate())
    login(page, live_server, "alex", PASSWORD)
    page.goto(f"{live_server.url}/innovations/{innovation.pk}/")

    move = page.get_by_role("link", name="Move North team")
    move.focus()
    page.keyboard.press("Enter")
    heading = page.locator("#move-panel").get_by_role("heading", name="Move North team")
    expect(heading).to_be_focused()
    axe(page)

    page.keyboard.press("Tab")
    assert focused(page).startswith("summary:The focus of each stage")
    page.keyboard.press("Tab")
    assert focused(page) == "input:Advance"
    page.keyboard.press("ArrowDown")
    assert focused(page) == "input:Jump ahead"
    page.keyboard.press("ArrowDown")
    assert focused(page) == "input:Pause"
    page.keyboard.press("Space")
    expect(page.get_by_label("Pause", exact=True)).to_be_checked()

    page.keyboard.press("Tab")
    assert focused(page) == "select:To which stage"
    page.keyboard.press("Tab")
    assert focused(page) == "select:Reason"
    page.keyboard.type("Planned")
    expect(page.get_by_label("Reason")).to_have_value("planned_pause")
    page.keyboard.press("Tab")
    assert focused(page) == "textarea:Why, in your own words"
    page.keyboard.type("The team is moving office.")
    page.keyboard.press("Tab")
    assert focused(page) == "textarea:Evidence (optional)"
    page.keyboard.press("Tab")
    # Each date is three boxes, day first: the date it took effect, then the date to revisit.
    assert (focused(page), focused_name(page)) == ("input:Day", "effective_on_day")
    for name in ("effective_on_month", "effective_on_year", "review_on_day"):
        page.keyboard.press("Tab")
        assert focused_name(page) == name
    assert focused(page) == "input:Day"
    page.keyboard.type(str(review.day))
    page.keyboard.press("Tab")
    assert (focused(page), focused_name(page)) == ("input:Month", "review_on_month")
    page.keyboard.type(str(review.month))
    page.keyboard.press("Tab")
    assert (focused(page), focused_name(page)) == ("input:Year", "review_on_year")
    page.keyboard.type(str(review.year))
    revisit = date_group(page, "Date to revisit the pause (optional)")
    expect(revisit.get_by_label("Day")).to_have_value(str(review.day))
    expect(revisit.get_by_label("Month")).to_have_value(str(review.month))
    expect(revisit.get_by_label("Year")).to_have_value(str(review.year))

    with page.expect_response(lambda r: r.request.method == "POST") as response:
        page.keyboard.press("Enter")
    assert response.value.status == 200
    banner = page.locator("#overview .govuk-notification-banner--success")
    expect(banner).to_contain_text("North team paused in Mobilising: planned pause")
    expect(banner).to_be_focused()
    axe(page)
    part.refresh_from_db()
    assert (part.state, part.stage.number, part.review_on) == ("paused", 1, review)
    assert state_text(page, "North team").startswith("Paused")
