import datetime

import pytest
from django.urls import reverse

from stages.models import Move, MoveKind, Part, PartKind
from tests.factories import make_part
from tests.innovate.helpers import error_at, login_url, row_counts


def add_part_url(innovation):
    return reverse("innovations:add-part", args=[innovation.pk])


def add_parts_url(innovation):
    return reverse("innovations:add-parts", args=[innovation.pk])


def edit_part_url(part):
    return reverse("parts:edit", args=[part.pk])


# Adding one part


def test_a_leader_adds_a_part_with_its_start(client_for, leader, innovation):
    client = client_for(leader)
    assert "Add a part" in client.get(add_part_url(innovation)).content.decode()
    response = client.post(
        add_part_url(innovation),
        {
            "name": "North locality",
            "kind": PartKind.LOCALITY,
            "lead": leader.pk,
            "stage": 1,
            "effective_on": "2024-03-01",
        },
    )
    assert response.status_code == 303
    assert response["Location"] == innovation.get_absolute_url()
    part = Part.objects.get(innovation=innovation)
    assert (part.name, part.kind, part.lead) == ("North locality", PartKind.LOCALITY, leader)
    assert (part.stage.number, part.state, part.cycle, part.version) == (1, "active", 1, 1)
    start = Move.objects.get(part=part)
    assert (start.kind, start.effective_on) == (MoveKind.START, datetime.date(2024, 3, 1))
    assert start.recorded_by == leader
    page = client.get(response["Location"]).content.decode()
    assert "North locality added in Mobilising." in page


def test_a_part_starting_past_mobilising_needs_a_rationale(client_for, leader, innovation):
    before = row_counts()
    response = client_for(leader).post(
        add_part_url(innovation),
        {"name": "South team", "kind": "team", "stage": 3, "effective_on": "2024-03-01"},
    )
    html = error_at(response, "rationale", "Say why this part starts past Mobilising.")
    assert 'value="South team"' in html
    assert '<option value="3" selected>3. Developing</option>' in html
    assert row_counts() == before


def test_a_part_starting_past_mobilising_with_a_rationale_is_added(client_for, leader, innovation):
    response = client_for(leader).post(
        add_part_url(innovation),
        {
            "name": "South team",
            "kind": "team",
            "stage": 3,
            "effective_on": "2024-03-01",
            "rationale": "Piloted before we began recording.",
        },
    )
    assert response.status_code == 303
    part = Part.objects.get(name="South team")
    assert part.stage.number == 3
    assert part.moves.get().rationale == "Piloted before we began recording."


def test_a_part_name_already_in_the_innovation_is_refused(client_for, leader, part):
    before = row_counts()
    response = client_for(leader).post(
        add_part_url(part.innovation),
        {"name": "north TEAM", "kind": "team", "stage": 1, "effective_on": "2024-03-01"},
    )
    error_at(response, "name", "This innovation already has a part of this name.")
    assert row_counts() == before


def test_a_part_cannot_start_in_the_future(client_for, leader, innovation):
    before = row_counts()
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    response = client_for(leader).post(
        add_part_url(innovation),
        {"name": "South team", "kind": "team", "stage": 1, "effective_on": tomorrow.isoformat()},
    )
    error_at(response, "effective_on", "The date it took effect cannot be in the future.")
    assert row_counts() == before


def test_a_part_needs_a_name_and_a_date(client_for, leader, innovation):
    before = row_counts()
    response = client_for(leader).post(
        add_part_url(innovation), {"name": "", "kind": "team", "stage": 1, "effective_on": ""}
    )
    html = error_at(response, "name", "Enter the name")
    assert 'id="id_effective_on_error"' in html
    assert "Enter the date it reached this stage" in html
    assert row_counts() == before


@pytest.mark.parametrize(
    ("persona", "status"), [("leader", 200), ("viewer", 403), ("outsider", 404)]
)
def test_who_may_open_the_add_part_form(request, client_for, innovation, persona, status):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(add_part_url(innovation)).status_code == status


@pytest.mark.parametrize(("persona", "status"), [("viewer", 403), ("outsider", 404)])
def test_who_may_not_add_a_part_adds_nothing(request, client_for, innovation, persona, status):
    user = request.getfixturevalue(persona)
    before = row_counts()
    response = client_for(user).post(
        add_part_url(innovation),
        {"name": "South team", "kind": "team", "stage": 1, "effective_on": "2024-03-01"},
    )
    assert response.status_code == status
    assert row_counts() == before


def test_adding_a_part_asks_an_anonymous_person_to_sign_in(client, innovation):
    url = add_part_url(innovation)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == login_url(url)


def test_adding_a_part_answers_only_get_and_post(client_for, leader, innovation):
    assert client_for(leader).put(add_part_url(innovation)).status_code == 405


# Adding several parts


def test_a_leader_adds_several_parts_one_name_a_line(client_for, leader, innovation):
    client = client_for(leader)
    assert "Add several parts" in client.get(add_parts_url(innovation)).content.decode()
    response = client.post(
        add_parts_url(innovation),
        {
            "names": "North team\n\n   South    team  \r\n\r\nEast team\n",
            "kind": "team",
            "stage": 2,
            "effective_on": "2024-03-01",
            "rationale": "Designing had begun before we recorded it.",
        },
    )
    assert response.status_code == 303
    assert response["Location"] == innovation.get_absolute_url()
    parts = Part.objects.filter(innovation=innovation).order_by("name")
    assert [p.name for p in parts] == ["East team", "North team", "South team"]
    assert {p.stage.number for p in parts} == {2}
    assert Move.objects.filter(part__innovation=innovation, kind=MoveKind.START).count() == 3
    assert "3 parts added." in client.get(response["Location"]).content.decode()


