"""A facilitator runs a reflection session in a real browser: plans it, records who came, runs
it part by part (by keyboard too), applies the decisions and prints the summary. axe-core
checks every page, every htmx swap and the print view."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Decision, ReflectionSession
from assessments.services import sessions
from stages.models import Move, Role
from tests.browser.conftest import axe, axe_page, login
from tests.browser.dates import fill_date
from tests.factories import PASSWORD, InnovationFactory, MembershipFactory, UserFactory, make_part

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Family group conferencing"


@pytest.fixture
def facilitator():
    membership = MembershipFactory(
        role=Role.FACILITATOR,
        organisation__name="Northshire County Council",
        organisation__slug="northshire",
        user=UserFactory(username="hannah", first_name="Hannah", last_name="Doyle"),
    )
    return membership.user


@pytest.fixture
def innovation(facilitator):
    """Two parts in Designing since a month ago."""
    organisation = facilitator.memberships.get().organisation
    innovation = InnovationFactory(organisation=organisation, title=TITLE)
    started = timezone.localdate() - datetime.timedelta(days=30)
    for name in ("North hub", "South hub"):
        make_part(innovation, by=facilitator, name=name, stage=2, on=started)
    return innovation


def swapped(page, action, url_part):
    """Submit with htmx and wait for the answer; the page itself does not navigate."""
    before = page.url
    with page.expect_response(
        lambda r: r.request.method == "POST" and url_part in r.url
    ) as response:
        action()
    assert page.url == before
    return response.value


def tab_to(page, target, limit=80):
    """Press Tab until `target` has the keyboard focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    pytest.fail(f"Tab never reached {target}")


def wheel_marker(page, text):
    return page.locator("svg.app-wheel[role=img] title", has_text=text)


def test_a_facilitator_runs_a_session_for_two_parts_and_sees_the_wheel_change(
    page, live_server, facilitator, innovation
):
    today = timezone.localdate()
    login(page, live_server, "hannah", PASSWORD)
    page.goto(f"{live_server.url}{innovation.get_absolute_url()}")
    page.get_by_role("link", name="Reflection sessions").click()
    expect(page.get_by_role("heading", level=1, name="Reflection sessions")).to_be_visible()
    axe_page(page)

    # Plan the session: both parts are in scope unless unticked.
    page.get_by_role("link", name="Plan a session").click()
    expect(page.get_by_role("heading", level=1, name="Plan a reflection session")).to_be_visible()
    axe_page(page)
    page.get_by_label("Title").fill("Spring review")
    fill_date(page, "Date", today)
    expect(page.get_by_label(re.compile(r"^North hub"))).to_be_checked()
    expect(page.get_by_label(re.compile(r"^South hub"))).to_be_checked()
    page.get_by_role("button", name="Plan the session").click()
    expect(page.get_by_role("heading", level=1, name="Spring review")).to_be_visible()
    expect(page.get_by_text("Spring review planned. Now add who will come.")).to_be_visible()
    axe_page(page)
    session = ReflectionSession.objects.get()

    # Who came, at two levels, added in place.
    for name, level in [("Head of service", "Strategic"), ("A parent", "Young person or family")]:
        page.get_by_label("Role", exact=True).fill(name)
        page.get_by_label("Level", exact=True).select_option(label=level)
        swapped(
            page, lambda: page.get_by_role("button", name="Add the attendee").click(), "attendees"
        )
        expect(page.locator("#attendees table")).to_contain_text(name)
        axe(page)
    page.get_by_label("Action", exact=True).fill("Send the summary to the partners")
    page.get_by_label("Owner").select_option(label="Hannah Doyle")
    swapped(page, lambda: page.get_by_role("button", name="Add the action").click(), "actions")
    expect(page.locator("#actions table")).to_contain_text("Send the summary to the partners")
    axe(page)

    page.get_by_role("link", name="Agenda").click()
    expect(page.get_by_role("heading", level=1, name="Agenda: Spring review")).to_be_visible()
    expect(
        page.get_by_text("This is the first reflection session on this innovation.")
    ).to_be_visible()
    axe_page(page)

    # Facilitator mode: the first part.
    page.get_by_role("link", name="Run the session in facilitator mode").click()
    expect(page.get_by_role("heading", level=1, name="North hub")).to_be_visible()
    expect(page.locator(".app-facilitator")).to_contain_text("part 1 of 2")
    axe_page(page)
    page.get_by_label("Which prompt it answers").select_option(index=0)
    page.get_by_label("Note", exact=True).fill("Families helped design the first letter.")
    swapped(page, lambda: page.get_by_role("button", name="Add the note").click(), "/notes/")
    expect(page.locator("#notes")).to_contain_text("Families helped design the first letter.")
    axe(page)
    page.get_by_label("Advance", exact=True).check()
    page.get_by_label("Why, in the group's words").fill("The design is agreed with families.")
    swapped(
        page, lambda: page.get_by_role("button", name="Record the decision").click(), "decision"
    )
    expect(page.locator("#decision")).to_contain_text("Decision recorded: North hub: advance.")
    axe(page)
    assert Move.objects.filter(part__name="North hub").count() == 1

    # To the next part by keyboard.
    page.locator("body").focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("heading", level=1, name="South hub")).to_be_visible()
    axe_page(page)
    page.get_by_label("Note", exact=True).fill("Two coordinators left in March.")
    swapped(page, lambda: page.get_by_role("button", name="Add the note").click(), "/notes/")
    expect(page.locator("#notes")).to_contain_text("Two coordinators left in March.")

    # A pause without its reason is refused in place, then recorded.
    page.get_by_label("Pause", exact=True).check()
    page.get_by_label("Why, in the group's words").fill("We cannot run conferences safely.")
    response = swapped(
        page, lambda: page.get_by_role("button", name="Record the decision").click(), "decision"
    )
    assert response.status == 422
    summary = page.locator("#decision .govuk-error-summary")
    expect(summary).to_contain_text("Choose a reason for this pause.")
    expect(summary).to_be_focused()
    axe(page)
    page.get_by_label("Reason").select_option(label="Workforce or capacity")
    page.get_by_label("A minority view (optional)").fill("The parent wanted to carry on with one.")
    swapped(
        page, lambda: page.get_by_role("button", name="Record the decision").click(), "decision"
    )
    expect(page.locator("#decision")).to_contain_text("Decision recorded: South hub: pause.")
    axe(page)

    # Until they are applied, the decisions are flagged on the sessions list, in My work and
    # in the dashboard's Needs attention.
    run_page = page.url
    page.goto(f"{live_server.url}{reverse('sessions:list', args=[innovation.pk])}")
    expect(page.get_by_text("2 decisions waiting to be applied", exact=True)).to_be_visible()
    page.get_by_label("Only sessions with decisions waiting to be applied").check()
    page.get_by_role("button", name="Show sessions").click()
    expect(page.get_by_text("Showing only the sessions with decisions")).to_be_visible()
    axe_page(page)
    page.goto(f"{live_server.url}{reverse('dashboard:my-work')}")
    expect(page.get_by_role("table", name="Decisions waiting to be applied")).to_contain_text(
        "South hub: pause"
    )
    axe_page(page)
    page.goto(f"{live_server.url}{reverse('dashboard:portfolio')}")
    expect(page.locator(".app-alerts")).to_contain_text("waiting to be applied: North hub: advance")
    axe_page(page)
    page.goto(run_page)

    # After the last part, the arrow key leads to applying the decisions.
    page.locator("body").focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("heading", level=1, name="Apply the decisions")).to_be_visible()
    axe_page(page)
    expect(wheel_marker(page, "1. North hub: active in Designing")).to_have_count(1)
    page.get_by_role("button", name="Apply the decisions").click()
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text(
        "Applied: North hub advanced to Developing. South hub paused in Designing: workforce or "
        "capacity."
    )
    expect(page.get_by_role("cell", name=re.compile(r"^Applied: South hub paused"))).to_be_visible()
    axe_page(page)
    expect(wheel_marker(page, "1. North hub: active in Developing")).to_have_count(1)
    expect(wheel_marker(page, "2. South hub: paused in Designing")).to_have_count(1)
    applied = Decision.objects.filter(session=session, status="applied").select_related("move")
    assert sorted(d.move.kind for d in applied) == ["advance", "pause"]
    assert {d.move.effective_on for d in applied} == {today}

    page.goto(f"{live_server.url}{innovation.get_absolute_url()}")
    expect(wheel_marker(page, "1. North hub: active in Developing")).to_have_count(1)
    expect(wheel_marker(page, "2. South hub: paused in Designing")).to_have_count(1)

    # The summary, on screen and as printed.
    page.goto(f"{live_server.url}/sessions/{session.pk}/summary/")
    expect(page.get_by_role("heading", level=1, name="Summary: Spring review")).to_be_visible()
    expect(page.locator("main")).to_contain_text("North hub advanced to Developing")
    expect(page.locator("main")).to_contain_text("The parent wanted to carry on with one.")
    axe_page(page)
    page.emulate_media(media="print")
    expect(page.locator(".app-print-only")).to_be_visible()
    expect(page.locator(".govuk-service-navigation")).to_be_hidden()
    axe(page)
    page.emulate_media(media="screen")


