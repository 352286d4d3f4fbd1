"""Two app servers (two gunicorn processes on different ports) over one PostgreSQL database and
one Redis cache, as production runs several behind a proxy: a session made on one is good on
the other, a move through one is seen at once through the other, and a cached page is never
stale on either."""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import pytest
import redis
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.urls import reverse

from stages.models import Part, Stage
from tests.factories import InnovationFactory, make_part

ROOT = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("TEST_CACHE_URL", "redis://127.0.0.1:6379/0")
CSRF = "c" * 32  # an unmasked CSRF secret: the cookie and the header carry the same


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port, path, cookie, method="GET", body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Host": "localhost", "Cookie": cookie}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["X-CSRFToken"] = CSRF
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    html = response.read().decode()
    conn.close()
    return response.status, html


@pytest.fixture
def shared_cache():
    try:
        server = redis.Redis.from_url(REDIS_URL)
        server.ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL} (.ci/run starts redis-server)")
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    yield server, prefix
    keys = list(server.scan_iter(f"{prefix}:*"))
    if keys:
        server.delete(*keys)


@pytest.fixture
def servers(postgres, transactional_db, shared_cache):
    _, prefix = shared_cache
    db = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.pop("DJANGO_DEBUG", None)
    env.update(
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        CACHE_URL=REDIS_URL,
        CACHE_KEY_PREFIX=prefix,
        SECRET_KEY=settings.SECRET_KEY,
        INNOVATE_ALLOW_HTTP="1",
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    gunicorn = Path(sys.executable).with_name("gunicorn")
    ports, processes = [free_port(), free_port()], []
    try:
        for port in ports:
            processes.append(
                subprocess.Popen(
                    [str(gunicorn), "innovate.wsgi", "--bind", f"127.0.0.1:{port}"]
                    + ["--workers", "1", "--log-level", "warning"],
                    cwd=ROOT,
                    env=env,
                )
            )
        for port in ports:
            for _ in range(150):
                try:
                    if get(port, "/health", "")[0] == 200:
                        break
                except OSError:
                    time.sleep(0.2)
            else:
                pytest.fail(f"the server on port {port} did not start")
        yield ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)


def signed_in(user):
    """A session cookie for `user`, made as a sign-in makes it, in the database."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store["touched"] = int(time.time())
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}; {settings.CSRF_COOKIE_NAME}={CSRF}"


def stage_of(html, part_name):
    """The stage the innovation page's list of parts gives for `part_name`."""
    found = re.search(rf"\d+\. {re.escape(part_name)}: \w+ in ([A-Za-z ]+?)[,<]", html)
    assert found, html[:2000]
    return found.group(1)


def test_a_move_through_one_server_is_seen_at_once_through_the_other(
    servers, shared_cache, organisation, leader
):
    one, two = servers
    cache, prefix = shared_cache
    innovation = InnovationFactory(organisation=organisation, title="Family group conferencing")
    part = make_part(innovation, by=leader, name="North team", on=date(2024, 1, 1))
    other = InnovationFactory(organisation=organisation, title="Kinship peer support")
    make_part(other, by=leader, name="South team", on=date(2024, 1, 1))
    names = dict(Stage.objects.values_list("number", "name"))
    cookie = signed_in(leader)
    page = reverse("innovations:detail", args=[innovation.pk])
    other_page = reverse("innovations:detail", args=[other.pk])
    timeline = reverse("innovations:timeline", args=[innovation.pk])
    dashboard = reverse("dashboard:portfolio")

    # Each server serves the pages; the second finds them built by the first.
    for port in (one, two, one, two):
        status, html = get(port, page, cookie)
        assert status == 200
        assert stage_of(html, "North team") == names[1]
        assert get(port, timeline, cookie)[0] == 200
        assert get(port, dashboard, cookie)[0] == 200
        assert get(port, other_page, cookie)[0] == 200
    assert any(b"innovation-page" in key for key in cache.scan_iter(f"{prefix}:*"))

    # A move through the first server...
    body = urlencode({"kind": "advance", "expected_version": 1, "effective_on": str(date.today())})
    status, _ = get(one, reverse("parts:move", args=[part.pk]), cookie, "POST", body)
    assert status == 303
    assert Part.objects.get(pk=part.pk).stage.number == 2

    # ...is seen at once through the second, and through the first: no page is stale.
    moved = f"North team advanced to {names[2]}"
    for port in (two, one):
        assert stage_of(get(port, page, cookie)[1], "North team") == names[2]
        assert moved in get(port, timeline, cookie)[1]
        assert moved in get(port, dashboard, cookie)[1]
    # The other innovation's page was not rebuilt: it is served from the entry kept before the
    # move, and no new entry is made for it.
    before = set(cache.scan_iter(f"{prefix}:*"))
    assert get(two, other_page, cookie)[0] == 200
    assert set(cache.scan_iter(f"{prefix}:*")) == before