def test_a_name_listed_twice_is_refused(client_for, leader, innovation):
    before = row_counts()
    response = client_for(leader).post(
        add_parts_url(innovation),
        {
            "names": "North team\nSouth team\nnorth team",
            "kind": "team",
            "stage": 1,
            "effective_on": "2024-03-01",
        },
    )
    html = error_at(response, "names", "“north team” is listed twice.")
    assert "North team\nSouth team\nnorth team" in html
    assert row_counts() == before


def test_names_the_innovation_already_has_are_listed(client_for, leader, part):
    before = row_counts()
    response = client_for(leader).post(
        add_parts_url(part.innovation),
        {
            "names": "South team\nNorth Team",
            "kind": "team",
            "stage": 1,
            "effective_on": "2024-03-01",
        },
    )
    error_at(response, "names", "This innovation already has parts named: North Team.")
    assert row_counts() == before


def test_only_blank_lines_are_refused(client_for, leader, innovation):
    before = row_counts()
    response = client_for(leader).post(
        add_parts_url(innovation),
        {"names": "\n  \n", "kind": "team", "stage": 1, "effective_on": "2024-03-01"},
    )
    assert response.status_code == 422
    assert "There is a problem" in response.content.decode()
    assert row_counts() == before


def test_several_parts_past_mobilising_need_a_rationale_and_none_is_added(
    client_for, leader, innovation
):
    before = row_counts()
    response = client_for(leader).post(
        add_parts_url(innovation),
        {
            "names": "North team\nSouth team",
            "kind": "team",
            "stage": 4,
            "effective_on": "2024-03-01",
        },
    )
    error_at(response, "rationale", "Say why this part starts past Mobilising.")
    assert row_counts() == before


@pytest.mark.parametrize(
    ("persona", "status"), [("leader", 200), ("viewer", 403), ("outsider", 404)]
)
def test_who_may_open_the_add_parts_form(request, client_for, innovation, persona, status):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(add_parts_url(innovation)).status_code == status


@pytest.mark.parametrize(("persona", "status"), [("viewer", 403), ("outsider", 404)])
def test_who_may_not_add_parts_adds_nothing(request, client_for, innovation, persona, status):
    user = request.getfixturevalue(persona)
    before = row_counts()
    response = client_for(user).post(
        add_parts_url(innovation),
        {"names": "North team", "kind": "team", "stage": 1, "effective_on": "2024-03-01"},
    )
    assert response.status_code == status
    assert row_counts() == before


def test_adding_parts_asks_an_anonymous_person_to_sign_in(client, innovation):
    url = add_parts_url(innovation)
    assert client.get(url)["Location"] == login_url(url)


def test_adding_parts_answers_only_get_and_post(client_for, leader, innovation):
    assert client_for(leader).put(add_parts_url(innovation)).status_code == 405


# Editing a part


def test_a_leader_renames_a_part_without_changing_its_version(client_for, leader, part):
    client = client_for(leader)
    form = client.get(edit_part_url(part)).content.decode()
    assert 'value="North team"' in form
    response = client.post(
        edit_part_url(part),
        {"name": "North locality team", "kind": "locality", "next_review_on": "2024-09-01"},
    )
    assert response.status_code == 303
    assert response["Location"] == part.innovation.get_absolute_url()
    part.refresh_from_db()
    assert (part.name, part.kind) == ("North locality team", "locality")
    assert part.next_review_on == datetime.date(2024, 9, 1)
    assert part.version == 1
    assert part.history.first().history_user == leader


def test_a_part_cannot_take_a_siblings_name(client_for, leader, part):
    make_part(part.innovation, by=leader, name="South team")
    before = row_counts()
    response = client_for(leader).post(edit_part_url(part), {"name": "SOUTH team", "kind": "team"})
    error_at(response, "name", "This innovation already has a part of this name.")
    part.refresh_from_db()
    assert part.name == "North team"
    assert row_counts() == before


def test_a_part_keeps_its_name_when_the_edit_is_refused(client_for, leader, part):
    before = row_counts()
    response = client_for(leader).post(
        edit_part_url(part), {"name": "", "kind": "team", "next_review_on": "31/02/2024"}
    )
    html = error_at(response, "name", "Enter the name")
    assert 'id="id_next_review_on_error"' in html
    assert 'value="31/02/2024"' in html
    assert row_counts() == before


@pytest.mark.parametrize(
    ("persona", "status"), [("leader", 200), ("viewer", 403), ("outsider", 404)]
)
def test_who_may_open_the_part_form(request, client_for, part, persona, status):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(edit_part_url(part)).status_code == status


@pytest.mark.parametrize(("persona", "status"), [("viewer", 403), ("outsider", 404)])
def test_who_may_not_edit_a_part_changes_nothing(request, client_for, part, persona, status):
    user = request.getfixturevalue(persona)
    before = row_counts()
    response = client_for(user).post(edit_part_url(part), {"name": "Taken", "kind": "team"})
    assert response.status_code == status
    assert row_counts() == before


def test_a_missing_part_is_not_found(client_for, leader, part):
    url = reverse("parts:edit", args=[part.pk + 1000])
    assert client_for(leader).get(url).status_code == 404


def test_editing_a_part_asks_an_anonymous_person_to_sign_in(client, part):
    url = edit_part_url(part)
    assert client.get(url)["Location"] == login_url(url)


def test_editing_a_part_answers_only_get_and_post(client_for, leader, part):
    assert client_for(leader).put(edit_part_url(part)).status_code == 405
