"""The demo's network shows the measures' statuses of every innovation shared with them: each
has measures with recent readings, so a member reads a status for each, and the innovation
shared at its stages alone shows none."""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from innovate import demo
from networks.models import Network, ShareLevel, Sharing

pytestmark = pytest.mark.django_db

# organisation: the statuses its Family Safeguarding innovation shows on its page of the
# network, or None where it shares its stages alone.
STATUSES = {
    "Northshire County Council": [
        "Group case supervision held every week (Integrating): on track",
        "Children who stay safely at home (Growing): on track",
    ],
    "Southdale Children's Trust": [
        "Whole-family working in practice (Designing): on track",
        "Families with a whole-family plan (Developing): off track",
    ],
    "Eastbrook Borough Council": ["Multi-disciplinary team in place (Mobilising): some concern"],
    "Riverford City Council": ["Caseloads at a safe level (Developing): off track"],
    "Westmoor County Council": None,
}


def _measures_line(text):
    group = text.split("(shares:")[1].split("</tbody>")[0]
    found = re.search(r"Measures:</span> (.*?)</td>", group)
    return found.group(1).split("; ") if found else None


def test_every_innovation_shared_with_its_statuses_shows_a_status_for_each_measure(client):
    demo.load()
    network = Network.objects.get(name="Family Safeguarding spread")
    shared = {
        s.organisation.name: s.level
        for s in Sharing.objects.filter(network=network).select_related("organisation")
    }
    assert {name for name, level in shared.items() if level != ShareLevel.STAGES} == {
        name for name, statuses in STATUSES.items() if statuses
    }
    client.force_login(network.owner.memberships.filter(role="manager").first().user)
    pages = {
        place.organisation.name: client.get(
            reverse("networks:organisation", args=[network.pk, place.organisation_id])
        ).content.decode()
        for place in network.members.current().select_related("organisation")
    }
    assert {name: _measures_line(pages[name]) for name in STATUSES} == {
        name: [escape(line) for line in lines] if lines else None
        for name, lines in STATUSES.items()
    }