def test_facilitator_mode_works_by_keyboard_alone(page, live_server, facilitator, innovation):
    parts = list(innovation.parts.order_by("name"))
    session = sessions.plan_session(
        innovation,
        by=facilitator,
        held_on=timezone.localdate(),
        title="Spring review",
        facilitator=facilitator,
        parts=parts,
    )
    login(page, live_server, "hannah", PASSWORD)
    page.goto(f"{live_server.url}/sessions/{session.pk}/run/")
    expect(page.get_by_role("heading", level=1, name="North hub")).to_be_visible()

    # The "Next part" link is reached with Tab and followed with Enter.
    tab_to(page, page.get_by_role("link", name=re.compile(r"^Next part")))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="South hub")).to_be_visible()
    axe_page(page)

    # The arrow keys move between parts, but not while typing.
    page.get_by_label("Note", exact=True).focus()
    page.keyboard.type("Left")
    page.keyboard.press("ArrowLeft")
    expect(page.get_by_label("Note", exact=True)).to_have_value("Left")
    expect(page.get_by_role("heading", level=1, name="South hub")).to_be_visible()
    page.locator("h1").click()
    page.keyboard.press("ArrowLeft")
    expect(page.get_by_role("heading", level=1, name="North hub")).to_be_visible()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("heading", level=1, name="South hub")).to_be_visible()

    # A decision recorded by keyboard alone.
    page.get_by_label("Stay where it is").focus()
    page.keyboard.press("Space")
    page.get_by_label("Why, in the group's words").focus()
    page.keyboard.type("Wait for the new coordinators.")
    tab_to(page, page.get_by_role("button", name="Record the decision"))
    with page.expect_response(lambda r: r.request.method == "POST") as response:
        page.keyboard.press("Enter")
    assert response.value.status == 200
    expect(page.locator("#decision")).to_contain_text("South hub stays where it is")
    axe(page)
