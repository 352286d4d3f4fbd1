"""Searching the demo from the header, as a new user would: "Eastfield" and "MASH" find the
parts of those names, on a phone-sized screen and by keyboard alone, each result saying where
it sits and opening its page; the results page passes axe and never scrolls sideways."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from innovate.demo import DEMO_PASSWORD
from tests.browser.conftest import axe_page, login

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 320, "height": 800}


@pytest.fixture
def demo(stages):
    call_command("seed_demo", stdout=io.StringIO())


def scrolls_sideways(page):
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def test_the_header_search_finds_the_demo_parts_on_a_phone_by_keyboard(page, live_server, demo):
    login(page, live_server, "viewer", DEMO_PASSWORD)
    page.set_viewport_size(PHONE)
    box = page.get_by_role("search", name="Search Innovate").get_by_role("searchbox")
    expect(box).to_be_visible()
    assert not scrolls_sideways(page)

    box.focus()
    page.keyboard.type("Eastfield")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Search")
    parts = page.get_by_role("heading", name="Parts", exact=True)
    expect(parts).to_be_visible()
    result = page.get_by_role("link", name="Eastfield hub", exact=True)
    expect(result).to_be_visible()
    expect(page.locator("mark", has_text="Eastfield").first).to_be_visible()
    axe_page(page)
    assert not scrolls_sideways(page)

    result.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mockingbird-style foster carer hubs")
    expect(page.locator("tr", has_text="Eastfield hub").first).to_be_visible()

    page.get_by_role("search", name="Search Innovate").get_by_role("searchbox").fill("MASH")
    page.get_by_role("search", name="Search Innovate").get_by_role("button").click()
    expect(page.get_by_role("link", name="Front door (MASH)", exact=True)).to_be_visible()
    expect(page.get_by_role("searchbox", name="Words to find")).to_have_value("MASH")
    axe_page(page)
    assert not scrolls_sideways(page)
