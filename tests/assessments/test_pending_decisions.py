"""Decisions waiting to be applied, as of a date: decided by then, and neither applied nor
withdrawn (not applied, replaced) by the end of that day."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from assessments.models import DecisionStatus
from assessments.queries.organisation import pending_decisions
from assessments.queries.sessions import sessions_of
from assessments.services import sessions
from stages import services
from stages.queries import counted_parts
from tests.factories import InnovationFactory, make_move, make_part

D = datetime.date
HELD_ON = D(2024, 3, 1)
APPLIED_ON = D(2024, 3, 10)


def at(day):
    """The clock at noon on `day` in London."""
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, 12, tzinfo=ZoneInfo("Europe/London")),
        tick=False,
    )


def held(innovation, facilitator, parts, *, title="Spring review", held_on=HELD_ON):
    return sessions.plan_session(
        innovation,
        by=facilitator,
        held_on=held_on,
        title=title,
        facilitator=facilitator,
        parts=parts,
    )


def names(found):
    return [decision.describe() for decision in found]


@pytest.fixture
def decided(innovation, facilitator, north, south):
    """Spring review, held on 1 March 2024, decided that North team advances and South team
    stays; both decisions recorded that day and waiting."""
    with at(HELD_ON):
        session = held(innovation, facilitator, [north, south])
        sessions.record_decision(session, north, by=facilitator, kind="advance")
        sessions.record_decision(session, south, by=facilitator, kind="stay")
    return session


def test_decisions_recorded_and_not_applied_are_waiting(organisation, decided):
    assert names(pending_decisions(organisation, D(2024, 6, 1))) == [
        "North team: advance",
        "South team stays where it is",
    ]


def test_a_decision_is_not_waiting_before_the_day_it_was_decided(organisation, decided):
    assert pending_decisions(organisation, HELD_ON - datetime.timedelta(days=1)) == []
    assert len(pending_decisions(organisation, HELD_ON)) == 2


def test_applied_decisions_stop_waiting_but_were_waiting_until_the_day_they_were_applied(
    organisation, decided, facilitator
):
    with at(APPLIED_ON):
        sessions.apply_decisions(decided, by=facilitator)
    assert pending_decisions(organisation, APPLIED_ON) == []
    assert pending_decisions(organisation, D(2024, 6, 1)) == []
    assert len(pending_decisions(organisation, APPLIED_ON - datetime.timedelta(days=1))) == 2


def test_a_decision_not_applied_stops_waiting(organisation, decided, facilitator, leader, north):
    # North team moved meanwhile, so the session's decision for it cannot be applied.
    make_move(north, "pause", by=leader, on=D(2024, 3, 5))
    with at(APPLIED_ON):
        report = sessions.apply_decisions(decided, by=facilitator)
    assert [o.status for o in report] == [DecisionStatus.NOT_APPLIED, DecisionStatus.STAY]
    assert pending_decisions(organisation, APPLIED_ON) == []
    assert len(pending_decisions(organisation, D(2024, 3, 9))) == 2


def test_a_replaced_decision_stops_waiting_and_its_replacement_waits(
    organisation, decided, facilitator, south
):
    with at(D(2024, 3, 4)):
        sessions.record_decision(
            decided, south, by=facilitator, kind="pause", reason="planned_pause", rationale="Wait."
        )
    assert names(pending_decisions(organisation, D(2024, 3, 4))) == [
        "North team: advance",
        "South team: pause",
    ]
    # On the day before, the first decision was the one waiting; its replacement was
    # recorded later, but it is dated the session's day like every decision of the session.
    earlier = names(pending_decisions(organisation, D(2024, 3, 3)))
    assert "South team stays where it is" in earlier
    assert "North team: advance" in earlier


def test_the_person_sees_the_sessions_they_facilitate_and_the_innovations_they_lead(
    organisation, innovation, decided, leader, manager, elsewhere
):
    other = held(elsewhere.innovation, manager, [elsewhere], title="Hub review")
    with at(HELD_ON):
        sessions.record_decision(other, elsewhere, by=manager, kind="stay")
    on = D(2024, 6, 1)
    facilitated = pending_decisions(organisation, on, user=decided.facilitator)
    assert {d.session.title for d in facilitated} == {"Spring review"}
    assert {d.session.title for d in pending_decisions(organisation, on, user=manager)} == {
        "Hub review"
    }
    assert pending_decisions(organisation, on, user=leader) == []
    services.update_innovation(innovation, by=leader, lead=leader)
    assert {d.session.title for d in pending_decisions(organisation, on, user=leader)} == {
        "Spring review"
    }
    assert len(pending_decisions(organisation, on)) == 3


def test_decisions_on_parts_that_are_not_counted_are_left_out(
    organisation, innovation, decided, leader
):
    services.close_innovation(innovation, by=leader, outcome="other", learning="Learned.")
    today = datetime.date.today()
    assert pending_decisions(organisation, today, parts=counted_parts(organisation, today)) == []
    assert len(pending_decisions(organisation, today)) == 2


def test_another_organisations_decisions_are_not_read(
    other_organisation, outsider, outsider_part, decided
):
    assert pending_decisions(other_organisation, D(2024, 6, 1)) == []


@pytest.mark.parametrize("size", [2, 20])
def test_one_query_reads_every_waiting_decision(
    organisation, facilitator, leader, size, django_assert_num_queries
):
    innovation = InnovationFactory(organisation=organisation, title="Kinship support")
    parts = [make_part(innovation, by=leader, name=f"Team {n:02}", stage=3) for n in range(size)]
    with at(HELD_ON):
        session = held(innovation, facilitator, parts)
        for part in parts:
            sessions.record_decision(session, part, by=facilitator, kind="stay")
    with django_assert_num_queries(1):
        found = pending_decisions(
            organisation, D(2024, 6, 1), parts=counted_parts(organisation, D(2024, 6, 1))
        )
        described = names(found) + [d.session.innovation.title for d in found]
    assert described[:size] == [f"Team {n:02} stays where it is" for n in range(size)]
    with django_assert_num_queries(1):
        (row,) = sessions_of(innovation)
    assert row.waiting == size
