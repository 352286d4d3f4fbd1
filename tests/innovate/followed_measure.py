"""A measure of the whole innovation followed by two parts, one of which has gone quiet: North
team's latest reading, nine days ago, meets the target; East locality's, 160 days ago, is too
old to count. Both parts are at Developing, the measure's stage."""

import datetime
from zoneinfo import ZoneInfo

import time_machine

from tests.assessments.factories import make_measure, make_reading
from tests.factories import make_part

D = datetime.date
TODAY = D(2026, 8, 10)
RECENT = D(2026, 8, 1)
QUIET = D(2026, 3, 3)  # 160 days before TODAY
MEASURE = "Families attending a first meeting"


def frozen():
    """The clock at noon on TODAY in London, ticking."""
    return time_machine.travel(
        datetime.datetime(2026, 8, 10, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=True
    )


def build(innovation, leader):
    """(measure, North team, East locality)."""
    north = make_part(innovation, by=leader, name="North team", stage=3, on=D(2024, 1, 1))
    east = make_part(innovation, by=leader, name="East locality", stage=3, on=D(2024, 1, 1))
    measure = make_measure(
        innovation,
        by=leader,
        name=MEASURE,
        stage=3,
        unit="families",
        baseline_value=2,
        baseline_on=D(2026, 1, 1),
        target_value=10,
        target_on=D(2026, 12, 31),
    )
    make_reading(measure, by=leader, part=east, on=QUIET, value=12)
    make_reading(measure, by=leader, part=north, on=RECENT, value=12)
    return measure, north, east
