"""A manager brings a new leader in: the invitation goes by email, the new leader opens the
link, sets a password and signs in. A forgotten password is reset by email. axe-core checks
every page on the way."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from stages.models import Invitation, Membership, Role
from tests.browser.conftest import axe, axe_page, login
from tests.factories import PASSWORD, InnovationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "kestrel-harbour-lantern"
INVITATION_LINK = re.compile(r"https?://[^/\s]+(/invitations/[A-Za-z0-9_-]+/)")
RESET_LINK = re.compile(r"https?://[^/\s]+(/password-reset/[^\s]+/)")


@pytest.fixture(autouse=True)
def email_to_the_outbox(settings):
    """The live server runs in this process, so its email lands in django.core.mail.outbox."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []


@pytest.fixture
def manager():
    membership = MembershipFactory(
        role=Role.MANAGER,
        organisation__name="Northshire County Council",
        organisation__slug="northshire",
        user=UserFactory(
            username="tom", first_name="Tom", last_name="Okafor", email="tom@northshire.example"
        ),
    )
    InnovationFactory(organisation=membership.organisation, title="Family group conferencing")
    return membership.user


def sign_out(page):
    page.get_by_role("button", name=re.compile(r"^Sign out")).click()
    expect(page.get_by_role("heading", level=1, name="Sign in to Innovate")).to_be_visible()


def test_a_manager_invites_a_new_leader_who_sets_a_password_and_signs_in(
    page, live_server, manager
):
    login(page, live_server, "tom", PASSWORD)

    # The people of the organisation.
    page.get_by_role("link", name="People", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="People")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(r"Tom Okafor \(you\)"))).to_be_visible()
    axe_page(page)

    # The invitation form: a mistake first, shown in place by htmx.
    page.get_by_role("link", name="Invite someone").first.click()
    expect(page.get_by_role("heading", level=1, name="Invite someone")).to_be_visible()
    axe_page(page)
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_label("Email address").fill("sam.carter@")
    with page.expect_response(lambda r: r.request.method == "POST") as response:
        page.get_by_role("button", name="Send the invitation").click()
    assert response.value.status == 422
    summary = page.locator("#invite-form .govuk-error-summary")
    expect(summary).to_contain_text("Enter an email address in the right format")
    assert page.evaluate("window.stillTheSamePage") is True
    axe(page)
    assert not Invitation.objects.exists()
    assert mail.outbox == []

    page.get_by_label("Email address").fill("sam.carter@northshire.example")
    page.get_by_role("radio", name=re.compile(r"^Leader:")).check()
    page.get_by_role("button", name="Send the invitation").click()
    page.wait_for_url(f"{live_server.url}/people/")
    expect(page.get_by_text("Invitation sent to sam.carter@northshire.example.")).to_be_visible()
    expect(
        page.get_by_role("row", name=re.compile(r"^sam\.carter@northshire\.example Leader"))
    ).to_be_visible()
    axe_page(page)

    (email,) = mail.outbox
    assert email.to == ["sam.carter@northshire.example"]
    link = INVITATION_LINK.search(email.body).group(1)
    sign_out(page)

    # The new leader opens the link and sets up their account.
    page.goto(f"{live_server.url}{link}")
    expect(
        page.get_by_role("heading", level=1, name="Join Northshire County Council on Innovate")
    ).to_be_visible()
    axe_page(page)
    page.get_by_label("Username").fill("sam")
    page.get_by_label("First name").fill("Sam")
    page.get_by_label("Last name").fill("Carter")
    page.get_by_label("Password", exact=True).fill("password123")
    page.get_by_label("Confirm the password").fill("password123")
    page.get_by_role("button", name="Create my account").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("This password is too common.")
    axe_page(page)

    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm the password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", level=1, name="Innovations")).to_be_visible()
    expect(
        page.get_by_text("Welcome to Innovate, Sam. You have joined Northshire County Council")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Family group conferencing")).to_be_visible()
    expect(page.get_by_role("link", name="People", exact=True)).to_have_count(0)
    membership = Membership.objects.get(user__username="sam")
    assert (membership.organisation, membership.role) == (
        manager.memberships.get().organisation,
        Role.LEADER,
    )

    # The link worked once: 410 Gone, with a page that says why.
    assert page.goto(f"{live_server.url}{link}").status == 410
    expect(
        page.get_by_role("heading", level=1, name="This invitation link cannot be used")
    ).to_be_visible()
    axe_page(page)
    # Chromium reports every 4xx to the console; this one is the answer expected.
    page.script_errors.remove(
        "Failed to load resource: the server responded with a status of 410 (Gone)"
    )

    # Later, the new leader signs in with their password.
    page.goto(f"{live_server.url}/")
    sign_out(page)
    login(page, live_server, "sam", NEW_PASSWORD)
    expect(page.get_by_role("heading", level=1, name="Innovations")).to_be_visible()


def test_a_forgotten_password_is_reset_by_email(page, live_server, manager):
    page.goto(f"{live_server.url}/login/")
    page.get_by_role("link", name="Forgotten your password?").click()
    expect(page.get_by_role("heading", level=1, name="Reset your password")).to_be_visible()
    axe_page(page)
    page.get_by_role("button", name="Send the link").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your email address")
    axe_page(page)
    page.get_by_label("Email address").fill("tom@northshire.example")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1, name="Check your email")).to_be_visible()
    axe_page(page)

    (email,) = mail.outbox
    link = RESET_LINK.search(email.body).group(1)
    page.goto(f"{live_server.url}{link}")
    expect(page.get_by_role("heading", level=1, name="Set a new password")).to_be_visible()
    axe_page(page)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm the new password").fill("something-else-entirely")
    page.get_by_role("button", name="Save the new password").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    axe_page(page)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm the new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save the new password").click()
    expect(page.get_by_role("heading", level=1, name="Your password is set")).to_be_visible()
    axe_page(page)

    page.get_by_role("link", name="Sign in").last.click()
    login(page, live_server, "tom", NEW_PASSWORD)
    # A manager starts on the dashboard.
    expect(page.get_by_role("heading", level=1, name="Portfolio dashboard")).to_be_visible()

    # The link worked once.
    page.goto(f"{live_server.url}{link}")
    expect(page.get_by_role("heading", level=1, name="This link cannot be used")).to_be_visible()
    axe_page(page)
