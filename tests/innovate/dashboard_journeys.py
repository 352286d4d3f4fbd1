"""Hand-built journeys whose dashboards have known answers, for the dashboard, export and My
work tests. Every row is written through the services, with the clock frozen at TODAY so that
what was defined (measures, sessions) has a date in the same world as the moves."""

import datetime
from zoneinfo import ZoneInfo

import time_machine

from assessments.services import evidence, sessions
from stages import services
from tests.factories import InnovationFactory, make_move, make_part

D = datetime.date
TODAY = D(2024, 6, 30)
EARLIER = D(2024, 3, 1)
KINSHIP_DAYS = (10, 20, 30, 40, 50)


def frozen():
    """The clock at noon on TODAY in London, ticking."""
    return time_machine.travel(
        datetime.datetime(2024, 6, 30, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=True
    )


def build(organisation, innovation, *, leader, manager, facilitator):
    """Three innovations:

    Family group conferencing (tags edge of care, family-led; lead: the leader):
      North team (lead: the leader, next review 1 June 2024): started in Mobilising 1 Jan,
        advanced 1 Feb, paused 1 Mar (to revisit 1 Apr), resumed 15 Mar, rewound to
        Mobilising 1 Apr, advanced to Designing 1 May.
      South team (no lead, next review 1 Sep 2024): started in Developing 1 Jan, paused
        1 Feb (to revisit 1 Mar).
      A measure of the whole innovation at Designing, on track on 1 Jun; a session held on
        15 May with an action for the leader due 15 Jun, not done.
    Kinship support (tag kinship; lead: the manager):
      Kinship teams 1 to 5: started in Mobilising 1 Jan, advanced after 10, 20, 30, 40, 50 days.
      Slow team (lead: the leader): started in Mobilising 1 Jan. Steady team: 21 Jan.
      A measure at Designing with no reading; a session planned for 10 July on Slow team.
    Mentoring (closed on 1 May 2024, funding ended, with its learning):
      Mentor pool: started in Designing 1 Jan, stopped 1 Apr."""
    by = leader
    services.update_innovation(innovation, by=by, lead=leader, tags=["edge of care", "family-led"])
    north = make_part(
        innovation,
        by=by,
        name="North team",
        on=D(2024, 1, 1),
        lead=leader,
        next_review_on=D(2024, 6, 1),
    )
    make_move(north, "advance", by=by, on=D(2024, 2, 1))
    make_move(north, "pause", by=by, on=D(2024, 3, 1), review_on=D(2024, 4, 1))
    make_move(north, "resume", by=by, on=D(2024, 3, 15))
    make_move(north, "rewind", by=by, on=D(2024, 4, 1), to_stage=1)
    make_move(north, "advance", by=by, on=D(2024, 5, 1))
    south = make_part(
        innovation,
        by=by,
        name="South team",
        stage=3,
        on=D(2024, 1, 1),
        next_review_on=D(2024, 9, 1),
    )
    make_move(south, "pause", by=by, on=D(2024, 2, 1), reason="funding", review_on=D(2024, 3, 1))
    measure = evidence.define_measure(
        innovation,
        by=by,
        stage=2,
        name="Families offered a conference",
        target_value=10,
        unit="families",
    )
    evidence.record_reading(measure, by=by, observed_on=D(2024, 6, 1), value=12)
    held = sessions.plan_session(
        innovation,
        by=manager,
        held_on=D(2024, 5, 15),
        title="May review",
        facilitator=facilitator,
        parts=[north, south],
    )
    action = sessions.add_action(
        held,
        by=facilitator,
        text="Write to the funders about South team",
        owner=leader,
        due_on=D(2024, 6, 15),
    )

    kinship = InnovationFactory(organisation=organisation, title="Kinship support", lead=manager)
    services.update_innovation(kinship, by=by, tags=["kinship"])
    teams = []
    for n, days in enumerate(KINSHIP_DAYS, start=1):
        team = make_part(kinship, by=by, name=f"Kinship team {n}", on=D(2024, 1, 1))
        make_move(team, "advance", by=by, on=D(2024, 1, 1) + datetime.timedelta(days=days))
        teams.append(team)
    slow = make_part(kinship, by=by, name="Slow team", on=D(2024, 1, 1), lead=leader)
    steady = make_part(kinship, by=by, name="Steady team", on=D(2024, 1, 21))
    evidence.define_measure(kinship, by=by, stage=2, name="Carers in a peer group")
    planned = sessions.plan_session(
        kinship,
        by=manager,
        held_on=D(2024, 7, 10),
        title="Kinship summer review",
        facilitator=facilitator,
        parts=[slow],
    )

    mentoring = InnovationFactory(organisation=organisation, title="Mentoring")
    pool = make_part(mentoring, by=by, name="Mentor pool", stage=2, on=D(2024, 1, 1))
    make_move(pool, "stop", by=by, on=D(2024, 4, 1), reason="funding")
    services.close_innovation(
        mentoring,
        by=by,
        outcome="stopped_funding",
        learning="Mentors need paid time.",
        closed_on=D(2024, 5, 1),
    )
    return {
        "innovation": innovation,
        "north": north,
        "south": south,
        "kinship": kinship,
        "teams": teams,
        "slow": slow,
        "steady": steady,
        "mentoring": mentoring,
        "pool": pool,
        "measure": measure,
        "held": held,
        "planned": planned,
        "action": action,
    }
