"""Real-browser harness: Debian's Chromium driven by Playwright against pytest-django's live
server, with axe-core checking every page and every htmx swap."""

import os
import re
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
AXE_SOURCE = Path(__file__).with_name("axe.min.js")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 900}
TIMEOUT_MS = 10_000
EXPECTED_STATUS = re.compile(r"the server responded with a status of (422|409)\b")


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def stages(live_server):
    """The six stages, re-created from the framework text if a flush removed them."""
    from stages.framework import read_stages
    from stages.models import Stage

    if Stage.objects.count() != 6:
        for fields in read_stages():
            number = fields.pop("number")
            Stage.objects.update_or_create(number=number, defaults=fields)
    numbers = list(Stage.objects.order_by("number").values_list("number", flat=True))
    assert numbers == [1, 2, 3, 4, 5, 6], f"the stages are missing: {numbers}"
    return {s.number: s for s in Stage.objects.all()}


def _page(chromium, **options):
    context = chromium.new_context(viewport=VIEWPORT, locale="en-GB", **options)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )
    page.on(
        "response",
        lambda response: (
            errors.append(f"{response.status} from {response.url}")
            if response.status >= 500
            else None
        ),
    )
    page.script_errors = errors
    return context, page


@pytest.fixture
def page(chromium, live_server, stages):
    """A Chromium page with JavaScript, 1280×900. Fails the test on a script error, a
    Content Security Policy refusal or an htmx error reported to the console, or a 5xx answer
    (a 422 or 409 the page answers a form with on purpose is expected)."""
    context, page = _page(chromium)
    yield page
    _close(context, page)


@pytest.fixture
def no_js_page(chromium, live_server, stages):
    """A Chromium page with JavaScript turned off: links and plain form posts only. Fails the
    test on a 5xx answer."""
    context, page = _page(chromium, java_script_enabled=False)
    yield page
    _close(context, page)


def _close(context, page):
    context.close()
    problems = [e for e in page.script_errors if not EXPECTED_STATUS.search(e)]
    assert not problems, "Errors in the browser:\n" + "\n".join(problems)


def axe(page):
    """Run axe-core on the whole document (WCAG 2.0, 2.1 and 2.2 A and AA, nothing excluded)
    and fail with every violation found."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # A strict CSP refuses an injected <script> tag; evaluate is not subject to it.
        page.evaluate(AXE_SOURCE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async (tags) => {
            // Only the violations are gathered: the passes are not read, and skipping them
            // halves the time of a run on a long page.
            const r = await axe.run(document, {
                runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
            });
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary})),
            }));
        }""",
        AXE_TAGS,
    )
    if result:
        lines = [f"axe found {len(result)} violation(s) on {page.url}:"]
        for violation in result:
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
            for node in violation["nodes"]:
                lines.append(f"    {node['target']}: {node['summary']}")
        pytest.fail("\n".join(lines), pytrace=False)


def axe_page(page):
    """axe once the page's h1 is visible."""
    page.locator("h1").first.wait_for(state="visible")
    axe(page)


def login(page, live_server, username, password):
    """Sign in through the real login form; ends on the page after sign-in."""
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login/" not in url)
