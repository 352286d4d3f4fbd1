import datetime
import os
import secrets
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", ["accessibility", "privacy", "cookies"])
def test_the_notices_are_public_pages(client, name):
    response = client.get(reverse(f"notices:{name}"))
    assert response.status_code == 200
    assert b"<h1" in response.content


def test_the_cookie_notice_lists_only_essential_cookies(client):
    html = client.get(reverse("notices:cookies")).content.decode()
    assert "sessionid" in html and "csrftoken" in html
    assert "no analytics or advertising cookies" in html


def test_every_page_links_to_the_notices(client):
    html = client.get(reverse("login")).content.decode()
    for name in ("accessibility", "privacy", "cookies"):
        assert reverse(f"notices:{name}") in html


def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "'nonce-" in policy
    assert "frame-ancestors 'none'" in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.content.decode()


def test_pages_deny_framing_and_limit_referrers_and_features(client):
    response = client.get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_sessions_end_after_an_idle_hour():
    assert settings.SESSION_COOKIE_AGE == 3600
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_activity_renews_the_session_every_few_minutes_not_on_every_page(client, leader):
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    url = reverse("innovations:list")
    with time_machine.travel(start, tick=False):
        client.force_login(leader)
    with time_machine.travel(start + datetime.timedelta(seconds=60), tick=False):
        response = client.get(url)
        assert "sessionid" not in response.cookies
        assert 'name="session-expiry" content="3540"' in response.content.decode()
    with time_machine.travel(start + datetime.timedelta(seconds=400), tick=False):
        renewed = client.get(url).cookies["sessionid"]
        assert renewed["max-age"] == 3600


def test_signed_in_pages_warn_before_the_session_ends(client, leader):
    # The clock stands still: signing in and the next page fall in the same second, as they
    # would not always on a busy machine.
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False):
        client.force_login(leader)
        html = client.get(reverse("innovations:list")).content.decode()
    assert 'name="session-expiry" content="3600"' in html
    assert "js/session.js" in html


def test_staying_signed_in_renews_the_session(client, leader):
    client.force_login(leader)
    assert client.post(reverse("keepalive")).status_code == 204
    assert client.get(reverse("keepalive")).status_code == 405


def test_staying_signed_in_needs_a_session(client):
    response = client.post(reverse("keepalive"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def _production_env(**extra):
    unwanted = {"DJANGO_DEBUG", "INNOVATE_ALLOW_HTTP", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in unwanted}
    env.pop("DATABASE_URL", None)
    env.update(SECRET_KEY=secrets.token_urlsafe(60), **extra)
    return env


def test_the_deployment_checks_pass_under_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_are_https_only():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='innovate.settings';"
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_HSTS_SECONDS >= 31536000)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
    )
    assert out.stdout.strip() == "True True True True", out.stderr
    relaxed = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_production_env(INNOVATE_ALLOW_HTTP="1"),
        capture_output=True,
        text=True,
    )
    assert relaxed.stdout.strip() == "False False False False", relaxed.stderr


def test_start_up_stops_without_a_secret_key_outside_debug():
    env = _production_env()
    env.pop("SECRET_KEY")
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='innovate.settings';django.setup()"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_the_worker_stops_without_a_secret_key_outside_debug():
    """The worker signs the unsubscribe links of its emails: with a random key of its own
    they would be refused by the web servers, so it does not start without the real one.
    Commands that sign nothing lasting still run."""
    env = _production_env()
    env.pop("SECRET_KEY")
    for command in ["qcluster", "send_reminders"]:
        # In a process group of its own, so a worker that did start is stopped with its
        # children.
        started = subprocess.Popen(
            [sys.executable, "manage.py", command],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            _, stderr = started.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(started.pid, signal.SIGKILL)
            started.communicate()
            raise
        assert started.returncode != 0, command
        assert "SECRET_KEY is not set" in stderr, command
    check = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "SECRET_KEY is not set" not in check.stderr


def test_every_free_text_field_says_no_child_s_personal_data_belongs_there(
    client, leader, innovation
):
    from stages import services
    from tests.factories import make_part

    part = make_part(innovation, by=leader)
    services.move_part(part, kind="advance", by=leader, effective_on=part.stage_since)
    client.force_login(leader)
    pages = [
        reverse("innovations:create"),
        reverse("innovations:close", args=[innovation.pk]),
        reverse("parts:move", args=[part.pk]),
        reverse("parts:void", args=[part.pk]),
        reverse("parts:withdraw", args=[part.pk]),
        reverse("innovations:withdraw", args=[innovation.pk]),
        reverse("evidence:check", args=[part.pk]),
        reverse("evidence:involvement", args=[part.pk]),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        textareas = html.count("<textarea")
        assert textareas > 0, url
        assert html.count("personal details") >= textareas, url
