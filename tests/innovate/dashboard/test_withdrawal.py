"""A withdrawn part, and a withdrawn innovation with its parts, leave every dashboard, picture,
report, export and My work; restoring brings them back."""

import re

import pytest
from django.urls import reverse

from stages import services
from stages.models import Innovation, Part
from tests.innovate.dashboard_journeys import build, frozen

PAGES = ["portfolio", "durations", "flow", "compare", "report"]
FILES = ["export-portfolio", "export-moves", "export-durations"]
# North team (a part of Family group conferencing) and Kinship support with its seven parts.
GONE = ["North team", "Kinship support", "Kinship team 1", "Slow team", "Steady team"]


@pytest.fixture(autouse=True)
def _clock():
    with frozen():
        yield


@pytest.fixture
def journeys(organisation, innovation, leader, manager, facilitator):
    return build(organisation, innovation, leader=leader, manager=manager, facilitator=facilitator)


def text(response):
    assert response.status_code == 200
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def everything(client):
    """{page: its text} of every dashboard, report and file, and My work."""
    found = {name: text(client.get(reverse(f"dashboard:{name}"))) for name in PAGES + FILES}
    found["my-work"] = text(client.get(reverse("dashboard:my-work")))
    return found


def withdraw_some(journeys, leader):
    services.withdraw_part(journeys["north"], by=leader, reason="Created by mistake.")
    services.withdraw_innovation(journeys["kinship"], by=leader, reason="Entered twice.")


def test_what_is_withdrawn_leaves_every_page_and_file(client_for, journeys, leader):
    client = client_for(leader)
    before = everything(client)
    assert "Counted: open innovations; 9 parts." in before["portfolio"]
    for name in GONE:
        assert any(name in page for page in before.values()), name
    assert "Kinship summer review" in before["my-work"]
    assert "North team" in before["my-work"]

    withdraw_some(journeys, leader)
    after = everything(client)
    for page in PAGES:
        assert "Counted: open innovations; 1 part." in after[page], page
    for page, words in after.items():
        for name in GONE:
            assert name not in words, (page, name)
    assert "Kinship summer review" not in after["my-work"]
    assert "South team" in after["export-portfolio"]
    assert "South team" in after["export-moves"]


def test_needs_attention_counts_nothing_withdrawn(client_for, journeys, leader, manager):
    client = client_for(manager)
    attention = client.get(reverse("dashboard:portfolio")).context["portfolio"].alerts
    listed = {row.part.name for _group, row in attention.overdue_reviews}
    assert "North team" in listed
    withdraw_some(journeys, leader)
    attention = client.get(reverse("dashboard:portfolio")).context["portfolio"].alerts
    names = {row.part.name for _group, row in attention.overdue_reviews}
    names |= {row.part.name for _group, row in attention.overdue_pauses}
    names |= {row.part.name for _group, row in attention.stuck}
    assert "North team" not in names
    assert all(gap.innovation.title != "Kinship support" for gap in attention.gaps)
    assert all(g.innovation.title != "Kinship support" for g in attention.no_recent_session)


def test_restoring_brings_everything_back(client_for, journeys, leader, manager):
    client = client_for(leader)
    before = everything(client)
    withdraw_some(journeys, leader)
    services.restore_part(Part.all_objects.get(pk=journeys["north"].pk), by=manager)
    services.restore_innovation(Innovation.all_objects.get(pk=journeys["kinship"].pk), by=manager)
    assert everything(client) == before


def test_a_decision_on_a_withdrawn_part_waits_nowhere(client_for, journeys, leader, manager):
    """May review decided North team stays; withdrawn, it is no longer waiting on the
    dashboard, in My work or on the innovation's sessions list, and applying it says why."""
    from assessments.models import Decision
    from assessments.services import sessions

    held = journeys["held"]
    sessions.record_decision(held, journeys["north"], by=manager, kind="stay")
    client = client_for(manager)
    sessions_list = reverse("sessions:list", args=[journeys["innovation"].pk])
    waiting = "1 decision waiting to be applied"
    assert waiting in text(client.get(sessions_list))
    assert "North team" in text(client.get(reverse("dashboard:my-work")))

    services.withdraw_part(journeys["north"], by=leader, reason="Mistake.")
    assert waiting not in text(client.get(sessions_list))
    assert "North team" not in text(client.get(reverse("dashboard:my-work")))
    assert "North team" not in text(client.get(reverse("dashboard:portfolio")))
    (outcome,) = sessions.apply_decisions(held, by=manager)
    assert outcome.message == "North team was withdrawn: a manager may restore it."
    assert Decision.objects.get(pk=outcome.decision.pk).status == "not_applied"
