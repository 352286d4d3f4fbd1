"""What other pages show of the evidence: the innovation page, the move form's readiness, the
history feed; and the fixed number of queries of the evidence pages."""

import datetime
import re

import pytest
from django.urls import reverse

from assessments.models import Reading
from assessments.services import evidence as services
from stages.models import Move
from tests.assessments.factories import make_involvement, make_measure, make_reading
from tests.factories import make_move, make_part

D = datetime.date
SIZES = [2, 20]


@pytest.fixture
def developing(innovation, leader):
    return make_part(innovation, by=leader, name="North team", stage=3)


# The innovation page


def test_the_innovation_page_shows_measures_coverage_answers_involvement_and_ethics(
    client_for, viewer, leader, innovation, developing
):
    south = make_part(innovation, by=leader, name="South team", stage=3)
    make_part(innovation, by=leader, name="East team", stage=4)
    make_part(innovation, by=leader, name="West team", stage=4)
    stopped = make_part(innovation, by=leader, name="Old team", stage=2)
    make_move(stopped, "stop", by=leader, on=D(2024, 2, 1))
    measure = make_measure(
        innovation, by=leader, name="Families attending", unit="families",
        baseline_value=10, baseline_on=D(2025, 1, 1), target_value=20, target_on=D(2027, 1, 1),
    )  # fmt: skip
    make_reading(measure, by=leader, part=developing, on=D(2026, 10, 1), value=12)
    rated = make_measure(innovation, by=leader, name="Staff confidence", scale="rated")
    make_reading(rated, by=leader, on=D(2026, 10, 1), rating="off_track")
    make_measure(innovation, by=leader, name="Plans agreed", part=south)
    services.reflect_on_prompts(
        developing, by=leader, notes=[("Bounds?", "Two pods.")], answered_on=D(2026, 10, 2)
    )
    make_involvement(developing, by=leader, level="co_designing", who="young_people")
    services.set_ethics_note(innovation, 3, by=leader, note="Whose voice is missing?")

    html = client_for(viewer).get(innovation.get_absolute_url()).content.decode()
    section = html[html.index('id="evidence"') :]
    assert "Evidence for each stage" in section
    assert "Integrating: 2 parts, next for 2 parts, no measure yet" in section
    assert "Designing" not in section.split("Measures</h3>")[0]
    assert re.search(
        r"Families attending</a></th>.*?12 families.*?Off track</strong>", section, re.S
    )
    assert re.search(r"Staff confidence</a></th>.*?Off track.*?govuk-tag--orange", section, re.S)
    assert re.search(r"Plans agreed</a></th>.*?No data</strong>", section, re.S)
    assert "govuk-tag--red" not in section
    north = section[section.index(f'id="evidence-part-{developing.pk}"') :]
    north = north[: north.index("</tr>")]
    assert "Reflection</strong>" in north
    assert "Reflect<span" not in north and "Reflections<span" in north
    assert "Young people co-designed" in north
    # Families attending is followed by North team and South team, which has no reading yet.
    assert (
        "0 of 2 measures on track (Families attending: off track for North team; no data for "
        "South team); prompts reflected on; young people co-designed"
    ) in north
    assert "Key question or reflection</th>" in section
    assert "Whose voice is missing?" in section
    assert f'href="{reverse("evidence:ethics", args=[innovation.pk, 4])}"' in section
    assert "Define a measure" not in section


def test_a_leader_gets_links_to_write_the_evidence(client_for, leader, innovation, developing):
    html = client_for(leader).get(innovation.get_absolute_url()).content.decode()
    section = html[html.index('id="evidence"') :]
    assert "Developing: 1 part, next for 1 part" not in section
    assert "Developing: 1 part, no measure yet" in section
    assert "Integrating: next for 1 part, no measure yet" in section
    assert f'href="{reverse("evidence:measure-create", args=[innovation.pk])}?stage=3"' in section
    assert f'href="{reverse("evidence:check", args=[developing.pk])}"' in section
    assert f'href="{reverse("evidence:involvement", args=[developing.pk])}"' in section
    assert f'href="{reverse("evidence:import", args=[innovation.pk])}"' in section


# The move form


