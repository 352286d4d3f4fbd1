"""The demo's guest: a police partner who signs in with the demo password and sees exactly one
innovation, as `make run` lists among the demo logins."""

import pytest
from django.urls import reverse

from innovate import demo
from innovate.demo import DEMO_PASSWORD
from stages.models import Innovation

pytestmark = pytest.mark.django_db


def test_the_demo_guest_signs_in_and_sees_exactly_one_innovation(client):
    demo.load()
    assert any("police-guest" in line and "Guest" in line for line in demo.logins())

    response = client.post(
        reverse("login"), {"username": "police-guest", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    listing = client.get(reverse("innovations:list")).content.decode()
    titles = Innovation.objects.filter(organisation__slug="northshire").values_list(
        "title", flat=True
    )
    shown = [title for title in titles if f">{title}<" in listing]
    assert shown == ["Contextual safeguarding of extra-familial harm"]
    assert ", guest at Northshire County Council</p>" in listing
    assert client.get(reverse("dashboard:portfolio")).status_code == 403
