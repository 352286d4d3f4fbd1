"""The sign-in lockout: failures counted per username across every address, a wait that grows,
the client's address believed only from the trusted proxy, and a way out by a password reset."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY as USER_SESSION_KEY
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD
from tests.innovate.helpers import sent_mail

PROXY = "10.0.0.1"
LONDON = ZoneInfo("Europe/London")
NINE = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=LONDON)
NEW_PASSWORD = "kestrel-harbour-lantern"
RESET_LINK = re.compile(r"https?://[^/\s]+(/password-reset/[^\s]+/)")


@pytest.fixture(autouse=True)
def behind_a_proxy(settings):
    settings.TRUSTED_PROXIES = [PROXY]


@pytest.fixture
def clock():
    with time_machine.travel(NINE, tick=False) as traveller:
        yield traveller


def sign_in(username, password, client_address, *, client=None, remote=PROXY):
    """A sign-in from `client_address`, through the trusted proxy unless `remote` says."""
    client = client or Client()
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=client_address,
    )


def fail(times, username="leader", addresses=None):
    addresses = addresses or [f"203.0.113.{n}" for n in range(1, times + 1)]
    for n in range(times):
        response = sign_in(username, "wrong-password", addresses[n % len(addresses)])
        assert response.status_code in (422, 429)
    return response


def locked_until(response):
    assert response.status_code == 429, response.status_code
    html = response.content.decode()
    return re.search(r"Try again after ([^.]+)\.", html).group(1)


def test_five_failures_from_five_addresses_lock_the_username_out(clock, leader):
    response = fail(5)
    assert response.status_code == 429
    refused = sign_in("leader", PASSWORD, "198.51.100.99")
    assert locked_until(refused) == "09:15"
    assert "this account is locked" in refused.content.decode()
    assert sorted(AccessAttempt.objects.values_list("ip_address", flat=True)) == [
        f"203.0.113.{n}" for n in range(1, 6)
    ]


def test_four_failures_leave_the_person_free_to_sign_in(clock, leader):
    fail(4)
    response = sign_in("leader", PASSWORD, "203.0.113.9")
    assert response.status_code == 302


def test_the_lockout_of_one_username_leaves_others_at_the_same_address_alone(clock, leader, viewer):
    fail(5, addresses=["203.0.113.1"])
    assert sign_in("leader", PASSWORD, "203.0.113.1").status_code == 429
    assert sign_in("viewer", PASSWORD, "203.0.113.1").status_code == 302


def test_a_forged_forwarded_header_from_an_untrusted_address_is_ignored(clock, leader):
    for n in range(5):
        sign_in("leader", "wrong-password", f"203.0.113.{n}", remote="198.51.100.7")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}
    assert sign_in("leader", PASSWORD, "203.0.113.77", remote="198.51.100.7").status_code == 429


def test_each_further_failure_doubles_the_wait(clock, leader):
    fail(5)
    clock.shift(datetime.timedelta(minutes=16))
    assert sign_in("leader", "wrong-password", "203.0.113.6").status_code == 429
    assert locked_until(sign_in("leader", PASSWORD, "203.0.113.6")) == "09:46"
    clock.shift(datetime.timedelta(minutes=31))
    fail(1)
    assert locked_until(sign_in("leader", PASSWORD, "203.0.113.7")) == "10:47"


def test_the_wait_is_at_most_a_day(clock, leader):
    one = ["203.0.113.1"]
    fail(5, addresses=one)
    for wait in (15, 30, 60, 120, 240, 480, 960):
        clock.shift(datetime.timedelta(minutes=wait + 1))
        fail(1, addresses=one)
    # The twelfth failure, at 16:52 the next day: a wait of 32 hours, cut to 24.
    assert locked_until(sign_in("leader", PASSWORD, "203.0.113.1")) == "16:52 tomorrow"


def test_attempts_refused_while_locked_out_do_not_lengthen_the_wait(clock, leader):
    fail(5)
    for minute in range(1, 10):
        clock.shift(datetime.timedelta(minutes=1))
        assert sign_in("leader", "wrong-password", f"198.51.100.{minute}").status_code == 429
    assert locked_until(sign_in("leader", PASSWORD, "203.0.113.1")) == "09:15"
    clock.shift(datetime.timedelta(minutes=7))
    assert sign_in("leader", PASSWORD, "203.0.113.1").status_code == 302


def test_signing_in_forgets_the_failures(clock, leader):
    fail(4)
    assert sign_in("leader", PASSWORD, "203.0.113.1").status_code == 302
    assert fail(4).status_code == 422
    assert sign_in("leader", PASSWORD, "203.0.113.1").status_code == 302


def test_a_locked_out_person_resets_their_password_and_signs_in_at_once(clock, leader):
    fail(5)
    assert sign_in("leader", PASSWORD, "203.0.113.1").status_code == 429
    page = sign_in("leader", PASSWORD, "203.0.113.1").content.decode()
    assert f'href="{reverse("people:password-reset")}">reset your password</a>' in page

    browser = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.1")
    response = browser.post(reverse("people:password-reset"), {"email": "leader@example.org"})
    assert response.status_code == 303
    (email,) = sent_mail()
    form_url = browser.get(RESET_LINK.search(email.body).group(1))["Location"]
    response = browser.post(
        form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 303

    assert not AccessAttempt.objects.filter(username="leader").exists()
    signed_in = sign_in("leader", NEW_PASSWORD, "203.0.113.1", client=browser)
    assert signed_in.status_code == 302
    assert int(browser.session[USER_SESSION_KEY]) == leader.pk


def test_one_address_failing_on_many_usernames_is_paused(clock, settings, leader):
    settings.SIGN_IN_FAILURE_LIMIT_PER_ADDRESS = 8
    for n in range(8):
        response = sign_in(f"someone-{n}", "wrong-password", "203.0.113.50")
    assert response.status_code == 429
    refused = sign_in("leader", PASSWORD, "203.0.113.50")
    assert locked_until(refused) == "10:00"
    assert "signing in from your network is paused" in refused.content.decode()
    assert sign_in("leader", PASSWORD, "203.0.113.51").status_code == 302


def test_an_address_pause_ends_an_hour_after_its_latest_failure(clock, settings, leader):
    settings.SIGN_IN_FAILURE_LIMIT_PER_ADDRESS = 8
    for n in range(8):
        sign_in(f"someone-{n}", "wrong-password", "203.0.113.50")
    clock.shift(datetime.timedelta(minutes=61))
    assert sign_in("leader", PASSWORD, "203.0.113.50").status_code == 302
