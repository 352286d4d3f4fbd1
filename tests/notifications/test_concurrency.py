"""Two workers run the same daily job at the same moment (threads released together by a
barrier, each with its own database connection, on PostgreSQL): each email is sent once."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection

from innovate.access import visible_innovations
from notifications import sending
from notifications.models import Delivery
from stages import clock
from tests.factories import make_move, make_part

WORKERS = 2


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_email_once(postgres, innovation, leader, facilitator):
    today = clock.localdate()
    for n in range(12):
        make_part(innovation, by=leader, name=f"Review {n}", lead=leader, next_review_on=today)
    paused = make_part(
        innovation, by=leader, name="Paused", lead=facilitator, on=today - timedelta(days=9)
    )
    make_move(paused, "pause", by=leader, on=today - timedelta(days=5), review_on=today)
    barrier = threading.Barrier(WORKERS)
    results, errors = [], []

    def worker():
        try:
            barrier.wait(timeout=10)
            results.append(sending.send_reminders(today, seen=visible_innovations))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    for _round in range(5):
        threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert errors == []
    assert sorted(m.to[0] for m in mail.outbox) == sorted([leader.email, facilitator.email])
    assert sum(results) == 2
    assert Delivery.objects.filter(status="sent").count() == 13
