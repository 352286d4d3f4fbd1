import datetime

import pytest
from django.test import Client

from tests.factories import make_move, make_part

START = datetime.date(2024, 1, 1)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The personas' passwords are set on creation; the default hasher costs ~0.2 s each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def client_for():
    """A test client signed in as `user` (or anonymous for None)."""

    def make(user=None, **kwargs):
        client = Client(**kwargs)
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def part(innovation, leader):
    """North team, started in Mobilising on 1 January 2024."""
    return make_part(innovation, by=leader, name="North team", on=START)


@pytest.fixture
def moved_part(part, leader):
    """North team, advanced to Designing on 1 February 2024."""
    make_move(part, "advance", by=leader, on=datetime.date(2024, 2, 1))
    return part
