"""The demo manager's journey through the dashboards in a real browser: the portfolio filtered
to paused parts, the organisation as it stood a year ago, the CSV of that view, then every other
dashboard page and the board report as printed. axe-core checks every page and every swap."""

import csv
import datetime
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from innovate.demo import DEMO_PASSWORD
from stages.models import Move, Organisation
from tests.browser.conftest import axe, axe_page, login
from tests.browser.dates import date_group, fill_date

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def demo(stages):
    call_command("seed_demo", stdout=io.StringIO())
    return Organisation.objects.get(slug="northshire")


def paused_on(organisation, on):
    """Names of the parts of open innovations (then) that were paused at the end of `on`, by a
    plain replay of the live moves."""
    moves = list(
        Move.objects.filter(organisation=organisation, effective_on__lte=on).select_related(
            "part__innovation"
        )
    )
    voided = {m.voids_id for m in moves if m.voids_id}
    last = {}
    for move in sorted(moves, key=lambda m: (m.part_id, m.seq)):
        if move.kind != "void" and move.pk not in voided:
            last[move.part_id] = move
    return sorted(
        m.part.name
        for m in last.values()
        if m.to_state == "paused"
        and not (m.part.innovation.closed_on and m.part.innovation.closed_on <= on)
    )


def table_parts(page):
    return sorted(page.locator("table.app-portfolio .app-portfolio__part").all_inner_texts())


def test_the_demo_manager_reads_the_dashboards(page, live_server, demo, tmp_path):
    today = timezone.localdate()
    year_ago = (
        today.replace(year=today.year - 1)
        if (today.month, today.day) != (2, 29)
        else (today - datetime.timedelta(days=366))
    )
    login(page, live_server, "manager", DEMO_PASSWORD)

    # The portfolio: alerts, the organisation's wheel and every innovation.
    page.goto(f"{live_server.url}/dashboard/")
    expect(page.get_by_role("heading", level=1, name="Portfolio dashboard")).to_be_visible()
    expect(page.get_by_role("link", name="Dashboard", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.locator("svg.app-wheel[role=img]")).to_have_count(1)
    expect(page.locator("#alerts-heading")).to_contain_text("Needs attention")
    expect(page.locator(".app-alerts")).to_contain_text("Front door (MASH)")
    axe_page(page)

    # Filter to paused parts: the filters unfold, and htmx swaps the results in place.
    expect(page.get_by_label("State")).to_be_hidden()
    page.get_by_text("Filters and a past date").click()
    page.evaluate("window.stillTheSamePage = true")
    with page.expect_response(lambda r: "/dashboard/?" in r.url and "state=paused" in r.url):
        page.get_by_label("State").select_option(label="Paused")
    expect(page.locator("#results")).to_contain_text("The wheel, as filtered")
    paused_now = paused_on(demo, today)
    assert paused_now, "the demo has paused parts"
    assert table_parts(page) == paused_now
    assert page.evaluate("window.stillTheSamePage") is True
    assert "state=paused" in page.url
    axe(page)

    # Back a year: the organisation as it stood then, still filtered to paused parts.
    fill_date(page, "As of", year_ago)
    with page.expect_response(lambda r: f"as_of_year={year_ago.year}" in r.url):
        date_group(page, "As of").get_by_label("Year").press("Enter")
    expect(page.locator("#results")).to_contain_text(f"As of {year_ago:%-d %B %Y}.")
    paused_then = paused_on(demo, year_ago)
    assert paused_then, "some parts of the demo were paused a year ago"
    assert table_parts(page) == paused_then
    assert paused_then != paused_now
    axe(page)

    # The CSV of exactly this view.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download this table (CSV)").click()
    assert download.value.suggested_filename == f"northshire-portfolio-{year_ago.isoformat()}.csv"
    saved = Path(tmp_path) / "portfolio.csv"
    download.value.save_as(saved)
    rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
    assert sorted(row["Part"] for row in rows) == paused_then
    assert {row["State"] for row in rows} == {"Paused"}

    # The other dashboard pages, still a year back where they take a date.
    page.get_by_role("link", name="Time in each stage").click()
    expect(page.get_by_role("heading", level=1, name="Time in each stage")).to_be_visible()
    expect(page.locator("#results")).to_contain_text(f"As of {year_ago:%-d %B %Y}.")
    expect(page.locator("svg.app-chart[role=img]")).to_have_count(1)
    axe_page(page)

    page.get_by_role("link", name="Flow over time").click()
    expect(page.get_by_role("heading", level=1, name="Flow over time")).to_be_visible()
    expect(page.locator("svg.app-chart--flow[role=img]")).to_have_count(1)
    axe_page(page)
    with page.expect_response(lambda r: "months=24" in r.url):
        page.get_by_label("Over").select_option(label="2 years")
        page.get_by_role("button", name="Show").click()
    expect(page.locator("#results tbody tr")).to_have_count(24)
    axe(page)

    page.get_by_role("link", name="Compare two dates").click()
    expect(page.get_by_role("heading", level=1, name="Compare two dates")).to_be_visible()
    fill_date(page, "From the end of", year_ago)
    fill_date(page, "To the end of", today)
    with page.expect_response(lambda r: "/dashboard/compare/?" in r.url):
        page.get_by_role("button", name="Compare").click()
    expect(page.locator("#results")).to_contain_text(
        f"From {year_ago:%-d %B %Y} to {today:%-d %B %Y}"
    )
    expect(page.locator("#results")).to_contain_text("What moved")
    axe(page)

    page.get_by_role("link", name="Board report").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Board report")
    # Open innovations by default; the closed one only when asked for.
    expect(page.locator("article.app-report__page")).to_have_count(7)
    axe_page(page)
    with page.expect_response(lambda r: "status=all" in r.url):
        page.get_by_label("Innovations", exact=True).select_option(label="Open and closed")
        page.get_by_role("button", name="Show").click()
    expect(page.locator("article.app-report__page")).to_have_count(8)
    axe(page)
    page.emulate_media(media="print")
    expect(page.locator(".app-subnav")).to_be_hidden()
    assert (
        page.evaluate(
            "getComputedStyle(document.querySelectorAll('.app-report__page')[1]).breakBefore"
        )
        == "page"
    )
    axe(page)
    page.emulate_media(media="screen")

    page.get_by_role("link", name="My work").click()
    expect(page.get_by_role("heading", level=1, name="My work")).to_be_visible()
    axe_page(page)
