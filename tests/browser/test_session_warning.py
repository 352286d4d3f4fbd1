"""Before an idle session ends the page warns, and "Stay signed in" keeps the person signed
in (WCAG 2.2.1, timing adjustable). Sessions here last seconds instead of an hour."""

import pytest
from playwright.sync_api import expect

from stages.models import Role
from tests.browser.conftest import axe, login
from tests.factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def short_sessions(settings):
    settings.SESSION_COOKIE_AGE = 12


def test_the_page_warns_before_the_session_ends_and_the_person_can_stay(
    short_sessions, page, live_server
):
    user = UserFactory(username="lee", first_name="Lee", last_name="Jones")
    MembershipFactory(user=user, role=Role.LEADER)
    login(page, live_server, "lee", PASSWORD)
    banner = page.get_by_role("alert").filter(has_text="You are about to be signed out")
    expect(banner).to_be_visible(timeout=15_000)
    stay = page.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    axe(page)
    stay.click()
    expect(banner).to_have_count(0)
    page.reload()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
