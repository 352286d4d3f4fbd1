"""Reads from a replica (innovate.replica): the dashboards and the exports read from it, other
pages and every write from the primary, and a person who wrote in the last few seconds reads
from the primary everywhere. The replica here is Django's test mirror of the default database:
a connection of its own, so the test sees which connection each page used; the tests commit
their rows (transaction=True) so that the second connection sees them."""

from datetime import date

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from innovate.replica import WROTE_COOKIE
from tests.factories import make_part

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture
def replica(settings):
    settings.READ_FROM_REPLICA = True


@pytest.fixture
def part(innovation, leader):
    return make_part(innovation, by=leader, name="North team", on=date(2024, 1, 1))


def read(client, url):
    """(status, body, queries on the replica, queries on the primary) of a GET of `url`."""
    with (
        CaptureQueriesContext(connections["replica"]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        response = client.get(url)
        body = (
            b"".join(response.streaming_content) if response.streaming else response.content
        ).decode()
    return response.status_code, body, len(on_replica), len(on_primary)


@pytest.mark.parametrize(
    "name", ["dashboard:portfolio", "dashboard:durations", "dashboard:export-moves"]
)
def test_dashboards_and_exports_read_from_the_replica(replica, client, viewer, part, name):
    client.force_login(viewer)
    status, body, on_replica, _ = read(client, reverse(name))
    assert status == 200
    assert "North team" in body
    assert on_replica > 0


def test_other_pages_read_from_the_primary(replica, client, viewer, part):
    client.force_login(viewer)
    status, body, on_replica, on_primary = read(
        client, reverse("innovations:detail", args=[part.innovation_id])
    )
    assert status == 200
    assert "North team" in body
    assert (on_replica, on_primary > 0) == (0, True)


def test_a_person_who_just_wrote_reads_from_the_primary(replica, client, leader, part, settings):
    client.force_login(leader)
    response = client.post(
        reverse("parts:move", args=[part.pk]),
        {"kind": "advance", "expected_version": 1, "effective_on": str(date.today())},
    )
    assert response.status_code == 303
    assert response.cookies[WROTE_COOKIE]["max-age"] == settings.REPLICA_LAG_SECONDS

    status, body, on_replica, on_primary = read(client, reverse("dashboard:portfolio"))
    assert (status, on_replica) == (200, 0)
    assert on_primary > 0
    assert "North team advanced to" in body

    # Once the few seconds have passed (the cookie has expired), the replica again.
    del client.cookies[WROTE_COOKIE]
    assert read(client, reverse("dashboard:portfolio"))[2] > 0


def test_a_refused_write_does_not_count_as_a_write(replica, client, leader, part):
    client.force_login(leader)
    response = client.post(reverse("parts:move", args=[part.pk]), {"kind": "jump"})
    assert response.status_code == 422
    assert WROTE_COOKIE not in response.cookies


def test_without_a_replica_every_read_is_on_the_primary(settings, client, viewer, part):
    settings.READ_FROM_REPLICA = False
    client.force_login(viewer)
    status, _, on_replica, on_primary = read(client, reverse("dashboard:portfolio"))
    assert (status, on_replica) == (200, 0)
    assert on_primary > 0
