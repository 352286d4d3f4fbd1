"""Every page each persona of the demo can reach (the organisation's people, the other
organisation's manager, the guest on one innovation, the network's observer and the platform's
administrator), in Chromium: from the page after sign-in, follow every same-site link (GET only; no
sign-out, no downloads, no ?page= beyond 2), and on every page visited run axe-core (WCAG 2.0,
2.1 and 2.2 A and AA) and check that nothing scrolls sideways at 320×800 (a phone, or 400%
zoom: WCAG 1.4.10) or at 1280×800. Every problem on every page is gathered and reported
together."""

import io
import time
from urllib.parse import parse_qs, urlsplit, urlunsplit

import pytest
from django.core.management import call_command

from innovate.demo import DEMO_PASSWORD
from tests.browser.conftest import EXPECTED_STATUS, _page, axe, login

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# The demo organisation's people; the other organisation's manager, who sees only their own
# organisation's innovations; the police partner, a guest on one innovation; the network's
# observer, who belongs to no organisation and reaches the network's pages and their own
# account's alone; and the platform's administrator, who creates networks.
PERSONAS = [
    "viewer",
    "leader",
    "facilitator",
    "manager",
    "southdale-manager",
    "police-guest",
    "observer",
    "platform-admin",
]
# The fewest pages each persona must reach, so that a crawl stopped short is seen.
FEWEST = {"observer": 12, "platform-admin": 8}
WIDTHS = [320, 1280]
HEIGHT = 800
MAX_PAGES = 150
# Pages of one shape (the same path but for ids, the same query keys) differ only in their
# data: a few of each shape are enough, and keep the crawl to a few minutes.
PER_SHAPE = 2
SKIPPED_PATHS = ("/logout", "/admin", "/static/", "/media/")
SKIPPED_ENDINGS = (".csv", ".ics", ".pdf", ".png", ".svg", ".json")

LINKS = """() => Array.from(document.querySelectorAll('a[href]'))
    .filter(a => !a.hasAttribute('download'))
    .map(a => a.href)"""

OVERFLOW = """() => {
    const width = window.innerWidth;
    const wide = document.documentElement.scrollWidth;
    if (wide <= width) return null;
    // Name the outermost elements that reach past the right edge outside any scroll box.
    const past = el => el.getBoundingClientRect().right > width + 1;
    const clipped = el => {
        for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
            if (getComputedStyle(a).overflowX !== 'visible') return true;
        }
        return false;
    };
    const culprits = [];
    for (const el of document.body.querySelectorAll('*')) {
        if (past(el) && !(el.parentElement && past(el.parentElement)) && !clipped(el)) {
            const id = el.id ? '#' + el.id : '';
            const cls = el.classList.length ? '.' + Array.from(el.classList).join('.') : '';
            culprits.push(`${el.tagName.toLowerCase()}${id}${cls}`);
            if (culprits.length >= 4) break;
        }
    }
    return `${wide} px wide: ` + (culprits.join(', ') || 'text wider than its box');
}"""


@pytest.fixture
def demo(stages):
    call_command("seed_demo", stdout=io.StringIO())


def followed(url, origin):
    """The URL to visit for a link, without its fragment, or None when the crawl leaves it."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin:
        return None
    if parts.path.startswith(SKIPPED_PATHS) or parts.path.endswith(SKIPPED_ENDINGS):
        return None
    page_numbers = parse_qs(parts.query).get("page", [])
    if any(not n.isdigit() or int(n) > 2 for n in page_numbers):
        return None
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


def shape(url):
    """The address with its numbers taken out and only the names of its query keys kept."""
    parts = urlsplit(url)
    path = "/".join("<n>" if s.isdigit() else s for s in parts.path.split("/"))
    return path, tuple(sorted(parse_qs(parts.query, keep_blank_values=True)))


def overflows(page):
    """What scrolls sideways at each width, as {width: description}."""
    found = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": HEIGHT})
        overflow = page.evaluate(OVERFLOW)
        if overflow:
            found[width] = overflow
    return found


def crawl(page, live_server):
    """Visit every page reachable from where sign-in lands; returns (pages visited, problems)."""
    origin = live_server.url
    queue = [page.url.split("#")[0]]
    seen = set(queue)
    shapes = {}
    problems = []
    visited = 0
    while queue and visited < MAX_PAGES:
        url = queue.pop(0)
        response = page.goto(url)
        visited += 1
        path = url.removeprefix(origin)
        if response is None or response.status >= 400:
            problems.append(f"{path}: answered {response.status if response else 'nothing'}")
            continue
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        for width, overflow in overflows(page).items():
            problems.append(f"{path}: scrolls sideways at {width} px ({overflow})")
        # Every page (at 1280 px, where overflows() leaves it): two pages of one shape differ
        # in their data, and data can fail a rule (a long name, an empty list, a colour).
        try:
            axe(page)
        except pytest.fail.Exception as failure:
            problems.append(str(failure))
        for link in page.evaluate(LINKS):
            target = followed(link, origin)
            if target and target not in seen:
                seen.add(target)
                key = shape(target)
                shapes[key] = shapes.get(key, 0) + 1
                if shapes[key] <= PER_SHAPE:
                    queue.append(target)
    assert visited < MAX_PAGES, f"the crawl stopped at {MAX_PAGES} pages; {len(queue)} were left"
    return visited, problems


def test_every_page_each_persona_reaches_passes_axe_and_fits_a_phone(chromium, live_server, demo):
    problems = []
    visits = {}
    started = time.monotonic()
    for persona in PERSONAS:
        context, page = _page(chromium)
        page.set_viewport_size({"width": 1280, "height": HEIGHT})
        login(page, live_server, persona, DEMO_PASSWORD)
        visited, found = crawl(page, live_server)
        visits[persona] = visited
        found += [e for e in page.script_errors if not EXPECTED_STATUS.search(e)]
        problems += [f"[{persona}] {problem}" for problem in found]
        context.close()
    elapsed = time.monotonic() - started
    # The crawl reaches well beyond the journeys: every member sees dozens of pages, the
    # observer the network's.
    assert all(count >= FEWEST.get(persona, 20) for persona, count in visits.items()), visits
    assert not problems, (
        f"{len(problems)} problem(s) on the pages visited {visits} in {elapsed:.0f} s:\n"
        + "\n".join(problems)
    )
