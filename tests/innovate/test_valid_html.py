"""Every page a demo persona can reach is valid HTML: the W3C Nu HTML Checker (vnu-jar, run on
Java) reports no error on any of them.

The test client follows every same-site link from the home page, GET only, for the viewer, the
leader, the facilitator and the manager of the demo organisation, the other organisation's
manager, the guest on one innovation, the network's observer and the platform's administrator,
saves each HTML page and runs the checker once over all of them. It is skipped when Java or
the checker is missing, unless REQUIRE_BROWSER=1 (as in CI), when it fails instead."""

import hashlib
import json
import os
import shutil
import subprocess
from collections import deque
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

VNU_JAR = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
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
PAGES_PER_PERSONA = 150
# Not pages: signing out ends the crawl's session; files and feeds are not HTML to check.
SKIPPED = ("/logout", "/accounts/logout", "/admin/", "/static/", "/media/")
SKIPPED_ENDINGS = (".csv", ".pdf", ".json", ".ics", ".xml", ".txt", "/download", "/export")

pytestmark = pytest.mark.django_db

User = get_user_model()


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _same_site(href, base):
    href, _fragment = urldefrag(href)
    parts = urlsplit(href)
    if parts.scheme in ("http", "https"):
        if parts.netloc != "testserver":
            return None
        href = parts.path + (f"?{parts.query}" if parts.query else "")
    elif parts.scheme or href.startswith("//"):
        return None  # mailto:, tel:, another site
    if not href:
        return None
    if not href.startswith("/"):
        href = base.rsplit("/", 1)[0] + "/" + href
    path = urlsplit(href).path
    if path.startswith(SKIPPED) or path.rstrip("/").endswith(SKIPPED_ENDINGS):
        return None
    return href


def crawl(client, limit):
    """[(url, html)] of the HTML pages reached from the home page by following links."""
    seen, queue, pages = {"/"}, deque(["/"]), []
    while queue and len(pages) < limit:
        url = queue.popleft()
        response = client.get(url, follow=True)
        content_type = response.get("Content-Type", "")
        if response.status_code != 200 or not content_type.startswith("text/html"):
            continue
        if "attachment" in response.get("Content-Disposition", ""):
            continue
        html = response.content.decode()
        pages.append((url, html))
        links = _Links()
        links.feed(html)
        for href in links.hrefs:
            target = _same_site(href, urlsplit(url).path)
            if target and target not in seen:
                seen.add(target)
                queue.append(target)
    return pages


def _checker_or_skip():
    java = shutil.which("java")
    missing = [
        what for what, there in (("java", java), (str(VNU_JAR), VNU_JAR.exists())) if not there
    ]
    if missing:
        message = f"the HTML checker needs {' and '.join(missing)} (npm ci; apt-get install "
        message += "default-jre-headless)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return java


def check(java, files):
    """The checker's error messages over the files, as the checker gives them."""
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    return json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]


def test_every_page_a_persona_reaches_is_valid_html(tmp_path):
    java = _checker_or_skip()
    call_command("seed_demo", stdout=StringIO())
    files, reached = {}, {}
    for persona in PERSONAS:
        user = User.objects.get(username=persona)
        client = Client()
        client.force_login(user)
        pages = crawl(client, PAGES_PER_PERSONA)
        reached[persona] = len(pages)
        for url, html in pages:
            digest = hashlib.sha1(html.encode()).hexdigest()[:16]
            path = tmp_path / f"{digest}.html"
            if path.name not in files:
                path.write_text(html)
                files[path.name] = f"{persona} {url}"

    assert all(count >= 8 for count in reached.values()), reached
    messages = check(java, sorted(tmp_path.glob("*.html")))
    errors = [
        f"{files[Path(urlsplit(m['url']).path).name]} line {m.get('lastLine')}: {m['message']}"
        for m in messages
        if m.get("type") == "error" or m.get("subType") == "fatal"
    ]
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(sorted(set(errors))[:200])
