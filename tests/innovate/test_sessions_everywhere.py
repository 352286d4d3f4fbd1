"""Signing out, deactivation and a new password end a session on every app server at once.

Two real app servers (gunicorn, one process each) serve the test database. A person signs in
through the first; what ends the session there is seen at once by the second, which answers the
old cookie by sending it to the sign-in page."""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from stages import people
from stages.models import Membership
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
NEW_PASSWORD = "kestrel-harbour-lantern"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(port):
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
        conn.request("GET", "/health")
        return conn.getresponse().status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def servers(django_db_setup):
    """Two gunicorn processes on the test database: (first, second) ports."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: two server processes share one database")
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DATABASE_URL=url,
        SECRET_KEY=settings.SECRET_KEY,
        INNOVATE_TESTING="1",
        CONN_MAX_AGE="0",
        TRUSTED_PROXIES="",
    )
    ports = [_free_port(), _free_port()]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "innovate.wsgi", "--workers", "1"]
            + ["--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for port in ports
    ]
    try:
        deadline = time.monotonic() + 30
        for port, process in zip(ports, processes, strict=True):
            while not _answers(port):
                if process.poll() is not None:
                    pytest.fail("the app server stopped: " + process.stderr.read().decode())
                if time.monotonic() > deadline:
                    pytest.fail(f"the app server on port {port} did not answer in 30 seconds")
                time.sleep(0.1)
        yield tuple(ports)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


class Browser:
    """A person's browser: its cookies, sent to whichever server it asks."""

    def __init__(self):
        self.cookies = {}

    def request(self, port, method, path, form=None, cookies=None):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        jar = self.cookies if cookies is None else cookies
        headers = {"Host": "localhost"}
        if jar:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode()
        if cookies is None:
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name] = rest.split(";", 1)[0].strip('"')
        conn.close()
        return response.status, response.getheader("Location") or "", text

    def post(self, port, path, form):
        """Open the form, then post it with its CSRF token."""
        status, _location, page = self.request(port, "GET", path)
        assert status == 200, (path, status)
        form = {**form, "csrfmiddlewaretoken": TOKEN.search(page).group(1)}
        return self.request(port, "POST", path, form)

    def sign_in(self, port, username, password=PASSWORD):
        status, location, _page = self.post(
            port, "/login/", {"username": username, "password": password}
        )
        assert (status, location) == (302, "/"), (status, location)
        return self.cookies["sessionid"]

    def sign_out(self, port):
        status, _location, page = self.request(port, "GET", "/innovations/")
        assert status == 200
        token = TOKEN.search(page).group(1)
        status, location, _page = self.request(
            port, "POST", "/logout/", {"csrfmiddlewaretoken": token}
        )
        assert (status, location) == (302, "/login/")


def opens_innovations(port, session):
    """The status and redirect the innovations page answers a browser holding `session`."""
    status, location, _page = Browser().request(
        port, "GET", "/innovations/", cookies={"sessionid": session}
    )
    return status, location


SIGN_IN_AGAIN = (302, "/login/?next=/innovations/")


def test_signing_out_on_one_server_ends_the_session_on_the_other(servers, leader):
    first, second = servers
    browser = Browser()
    session = browser.sign_in(first, "leader")
    assert opens_innovations(second, session) == (200, "")

    browser.sign_out(first)

    assert opens_innovations(second, session) == SIGN_IN_AGAIN
    assert opens_innovations(first, session) == SIGN_IN_AGAIN


def test_deactivating_a_leaver_ends_their_session_on_every_server(servers, leader, manager):
    first, second = servers
    session = Browser().sign_in(first, "leader")
    assert opens_innovations(second, session) == (200, "")

    people.deactivate(Membership.objects.get(user=leader), by=manager)

    assert not Session.objects.filter(session_key=session).exists()
    assert opens_innovations(second, session) == SIGN_IN_AGAIN
    assert opens_innovations(first, session) == SIGN_IN_AGAIN


def test_a_new_password_ends_the_old_sessions_on_every_server(servers, leader):
    first, second = servers
    session = Browser().sign_in(first, "leader")
    assert opens_innovations(second, session) == (200, "")

    # The link of the reset email, completed on the first server by another browser.
    leader.refresh_from_db()  # the link depends on the time of the latest sign-in
    uid = urlsafe_base64_encode(force_bytes(leader.pk))
    token = default_token_generator.make_token(leader)
    resetting = Browser()
    status, form_path, _page = resetting.request(first, "GET", f"/password-reset/{uid}/{token}/")
    assert status == 302
    status, location, _page = resetting.post(
        first, form_path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert (status, location) == (303, "/password-reset/done/")

    assert opens_innovations(second, session) == SIGN_IN_AGAIN
    assert opens_innovations(first, session) == SIGN_IN_AGAIN
    fresh = Browser().sign_in(second, "leader", NEW_PASSWORD)
    assert opens_innovations(first, fresh) == (200, "")
