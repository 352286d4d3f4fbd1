"""A hand-built organisation to search: an open innovation with parts, a move, a measure and
readings, answers, notes, a session with its decision and action; a closed one with what was
learned; a restricted one with its team and guests; and things no one may find (a withdrawn
part and reading, another organisation's part)."""

import datetime

import pytest

from assessments.services import evidence, sessions
from stages import services, teams
from stages.models import Role
from tests.factories import InnovationFactory, MembershipFactory, UserFactory, make_move, make_part

ON = datetime.date(2024, 1, 1)


def persona(organisation, username, role=Role.VIEWER, *, guest=False):
    return MembershipFactory(
        organisation=organisation, role=role, is_guest=guest, user=UserFactory(username=username)
    ).user


@pytest.fixture
def world(organisation, other_organisation, innovation, viewer, leader, facilitator, manager):
    """Every persona of the access matrix, by name, with the data they search."""
    innovation.summary = "Families plan together with their wider network."
    innovation.save()
    eastfield = make_part(innovation, by=leader, name="Eastfield hub", kind="site", on=ON)
    mash = make_part(
        innovation,
        by=leader,
        name="Front door (MASH)",
        stage=2,
        on=ON,
        rationale="Already taking referrals when recording began.",
    )
    make_move(
        mash,
        "pause",
        by=leader,
        on=datetime.date(2024, 2, 1),
        rationale="Waiting for the new duty rota.",
        review_on=datetime.date(2024, 6, 1),
    )
    old = make_part(innovation, by=leader, name="Eastfield old team", on=ON)
    services.withdraw_part(old, by=manager, reason="Added by mistake.")

    measure = evidence.define_measure(
        innovation,
        by=leader,
        stage=2,
        part=mash,
        name="Parents who found the first call respectful",
        collection="Asked by text message after the call.",
    )
    evidence.record_reading(
        measure,
        by=leader,
        observed_on=datetime.date(2024, 3, 1),
        value=60,
        story="Fewer complaints since the duty rota settled.",
    )
    counted_twice = evidence.record_reading(
        measure,
        by=leader,
        observed_on=datetime.date(2024, 3, 2),
        value=61,
        story="Eastfield figures double counted.",
    )
    evidence.withdraw_reading(counted_twice, by=leader, reason="Counted twice.")
    evidence.answer_check(
        eastfield, by=leader, answer="yes", evidence="Board papers agree the hub model."
    )
    evidence.record_involvement(
        eastfield,
        by=leader,
        level="co_designing",
        who="young_people",
        note="Young people chose the hub's name.",
    )
    evidence.set_ethics_note(
        innovation, 1, by=leader, note="Whose power decides who joins the meeting?"
    )

    session = sessions.plan_session(
        innovation,
        by=facilitator,
        held_on=datetime.date(2024, 3, 1),
        title="Spring reflection",
        facilitator=facilitator,
        parts=[eastfield, mash],
        notes="Look back at the first quarter.",
    )
    sessions.add_note(session, by=facilitator, text="The rota worries the duty team.", part=mash)
    sessions.record_decision(
        session, eastfield, by=facilitator, kind="stay", rationale="Settling in well at Eastfield."
    )
    sessions.add_action(
        session, by=facilitator, text="Book the board room for the review.", owner=leader
    )

    closed = InnovationFactory(organisation=organisation, title="Early help in schools")
    services.close_innovation(
        closed,
        by=manager,
        learning="Schools were the best front door for families.",
        outcome="mainstreamed",
    )

    users = {
        "viewer": viewer,
        "leader": leader,
        "facilitator": facilitator,
        "manager": manager,
        "lead": persona(organisation, "lead"),
        "contributor": persona(organisation, "contributor"),
        "guest_viewer": persona(organisation, "guest-viewer", guest=True),
        "guest_contributor": persona(organisation, "guest-contributor", guest=True),
        "guest_ended": persona(organisation, "guest-ended", guest=True),
        "shut_out": persona(organisation, "shut-out", Role.LEADER),
        "outsider": persona(other_organisation, "outsider", Role.MANAGER),
    }
    restricted = InnovationFactory(organisation=organisation, title="Youth voice panel")
    teams.set_team(
        restricted,
        by=manager,
        lead=users["lead"],
        contributors=[users["contributor"]],
        restricted=True,
    )
    make_part(restricted, by=users["lead"], name="Eastfield youth panel", on=ON)
    until = datetime.date.today() + datetime.timedelta(days=30)
    for name, role, ends in [
        ("guest_viewer", "viewer", until),
        ("guest_contributor", "contributor", until),
        ("guest_ended", "contributor", datetime.date.today() - datetime.timedelta(days=1)),
    ]:
        teams.place_guest(users[name], by=manager, innovations=[restricted], role=role, until=ends)

    elsewhere = InnovationFactory(organisation=other_organisation, title="Southdale fostering")
    make_part(elsewhere, by=users["outsider"], name="Eastfield fostering hub", on=ON)
    return users
