"""Password reset requests are limited per address and per client, counted in the database, and
answer alike whether or not an account uses the address: the email is sent outside the
request."""

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client
from django.urls import reverse

from stages.models import PasswordResetRequest
from tests.innovate.helpers import sent_mail

PROXY = "10.0.0.1"
NINE = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Europe/London"))
TOO_MANY_FOR_ADDRESS = (
    "We have already sent 3 links to this address, the most we send in a short time. Use the "
    "latest one, or try again after 10:00."
)
TOO_MANY_FROM_CLIENT = (
    "Too many requests for a password reset have come from your network. Try again after 10:00."
)


@pytest.fixture(autouse=True)
def behind_a_proxy(settings):
    settings.TRUSTED_PROXIES = [PROXY]


@pytest.fixture
def clock():
    with time_machine.travel(NINE, tick=False) as traveller:
        yield traveller


def ask(email, client_address="203.0.113.1", remote=PROXY):
    return Client().post(
        reverse("people:password-reset"),
        {"email": email},
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=client_address,
    )


def refused_with(response, message):
    assert response.status_code == 429, response.status_code
    html = response.content.decode()
    assert "There is a problem" in html
    assert 'id="id_email_error"' in html
    assert html.count(message) == 2, "the message is not both in the summary and at the field"
    return html


# Per address


def test_an_address_receives_three_links_an_hour_then_the_form_says_so(clock, leader):
    for n in range(3):
        assert ask("leader@example.org", f"203.0.113.{n}").status_code == 303
    response = ask("leader@example.org", "203.0.113.9")
    html = refused_with(response, TOO_MANY_FOR_ADDRESS)
    assert 'value="leader@example.org"' in html
    assert len(sent_mail()) == 3


@pytest.mark.parametrize("email", ["leader@example.org", "nobody@example.org"])
def test_the_limit_answers_alike_whether_or_not_an_account_uses_the_address(clock, leader, email):
    answers = [ask(email, f"203.0.113.{n}").status_code for n in range(4)]
    assert answers == [303, 303, 303, 429]
    refused_with(ask(email, "203.0.113.9"), TOO_MANY_FOR_ADDRESS)


def test_the_address_limit_ignores_case_and_spaces(clock, leader):
    for email in ("leader@example.org", "LEADER@example.org", " Leader@Example.org "):
        assert ask(email).status_code == 303
    refused_with(ask("leader@EXAMPLE.org", "203.0.113.9"), TOO_MANY_FOR_ADDRESS)


def test_an_address_receives_links_again_an_hour_after_the_first(clock, leader):
    for _ in range(3):
        ask("leader@example.org")
    clock.shift(datetime.timedelta(minutes=59))
    assert ask("leader@example.org").status_code == 429
    clock.shift(datetime.timedelta(minutes=1))
    assert ask("leader@example.org").status_code == 303
    assert len(sent_mail()) == 4


def test_refused_requests_do_not_use_up_an_addresss_links(clock, leader):
    """Someone flooding requests for a person's address cannot stop the person's own request
    once an hour has passed: only links sent are counted against an address."""
    for n in range(3):
        assert ask("leader@example.org", f"198.51.100.{n}").status_code == 303
    clock.shift(datetime.timedelta(minutes=30))
    for n in range(10):
        assert ask("leader@example.org", f"198.51.100.{n}").status_code == 429
    clock.shift(datetime.timedelta(minutes=30))
    assert ask("leader@example.org").status_code == 303


def test_the_address_is_kept_only_as_a_keyed_hash(clock, leader):
    ask("leader@example.org")
    (kept,) = PasswordResetRequest.objects.all()
    assert "leader" not in kept.email_hash and len(kept.email_hash) == 64
    assert (kept.client, kept.sent) == ("203.0.113.1", True)


# Per client


def test_a_client_may_ask_twenty_times_an_hour_then_the_form_says_so(clock, leader):
    for n in range(20):
        assert ask(f"person{n}@example.org", "203.0.113.5").status_code == 303
    refused_with(ask("leader@example.org", "203.0.113.5"), TOO_MANY_FROM_CLIENT)
    assert sent_mail() == []
    assert ask("leader@example.org", "203.0.113.6").status_code == 303
    assert [m.to for m in sent_mail()] == [["leader@example.org"]]


def test_a_forged_forwarded_header_does_not_escape_the_client_limit(clock, leader):
    for n in range(20):
        response = ask(f"person{n}@example.org", f"203.0.113.{n}", remote="198.51.100.7")
        assert response.status_code == 303
    response = ask("leader@example.org", "203.0.113.99", remote="198.51.100.7")
    refused_with(response, TOO_MANY_FROM_CLIENT)
    assert set(PasswordResetRequest.objects.values_list("client", flat=True)) == {"198.51.100.7"}


def test_old_requests_are_cleared_away(clock, leader):
    ask("leader@example.org")
    clock.shift(datetime.timedelta(minutes=61))
    ask("nobody@example.org")
    assert PasswordResetRequest.objects.count() == 1


# The email is sent outside the request


class HeldMail(BaseEmailBackend):
    """A mail server that takes the message only when the test lets it."""

    release = threading.Event()
    senders = []

    def send_messages(self, messages):
        HeldMail.senders.append(threading.get_ident())
        HeldMail.release.wait(timeout=10)
        mail.outbox.extend(messages)
        return len(messages)


@pytest.fixture
def held_mail(settings):
    settings.EMAIL_BACKEND = f"{__name__}.HeldMail"
    HeldMail.release.clear()
    HeldMail.senders.clear()
    yield HeldMail
    HeldMail.release.set()
    sent_mail()


def test_the_page_answers_before_the_email_is_sent(held_mail, leader):
    response = ask("leader@example.org")
    assert response.status_code == 303
    assert mail.outbox == []
    held_mail.release.set()
    (email,) = sent_mail()
    assert email.to == ["leader@example.org"]
    assert held_mail.senders and threading.get_ident() not in held_mail.senders


@pytest.mark.parametrize("email", ["leader@example.org", "nobody@example.org"])
def test_an_address_with_an_account_and_one_without_run_the_same_queries(
    held_mail, leader, email, django_assert_num_queries
):
    with django_assert_num_queries(5):
        response = ask(email)
    assert response.status_code == 303
    held_mail.release.set()
    assert len(sent_mail()) == (1 if email.startswith("leader") else 0)
