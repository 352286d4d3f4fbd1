"""The demo manager signs in to the dashboard, whose first screen answers "how are we doing?":
at 1280×900 the summary line and the Needs attention heading are in view before any scroll,
the header says who is signed in and where, and the point the summary counts moves from can
be changed in place. Saves the pictures of the dashboard the README shows, at 1280 and 320
CSS px wide."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from innovate.demo import DEMO_PASSWORD
from stages.models import Organisation
from tests.browser.conftest import axe, axe_page, login

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DOCS = Path(__file__).resolve().parents[2] / "docs"
FOLD = 900


@pytest.fixture
def demo(stages):
    call_command("seed_demo", stdout=io.StringIO())
    return Organisation.objects.get(slug="northshire")


def bottom(page, selector):
    box = page.locator(selector).bounding_box()
    assert box is not None, f"{selector} is not shown"
    return box["y"] + box["height"]


def test_the_managers_first_screen_answers_how_are_we_doing(page, live_server, demo):
    login(page, live_server, "manager", DEMO_PASSWORD)

    # A manager lands on the dashboard.
    expect(page.get_by_role("heading", level=1, name="Portfolio dashboard")).to_be_visible()
    assert page.url == f"{live_server.url}/dashboard/"
    signed_in = page.locator("#signed-in-as")
    expect(signed_in).to_be_visible()
    expect(signed_in).to_contain_text(f", manager at {demo.name}")

    # The summary line and Needs attention are inside the first 900 px, before any scroll;
    # the filters are folded away.
    assert page.evaluate("window.scrollY") == 0
    assert page.viewport_size == {"width": 1280, "height": FOLD}
    line = page.locator("#summary-line")
    expect(line).to_contain_text(re.compile(r"\d+ innovations?, \d+ parts?: \d+ active"))
    expect(line).to_contain_text("need attention")
    assert bottom(page, "#summary-line") <= FOLD
    assert bottom(page, "#alerts-heading") <= FOLD
    expect(page.get_by_label("State")).to_be_hidden()
    axe_page(page)
    page.screenshot(path=str(DOCS / "dashboard-1280.png"), caret="initial")

    # The summary counts the moves since another point, swapped in place.
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_label("What moved since").select_option(label="A quarter before")
    with page.expect_response(lambda r: "since=quarter" in r.url):
        page.get_by_role("button", name="Show what moved").click()
    expect(line).to_contain_text("a quarter before")
    assert page.evaluate("window.stillTheSamePage") is True
    axe(page)

    # The filters unfold when wanted.
    page.get_by_text("Filters and a past date").click()
    expect(page.get_by_label("State")).to_be_visible()

    # At 320 CSS px (a phone, or 400% zoom) the summary still comes first.
    page.goto(f"{live_server.url}/dashboard/")
    page.set_viewport_size({"width": 320, "height": FOLD})
    expect(page.locator("#summary-line")).to_be_visible()
    assert bottom(page, "#summary-line") < page.locator("#alerts-heading").bounding_box()["y"]
    page.screenshot(path=str(DOCS / "dashboard-320.png"), caret="initial")


def test_a_past_date_is_typed_by_keyboard_and_a_wrong_one_is_shown_at_its_field(
    page, live_server, demo
):
    """The as-of date's boxes are typed day, month, year with Tab between them: the page waits
    for the whole date (Enter), rather than asking after each box and taking the focus away to
    say the date is incomplete. A date that does not exist is refused at its field and in the
    summary, with what was typed kept."""
    login(page, live_server, "manager", DEMO_PASSWORD)
    page.get_by_text("Filters and a past date").click()
    group = page.get_by_role("group", name="As of", exact=True)
    group.get_by_label("Day", exact=True).focus()
    page.keyboard.type("31")
    page.keyboard.press("Tab")
    page.keyboard.type("2")
    page.keyboard.press("Tab")
    page.keyboard.type("2027")
    expect(group.get_by_label("Year", exact=True)).to_be_focused()
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    with page.expect_response(lambda r: "as_of_year=2027" in r.url):
        page.keyboard.press("Enter")

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The as-of date must be a real date")
    group = page.get_by_role("group", name="As of", exact=True)
    expect(group.locator(".govuk-error-message")).to_contain_text(
        "The as-of date must be a real date"
    )
    expect(group.get_by_label("Day", exact=True)).to_have_value("31")
    expect(group.get_by_label("Month", exact=True)).to_have_value("2")
    expect(group.get_by_label("Year", exact=True)).to_have_value("2027")
    # The summary's link takes the keyboard to the boxes.
    summary.get_by_role("link").click()
    expect(group.get_by_label("Day", exact=True)).to_be_focused()
    axe(page)
