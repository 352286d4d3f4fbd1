"""The generated agenda and the session record: what they hold, and in how many queries."""

import zoneinfo
from datetime import date, datetime

import pytest
import time_machine

from assessments.queries import sessions as session_queries
from assessments.services import sessions
from tests.assessments.factories import make_check, make_involvement, make_measure, make_reading
from tests.factories import InnovationFactory, make_move, make_part

LONDON = zoneinfo.ZoneInfo("Europe/London")


def at(day, hour=12):
    """Travel to `day` at `hour` in London: what is written then is recorded then."""
    return time_machine.travel(
        datetime(day.year, day.month, day.day, hour, tzinfo=LONDON), tick=False
    )


def plan(innovation, by, parts, held_on, title):
    return sessions.plan_session(
        innovation, by=by, held_on=held_on, title=title, facilitator=by, parts=parts
    )


@pytest.fixture
def journey(innovation, facilitator, organisation):
    """North and South (in scope) and East (not), a session held on 1 February 2025 and the
    moves around it, a planned session that never took place, and the session to come on
    1 March 2025."""
    with at(date(2024, 12, 1)):
        north = make_part(
            innovation, by=facilitator, name="North team", stage=3, on=date(2024, 12, 1)
        )
        south = make_part(
            innovation, by=facilitator, name="South team", stage=2, on=date(2024, 12, 1)
        )
        east = make_part(
            innovation, by=facilitator, name="East team", stage=1, on=date(2024, 12, 1)
        )
    with at(date(2025, 1, 20)):
        make_move(north, "advance", by=facilitator, on=date(2025, 1, 20))
    with at(date(2025, 1, 25)):
        held = plan(innovation, facilitator, [north, south], date(2025, 2, 1), "Winter review")
    with at(date(2025, 2, 1), hour=10):
        sessions.add_note(held, by=facilitator, part=north, text="Going well.")
        earlier_action = sessions.add_action(
            held,
            by=facilitator,
            text="Ask finance about the posts",
            owner=facilitator,
            due_on=date(2025, 2, 20),
        )
        done_action = sessions.add_action(
            held, by=facilitator, text="Book the room", owner=facilitator
        )
    with at(date(2025, 2, 1), hour=17):
        # Recorded on the session's own day and dated before it: not new since the session.
        make_move(south, "advance", by=facilitator, on=date(2025, 1, 25))
    with at(date(2025, 2, 3)):
        sessions.complete_action(done_action, by=facilitator)
    with at(date(2025, 2, 10)):
        make_move(north, "pause", by=facilitator, on=date(2025, 2, 10))
        make_move(east, "advance", by=facilitator, on=date(2025, 2, 10))
    with at(date(2025, 2, 15)):
        # Back-dated: recorded after the session, dated before it.
        make_move(south, "pause", by=facilitator, on=date(2025, 1, 28))
        never = plan(innovation, facilitator, [north], date(2025, 2, 14), "Cancelled review")
        coming = plan(innovation, facilitator, [north, south], date(2025, 3, 1), "Spring review")
        other = InnovationFactory(organisation=organisation, title="Other work")
        other_part = make_part(other, by=facilitator, name="Other team")
        other_session = plan(other, facilitator, [other_part], date(2025, 2, 1), "Elsewhere")
        sessions.add_action(other_session, by=facilitator, text="Not ours", owner=facilitator)
    return {
        "north": north,
        "south": south,
        "east": east,
        "held": held,
        "never": never,
        "coming": coming,
        "earlier_action": earlier_action,
    }


def test_the_agenda_shows_what_moved_since_the_previous_session_back_dated_moves_included(
    journey,
):
    agenda = session_queries.agenda(journey["coming"], date(2025, 2, 20))

    assert agenda["previous"] == journey["held"]
    assert [entry["part"].name for entry in agenda["parts"]] == ["North team", "South team"]
    north, south = agenda["parts"]
    assert [m.describe() for m in north["moved"]] == [
        "North team paused in Integrating: planned pause"
    ]
    assert [(m.describe(), m.effective_on) for m in south["moved"]] == [
        ("South team paused in Developing: planned pause", date(2025, 1, 28))
    ]


def test_a_session_with_none_before_it_has_no_previous_and_nothing_moved(journey):
    agenda = session_queries.agenda(journey["held"], date(2025, 2, 1))
    assert agenda["previous"] is None
    assert all(entry["moved"] == [] for entry in agenda["parts"])


def test_a_planned_session_that_never_took_place_is_not_the_previous_one(journey):
    assert session_queries.previous_session(journey["coming"]) == journey["held"]
    assert journey["never"].status == "planned"


