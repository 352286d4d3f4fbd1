import datetime

import pytest
from django.urls import reverse

from stages import services
from tests.factories import InnovationFactory, make_move, make_part

D = datetime.date
SIZES = [2, 20]


def journey_of(innovation, name, *, by):
    """A part that started, advanced to Designing, paused there and was rewound (which makes it
    active again) to Mobilising."""
    part = make_part(innovation, by=by, name=name, lead=by, next_review_on=D(2024, 9, 1))
    make_move(part, "advance", by=by, on=D(2024, 2, 1))
    make_move(part, "pause", by=by, on=D(2024, 3, 1), review_on=D(2024, 5, 1))
    make_move(part, "rewind", by=by, on=D(2024, 4, 1), to_stage=1)
    return part


@pytest.fixture
def many_parts(request, innovation, leader):
    """`size` parts of one innovation, the rewind of each odd one voided; then every part is
    renamed and the innovation given a lead, so the newest page of history holds field edits
    of every part."""
    parts = []
    for n in range(request.param):
        part = journey_of(innovation, f"Team {n:02}", by=leader)
        if n % 2:
            make_move(part, "void", by=leader, on=D(2024, 4, 2))
        parts.append(part)
    for n, part in enumerate(parts):
        services.update_part(part, by=leader, name=f"Renamed team {n:02}")
    services.update_innovation(innovation, by=leader, lead=leader)
    return innovation, [part.name for part in parts]


@pytest.mark.parametrize("many_parts", SIZES, indirect=True)
def test_the_innovation_page_runs_the_same_queries_whatever_the_number_of_parts(
    client_for, viewer, many_parts, django_assert_num_queries
):
    innovation, names = many_parts
    client = client_for(viewer)
    with django_assert_num_queries(19):
        response = client.get(reverse("innovations:detail", args=[innovation.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for n, name in enumerate(names):
        where = "paused in Designing" if n % 2 else "active in Mobilising"
        assert f". {name}: {where}</li>" in html
    assert "Last rewind:" in html


@pytest.mark.parametrize("many_parts", SIZES, indirect=True)
def test_the_timeline_runs_the_same_queries_whatever_the_number_of_parts(
    client_for, viewer, many_parts, django_assert_num_queries
):
    innovation, names = many_parts
    client = client_for(viewer)
    with django_assert_num_queries(9):
        response = client.get(reverse("innovations:timeline", args=[innovation.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert all(f". {name}: " in html for name in names)
    assert all(f"{name} paused in Designing" in html for name in names)
    assert html.count("<del>") == len(names) // 2


@pytest.mark.parametrize("many_parts", SIZES, indirect=True)
def test_the_history_runs_the_same_queries_whatever_the_number_of_parts(
    client_for, viewer, many_parts, django_assert_num_queries
):
    innovation, names = many_parts
    client = client_for(viewer)
    with django_assert_num_queries(15):
        response = client.get(reverse("innovations:history", args=[innovation.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for n, name in enumerate(names):
        assert f"Name: <del>Team {n:02}</del> → {name}" in html
    assert "Lead: <del>(empty)</del> → " in html


@pytest.fixture
def many_innovations(request, organisation, leader):
    """`size` innovations, each with a lead, tags and two parts: one that went through a pause
    and a rewind, one that started in Developing."""
    titles = []
    for n in range(request.param):
        innovation = InnovationFactory(
            organisation=organisation, title=f"Innovation {n:02}", lead=leader
        )
        innovation.tags = [f"tag {n}", "common"]
        innovation.save()
        journey_of(innovation, "North team", by=leader)
        make_part(innovation, by=leader, name="South team", stage=3)
        titles.append(innovation.title)
    return titles


@pytest.mark.parametrize("many_innovations", SIZES, indirect=True)
def test_the_list_runs_the_same_queries_whatever_the_number_of_innovations(
    client_for, viewer, many_innovations, django_assert_num_queries
):
    client = client_for(viewer)
    with django_assert_num_queries(8):
        response = client.get(reverse("innovations:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert all(f">{title}</a>" in html for title in many_innovations)
    assert html.count("Mobilising: 1 active") == len(many_innovations)
    assert html.count("Developing: 1 active") == len(many_innovations)
