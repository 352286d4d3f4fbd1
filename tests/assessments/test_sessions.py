"""Reflection sessions through their write path: planning, attendees, notes, decisions and
applying them as moves, and actions."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from assessments.models import (
    Action,
    Attendee,
    Decision,
    DecisionStatus,
    Note,
    ReflectionSession,
    SessionPart,
    SessionStatus,
)
from assessments.queries.organisation import overdue_actions
from assessments.services import sessions
from stages.models import Move, Organisation, Part, State
from stages.rules import MoveRefused
from tests.factories import InnovationFactory, make_move, make_part

HELD_ON = date(2025, 3, 10)
TODAY = date(2025, 3, 20)


def plan(innovation, facilitator, parts, *, held_on=HELD_ON, title="Spring review"):
    return sessions.plan_session(
        innovation,
        by=facilitator,
        held_on=held_on,
        title=title,
        facilitator=facilitator,
        parts=parts,
    )


def decide(session, part, kind, by, **fields):
    return sessions.record_decision(session, part, by=by, kind=kind, today=TODAY, **fields)


@pytest.fixture
def session(innovation, facilitator, north, south):
    return plan(innovation, facilitator, [north, south])


def refusal(call):
    """The messages, by field ("__all__" for the record as a whole), of the ValidationError
    `call` raises."""
    with pytest.raises(ValidationError) as refused:
        call()
    error = refused.value
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


def position(part):
    part = Part.objects.select_related("stage").get(pk=part.pk)
    return (part.stage.number, part.state, part.cycle, part.version)


# Planning


def test_planning_a_session_keeps_its_scope_and_history_and_bumps_the_version(
    innovation, facilitator, north, south, organisation
):
    organisation.refresh_from_db()
    before = organisation.version
    session = plan(innovation, facilitator, [north, south])
    assert session.status == SessionStatus.PLANNED
    assert session.organisation_id == innovation.organisation_id
    assert set(session.parts.values_list("name", flat=True)) == {"North team", "South team"}
    assert session.history.get().history_user == facilitator
    assert session.history.get().history_change_reason == "Session planned"
    assert SessionPart.history.filter(history_user=facilitator).count() == 2
    assert Organisation.objects.get(pk=organisation.pk).version > before


def test_a_leader_not_on_the_innovations_team_cannot_be_the_facilitator(
    innovation, facilitator, leader, north
):
    assert refusal(
        lambda: sessions.plan_session(
            innovation,
            by=facilitator,
            held_on=HELD_ON,
            title="Review",
            facilitator=leader,
            parts=[north],
        )
    ) == {
        "facilitator": [
            "Choose a facilitator or a manager of the organisation, or a member of the "
            "innovation's team, to facilitate."
        ]
    }
    assert ReflectionSession.objects.count() == 0


def test_a_manager_may_facilitate(innovation, facilitator, manager, north):
    session = sessions.plan_session(
        innovation,
        by=facilitator,
        held_on=HELD_ON,
        title="Review",
        facilitator=manager,
        parts=[north],
    )
    assert session.facilitator == manager


def test_a_session_needs_parts_of_its_own_innovation(innovation, facilitator, north, elsewhere):
    assert refusal(lambda: plan(innovation, facilitator, [])) == {
        "parts": ["Choose at least one part to reflect on."]
    }
    assert refusal(lambda: plan(innovation, facilitator, [north, elsewhere])) == {
        "parts": ["Hub team is not a part of Family group conferencing."]
    }
    assert ReflectionSession.objects.count() == 0
    assert SessionPart.objects.count() == 0


def test_a_session_needs_a_title(innovation, facilitator, north):
    assert refusal(lambda: plan(innovation, facilitator, [north], title="  ")) == {
        "title": ["Enter the title."]
    }


@pytest.mark.parametrize(
    ("held_on", "message"),
    [
        (date(1989, 12, 31), "The date of the session must be on or after 1 January 1990."),
        (date(2101, 1, 1), "The date of the session must be on or before 31 December 2100."),
        (None, "Enter the date of the session."),
    ],
)
def test_a_session_is_held_on_a_date_in_the_products_range(
    innovation, facilitator, north, held_on, message
):
    assert refusal(lambda: plan(innovation, facilitator, [north], held_on=held_on)) == {
        "held_on": [message]
    }
    assert ReflectionSession.objects.count() == 0


def test_changing_the_scope_takes_parts_in_and_out(session, facilitator, north, south, innovation):
    east = make_part(innovation, by=facilitator, name="East team")
    sessions.update_session(
        session,
        by=facilitator,
        held_on=HELD_ON,
        title="Spring review, moved",
        facilitator=facilitator,
        parts=[north, east],
    )
    session.refresh_from_db()
    assert session.title == "Spring review, moved"
    assert set(session.parts.values_list("name", flat=True)) == {"North team", "East team"}
    removed = SessionPart.history.filter(history_type="-").get()
    assert (removed.part_id, removed.history_change_reason) == (south.pk, "Taken out of scope")


def test_a_part_with_a_decision_stays_in_scope(session, facilitator, north, south):
    decide(session, south, "stay", facilitator)
    assert refusal(
        lambda: sessions.update_session(
            session,
            by=facilitator,
            held_on=HELD_ON,
            title="Spring review",
            facilitator=facilitator,
            parts=[north],
        )
    ) == {"parts": ["South team has a decision in this session, so it stays in scope."]}
    assert session.parts.count() == 2


def test_the_date_stays_once_decisions_are_applied(session, facilitator, north):
    decide(session, north, "advance", facilitator)
    sessions.apply_decisions(session, by=facilitator, today=TODAY)
    assert refusal(
        lambda: sessions.update_session(
            session,
            by=facilitator,
            held_on=date(2025, 3, 11),
            title="Spring review",
            facilitator=facilitator,
            parts=[north],
        )
    ) == {
        "held_on": [
            "Decisions of this session were applied as moves dated 10 March 2025, so its date "
            "cannot change."
        ]
    }
    session.refresh_from_db()
    assert session.held_on == HELD_ON


# Attendees and notes


def test_attendees_are_kept_by_name_or_role_level_and_part(session, facilitator, north):
    attendee = sessions.add_attendee(
        session, by=facilitator, name_or_role="Team manager", level="operational", part=north
    )
    assert str(attendee) == "Team manager (operational)"
    assert refusal(
        lambda: sessions.add_attendee(session, by=facilitator, name_or_role="Someone", level="boss")
    ) == {"level": ["Choose the level they work at."]}
    sessions.remove_attendee(attendee, by=facilitator)
    assert session.attendees.count() == 0
    assert Attendee.history.filter(history_type="-").get().history_user == facilitator


def test_an_attendee_comes_from_a_part_of_the_innovation(session, facilitator, elsewhere):
    assert refusal(
        lambda: sessions.add_attendee(
            session, by=facilitator, name_or_role="Hub lead", level="practice", part=elsewhere
        )
    ) == {"part": ["Hub team is not a part of this innovation."]}


def test_a_note_answers_a_prompt_for_a_part_and_marks_the_session_held(session, facilitator, north):
    note = sessions.add_note(
        session,
        by=facilitator,
        part=north,
        prompt="What have we changed?",
        text="The referral letter.",
        today=TODAY,
    )
    assert (note.prompt, note.text, note.recorded_by) == (
        "What have we changed?",
        "The referral letter.",
        facilitator,
    )
    session.refresh_from_db()
    assert session.status == SessionStatus.HELD


def test_a_note_before_the_day_leaves_the_session_planned(session, facilitator, north):
    sessions.add_note(
        session, by=facilitator, part=north, text="Agenda idea", today=date(2025, 3, 1)
    )
    session.refresh_from_db()
    assert session.status == SessionStatus.PLANNED


def test_a_note_needs_text_and_a_part_in_scope(session, facilitator, elsewhere):
    assert refusal(lambda: sessions.add_note(session, by=facilitator, text=" ", today=TODAY)) == {
        "text": ["Enter the note."]
    }
    assert refusal(
        lambda: sessions.add_note(session, by=facilitator, part=elsewhere, text="Hi", today=TODAY)
    ) == {"part": ["Hub team is not in this session's scope."]}
    assert Note.objects.count() == 0


# Decisions


def test_a_decision_keeps_the_parts_version_and_the_session_date(session, facilitator, north):
    make_move(north, "pause", by=facilitator, on=date(2024, 6, 1))
    decision = decide(
        session,
        north,
        "resume",
        facilitator,
        rationale="Staff are back.",
        minority_view="Two managers wanted to wait for the audit.",
    )
    assert (decision.part_version, decision.decided_on) == (2, HELD_ON)
    assert decision.status == DecisionStatus.PENDING
    assert decision.minority_view == "Two managers wanted to wait for the audit."
    assert Move.objects.filter(part=north).count() == 2
    session.refresh_from_db()
    assert session.status == SessionStatus.HELD


@pytest.mark.parametrize(
    ("kind", "fields", "message"),
    [
        (
            "resume",
            {},
            "North team is active in Developing, round 1, so the session can decide: "
            "stay where it is, advance, jump ahead, rewind, pause or stop.",
        ),
        ("new_cycle", {"rationale": "Again"}, "North team is active in Developing, round 1, so"),
        ("pause", {}, "Choose a reason for this pause."),
        ("rewind", {"reason": "learning", "rationale": "Why"}, "Choose the stage to move to."),
        (
            "jump",
            {"to_stage": 4, "reason": "learning", "rationale": "Why"},
            "A jump goes to a "
            "stage beyond the one after Developing; to go to the next stage, advance.",
        ),
    ],
)
def test_a_facilitator_cannot_record_a_decision_the_rules_refuse(
    session, facilitator, north, kind, fields, message
):
    with pytest.raises(MoveRefused) as refused:
        decide(session, north, kind, facilitator, **fields)
    assert refused.value.message.startswith(message)
    assert Decision.objects.count() == 0


def test_a_decision_is_one_the_session_can_make(session, facilitator, north):
    assert refusal(lambda: decide(session, north, "wander", facilitator)) == {
        "kind": ["Choose what the session decided."]
    }
    assert Decision.objects.count() == 0


def test_a_stay_is_allowed_whatever_the_part_state(session, facilitator, north):
    make_move(north, "stop", by=facilitator, on=date(2024, 6, 1))
    decision = decide(session, north, "stay", facilitator, to_stage=2, reason="funding")
    assert (decision.kind, decision.to_stage, decision.reason) == ("stay", None, "")


def test_a_decision_is_refused_before_the_session_day(innovation, facilitator, north):
    later = plan(innovation, facilitator, [north], held_on=date(2025, 4, 1))
    assert refusal(lambda: decide(later, north, "advance", facilitator)) == {
        "kind": [
            "This session is planned for 1 April 2025: record its decisions on the day or after."
        ]
    }


def test_a_decision_is_refused_when_the_part_moved_after_the_session_day(
    session, facilitator, north
):
    make_move(north, "pause", by=facilitator, on=date(2025, 3, 15))
    with pytest.raises(MoveRefused) as refused:
        decide(session, north, "resume", facilitator)
    assert refused.value.message == (
        "The session's date is before North team's latest move (pause on 15 March 2025), so "
        "this decision could not take effect on it."
    )


def test_a_part_outside_the_scope_gets_no_decision(session, facilitator, elsewhere):
    assert refusal(lambda: decide(session, elsewhere, "stay", facilitator)) == {
        "part": ["Hub team is not in this session's scope."]
    }


def test_a_new_decision_replaces_the_one_waiting_for_the_same_part(session, facilitator, north):
    first = decide(session, north, "stay", facilitator)
    second = decide(session, north, "advance", facilitator, rationale="Ready.")
    first.refresh_from_db()
    assert first.status == DecisionStatus.REPLACED
    assert second.status == DecisionStatus.PENDING
    assert list(
        Decision.objects.filter(part=north, status=DecisionStatus.PENDING).values_list("kind")
    ) == [("advance",)]


def test_no_decision_moves_a_part_of_a_closed_innovation(session, facilitator, north, innovation):
    from stages import services

    services.close_innovation(
        innovation, by=facilitator, outcome="other", learning="Learned plenty."
    )
    assert refusal(lambda: decide(session, north, "advance", facilitator)) == {
        "kind": ["This innovation is closed: reopen it to move its parts."]
    }
    assert decide(session, north, "stay", facilitator).kind == "stay"


# Applying


def test_applying_writes_each_move_with_the_session_link_and_the_stored_date(
    session, facilitator, manager, north, south
):
    advance = decide(session, north, "advance", facilitator, rationale="Pilot results are in.")
    pause = decide(
        session,
        south,
        "pause",
        facilitator,
        reason="workforce",
        rationale="Two vacancies.",
        review_on=date(2025, 6, 1),
    )
    report = sessions.apply_decisions(session, by=manager, today=TODAY)

    assert [(o.decision.part.name, o.status) for o in report] == [
        ("North team", "applied"),
        ("South team", "applied"),
    ]
    assert report[0].message == "North team advanced to Integrating."
    assert report[1].message == (
        "South team paused in Developing: workforce or capacity, to revisit on 1 June 2025."
    )
    for decision, kind in ((advance, "advance"), (pause, "pause")):
        decision.refresh_from_db()
        move = decision.move
        assert decision.status == DecisionStatus.APPLIED
        assert (move.kind, move.effective_on, move.recorded_by, move.seq) == (
            kind,
            HELD_ON,
            manager,
            decision.part_version + 1,
        )
        assert (
            move.evidence == "Decided at the reflection session “Spring review” on 10 March 2025."
        )
        assert list(move.session_decisions.all()) == [decision]
        assert decision.history.first().history_change_reason == "Decision applied"
    assert Move.objects.get(pk=advance.move_id).rationale == "Pilot results are in."
    assert Move.objects.get(pk=pause.move_id).review_on == date(2025, 6, 1)
    assert position(north) == (4, State.ACTIVE, 1, 2)
    assert position(south) == (3, State.PAUSED, 1, 2)
    session.refresh_from_db()
    assert session.status == SessionStatus.APPLIED


def test_a_stay_writes_no_move(session, facilitator, north):
    stay = decide(session, north, "stay", facilitator, rationale="Give the pilot a month more.")
    report = sessions.apply_decisions(session, by=facilitator, today=TODAY)
    assert [(o.status, o.message) for o in report] == [
        ("stay", "North team stays active in Developing, round 1.")
    ]
    stay.refresh_from_db()
    assert (stay.status, stay.move) == (DecisionStatus.STAY, None)
    assert Move.objects.filter(part=north).count() == 1
    assert position(north) == (3, State.ACTIVE, 1, 1)


def test_a_part_moved_meanwhile_is_not_applied_and_the_others_are(
    session, facilitator, leader, north, south
):
    leader.first_name, leader.last_name = "Priya", "Shah"
    leader.save()
    decide(session, north, "advance", facilitator)
    decide(session, south, "advance", facilitator)
    make_move(north, "pause", by=leader, on=date(2025, 3, 12))

    report = sessions.apply_decisions(session, by=facilitator, today=TODAY)

    north_outcome, south_outcome = report
    assert north_outcome.status == "not_applied"
    assert north_outcome.message.startswith("North team was moved by Priya Shah on ")
    assert north_outcome.message.endswith(
        ": North team paused in Developing: planned pause. It is now paused in Developing, round 1."
    )
    assert south_outcome.status == "applied"
    north_decision = Decision.objects.get(part=north)
    assert (north_decision.status, north_decision.move, north_decision.outcome) == (
        "not_applied",
        None,
        north_outcome.message,
    )
    assert position(north) == (3, State.PAUSED, 1, 2)
    assert position(south) == (4, State.ACTIVE, 1, 2)


def test_a_not_applied_decision_can_be_decided_again_with_the_current_version(
    session, facilitator, north
):
    decide(session, north, "advance", facilitator)
    make_move(north, "pause", by=facilitator, on=date(2025, 3, 1))
    sessions.apply_decisions(session, by=facilitator, today=TODAY)

    again = decide(session, north, "resume", facilitator, rationale="Back on track.")
    assert again.part_version == 2
    report = sessions.apply_decisions(session, by=facilitator, today=TODAY)
    assert [(o.decision.pk, o.status) for o in report] == [(again.pk, "applied")]
    assert position(north) == (3, State.ACTIVE, 1, 3)
    assert sorted(Decision.objects.values_list("status", flat=True)) == ["applied", "not_applied"]


def test_applying_again_applies_nothing_twice(session, facilitator, north):
    decide(session, north, "advance", facilitator)
    sessions.apply_decisions(session, by=facilitator, today=TODAY)
    assert sessions.apply_decisions(session, by=facilitator, today=TODAY) == []
    assert Move.objects.filter(part=north).count() == 2


def test_a_decision_on_a_closed_innovation_is_not_applied(session, facilitator, north, innovation):
    from stages import services

    decide(session, north, "advance", facilitator)
    services.close_innovation(
        innovation, by=facilitator, outcome="other", learning="Learned plenty."
    )
    (outcome,) = sessions.apply_decisions(session, by=facilitator, today=TODAY)
    assert (outcome.status, outcome.message) == (
        "not_applied",
        "Family group conferencing is closed: reopen it to move its parts.",
    )
    # The closing stopped the part; the decision added nothing.
    assert [m.kind for m in Move.objects.filter(part=north).order_by("seq")] == ["start", "stop"]


# Actions


def test_an_action_is_owned_by_a_member_and_can_be_done_and_reopened(session, facilitator, viewer):
    action = sessions.add_action(
        session,
        by=facilitator,
        text="Ask finance about the posts",
        owner=viewer,
        due_on=date(2025, 4, 1),
        today=TODAY,
    )
    assert (action.done, action.done_on) == (False, None)
    assert overdue_actions(action.organisation, date(2025, 4, 2)) == [action]
    sessions.complete_action(action, by=viewer, done_on=date(2025, 3, 25))
    action.refresh_from_db()
    assert (action.done, action.done_on) == (True, date(2025, 3, 25))
    assert overdue_actions(action.organisation, date(2025, 4, 2)) == []
    sessions.reopen_action(action, by=viewer)
    action.refresh_from_db()
    assert (action.done, action.done_on) == (False, None)
    assert [h.history_change_reason for h in action.history.order_by("history_id")] == [
        "Action agreed",
        "Action done",
        "Action reopened",
    ]


def test_an_action_owner_must_be_a_member(session, facilitator, outsider):
    assert refusal(
        lambda: sessions.add_action(session, by=facilitator, text="Call them", owner=outsider)
    ) == {"owner": ["Choose a member of the organisation to own the action."]}
    assert Action.objects.count() == 0


def test_sessions_of_an_organisation_keep_its_id_everywhere(
    session, facilitator, north, organisation
):
    sessions.add_attendee(
        session, by=facilitator, name_or_role="Parent", level="young_person_or_family"
    )
    sessions.add_note(session, by=facilitator, part=north, text="Heard", today=TODAY)
    decide(session, north, "stay", facilitator)
    sessions.add_action(session, by=facilitator, text="Write up", owner=facilitator)
    other = InnovationFactory(organisation=organisation, title="Another")
    assert other.reflection_sessions.count() == 0
    for rows in (
        session.attendees.all(),
        session.notes_made.all(),
        session.decisions.all(),
        session.actions.all(),
        session.scope.all(),
    ):
        assert {row.organisation_id for row in rows} == {organisation.pk}


# Removing notes and attendees


@pytest.fixture
def recorded(session, facilitator, north):
    """A session with an attendee and a note on North team, and a decision waiting."""
    attendee = sessions.add_attendee(
        session, by=facilitator, name_or_role="Team manager", level="operational"
    )
    note = sessions.add_note(session, by=facilitator, part=north, text="Letters.", today=TODAY)
    decide(session, north, "advance", facilitator)
    return attendee, note


def test_removing_a_note_or_an_attendee_is_recorded_in_history(recorded, facilitator):
    attendee, note = recorded
    sessions.remove_note(note, by=facilitator)
    sessions.remove_attendee(attendee, by=facilitator)
    removed_note = Note.history.get(history_type="-")
    assert (removed_note.text, removed_note.history_user) == ("Letters.", facilitator)
    assert removed_note.history_change_reason == "Note removed"
    removed_attendee = Attendee.history.get(history_type="-")
    assert removed_attendee.history_user == facilitator
    assert removed_attendee.history_change_reason == "Attendee removed: Team manager"


def test_once_decisions_are_applied_notes_and_attendees_cannot_be_removed(
    session, recorded, facilitator
):
    attendee, note = recorded
    sessions.apply_decisions(session, by=facilitator, today=TODAY)
    assert refusal(lambda: sessions.remove_note(note, by=facilitator)) == {
        "__all__": [
            "The decisions of this session have been applied as moves, so its notes are part of "
            "the record and cannot be removed."
        ]
    }
    assert refusal(lambda: sessions.remove_attendee(attendee, by=facilitator)) == {
        "__all__": [
            "The decisions of this session have been applied as moves, so its attendees are part "
            "of the record and cannot be removed."
        ]
    }
    assert Note.objects.filter(pk=note.pk).exists()
    assert Attendee.objects.filter(pk=attendee.pk).exists()
    assert not Note.history.filter(history_type="-").exists()
    assert not Attendee.history.filter(history_type="-").exists()