def test_moves_dated_after_the_day_are_in_even_when_recorded_early(innovation, facilitator):
    with at(date(2025, 1, 1)):
        part = make_part(innovation, by=facilitator, name="North team", on=date(2025, 1, 1))
    moves = session_queries.moved_since([part.pk], date(2024, 12, 31))
    assert [m.kind for m in moves] == ["start"]
    assert session_queries.moved_since([part.pk], date(2025, 1, 1)) == []


def test_the_agenda_carries_the_stage_the_evidence_and_the_open_actions(
    journey, facilitator, innovation
):
    north = journey["north"]
    with at(date(2025, 2, 16)):
        measure = make_measure(
            innovation, by=facilitator, stage=4, name="Families in plans", part=north
        )
        make_reading(measure, by=facilitator, on=date(2025, 2, 16), value=12)
        make_check(north, by=facilitator, answer="partly", evidence="Budget for one year only.")
        make_involvement(north, by=facilitator, level="co_designing", who="young_people")

    agenda = session_queries.agenda(journey["coming"], date(2025, 2, 20))
    entry = agenda["parts"][0]
    assert entry["stage"].name == "Integrating"
    assert entry["stage"].key_question.startswith("Is it (financially, practically) sustainable")
    assert entry["stage"].prompts
    readiness = entry["readiness"]
    assert [(line.measure.name, line.latest.value) for line in readiness["measures"]] == [
        ("Families in plans", 12)
    ]
    assert readiness["check"].evidence == "Budget for one year only."
    assert readiness["involvement"].describe() == "Young people co-designed"
    assert [a.text for a in agenda["open_actions"]] == ["Ask finance about the posts"]
    assert agenda["open_actions"][0].session == journey["held"]


def test_the_session_record_groups_attendees_by_level_and_keeps_the_current_decision(
    innovation, facilitator
):
    part = make_part(innovation, by=facilitator, name="North team", stage=3)
    session = plan(innovation, facilitator, [part], date(2025, 3, 1), "Review")
    for name, level in [
        ("Parent", "young_person_or_family"),
        ("Director", "strategic"),
        ("Social worker", "practice"),
        ("Assistant director", "strategic"),
    ]:
        sessions.add_attendee(session, by=facilitator, name_or_role=name, level=level)
    sessions.record_decision(session, part, by=facilitator, kind="stay", today=date(2025, 3, 1))
    latest = sessions.record_decision(
        session, part, by=facilitator, kind="advance", today=date(2025, 3, 1)
    )

    record = session_queries.session_record(session)

    assert [(label, [a.name_or_role for a in people]) for label, people in record["by_level"]] == [
        ("Strategic", ["Assistant director", "Director"]),
        ("Practice", ["Social worker"]),
        ("Young person or family", ["Parent"]),
    ]
    assert [d.status for d in record["decisions"]] == ["replaced", "pending"]
    assert record["current_decision"] == {part.pk: latest}


@pytest.fixture
def scoped(request, innovation, facilitator):
    """`size` parts in scope of a session, each with a measure, a reading, a check, an
    involvement record and a move since the previous session; an open action from it."""
    size = request.param
    with at(date(2025, 1, 1)):
        parts = [
            make_part(innovation, by=facilitator, name=f"Team {n:02}", stage=3, on=date(2025, 1, 1))
            for n in range(size)
        ]
        held = plan(innovation, facilitator, parts, date(2025, 1, 1), "Winter review")
        sessions.add_action(held, by=facilitator, text="Write to partners", owner=facilitator)
    with at(date(2025, 2, 1)):
        for part in parts:
            measure = make_measure(innovation, by=facilitator, name=f"Count {part.name}", part=part)
            make_reading(measure, by=facilitator, on=date(2025, 2, 1), value=3)
            make_check(part, by=facilitator)
            make_involvement(part, by=facilitator)
            make_move(part, "pause", by=facilitator, on=date(2025, 2, 1))
        coming = plan(innovation, facilitator, parts, date(2025, 3, 1), "Spring review")
    return coming, [p.name for p in parts]


@pytest.mark.parametrize("scoped", [2, 20], indirect=True)
def test_the_agenda_runs_the_same_queries_whatever_the_number_of_parts(
    scoped, django_assert_num_queries
):
    session, names = scoped
    session = type(session).objects.select_related("innovation").get(pk=session.pk)
    with django_assert_num_queries(9):
        agenda = session_queries.agenda(session, date(2025, 2, 20))
        shown = [
            (
                e["part"].name,
                e["stage"].name,
                [m.describe() for m in e["moved"]],
                [line.status.label for line in e["readiness"]["measures"]],
                e["readiness"]["summary"],
            )
            for e in agenda["parts"]
        ]
        actions = [(a.text, a.owner.username, a.session.title) for a in agenda["open_actions"]]
    assert [s[0] for s in shown] == names
    assert all(s[2] == [f"{s[0]} paused in Developing: planned pause"] for s in shown)
    assert actions == [("Write to partners", "facilitator", "Winter review")]
