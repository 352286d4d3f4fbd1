"""Running a reflection session: the agenda, facilitator mode (notes, the check, a decision per
part) and applying the decisions."""

import datetime

import pytest
from django.urls import reverse

from assessments.models import Check, Decision, Note
from assessments.services import sessions
from stages.models import Move
from tests.factories import make_move, make_part
from tests.innovate.helpers import HTMX, csrf_post, error_at, login_url
from tests.innovate.sessions_helpers import HELD_ON, planned, session_rows, two_parts

D = datetime.date


@pytest.fixture
def parts(innovation, leader):
    return two_parts(innovation, leader)


@pytest.fixture
def session(innovation, facilitator, parts):
    return planned(innovation, facilitator, list(parts))


def run_url(session, part):
    return reverse("sessions:run-part", args=[session.pk, part.pk])


# The agenda


def test_every_member_reads_the_agenda_with_what_moved_since_the_last_session(
    client_for, viewer, facilitator, innovation, parts
):
    north, south = parts
    earlier = planned(
        innovation, facilitator, [north, south], held_on=D(2024, 2, 1), title="Winter"
    )
    sessions.add_note(earlier, by=facilitator, text="Met.")
    sessions.add_action(earlier, by=facilitator, text="Ask finance", owner=viewer)
    make_move(north, "pause", by=facilitator, on=D(2024, 2, 10))
    session = planned(innovation, facilitator, [north, south])

    response = client_for(viewer).get(reverse("sessions:agenda", args=[session.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Agenda: Spring review" in html
    assert "The previous session was Winter on 1 February 2024." in html
    assert "North team paused in Developing: planned pause, on 10 February 2024" in html
    # South started before the last session but was recorded after it: not missed.
    assert "South team started in Developing, on 1 January 2024 (recorded " in html
    assert "Ask finance" in html
    assert "(from Winter, 1 Feb 2024)" in html
    assert "Run the session in facilitator mode" not in html


@pytest.mark.parametrize(("persona", "status"), [("viewer", 200), ("outsider", 404)])
def test_who_may_read_the_agenda(request, client_for, session, persona, status):
    user = request.getfixturevalue(persona)
    url = reverse("sessions:agenda", args=[session.pk])
    assert client_for(user).get(url).status_code == status


def test_the_agenda_asks_an_anonymous_person_to_sign_in_and_answers_only_get(
    client, client_for, viewer, session
):
    url = reverse("sessions:agenda", args=[session.pk])
    assert client.get(url)["Location"] == login_url(url)
    assert client_for(viewer).post(url).status_code == 405


# Facilitator mode


def test_running_a_session_starts_at_its_first_part(client_for, facilitator, session, parts):
    response = client_for(facilitator).get(reverse("sessions:run", args=[session.pk]))
    assert response.status_code == 302
    assert response["Location"] == run_url(session, parts[0])


def test_facilitator_mode_shows_one_part_with_the_way_to_the_next(
    client_for, facilitator, session, parts
):
    north, south = parts
    response = client_for(facilitator).get(run_url(session, north))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="app-facilitator"' in html
    assert "part 1 of 2" in html
    assert '<h1 class="govuk-heading-xl">North team</h1>' in html
    assert f'href="{run_url(session, south)}" rel="next"' in html
    assert 'rel="prev"' not in html
    assert "Next part" in html
    assert "/static/js/facilitator.js" in html
    nonce = response.wsgi_request.csp_nonce
    assert f'<script src="/static/js/facilitator.js" nonce="{nonce}" defer></script>' in html
    for kind in ("stay", "advance", "jump", "rewind", "pause", "stop"):
        assert f'name="kind" value="{kind}"' in html
    for kind in ("resume", "restart", "new_cycle", "void", "start"):
        assert f'name="kind" value="{kind}"' not in html

    last = client_for(facilitator).get(run_url(session, south)).content.decode()
    assert f'href="{run_url(session, north)}" rel="prev"' in last
    assert f'href="{reverse("sessions:apply", args=[session.pk])}" rel="next"' in last


def test_a_paused_part_may_resume_or_stay(client_for, facilitator, session, parts):
    make_move(parts[0], "pause", by=facilitator, on=D(2024, 2, 1))
    html = client_for(facilitator).get(run_url(session, parts[0])).content.decode()
    kinds = {
        k
        for k in ("stay", "resume", "rewind", "stop", "advance", "pause")
        if f'value="{k}"' in html
    }
    assert kinds == {"stay", "resume", "rewind", "stop"}


def test_a_part_outside_the_scope_is_not_found(
    client_for, facilitator, session, innovation, leader
):
    other = make_part(innovation, by=leader, name="East team")
    assert client_for(facilitator).get(run_url(session, other)).status_code == 404
    url = reverse("sessions:add-note", args=[session.pk, other.pk])
    assert client_for(facilitator).post(url, {"text": "Hi"}).status_code == 404
    assert Note.objects.count() == 0


@pytest.mark.parametrize(
    ("persona", "status"), [("leader", 403), ("viewer", 403), ("outsider", 404)]
)
def test_who_may_not_run_a_session(request, client_for, session, parts, persona, status):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    assert client.get(reverse("sessions:run", args=[session.pk])).status_code == status
    response = client.get(run_url(session, parts[0]))
    assert response.status_code == status
    if status == 403:
        assert "Only a facilitator or a role above it (facilitator, manager)" in (
            response.content.decode()
        )


def test_facilitator_mode_asks_an_anonymous_person_to_sign_in_and_answers_only_get(
    client, client_for, facilitator, session, parts
):
    url = run_url(session, parts[0])
    assert client.get(url)["Location"] == login_url(url)
    assert client_for(facilitator).post(url).status_code == 405


# Notes


def note_url(session, part):
    return reverse("sessions:add-note", args=[session.pk, part.pk])


def test_a_note_answers_one_of_the_stages_prompts(client_for, facilitator, session, parts):
    north = parts[0]
    prompt = north.stage.prompts[0]
    client = client_for(facilitator)
    response = client.post(note_url(session, north), {"prompt": prompt, "text": "We tested it."})
    assert response.status_code == 303
    assert response["Location"] == run_url(session, north) + "#notes"
    response = client.post(note_url(session, north), {"prompt": "", "text": "Good energy."}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "We tested it." in html and "Good energy." in html
    assert 'role="status">Note added.' in html
    assert list(Note.objects.order_by("pk").values_list("prompt", "text", "part")) == [
        (prompt, "We tested it.", north.pk),
        ("", "Good energy.", north.pk),
    ]


@pytest.mark.parametrize("htmx", [False, True])
def test_an_empty_note_is_refused(client_for, facilitator, session, parts, htmx):
    before = session_rows()
    response = csrf_post(
        client_for(facilitator),
        run_url(session, parts[0]),
        {"prompt": "", "text": " "},
        post_url=note_url(session, parts[0]),
        **(HTMX if htmx else {}),
    )
    html = error_at(response, "text", "Write the note.")
    assert ("<html" in html) is not htmx
    assert session_rows() == before


def test_a_prompt_the_stage_does_not_have_is_refused(client_for, facilitator, session, parts):
    before = session_rows()
    response = client_for(facilitator).post(
        note_url(session, parts[0]), {"prompt": "Made up?", "text": "Hi"}
    )
    error_at(response, "prompt", "Select a valid choice.")
    assert session_rows() == before


@pytest.mark.parametrize(
    ("persona", "status"), [("leader", 403), ("viewer", 403), ("outsider", 404)]
)
def test_who_may_not_take_notes_takes_none(request, client_for, session, parts, persona, status):
    user = request.getfixturevalue(persona)
    response = client_for(user).post(note_url(session, parts[0]), {"text": "Hi"})
    assert response.status_code == status
    assert Note.objects.count() == 0


def test_a_facilitator_removes_a_mistaken_note(client_for, facilitator, leader, session, parts):
    note = sessions.add_note(session, by=facilitator, part=parts[0], text="Wrong part")
    url = reverse("sessions:remove-note", args=[session.pk, note.pk])
    assert client_for(leader).post(url).status_code == 403
    assert client_for(facilitator).get(url).status_code == 405
    response = client_for(facilitator).post(url)
    assert response.status_code == 303
    assert Note.objects.count() == 0


# The check


def check_url(session, part):
    return reverse("sessions:answer-check", args=[session.pk, part.pk])


@pytest.fixture
def at_integrating(innovation, facilitator):
    """A session on one part at Integrating, a stage whose key question the framework states."""
    east = make_part(innovation, by=facilitator, name="East team", stage=4)
    return planned(innovation, facilitator, [east], title="Integration review"), east


def test_the_group_answers_the_parts_check(client_for, facilitator, at_integrating):
    session, east = at_integrating
    response = client_for(facilitator).post(
        check_url(session, east),
        {"answer": "partly", "evidence": "Half the team trained."},
        **HTMX,
    )
    assert response.status_code == 200
    assert "Answer recorded." in response.content.decode()
    check = Check.objects.get()
    assert (check.part, check.stage.number, check.answer, check.answered_by) == (
        east,
        4,
        "partly",
        facilitator,
    )


def test_a_check_answer_without_evidence_is_refused(client_for, facilitator, at_integrating):
    session, east = at_integrating
    before = session_rows()
    response = csrf_post(
        client_for(facilitator),
        run_url(session, east),
        {"answer": "yes", "evidence": ""},
        post_url=check_url(session, east),
    )
    html = error_at(response, "evidence", "Say what the answer rests on.")
    assert 'value="yes" class="govuk-radios__input" id="id_answer_0" required checked' in html
    assert session_rows() == before


def test_at_a_stage_without_a_key_question_the_session_asks_for_notes_not_a_yes_or_no(
    client_for, facilitator, session, parts
):
    client = client_for(facilitator)
    html = client.get(run_url(session, parts[0])).content.decode()
    check = html.split('id="check-heading"')[1].split("</section>")[0]
    assert "The framework states no key question for Developing, so there is no yes or no" in check
    assert 'name="answer"' not in check
    assert "Key question:</strong> not stated in the framework text." in html
    assert "Reflection prompts: not reflected on at this stage yet." in html
    before = session_rows()
    response = client.post(
        check_url(session, parts[0]), {"answer": "yes", "evidence": "Seen."}, **HTMX
    )
    assert response.status_code == 422
    assert "The framework states no key question for Developing: record what is said" in (
        response.content.decode()
    )
    assert session_rows() == before


@pytest.mark.parametrize(("persona", "status"), [("leader", 403), ("outsider", 404)])
def test_who_may_not_answer_in_a_session(request, client_for, session, parts, persona, status):
    user = request.getfixturevalue(persona)
    response = client_for(user).post(check_url(session, parts[0]), {"answer": "unknown"})
    assert response.status_code == status
    assert Check.objects.count() == 0


# Decisions


def decision_url(session, part):
    return reverse("sessions:decide", args=[session.pk, part.pk])


def test_a_facilitator_records_a_decision_with_a_minority_view(
    client_for, facilitator, session, parts
):
    north = parts[0]
    client = client_for(facilitator)
    response = client.post(
        decision_url(session, north),
        {
            "kind": "advance",
            "rationale": "The pilot met its aims.",
            "minority_view": "Practice leads wanted one more month.",
        },
    )
    assert response.status_code == 303
    assert response["Location"] == run_url(session, north) + "#decision"
    decision = Decision.objects.get()
    assert (decision.kind, decision.part_version, decision.decided_on, decision.status) == (
        "advance",
        1,
        HELD_ON,
        "pending",
    )
    assert decision.minority_view == "Practice leads wanted one more month."
    assert Move.objects.filter(part=north).count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "Decision recorded: North team: advance. It is applied at the end." in page
    assert "Waiting to be applied" in page


def test_a_decision_for_htmx_is_the_decision_fragment(client_for, facilitator, session, parts):
    response = client_for(facilitator).post(
        decision_url(session, parts[1]), {"kind": "stay"}, **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "South team stays where it is" in html


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "pause", "rationale": "Vacancies."}, "reason", "Choose a reason for this pause."),
        (
            {"kind": "rewind", "reason": "learning", "rationale": "Why"},
            "to_stage",
            "Choose the stage to move to.",
        ),
        (
            {"kind": "resume"},
            "kind",
            "Select a valid choice. resume is not one of the available choices.",
        ),
        (
            {"kind": "pause", "reason": "funding", "rationale": "Grant", "review_on": "2024-02-01"},
            "review_on",
            "The date to revisit cannot be before the date the pause takes effect.",
        ),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_an_impossible_decision_is_refused_and_nothing_is_saved(
    client_for, facilitator, session, parts, data, field, message, htmx
):
    before = session_rows()
    response = csrf_post(
        client_for(facilitator),
        run_url(session, parts[0]),
        data,
        post_url=decision_url(session, parts[0]),
        **(HTMX if htmx else {}),
    )
    html = error_at(response, field, message)
    assert ("<html" in html) is not htmx
    assert session_rows() == before


def test_a_decision_the_session_service_refuses_is_shown_at_its_field(
    client_for, facilitator, innovation, parts
):
    later = planned(
        innovation, facilitator, list(parts), held_on=datetime.date.today() + datetime.timedelta(7)
    )
    before = session_rows()
    response = csrf_post(
        client_for(facilitator),
        run_url(later, parts[0]),
        {"kind": "advance"},
        post_url=decision_url(later, parts[0]),
    )
    error_at(
        response,
        "kind",
        f"This session is planned for {later.held_on:%-d %B %Y}: record its decisions on the day "
        "or after.",
    )
    assert session_rows() == before


@pytest.mark.parametrize(
    ("persona", "status"), [("leader", 403), ("viewer", 403), ("outsider", 404)]
)
def test_who_may_not_decide_decides_nothing(request, client_for, session, parts, persona, status):
    user = request.getfixturevalue(persona)
    response = client_for(user).post(decision_url(session, parts[0]), {"kind": "stay"})
    assert response.status_code == status
    assert Decision.objects.count() == 0


def test_deciding_answers_only_post_and_asks_anonymous_people_to_sign_in(
    client, client_for, facilitator, session, parts
):
    url = decision_url(session, parts[0])
    assert client_for(facilitator).get(url).status_code == 405
    assert client.post(url, {"kind": "stay"})["Location"] == login_url(url)


# Applying


def apply_url(session):
    return reverse("sessions:apply", args=[session.pk])


def test_applying_reports_what_was_applied_and_what_was_not(
    client_for, facilitator, leader, session, parts
):
    north, south = parts
    leader.first_name, leader.last_name = "Priya", "Shah"
    leader.save()
    sessions.record_decision(session, north, by=facilitator, kind="advance")
    sessions.record_decision(
        session, south, by=facilitator, kind="pause", reason="workforce", rationale="Vacancies."
    )
    make_move(north, "pause", by=leader, on=D(2024, 2, 20))
    client = client_for(facilitator)

    page = client.get(apply_url(session)).content.decode()
    assert "North team: advance" in page and "South team: pause" in page
    response = client.post(apply_url(session))

    assert response.status_code == 303
    assert response["Location"] == apply_url(session)
    html = client.get(apply_url(session)).content.decode()
    assert "Applied: South team paused in Developing: workforce or capacity." in html
    assert "Not applied: North team was moved by Priya Shah on " in html
    assert "It is now paused in Developing, round 1. Re-decide it." in html
    assert f'href="{run_url(session, north)}#decision">Re-decide' in html
    assert "2. South team: paused in Developing" in html
    move = Move.objects.get(part=south, seq=2)
    assert (move.kind, move.effective_on, move.recorded_by) == ("pause", HELD_ON, facilitator)
    assert Decision.objects.get(part=south).move == move


def test_applying_with_nothing_waiting_says_so(client_for, facilitator, session):
    response = client_for(facilitator).post(apply_url(session), follow=True)
    assert "There were no decisions waiting to be applied." in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "status"), [("leader", 403), ("viewer", 403), ("outsider", 404)]
)
def test_who_may_not_apply_applies_nothing(
    request, client_for, facilitator, session, parts, persona, status
):
    sessions.record_decision(session, parts[0], by=facilitator, kind="advance")
    user = request.getfixturevalue(persona)
    assert client_for(user).get(apply_url(session)).status_code == status
    assert client_for(user).post(apply_url(session)).status_code == status
    assert Move.objects.filter(part=parts[0]).count() == 1


def test_applying_answers_only_get_and_post_and_asks_anonymous_people_to_sign_in(
    client, client_for, facilitator, session
):
    assert client_for(facilitator).put(apply_url(session)).status_code == 405
    assert client.post(apply_url(session))["Location"] == login_url(apply_url(session))
