"""The pieces many pages share, each written once: the breadcrumbs (includes/_breadcrumbs.html)
and the box that says someone else has just moved a part (includes/_move_conflict.html)."""

import datetime
import re

import pytest
from django.urls import reverse

from assessments.services import evidence
from tests.factories import UserFactory, make_move, make_part
from tests.innovate.sessions_helpers import planned

TITLE = "Family group conferencing"


@pytest.fixture
def things(innovation, facilitator):
    part = make_part(innovation, by=facilitator, name="North team")
    make_move(part, "advance", by=facilitator, on=datetime.date(2024, 2, 1))
    measure = evidence.define_measure(innovation, by=facilitator, stage=2, name="Reach")
    session = planned(innovation, facilitator, [part])
    return {"innovation": innovation, "part": part, "measure": measure, "session": session}


def trail(html):
    """[(link text, href)] of the page's breadcrumbs."""
    (nav,) = re.findall(r'<nav class="govuk-breadcrumbs".*?</nav>', html, flags=re.S)
    return re.findall(r'<a class="govuk-breadcrumbs__link" href="([^"]+)">([^<]+)</a>', nav)


# (url name, the object it takes, the crumbs after "Innovations")
PAGES = [
    ("innovations:detail", "innovation", []),
    ("innovations:timeline", "innovation", ["innovation"]),
    ("innovations:history", "innovation", ["innovation"]),
    ("parts:move", "part", ["innovation"]),
    ("evidence:check", "part", ["innovation"]),
    ("evidence:involvement", "part", ["innovation"]),
    ("evidence:measures", "innovation", ["innovation"]),
    ("evidence:measure-create", "innovation", ["innovation", "measures"]),
    ("evidence:import", "innovation", ["innovation", "measures"]),
    ("evidence:measure", "measure", ["innovation", "measures"]),
    ("evidence:measure-edit", "measure", ["innovation", "measures", "measure"]),
    ("evidence:measure-copy", "measure", ["innovation", "measures", "measure"]),
    ("evidence:reading-create", "measure", ["innovation", "measures", "measure"]),
    ("sessions:list", "innovation", ["innovation"]),
    ("sessions:plan", "innovation", ["innovation", "sessions"]),
    ("sessions:detail", "session", ["innovation", "sessions"]),
    ("sessions:edit", "session", ["innovation", "sessions", "session"]),
    ("sessions:agenda", "session", ["innovation", "sessions", "session"]),
    ("sessions:summary", "session", ["innovation", "sessions", "session"]),
    ("sessions:apply", "session", ["innovation", "sessions", "session"]),
]


@pytest.mark.parametrize(("name", "takes", "crumbs"), PAGES, ids=[p[0] for p in PAGES])
def test_every_page_leads_back_by_the_same_breadcrumbs(
    name, takes, crumbs, client_for, facilitator, things
):
    innovation, measure, session = things["innovation"], things["measure"], things["session"]
    links = {
        "innovation": (innovation.get_absolute_url(), TITLE),
        "measures": (reverse("evidence:measures", args=[innovation.pk]), "Measures"),
        "measure": (reverse("evidence:measure", args=[measure.pk]), "Reach"),
        "sessions": (reverse("sessions:list", args=[innovation.pk]), "Reflection sessions"),
        "session": (session.get_absolute_url(), "Spring review"),
    }
    response = client_for(facilitator).get(reverse(name, args=[things[takes].pk]))
    assert response.status_code == 200
    assert trail(response.content.decode()) == [
        (reverse("innovations:list"), "Innovations"),
        *(links[crumb] for crumb in crumbs),
    ]


def test_the_ethics_note_and_facilitator_mode_lead_back_too(client_for, facilitator, things):
    innovation, session = things["innovation"], things["session"]
    client = client_for(facilitator)
    ethics = client.get(reverse("evidence:ethics", args=[innovation.pk, 2]))
    assert [text for _href, text in trail(ethics.content.decode())] == ["Innovations", TITLE]
    run = client.get(reverse("sessions:run", args=[session.pk]), follow=True)
    assert [text for _href, text in trail(run.content.decode())] == [
        "Innovations",
        TITLE,
        "Reflection sessions",
        "Spring review",
    ]


@pytest.fixture
def moved_meanwhile(organisation, part):
    """North team, advanced by a colleague after the form was shown at version 1."""
    colleague = UserFactory(username="colleague", first_name="Asha", last_name="Patel")
    organisation.memberships.create(user=colleague, role="leader")
    make_move(part, "advance", by=colleague, on=datetime.date(2024, 2, 1))
    return part


def conflict_box(html):
    (box,) = re.findall(
        r'<div class="govuk-error-summary"[^>]*id="conflict">.*?</div>\s*</div>\s*</div>',
        html,
        flags=re.S,
    )
    return " ".join(re.sub(r"<[^>]+>", " ", box).split())


@pytest.mark.parametrize(
    ("url_name", "data", "outcome"),
    [
        (
            "parts:move",
            {"kind": "pause", "reason": "funding", "rationale": "The grant ended."},
            "Your decision has not been recorded. Check it still holds, then record it again.",
        ),
        (
            "parts:void",
            {"reason": "recording_error", "rationale": "Entered twice."},
            "Nothing was voided. Check the latest move below, then try again.",
        ),
    ],
)
def test_a_move_or_void_of_a_part_moved_meanwhile_says_so_in_one_box(
    url_name, data, outcome, client_for, leader, moved_meanwhile
):
    response = client_for(leader).post(
        reverse(url_name, args=[moved_meanwhile.pk]),
        {**data, "effective_on": "2024-03-01", "expected_version": 1},
    )
    assert response.status_code == 409
    box = conflict_box(response.content.decode())
    assert box.startswith("Someone else has just moved this part North team was moved by Asha")
    assert box.endswith(
        "North team advanced to Designing. It is now active in Designing, round 1. " + outcome
    )


def table_head(html, caption):
    """The column headings of the table whose caption begins with `caption`."""
    (table,) = re.findall(rf"<caption[^>]*>{caption}.*?</thead>", html, flags=re.S)
    return [re.sub(r"<[^>]+>", "", th).strip() for th in re.findall(r"<th [^>]*>.*?</th>", table)]


def test_the_innovation_page_lists_its_parts_and_the_dashboard_a_row_per_innovation(
    client_for, leader, innovation, part
):
    make_move(
        part,
        "pause",
        by=leader,
        on=datetime.date(2024, 2, 1),
        reason="funding",
        rationale="Waiting for the new budget.",
    )
    client = client_for(leader)
    detail = client.get(innovation.get_absolute_url()).content.decode()
    portfolio = client.get(reverse("dashboard:portfolio")).content.decode()
    columns = ["Part", "Stage", "State", "Lead", "Days in stage", "Next review", "Last decision"]
    assert table_head(detail, "Parts of") == [*columns, "Actions"]
    assert table_head(portfolio, "Innovations and where their parts stand") == [
        "Innovation",
        "Where its parts stand",
        "Parts with every measure on track",
        "Last session",
    ]
    # The innovation page says what was decided and why; the dashboard, a row per innovation,
    # leaves both to the innovation's page, which its row links to.
    decided = "Pause on 1 Feb 2024: funding"
    assert f'{decided}<br><span class="app-muted">Waiting for the new budget.</span>' in detail
    assert "Waiting for the new budget." not in portfolio
    assert f'href="{innovation.get_absolute_url()}"' in portfolio
