"""One reminder goes through Django's SMTP backend to a real SMTP server (aiosmtpd, listening
on a port of this machine) and is read back: headers, the plain and the HTML part."""

import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller

from innovate.access import visible_innovations
from notifications import sending
from stages import clock
from tests.factories import make_part


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.DEFAULT_FROM_EMAIL = "innovate@example.org"
    yield inbox
    controller.stop()


def test_a_reminder_arrives_through_a_real_smtp_server(smtp_server, innovation, leader):
    today = clock.localdate()
    make_part(innovation, by=leader, lead=leader, next_review_on=today)
    assert sending.send_reminders(today, seen=visible_innovations) == 1

    ((recipients, raw),) = smtp_server.messages
    assert recipients == [leader.email]
    message = email.message_from_bytes(raw, policy=policy.default)
    assert message["To"] == leader.email
    assert message["From"] == "innovate@example.org"
    assert message["Subject"] == "1 reminder from Innovate for Northshire County Council"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = str(message["List-Unsubscribe"]).strip()
    assert unsubscribe.startswith("<https://innovate.example.org/unsubscribe/")
    plain = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    words = "North team of Family group conferencing (Mobilising): review due on"
    assert words in plain
    assert words in html
    assert unsubscribe.strip("<>") in plain
    assert '<html lang="en-GB">' in html
    part_link = f"https://innovate.example.org/innovations/{innovation.pk}/"
    assert part_link in plain and part_link in html
