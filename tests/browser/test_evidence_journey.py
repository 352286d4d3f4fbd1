"""A leader gathers the evidence for a Developing part in a real browser: defines a measure,
records three readings with htmx, sees the chart and the status, reflects on the prompts,
records that young people co-designed, and sees it all on the move form. axe-core checks every
page and every swap."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Check, Involvement, Measure, Reading
from stages.models import Move, Role
from tests.browser.conftest import axe, axe_page, login
from tests.browser.dates import fill_date
from tests.factories import PASSWORD, InnovationFactory, MembershipFactory, UserFactory, make_part

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TITLE = "Family group conferencing at the front door"
MEASURE = "Families attending a first meeting"


@pytest.fixture
def leader():
    membership = MembershipFactory(
        role=Role.LEADER,
        organisation__name="Northshire County Council",
        organisation__slug="northshire",
        user=UserFactory(username="alex", first_name="Alex", last_name="Morgan"),
    )
    return membership.user


def record_reading(page, on, value, story=""):
    """Fill in the reading form on the measure's page and record it with htmx: the chart,
    the readings and the form are swapped in place, without a navigation."""
    fill_date(page, "Date observed", on)
    page.get_by_label("Value (families)").fill(str(value))
    page.get_by_label("Which part is it for").select_option(label="North team")
    if story:
        page.get_by_label("The story behind it (optional)").fill(story)
    with page.expect_response(
        lambda r: r.request.method == "POST" and "/readings/new/" in r.url
    ) as response:
        page.get_by_role("button", name="Record the reading").click()
    assert response.value.status == 200, response.value.status
    banner = page.locator("#measure-body .govuk-notification-banner--success")
    expect(banner).to_contain_text(f"Reading recorded for North team: {value} families")
    assert page.evaluate("window.stillTheSamePage") is True
    axe(page)


def test_a_leader_gathers_the_evidence_for_a_developing_part(page, live_server, leader):
    today = timezone.localdate()
    organisation = leader.memberships.get().organisation
    innovation = InnovationFactory(organisation=organisation, title=TITLE)
    part = make_part(innovation, by=leader, name="North team", stage=3, on=today.replace(day=1))
    detail = f"{live_server.url}/innovations/{innovation.pk}/"
    login(page, live_server, "alex", PASSWORD)

    # The innovation page says Developing has no measure yet.
    page.goto(detail)
    axe_page(page)
    evidence = page.locator("#evidence")
    expect(evidence).to_contain_text("Developing: 1 part, no measure yet")
    evidence.get_by_role("link", name="Define one for Developing").click()

    # Define the measure.
    expect(page.get_by_role("heading", level=1, name="Define a measure")).to_be_visible()
    axe_page(page)
    expect(page.get_by_label("Stage it measures success at")).to_have_value("3")
    page.get_by_label("Name", exact=True).fill(MEASURE)
    page.get_by_label("Unit").fill("families")
    page.get_by_label(re.compile(r"^A count")).check()
    page.get_by_label("Baseline value (optional)").fill("10")
    fill_date(page, "Baseline date (optional)", today - datetime.timedelta(days=365))
    page.get_by_label("Target value (optional)").fill("20")
    fill_date(page, "Target date (optional)", today + datetime.timedelta(days=365))
    page.get_by_label("How it is collected").fill("Coordinators' monthly returns.")
    page.get_by_role("button", name="Define the measure").click()
    expect(page.get_by_role("heading", level=1, name=MEASURE)).to_be_visible()
    measure = Measure.objects.get(innovation=innovation)
    assert (measure.stage.number, measure.kind, measure.value_kind) == (
        3,
        "short_term_progress",
        "count",
    )
    assert page.url == f"{live_server.url}/measures/{measure.pk}/"
    expect(page.locator("#measure-body")).to_contain_text("Record its readings here.")
    axe_page(page)
    page.evaluate("window.stillTheSamePage = true")

    # A reading that is not a number is refused in place, with the input kept.
    fill_date(page, "Date observed", today - datetime.timedelta(days=90))
    page.get_by_label("Value (families)").fill("a dozen")
    with page.expect_response(lambda r: r.request.method == "POST") as response:
        page.get_by_role("button", name="Record the reading").click()
    assert response.value.status == 422
    summary = page.locator("#measure-body .govuk-error-summary")
    expect(summary).to_contain_text("The value must be a number.")
    expect(summary).to_be_focused()
    expect(page.get_by_label("Value (families)")).to_have_value("a dozen")
    axe(page)
    # A count is a whole number.
    page.get_by_label("Value (families)").fill("12.5")
    with page.expect_response(lambda r: r.request.method == "POST") as response:
        page.get_by_role("button", name="Record the reading").click()
    assert response.value.status == 422
    expect(summary).to_contain_text("A count is a whole number: give 12 or 13.")
    expect(page.get_by_label("Value (families)")).to_have_value("12.5")
    axe(page)
    assert not Reading.objects.exists()

    # Three readings, each swapped in with the chart.
    record_reading(page, today - datetime.timedelta(days=90), 13)
    record_reading(page, today - datetime.timedelta(days=60), 15)
    record_reading(page, today - datetime.timedelta(days=30), 17, story="New invitation letter.")
    assert Reading.objects.filter(measure=measure, part=part).count() == 3

    body = page.locator("#measure-body")
    chart = body.locator("svg.app-chart[role=img]")
    expect(chart.locator("title").first).to_contain_text(f"{MEASURE}: readings over time")
    expect(chart.locator("desc")).to_contain_text("North team (circles): 3 readings, latest 17")
    expect(chart.locator("desc")).to_contain_text("Baseline 10 families")
    expect(chart.locator("text", has_text="Target date")).to_have_count(1)
    expect(chart.locator("g > title")).to_have_count(3)
    expect(body.locator(".govuk-tag", has_text="On track").first).to_be_visible()
    expect(body.locator("table").last).to_contain_text("New invitation letter.")

    # A mistyped reading is corrected, a wrong one withdrawn; the page says what became of each.
    months_ago = (today - datetime.timedelta(days=60)).strftime("%-d %B %Y")
    body.get_by_role("link", name=f"Correct the reading of {months_ago} for North team").click()
    expect(
        page.get_by_role("heading", level=1, name=f"Correct a reading of {MEASURE}")
    ).to_be_visible()
    axe_page(page)
    expect(page.get_by_label("Value (families)")).to_have_value("15")
    page.get_by_label("Value (families)").fill("16")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.get_by_role("heading", level=1, name=MEASURE)).to_be_visible()
    expect(page.locator("main")).to_contain_text("value 15 families → 16 families")
    axe_page(page)
    first = (today - datetime.timedelta(days=90)).strftime("%-d %B %Y")
    page.get_by_role("link", name=f"Withdraw the reading of {first} for North team").click()
    expect(
        page.get_by_role("heading", level=1, name=f"Withdraw a reading of {MEASURE}")
    ).to_be_visible()
    axe_page(page)
    page.get_by_label("Why is it withdrawn?").fill("Counted the families of another team.")
    page.get_by_role("button", name="Withdraw the reading").click()
    withdrawn = page.get_by_role("heading", level=2, name="Withdrawn readings")
    expect(withdrawn).to_be_visible()
    expect(page.locator("main")).to_contain_text("Counted the families of another team.")
    expect(page.locator("main")).to_contain_text("Corrected: Value 15 families → 16 families")
    expect(chart.locator("g > title")).to_have_count(2)
    axe_page(page)
    assert Reading.objects.current().count() == 2

    # The list of measures, with its chart.
    page.get_by_role("link", name=f"All measures of {TITLE}").click()
    expect(page.get_by_role("heading", level=1, name="Measures of success")).to_be_visible()
    axe_page(page)
    expect(page.locator("svg.app-chart--compact[role=img]")).to_have_count(1)

    # Developing states no key question, so its reflection prompts are answered instead.
    page.goto(detail)
    page.locator("#evidence").get_by_role("link", name="Reflect for North team").click()
    expect(
        page.get_by_role("heading", level=1, name="Reflection prompts for North team")
    ).to_be_visible()
    axe_page(page)
    expect(page.locator("main")).to_contain_text("Not stated in the framework text")
    expect(page.locator("main")).to_contain_text("states no key question for Developing")
    page.get_by_label("What are the bounds of the pilot and what are we trying to learn?").fill(
        "Piloting with two pods; numbers rising."
    )
    page.get_by_role("button", name="Record the reflection").click()
    expect(page.locator("#check-body .govuk-notification-banner--success")).to_contain_text(
        "Reflection recorded for North team at Developing."
    )
    axe(page)
    assert Check.objects.get(part=part).evidence.endswith("Piloting with two pods; numbers rising.")

    # Record that young people co-designed.
    page.get_by_role(
        "link", name=re.compile("How children, young people and families took part")
    ).click()
    expect(
        page.get_by_role(
            "heading", level=1, name="How children, young people and families took part"
        )
    ).to_be_visible()
    axe_page(page)
    page.get_by_label("Young people", exact=True).check()
    page.get_by_label(re.compile(r"^Co-designing")).check()
    page.get_by_label("What happened and what came of it").fill(
        "Four young people rewrote the letter."
    )
    page.get_by_role("button", name="Record it").click()
    expect(page.locator("#involvement-body .govuk-notification-banner--success")).to_contain_text(
        "Recorded for North team: Young people co-designed in Developing."
    )
    axe(page)
    assert Involvement.objects.get(part=part).level == "co_designing"

    # The ethics note for Developing.
    page.goto(f"{detail}ethics/3/")
    expect(
        page.get_by_role("heading", level=1, name="Ethics note for 3. Developing")
    ).to_be_visible()
    axe_page(page)
    page.get_by_label("Ethics note").fill(
        "Better for families; the risk is that parents feel watched."
    )
    page.get_by_role("button", name="Save the note").click()
    expect(page.locator("#ethics-body")).to_contain_text("Ethics note for Developing saved.")
    axe(page)

    # The innovation page and the move form show the readiness in plain words.
    summary = "1 of 1 measure on track; prompts reflected on; young people co-designed"
    page.goto(detail)
    axe_page(page)
    expect(page.locator(f"#evidence-part-{part.pk}")).to_contain_text(summary)
    page.get_by_role("link", name="Move North team").click()
    expect(page.locator("#move-panel #readiness")).to_contain_text(summary)
    axe(page)

    page.goto(f"{live_server.url}/parts/{part.pk}/move/")
    expect(page.get_by_role("heading", level=1, name="Move North team")).to_be_visible()
    axe_page(page)
    readiness = page.locator("#readiness")
    expect(readiness).to_contain_text("Readiness at Developing")
    expect(readiness).to_contain_text(summary)
    expect(readiness).to_contain_text(MEASURE)
    expect(page.get_by_label("Evidence (optional)")).to_have_value(
        f"Readiness at Developing: {summary}."
    )
    assert Move.objects.filter(part=part).count() == 1

    # The import page, for the next month's readings.
    page.goto(f"{detail}readings/import/")
    expect(
        page.get_by_role("heading", level=1, name="Import readings from a CSV file")
    ).to_be_visible()
    axe_page(page)

    # The history tells it.
    page.goto(f"{detail}history/")
    axe_page(page)
    feed = page.locator("#feed")
    expect(feed).to_contain_text("Young people co-designing in Developing (North team)")
    expect(feed).to_contain_text("Ethics note for Developing written")