def test_the_move_form_shows_the_readiness_and_cites_it_in_the_evidence(
    client_for, leader, innovation, developing
):
    for name in ("Families attending", "Plans agreed"):
        measure = make_measure(innovation, by=leader, name=name, target_value=5)
        make_reading(measure, by=leader, part=developing, on=D(2026, 10, 1), value=6)
    make_measure(innovation, by=leader, name="Referrals")
    services.reflect_on_prompts(
        developing, by=leader, notes=[("What are the bounds?", "Piloting with two pods.")]
    )
    make_involvement(developing, by=leader, level="consulted", who="families")
    moves = Move.objects.count()

    html = client_for(leader).get(reverse("parts:move", args=[developing.pk])).content.decode()
    summary = "2 of 3 measures on track; prompts reflected on; families consulted"
    assert f'<p class="govuk-body">{summary}.</p>' in html
    assert "Readiness at Developing</h2>" in html
    assert "Piloting with two pods." in html
    assert (
        "Reflection prompts (our own wording; the framework states no key question here): " in html
    )
    assert "key question answered" not in html
    assert "reflect on the prompts<span" in html
    evidence = re.search(r'<textarea name="evidence"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    assert evidence.strip() == f"Readiness at Developing: {summary}."
    assert "it does not move the part" in html
    assert Move.objects.count() == moves


def test_the_move_panel_shows_the_readiness_with_a_lower_heading(
    client_for, leader, innovation, developing
):
    html = (
        client_for(leader)
        .get(
            reverse("parts:move", args=[developing.pk]),
            HTTP_HX_REQUEST="true",
            HTTP_HX_CURRENT_URL=innovation.get_absolute_url(),
        )
        .content.decode()
    )
    assert "Readiness at Developing</h3>" in html
    assert "No measure at Developing yet." in html
    assert "no measure yet; prompts not reflected on yet; no involvement recorded" in html


def test_a_move_records_the_readiness_it_cites(client_for, leader, developing):
    make_involvement(developing, by=leader, level="informed", who="children")
    client = client_for(leader)
    html = client.get(reverse("parts:move", args=[developing.pk])).content.decode()
    evidence = re.search(r'<textarea name="evidence"[^>]*>\s*(.*?)</textarea>', html, re.S)
    response = client.post(
        reverse("parts:move", args=[developing.pk]),
        {"kind": "advance", "effective_on": "2026-11-01", "expected_version": 1,
         "evidence": evidence.group(1).replace("&#x27;", "'")},
    )  # fmt: skip
    assert response.status_code == 303
    move = Move.objects.get(part=developing, seq=2)
    assert move.evidence == (
        "Readiness at Developing: no measure yet; prompts not reflected on yet; children informed."
    )


# The history


def test_involvement_answers_and_ethics_notes_appear_in_the_history(
    client_for, viewer, leader, innovation, developing
):
    make_involvement(developing, by=leader, level="co_designing", who="families", note="Workshops.")
    services.reflect_on_prompts(
        developing, by=leader, notes=[("What are we trying to learn?", "Too early to say.")]
    )
    services.set_ethics_note(innovation, 2, by=leader, note="Better for whom?")
    services.set_ethics_note(innovation, 2, by=leader, note="Better for families; risk of blame.")
    html = client_for(viewer).get(reverse("innovations:history", args=[innovation.pk])).content
    html = html.decode()
    assert "<strong>Families co-designing in Developing</strong> (North team): Workshops." in html
    assert "<strong>Reflection on the prompts at Developing</strong> (North team)" in html
    assert "answered “unknown”" not in html
    assert "<strong>Ethics note for Designing written</strong>: Better for whom?" in html
    assert (
        "<strong>Ethics note for Designing edited</strong>: Better for families; risk of blame."
    ) in html
    assert html.index("Ethics note for Designing edited") < html.index(
        "Ethics note for Designing written"
    )


# Fixed numbers of queries


@pytest.fixture
def many(request, innovation, leader):
    """`size` parts of one innovation, each paused then rewound, each with its own measure
    holding three readings, an answer, an involvement record; a measure of the whole and a
    rated one with readings of every part; an ethics note of every stage that holds parts."""
    whole = make_measure(
        innovation, by=leader, name="Whole attendance", stage=1, unit="families",
        baseline_value=1, baseline_on=D(2025, 1, 1), target_value=50, target_on=D(2027, 1, 1),
    )  # fmt: skip
    rated = make_measure(innovation, by=leader, name="Staff confidence", stage=1, scale="rated")
    names = []
    for n in range(request.param):
        part = make_part(innovation, by=leader, name=f"Team {n:02}", stage=2)
        make_move(part, "pause", by=leader, on=D(2024, 3, 1))
        make_move(part, "rewind", by=leader, on=D(2024, 4, 1), to_stage=1)
        own = make_measure(innovation, by=leader, name=f"Measure {n:02}", stage=1, part=part)
        for month in (8, 9, 10):
            make_reading(own, by=leader, on=D(2026, month, 1), value=month + n)
        make_reading(whole, by=leader, part=part, on=D(2026, 10, 1), value=n)
        make_reading(rated, by=leader, part=part, on=D(2026, 10, 1), rating="on_track")
        services.reflect_on_prompts(part, by=leader, notes=[("Why?", f"Evidence {n:02}")])
        make_involvement(part, by=leader, note=f"Forum {n:02}")
        names.append(part.name)
    services.set_ethics_note(innovation, 1, by=leader, note="Whose power?")
    return innovation, names, whole


@pytest.mark.parametrize("many", SIZES, indirect=True)
def test_the_measures_list_runs_the_same_queries_whatever_the_size(
    client_for, viewer, many, django_assert_num_queries
):
    innovation, names, whole = many
    client = client_for(viewer)
    with django_assert_num_queries(12):
        response = client.get(reverse("evidence:measures", args=[innovation.pk]))
    html = response.content.decode()
    for n, name in enumerate(names):
        assert f"Measure {n:02}</a>" in html
        assert f"{name}</th>" in html
    assert html.count('role="img"') == len(names) + 2


@pytest.mark.parametrize("many", SIZES, indirect=True)
def test_the_measure_page_runs_the_same_queries_whatever_the_size(
    client_for, leader, many, django_assert_num_queries
):
    innovation, names, whole = many
    client = client_for(leader)
    # One of them reads the innovation's parts: those that follow a measure of the whole; one
    # reads the history of its readings: what was corrected, withdrawn or restored.
    with django_assert_num_queries(11):
        response = client.get(reverse("evidence:measure", args=[whole.pk]))
    html = response.content.decode()
    assert Reading.objects.filter(measure=whole).count() == len(names)
    for name in names:
        assert f"<title>{name}, 1 October 2026: " in html
        assert f">{name}</option>" in html


@pytest.mark.parametrize("many", SIZES, indirect=True)
def test_the_innovation_page_with_evidence_runs_the_same_queries_whatever_the_size(
    client_for, viewer, many, django_assert_num_queries
):
    innovation, names, whole = many
    client = client_for(viewer)
    # One of them reads what the innovation shares with networks.
    with django_assert_num_queries(20):
        response = client.get(innovation.get_absolute_url())
    html = response.content.decode()
    for n, name in enumerate(names):
        row = html[html.index(f">{name}<br><span") :]
        row = row[: row.index("</tr>")]
        assert "Reflection</strong>" in row
        assert "Families consulted" in row
        assert f"Measure {n:02}</a>" in html


@pytest.mark.parametrize("many", SIZES, indirect=True)
def test_the_history_with_evidence_runs_the_same_queries_whatever_the_size(
    client_for, viewer, many, django_assert_num_queries
):
    innovation, names, whole = many
    client = client_for(viewer)
    with django_assert_num_queries(14):
        response = client.get(reverse("innovations:history", args=[innovation.pk]))
    html = response.content.decode()
    assert "Ethics note for Mobilising written" in html
    assert f"(Team {len(names) - 1:02}): Forum {len(names) - 1:02}" in html


@pytest.mark.parametrize("many", SIZES, indirect=True)
def test_the_move_form_with_readiness_runs_the_same_queries_whatever_the_size(
    client_for, leader, many, django_assert_num_queries
):
    innovation, names, whole = many
    part = innovation.parts.get(name=names[0])
    client = client_for(leader)
    with django_assert_num_queries(14):
        response = client.get(reverse("parts:move", args=[part.pk]))
    html = response.content.decode()
    assert "Measure 00" in html
    assert "Whole attendance" in html
    assert "Staff confidence" in html
    assert "Measure 01" not in html
