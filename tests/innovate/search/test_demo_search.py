"""As a new user of the demo would: "Eastfield" and "MASH", both part names, find their parts;
the demo's guest finds only what is shared with them."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from stages.models import Membership
from tests.innovate.search.results import results

pytestmark = pytest.mark.django_db


def found(username, query):
    user = Membership.objects.get(organisation__slug="northshire", user__username=username).user
    client = Client()
    client.force_login(user)
    response = client.get(reverse("search:results"), {"q": query})
    assert response.status_code == 200
    return [(row.kind, re.sub(r"<[^>]+>", "", row.title)) for row in results(response)]


def test_the_demo_parts_are_found_by_their_names():
    call_command("seed_demo", stdout=StringIO())
    assert ("part", "Eastfield hub") in found("viewer", "Eastfield")
    assert ("part", "Front door (MASH)") in found("viewer", "MASH")
    assert found("police-guest", "Eastfield") == []
