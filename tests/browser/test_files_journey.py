"""A leader attaches evidence documents in a real browser: a refused SVG picture first (the
error summary and the message at the field), then a PDF report to the innovation and a
spreadsheet to a reflection session, withdraws the PDF saying why, and reads the history.
axe-core checks every page, at 320 px wide too."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments.services import sessions
from stages.models import Role
from tests.attachments import samples
from tests.browser.conftest import axe_page, login
from tests.factories import PASSWORD, InnovationFactory, MembershipFactory, UserFactory, make_part

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

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


def choose(page, name, content, mime):
    page.get_by_label("File", exact=True).set_input_files(
        {"name": name, "mimeType": mime, "buffer": content}
    )


def test_a_leader_attaches_and_withdraws_evidence_documents(page, live_server, leader, tmp_path):
    today = timezone.localdate()
    organisation = leader.memberships.get().organisation
    innovation = InnovationFactory(organisation=organisation, title=TITLE, lead=leader)
    part = make_part(innovation, by=leader, name="North team", on=today.replace(day=1))
    session = sessions.plan_session(
        innovation,
        by=leader,
        held_on=today + datetime.timedelta(days=7),
        title="Spring reflection",
        facilitator=leader,
        parts=[part],
    )
    login(page, live_server, "alex", PASSWORD)
    page.goto(f"{live_server.url}/innovations/{innovation.pk}/")
    page.get_by_role("link", name="Files", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Files")).to_be_visible()
    axe_page(page)

    # An SVG picture, sent as a PNG, is refused by its content.
    choose(page, "logo.png", samples.SVG, "image/png")
    page.get_by_label("What is it? (optional)").fill("Our logo")
    page.get_by_role("button", name="Attach the file").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The chosen file is an SVG picture, which cannot be attached.")
    expect(page.get_by_label("What is it? (optional)")).to_have_value("Our logo")
    axe_page(page)

    # A PDF report for the whole innovation.
    choose(page, "Evaluation report.pdf", samples.pdf(), "application/pdf")
    page.get_by_label("What is it? (optional)").fill("The evaluation for the board")
    page.get_by_role("button", name="Attach the file").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Evaluation report.pdf attached."
    )
    table = page.get_by_role("table", name="Files in use")
    expect(table).to_contain_text("The whole innovation")
    expect(table.get_by_role("link", name="Evaluation report.pdf", exact=True)).to_have_attribute(
        "download", ""
    )
    axe_page(page)

    # A spreadsheet about the session, from the session's page.
    page.goto(f"{live_server.url}{session.get_absolute_url()}")
    page.get_by_role("link", name="Files about this session").click()
    axe_page(page)
    choose(page, "figures.xlsx", samples.ALLOWED[3][1], "application/octet-stream")
    page.get_by_role("button", name="Attach the file").click()
    expect(page.get_by_role("table", name="Files in use")).to_contain_text("Excel workbook")
    axe_page(page)

    # Withdraw the PDF, saying why.
    page.get_by_role("link", name=f"All files of {TITLE}").click()
    page.get_by_role("link", name="Withdraw Evaluation report.pdf").click()
    axe_page(page)
    page.get_by_role("button", name="Withdraw the file").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say why the file is withdrawn.")
    axe_page(page)
    page.get_by_label("Why is it withdrawn?").fill("Replaced by the final version.")
    page.get_by_role("button", name="Withdraw the file").click()
    withdrawn = page.get_by_role("table", name="Withdrawn files")
    expect(withdrawn).to_contain_text("Replaced by the final version.")
    axe_page(page)
    page.set_viewport_size({"width": 320, "height": 800})
    axe_page(page)
    page.set_viewport_size({"width": 1280, "height": 800})

    page.get_by_role("link", name="Who added and withdrew which file").click()
    expect(page.locator("main")).to_contain_text("Alex Morgan withdrew Evaluation report.pdf")
    axe_page(page)
