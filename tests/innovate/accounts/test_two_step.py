"""Signing in with an email address as well as a username, two-step sign-in with an
authenticator app (a frozen clock) and single-use recovery codes, the organisation's
requirement on every way in, and the lockout over all of it."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.contrib.auth import SESSION_KEY as USER_SESSION_KEY
from django.test import Client
from django.urls import reverse

from signins import services as signins
from signins.models import SignInEvent, SignInMethod
from stages import people
from tests.factories import PASSWORD

LONDON = ZoneInfo("Europe/London")
NINE = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=LONDON)


@pytest.fixture
def clock():
    with time_machine.travel(NINE, tick=False) as traveller:
        yield traveller


def code_at(secret, when):
    return format_hotp_value(hotp_value(secret, int(when.timestamp()) // 30))


def sign_in(client, login, password=PASSWORD):
    return client.post(reverse("login"), {"username": login, "password": password})


def set_up_app(client):
    """Sets up the authenticator app through the page, as a person would; returns its secret
    and the recovery codes the page shows once."""
    page = client.get(reverse("accounts:two-step"))
    assert page.status_code == 200
    secret = page.context["secret"]
    assert secret in page.content.decode()
    done = client.post(reverse("accounts:two-step"), {"code": code_at(secret, NINE)})
    assert done.status_code == 303
    assert done["Location"] == reverse("accounts:recovery-codes")
    shown = client.get(reverse("accounts:recovery-codes"))
    codes = re.findall(r"<li><code>([^<]+)</code></li>", shown.content.decode())
    assert len(codes) == 10
    return secret, codes


def signed_in_as(client):
    return client.session.get(USER_SESSION_KEY)


def test_signing_in_with_an_email_address_works_as_with_a_username(leader):
    client = Client()
    response = sign_in(client, "LEADER@example.org")
    assert response.status_code == 302
    assert signed_in_as(client) == str(leader.pk)
    event = SignInEvent.objects.get(user=leader)
    assert (event.method, event.succeeded) == (SignInMethod.PASSWORD, True)


def test_failures_by_email_and_by_username_add_up_to_one_lockout(leader):
    for _ in range(3):
        assert sign_in(Client(), "leader@example.org", "wrong-password").status_code == 422
    for _ in range(2):
        assert sign_in(Client(), "leader", "wrong-password").status_code in (422, 429)
    assert sign_in(Client(), "leader", PASSWORD).status_code == 429
    assert sign_in(Client(), "leader@example.org", PASSWORD).status_code == 429
    refused = SignInEvent.objects.filter(user=leader, succeeded=False)
    assert refused.count() >= 5


def test_the_app_is_set_up_with_a_code_and_then_asked_for_at_each_sign_in(leader, clock):
    client = Client()
    client.force_login(leader)
    secret, _codes = set_up_app(client)
    assert Authenticator.objects.filter(user=leader, type="totp").exists()
    client.logout()

    first = sign_in(client, "leader")
    assert first.status_code == 302
    assert first["Location"] == reverse("mfa_authenticate")
    assert signed_in_as(client) is None

    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 422
    assert "That code is not right" in wrong.content.decode()
    assert signed_in_as(client) is None

    # The code of two minutes ago is refused; the code of now lets them in.
    stale = code_at(secret, NINE - datetime.timedelta(minutes=2))
    assert client.post(reverse("mfa_authenticate"), {"code": stale}).status_code == 422
    right = client.post(reverse("mfa_authenticate"), {"code": code_at(secret, NINE)})
    assert right.status_code == 302
    assert signed_in_as(client) == str(leader.pk)
    latest = SignInEvent.objects.filter(user=leader, succeeded=True).first()
    assert latest.method == SignInMethod.TWO_STEP


def test_a_recovery_code_works_once(leader, clock):
    client = Client()
    client.force_login(leader)
    _secret, codes = set_up_app(client)
    client.logout()

    sign_in(client, "leader")
    assert client.post(reverse("mfa_authenticate"), {"code": codes[0]}).status_code == 302
    assert signed_in_as(client) == str(leader.pk)
    client.logout()

    sign_in(client, "leader")
    again = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert again.status_code == 422
    assert signed_in_as(client) is None
    assert client.post(reverse("mfa_authenticate"), {"code": codes[1]}).status_code == 302


def test_recovery_codes_are_shown_once(leader, clock):
    client = Client()
    client.force_login(leader)
    _secret, codes = set_up_app(client)
    later = client.get(reverse("accounts:recovery-codes")).content.decode()
    assert codes[0] not in later
    assert "enter a current code" in later


def test_wrong_codes_count_towards_the_lockout(leader, clock):
    client = Client()
    client.force_login(leader)
    secret, _codes = set_up_app(client)
    client.logout()
    sign_in(client, "leader")
    answers = [
        client.post(reverse("mfa_authenticate"), {"code": "111111"}).status_code for _ in range(5)
    ]
    assert answers[-1] == 429
    again = client.post(reverse("mfa_authenticate"), {"code": code_at(secret, NINE)})
    assert again.status_code == 429
    assert signed_in_as(client) is None


@pytest.fixture
def required(organisation, manager):
    signins.update_settings(organisation, by=manager, require_two_step=True)


def test_a_required_app_is_set_up_before_anything_else(leader, required, clock):
    client = Client()
    assert sign_in(client, "leader@example.org").status_code == 302
    for url in (reverse("innovations:list"), reverse("dashboard:my-work"), reverse("home")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:two-step")
    page = client.get(reverse("accounts:two-step"))
    assert "Your organisation requires two-step sign-in" in page.content.decode()
    set_up_app(client)
    assert client.get(reverse("innovations:list")).status_code == 200


def test_the_requirement_holds_when_signing_in_by_username(leader, required):
    client = Client()
    sign_in(client, "leader")
    response = client.get(reverse("innovations:list"))
    assert response["Location"] == reverse("accounts:two-step")


def test_the_requirement_holds_after_accepting_an_invitation(organisation, manager, required):
    _invitation, token = people.invite(
        organisation, by=manager, email="new.person@example.org", role="viewer"
    )
    client = Client()
    accepted = client.post(
        reverse("people:accept", args=[token]),
        {
            "username": "newperson",
            "first_name": "New",
            "last_name": "Person",
            "password": "kestrel-harbour-lantern",
            "password_again": "kestrel-harbour-lantern",
        },
    )
    assert accepted.status_code in (302, 303)
    assert client.get(reverse("innovations:list"))["Location"] == reverse("accounts:two-step")


def test_an_organisation_that_requires_it_does_not_let_it_be_turned_off(leader, required, clock):
    client = Client()
    client.force_login(leader)
    set_up_app(client)
    response = client.get(reverse("accounts:turn-off-two-step"))
    assert response.status_code == 303
    assert Authenticator.objects.filter(user=leader, type="totp").exists()


def test_turning_it_off_asks_for_a_current_code(leader, clock):
    client = Client()
    client.force_login(leader)
    secret, _codes = set_up_app(client)
    refused = client.post(reverse("accounts:turn-off-two-step"), {"code": "123456"})
    assert refused.status_code == 422
    assert Authenticator.objects.filter(user=leader, type="totp").exists()
    clock.shift(datetime.timedelta(seconds=60))
    later = NINE + datetime.timedelta(seconds=60)
    done = client.post(reverse("accounts:turn-off-two-step"), {"code": code_at(secret, later)})
    assert done.status_code == 303
    assert not Authenticator.objects.filter(user=leader).exists()
