"""A phone, or a screen zoomed to 400%: the menu folds behind a Menu button (GOV.UK's service
navigation pattern) and opens by keyboard; without JavaScript every link of the menu shows;
a wide table scrolls inside its own labelled region, and the page itself never scrolls
sideways."""

import pytest
from playwright.sync_api import expect

from stages.models import Role
from tests.browser.conftest import axe_page, login
from tests.factories import PASSWORD, InnovationFactory, MembershipFactory, UserFactory, make_part

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 320, "height": 800}
LONG_NAME = "Family group conferencing at the front door of the multi-agency safeguarding hub"


@pytest.fixture
def leader(stages):
    membership = MembershipFactory(
        role=Role.LEADER,
        organisation__name="Northshire County Council",
        user=UserFactory(username="sam", first_name="Sam", last_name="Patel"),
    )
    innovation = InnovationFactory(organisation=membership.organisation, title=LONG_NAME)
    for name in ["North locality", "South locality", "East locality and partners"]:
        make_part(innovation, by=membership.user, name=name, stage=2)
    return membership.user


def scrolls_sideways(page):
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def test_the_menu_folds_behind_a_button_on_a_phone(page, live_server, leader):
    login(page, live_server, "sam", PASSWORD)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/innovations/")
    menu = page.get_by_role("navigation", name="Menu")
    toggle = menu.get_by_role("button", name="Menu")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(menu.get_by_role("link", name="Dashboard")).to_be_hidden()
    axe_page(page)

    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(menu.get_by_role("link", name="Dashboard")).to_be_visible()
    expect(menu.get_by_role("link", name="The framework")).to_be_visible()
    axe_page(page)
    assert not scrolls_sideways(page)

    # On a wide screen the button goes and the links are shown.
    page.set_viewport_size({"width": 1280, "height": 800})
    expect(toggle).to_be_hidden()
    expect(menu.get_by_role("link", name="Dashboard")).to_be_visible()


def test_without_javascript_every_link_of_the_menu_shows(no_js_page, live_server, leader):
    page = no_js_page
    login(page, live_server, "sam", PASSWORD)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/innovations/")
    menu = page.get_by_role("navigation", name="Menu")
    expect(menu.get_by_role("button", name="Menu")).to_be_hidden()
    for name in ["Innovations", "Dashboard", "My work", "The framework"]:
        expect(menu.get_by_role("link", name=name, exact=True)).to_be_visible()
    assert not scrolls_sideways(page)


def test_a_wide_table_scrolls_in_its_own_region_on_a_phone(page, live_server, leader):
    login(page, live_server, "sam", PASSWORD)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/innovations/")
    region = page.get_by_role("region", name="Innovations and where their parts stand")
    expect(region).to_have_attribute("tabindex", "0")
    expect(region.locator("table")).to_contain_text(LONG_NAME)
    assert not scrolls_sideways(page)
    # Focusable, so a keyboard user can scroll it; the focus shows.
    region.focus()
    expect(region).to_be_focused()
    axe_page(page)
