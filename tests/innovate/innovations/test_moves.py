import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from stages.models import Move, MoveKind, State
from tests.factories import InnovationFactory, UserFactory, make_move, make_part
from tests.innovate.helpers import HTMX, csrf_post, error_at, login_url, row_counts


def move_url(part):
    return reverse("parts:move", args=[part.pk])


def void_url(part):
    return reverse("parts:void", args=[part.pk])


def decision(part, kind, **fields):
    return {"kind": kind, "effective_on": "2024-03-01", "expected_version": part.version, **fields}


def position(part):
    part.refresh_from_db()
    return (part.stage.number, part.state, part.cycle, part.version)


# The move form


def test_the_move_form_offers_the_kinds_allowed_now(client_for, leader, part):
    response = client_for(leader).get(move_url(part))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html
    assert "Move North team" in html
    assert 'value="advance"' in html
    assert 'value="pause"' in html
    assert 'value="resume"' not in html
    assert 'value="rewind"' not in html
    assert 'name="expected_version" value="1"' in html


def test_the_move_form_for_htmx_is_the_move_form_fragment(client_for, leader, part):
    response = client_for(leader).get(move_url(part), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="move-form-wrapper"' in html
    assert "Record the decision" in html


@pytest.mark.parametrize(
    ("persona", "status"), [("leader", 200), ("viewer", 403), ("outsider", 404)]
)
def test_who_may_open_the_move_form(request, client_for, part, persona, status):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(move_url(part)).status_code == status


@pytest.mark.parametrize(("persona", "status"), [("viewer", 403), ("outsider", 404)])
def test_who_may_not_move_moves_nothing(request, client_for, part, persona, status):
    user = request.getfixturevalue(persona)
    before = row_counts()
    response = client_for(user).post(move_url(part), decision(part, "advance"))
    assert response.status_code == status
    assert row_counts() == before
    assert position(part) == (1, State.ACTIVE, 1, 1)


def test_moving_asks_an_anonymous_person_to_sign_in(client, part):
    url = move_url(part)
    before = row_counts()
    response = client.post(url, decision(part, "advance"))
    assert response.status_code == 302
    assert response["Location"] == login_url(url)
    assert row_counts() == before


def test_moving_answers_only_get_and_post(client_for, leader, part):
    assert client_for(leader).put(move_url(part)).status_code == 405
    assert client_for(leader).delete(move_url(part)).status_code == 405


# Each kind of move


def test_a_leader_advances_a_part(client_for, leader, part):
    client = client_for(leader)
    response = client.post(move_url(part), decision(part, "advance", evidence="Board minutes"))
    assert response.status_code == 303
    assert response["Location"] == part.innovation.get_absolute_url()
    assert position(part) == (2, State.ACTIVE, 1, 2)
    move = Move.objects.get(part=part, seq=2)
    assert (move.kind, move.effective_on, move.recorded_by) == (
        MoveKind.ADVANCE,
        datetime.date(2024, 3, 1),
        leader,
    )
    assert move.evidence == "Board minutes"
    page = client.get(response["Location"]).content.decode()
    assert "North team advanced to Designing." in page


def test_a_leader_jumps_a_part_ahead(client_for, leader, part):
    response = client_for(leader).post(
        move_url(part),
        decision(part, "jump", to_stage=4, reason="learning", rationale="Tested elsewhere."),
    )
    assert response.status_code == 303
    assert position(part) == (4, State.ACTIVE, 1, 2)
    assert Move.objects.get(part=part, seq=2).kind == MoveKind.JUMP


def test_a_leader_rewinds_a_part_with_a_reason_and_rationale(client_for, leader, moved_part):
    response = client_for(leader).post(
        move_url(moved_part),
        decision(moved_part, "rewind", to_stage=1, reason="leadership", rationale="New director."),
    )
    assert response.status_code == 303
    assert position(moved_part) == (1, State.ACTIVE, 1, 3)
    move = Move.objects.get(part=moved_part, seq=3)
    assert (move.kind, move.reason, move.rationale) == (
        MoveKind.REWIND,
        "leadership",
        "New director.",
    )


def test_a_leader_pauses_a_part_with_a_date_to_revisit(client_for, leader, part):
    response = client_for(leader).post(
        move_url(part),
        decision(part, "pause", reason="funding", rationale="Grant ended.", review_on="2024-06-01"),
    )
    assert response.status_code == 303
    assert position(part) == (1, State.PAUSED, 1, 2)
    assert part.review_on == datetime.date(2024, 6, 1)
    assert Move.objects.get(part=part, seq=2).review_on == datetime.date(2024, 6, 1)


def test_a_leader_resumes_a_paused_part(client_for, leader, part):
    make_move(part, "pause", by=leader, on=datetime.date(2024, 2, 1))
    response = client_for(leader).post(move_url(part), decision(part, "resume"))
    assert response.status_code == 303
    assert position(part) == (1, State.ACTIVE, 1, 3)
    assert part.review_on is None


def test_a_leader_stops_a_part(client_for, leader, moved_part):
    response = client_for(leader).post(
        move_url(moved_part),
        decision(moved_part, "stop", reason="harm_or_no_benefit", rationale="No benefit seen."),
    )
    assert response.status_code == 303
    assert position(moved_part) == (2, State.STOPPED, 1, 3)


def test_a_leader_restarts_a_stopped_part_at_an_earlier_stage(client_for, leader, moved_part):
    make_move(moved_part, "stop", by=leader, on=datetime.date(2024, 2, 15))
    response = client_for(leader).post(
        move_url(moved_part),
        decision(moved_part, "restart", to_stage=1, reason="funding", rationale="Funded again."),
    )
    assert response.status_code == 303
    assert position(moved_part) == (1, State.ACTIVE, 1, 4)


def test_a_part_at_system_change_goes_round_again(client_for, leader, innovation):
    part = make_part(innovation, by=leader, name="Whole service", stage=6)
    client = client_for(leader)
    assert 'value="new_cycle"' in client.get(move_url(part)).content.decode()
    response = client.post(
        move_url(part), decision(part, "new_cycle", rationale="New national policy.")
    )
    assert response.status_code == 303
    assert position(part) == (1, State.ACTIVE, 2, 2)
    assert Move.objects.get(part=part, seq=2).kind == MoveKind.NEW_CYCLE


# Refusals


def test_a_rewind_without_a_reason_is_refused_at_the_reason(client_for, leader, moved_part):
    before = row_counts()
    response = client_for(leader).post(
        move_url(moved_part),
        decision(moved_part, "rewind", to_stage=1, rationale="We went too fast."),
    )
    html = error_at(response, "reason", "Choose a reason for this rewind.")
    assert "We went too fast." in html
    assert re.search(r'<input[^>]* value="rewind"[^>]* checked>', html)
    assert row_counts() == before
    assert position(moved_part) == (2, State.ACTIVE, 1, 2)


def test_a_jump_to_the_next_stage_is_refused_at_the_stage(client_for, leader, part):
    before = row_counts()
    response = client_for(leader).post(
        move_url(part), decision(part, "jump", to_stage=2, reason="learning", rationale="Fast.")
    )
    error_at(response, "to_stage", "to go to the next stage, advance.")
    assert row_counts() == before


def test_a_kind_not_allowed_now_is_refused_at_the_kind(client_for, leader, part):
    before = row_counts()
    response = client_for(leader).post(move_url(part), decision(part, "resume"))
    error_at(response, "kind", "Select a valid choice. resume is not one of the available choices.")
    assert row_counts() == before


def test_a_move_dated_before_the_latest_move_is_refused_naming_it(client_for, leader, moved_part):
    before = row_counts()
    response = client_for(leader).post(
        move_url(moved_part), decision(moved_part, "advance", effective_on="2024-01-15")
    )
    error_at(
        response,
        "effective_on",
        "The date cannot be before the part&#x27;s latest move (advance on 1 February 2024).",
    )
    assert row_counts() == before


def test_a_move_without_a_date_is_refused(client_for, leader, part):
    before = row_counts()
    response = client_for(leader).post(move_url(part), decision(part, "advance", effective_on=""))
    error_at(response, "effective_on", "Enter the date it took effect")
    assert row_counts() == before


def test_a_refusal_for_htmx_is_the_move_form_fragment(client_for, leader, moved_part):
    before = row_counts()
    response = client_for(leader).post(
        move_url(moved_part),
        decision(moved_part, "rewind", to_stage=1, rationale="We went too fast."),
        **HTMX,
    )
    html = error_at(response, "reason", "Choose a reason for this rewind.")
    assert "<html" not in html
    assert 'id="move-form-wrapper"' in html
    assert "We went too fast." in html
    assert row_counts() == before


def test_a_refused_move_under_csrf_checks_keeps_the_input(leader, moved_part):
    client = Client(enforce_csrf_checks=True)
    client.force_login(leader)
    before = row_counts()
    response = csrf_post(
        client,
        move_url(moved_part),
        decision(moved_part, "stop", reason="momentum", rationale=""),
    )
    html = error_at(response, "rationale", "Say why, in your own words.")
    assert '<option value="momentum" selected>' in html
    assert row_counts() == before


def test_a_move_without_the_csrf_token_is_refused(leader, part):
    client = Client(enforce_csrf_checks=True)
    client.force_login(leader)
    before = row_counts()
    response = client.post(move_url(part), decision(part, "advance"))
    assert response.status_code == 403
    assert row_counts() == before


# Someone else moved the part first


def test_a_stale_version_shows_who_moved_the_part_and_where_it_is_now(
    client_for, leader, organisation, part
):
    colleague = UserFactory(username="colleague", first_name="Asha", last_name="Patel")
    organisation.memberships.create(user=colleague, role="leader")
    make_move(part, "advance", by=colleague, on=datetime.date(2024, 2, 1))
    before = row_counts()
    response = client_for(leader).post(
        move_url(part),
        {
            "kind": "pause",
            "reason": "funding",
            "rationale": "The grant ended.",
            "effective_on": "2024-03-01",
            "expected_version": 1,
        },
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else has just moved this part" in html
    assert "North team was moved by Asha Patel on" in html
    assert "North team advanced to Designing. It is now active in Designing, round 1." in html
    assert "The grant ended." in html
    assert 'name="expected_version" value="2"' in html
    assert row_counts() == before
    assert position(part) == (2, State.ACTIVE, 1, 2)


def test_a_stale_version_for_htmx_is_the_move_form_fragment(client_for, leader, part):
    make_move(part, "advance", by=leader, on=datetime.date(2024, 2, 1))
    response = client_for(leader).post(
        move_url(part),
        {"kind": "advance", "effective_on": "2024-03-01", "expected_version": 1},
        **HTMX,
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "<html" not in html
    assert "It is now active in Designing, round 1." in html
    assert Move.objects.filter(part=part).count() == 2


# One decision for several parts


@pytest.fixture
def siblings(part, leader):
    """South team (active in Mobilising) and East team (paused in Mobilising)."""
    south = make_part(part.innovation, by=leader, name="South team")
    east = make_part(part.innovation, by=leader, name="East team")
    make_move(east, "pause", by=leader, on=datetime.date(2024, 2, 1))
    return south, east


def test_one_decision_moves_the_parts_that_can_and_reports_the_one_that_cannot(
    client_for, leader, part, siblings
):
    south, east = siblings
    client = client_for(leader)
    form = client.get(move_url(part)).content.decode()
    assert f'value="{south.pk}:1"' in form
    assert f'value="{east.pk}:2"' in form
    response = client.post(
        move_url(part),
        decision(part, "advance", also=[f"{south.pk}:1", f"{east.pk}:2"]),
        follow=True,
    )
    assert response.redirect_chain == [(part.innovation.get_absolute_url(), 303)]
    html = response.content.decode()
    assert "North team advanced to Designing; South team advanced to Designing." in html
    assert "East team did not move: A part that is paused cannot advance." in html
    assert position(part) == (2, State.ACTIVE, 1, 2)
    assert position(south) == (2, State.ACTIVE, 1, 2)
    assert position(east) == (1, State.PAUSED, 1, 2)
    assert Move.objects.filter(part=east).count() == 2


def test_a_part_moved_since_the_form_opened_is_reported_and_the_others_move(
    client_for, leader, part, siblings
):
    south, _ = siblings
    make_move(south, "advance", by=leader, on=datetime.date(2024, 3, 1))
    response = client_for(leader).post(
        move_url(part), decision(part, "advance", also=[f"{south.pk}:1"]), follow=True
    )
    html = response.content.decode()
    assert response.redirect_chain == [(part.innovation.get_absolute_url(), 303)]
    assert "North team advanced to Designing." in html
    assert "South team did not move: South team was moved by" in html
    assert position(part) == (2, State.ACTIVE, 1, 2)
    assert position(south) == (2, State.ACTIVE, 1, 2)


def test_a_forged_part_of_another_organisation_is_not_moved(
    client_for, leader, outsider, other_organisation, part, siblings
):
    theirs = make_part(
        InnovationFactory(organisation=other_organisation, title="Southdale hubs"),
        by=outsider,
        name="Hub A",
    )
    south, _ = siblings
    before = row_counts()
    response = client_for(leader).post(
        move_url(part), decision(part, "advance", also=[f"{south.pk}:1", f"{theirs.pk}:1"])
    )
    error_at(response, "also", f"{theirs.pk}:1 is not one of the available choices.")
    assert row_counts() == before
    assert position(theirs) == (1, State.ACTIVE, 1, 1)


def test_a_moved_part_for_htmx_answers_with_the_overview_fragment(
    client_for, leader, part, siblings
):
    south, _ = siblings
    response = client_for(leader).post(
        move_url(part), decision(part, "advance", also=[f"{south.pk}:1"]), **HTMX
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#overview"
    assert response["HX-Reswap"] == "innerHTML"
    html = response.content.decode()
    assert "<html" not in html
    assert "Where the parts stand on the wheel" in html
    assert "North team advanced to Designing; South team advanced to Designing." in html
    assert "North team: active in Designing" in html
    assert position(part)[3] == 2
    evidence = html[html.index('<section id="evidence"') :]
    assert 'data-hx-swap-oob="outerHTML"' in evidence.split(">", 1)[0]
    assert "Designing: 2 parts, no measure yet" in evidence


# Voiding the latest move


def test_the_void_form_names_the_move_it_would_void(client_for, leader, moved_part):
    response = client_for(leader).get(void_url(moved_part))
    assert response.status_code == 200
    html = response.content.decode()
    assert "The move to void: <strong>North team advanced to Designing</strong>" in html
    assert "The part goes back to active in Mobilising." in html


def test_the_void_form_for_htmx_is_the_void_form_fragment(client_for, leader, moved_part):
    response = client_for(leader).get(void_url(moved_part), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="void-form-wrapper"' in html


def test_a_void_returns_the_part_to_where_it_was(client_for, leader, part):
    make_move(part, "pause", by=leader, on=datetime.date(2024, 2, 1))
    make_move(part, "resume", by=leader, on=datetime.date(2024, 2, 10))
    client = client_for(leader)
    response = client.post(
        void_url(part),
        {"reason": "recording_error", "rationale": "Entered twice.", "expected_version": 3},
    )
    assert response.status_code == 303
    assert response["Location"] == part.innovation.get_absolute_url()
    assert position(part) == (1, State.PAUSED, 1, 4)
    assert part.state_since == datetime.date(2024, 2, 1)
    void = Move.objects.get(part=part, seq=4)
    assert void.kind == MoveKind.VOID
    assert void.voids == Move.objects.get(part=part, seq=3)
    page = client.get(response["Location"]).content.decode()
    assert (
        "North team: the resumption in Mobilising on 10 February 2024 was voided, back to paused "
        "in Mobilising: recording error."
    ) in page


def test_a_void_needs_a_rationale(client_for, leader, moved_part):
    before = row_counts()
    response = client_for(leader).post(
        void_url(moved_part),
        {"reason": "recording_error", "rationale": "", "expected_version": 2},
    )
    error_at(response, "rationale", "Say why, in your own words.")
    assert '<option value="recording_error" selected>' in response.content.decode()
    assert row_counts() == before
    assert position(moved_part) == (2, State.ACTIVE, 1, 2)


def test_a_void_refusal_for_htmx_is_the_void_form_fragment(client_for, leader, moved_part):
    before = row_counts()
    response = client_for(leader).post(
        void_url(moved_part), {"reason": "", "rationale": "Oops", "expected_version": 2}, **HTMX
    )
    html = error_at(response, "reason", "Choose a reason for this void.")
    assert "<html" not in html
    assert row_counts() == before


def test_a_part_with_only_its_start_has_nothing_to_void(client_for, leader, part):
    client = client_for(leader)
    page = client.get(void_url(part)).content.decode()
    assert "There is no move to void: a part's start cannot be voided." in page
    assert "Void this move" not in page
    before = row_counts()
    response = client.post(
        void_url(part), {"reason": "recording_error", "rationale": "Wrong.", "expected_version": 1}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "There is a problem" in html
    assert "There is no move to void: a part&#x27;s start cannot be voided." in html
    assert row_counts() == before


def test_a_stale_void_shows_the_latest_move(client_for, leader, moved_part):
    make_move(moved_part, "advance", by=leader, on=datetime.date(2024, 3, 1))
    before = row_counts()
    response = client_for(leader).post(
        void_url(moved_part),
        {"reason": "recording_error", "rationale": "Meant the other one.", "expected_version": 2},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "North team advanced to Developing. It is now active in Developing, round 1." in html
    assert "Meant the other one." in html
    assert row_counts() == before


def test_a_voided_move_for_htmx_answers_with_the_overview_fragment(client_for, leader, moved_part):
    response = client_for(leader).post(
        void_url(moved_part),
        {"reason": "recording_error", "rationale": "Wrong part.", "expected_version": 2},
        **HTMX,
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#overview"
    html = response.content.decode()
    assert "<html" not in html
    assert "North team: active in Mobilising" in html


@pytest.mark.parametrize(
    ("persona", "status"), [("leader", 200), ("viewer", 403), ("outsider", 404)]
)
def test_who_may_open_the_void_form(request, client_for, moved_part, persona, status):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(void_url(moved_part)).status_code == status


@pytest.mark.parametrize(("persona", "status"), [("viewer", 403), ("outsider", 404)])
def test_who_may_not_void_voids_nothing(request, client_for, moved_part, persona, status):
    user = request.getfixturevalue(persona)
    before = row_counts()
    response = client_for(user).post(
        void_url(moved_part),
        {"reason": "recording_error", "rationale": "Wrong.", "expected_version": 2},
    )
    assert response.status_code == status
    assert row_counts() == before


def test_voiding_asks_an_anonymous_person_to_sign_in(client, moved_part):
    url = void_url(moved_part)
    assert client.get(url)["Location"] == login_url(url)


def test_voiding_answers_only_get_and_post(client_for, leader, moved_part):
    assert client_for(leader).put(void_url(moved_part)).status_code == 405


@pytest.mark.parametrize("size", [2, 20])
def test_a_move_runs_the_same_queries_whatever_the_parts_and_moves(
    client_for, leader, innovation, size, django_assert_num_queries
):
    """Sent for the part alone: the session, the person, their membership, the part; then,
    under the part's row lock (a savepoint here, inside the test's transaction), its live
    moves and the stages, the move, its search entry, the part with its history row and
    search entry, its visits again and the two versions; then the session saved with the
    message (three, with its savepoint). The other parts of the innovation are read only to
    show the form again."""
    part = make_part(innovation, by=leader, name="North team", on=datetime.date(2024, 1, 1))
    for n in range(size):
        make_part(innovation, by=leader, name=f"Team {n:02}", on=datetime.date(2024, 1, 1))
    for _ in range(size // 2):
        make_move(part, "pause", by=leader, on=datetime.date(2024, 2, 1))
        make_move(part, "resume", by=leader, on=datetime.date(2024, 2, 1))
    client = client_for(leader)
    fields = decision(part, "pause", reason="workforce", rationale="Two left.")
    with django_assert_num_queries(21):
        response = client.post(move_url(part), fields)
    assert response.status_code == 303
    assert position(part) == (1, State.PAUSED, 1, size + 2)


def test_a_refused_decision_for_one_part_offers_the_other_parts_again(
    client_for, leader, innovation
):
    part = make_part(innovation, by=leader, name="North team", on=datetime.date(2024, 1, 1))
    make_part(innovation, by=leader, name="South team", on=datetime.date(2024, 1, 1))
    response = client_for(leader).post(move_url(part), decision(part, "pause"))
    assert response.status_code == 422
    html = response.content.decode()
    assert "Apply the same decision to other parts" in html
    assert "South team (Mobilising, active)" in html
