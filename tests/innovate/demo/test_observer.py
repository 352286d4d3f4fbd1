"""The demo's observer: signs in with the demo password, lands on the network's wheel and sees
the five organisations' shared parts as counts, and nothing of any organisation's internals."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from innovate import demo
from innovate.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

ORGANISATIONS = [
    "Eastbrook Borough Council",
    "Northshire County Council",
    "Riverford City Council",
    "Southdale Children's Trust",
    "Westmoor County Council",
]


def test_the_demo_observer_sees_the_networks_wheel_with_five_organisations_parts(client):
    demo.load()
    response = client.post(reverse("login"), {"username": "observer", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    home = client.get(reverse("home"))
    assert home.status_code == 302
    page = client.get(home["Location"])
    text = page.content.decode()
    assert page.status_code == 200
    assert "The network's wheel" in text
    assert ", observer of Family Safeguarding spread</p>" in text
    rows = text.split("Parts in each stage, by organisation")[1].split("</table>")[0]
    for name in ORGANISATIONS:
        row = rows.split(f'<th scope="row" class="govuk-table__header">{escape(name)}</th>')[1]
        total = row.split("</tr>")[0].split("</td>")[-2].rsplit(">", 1)[1]
        assert total in {"fewer than 3", "3"}, (name, total)
    # Counts only: no part, no innovation's internals.
    for private in ("Central locality team", "Riverford north team", "Southdale partners"):
        assert private not in text
    for organisation_page in ("innovations:list", "dashboard:portfolio", "dashboard:my-work"):
        assert client.get(reverse(organisation_page)).status_code == 404
