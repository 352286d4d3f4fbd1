"""Which parts follow a measure, and the one status every page shows for it
(assessments.queries.evidence.status_of_measure): a measure of the whole innovation is followed
by its parts at the measure's stage that are not stopped and by any part with readings of its
own, and is on track only when each of them is."""

from datetime import date

import pytest

from assessments.queries import evidence as queries
from assessments.queries import organisation as org_queries
from tests.assessments.factories import make_measure, make_reading
from tests.factories import make_move, make_part

TODAY = date(2025, 7, 10)
RECENT = date(2025, 7, 1)
OLD = date(2025, 2, 1)  # 159 days before TODAY
TARGET = {"target_value": 10, "target_on": date(2025, 12, 31)}


@pytest.fixture
def parts(innovation, leader):
    """Alpha (active), Bravo (paused) and Charlie (stopped) at Developing; Delta and Echo at
    Designing."""
    alpha = make_part(innovation, by=leader, name="Alpha", stage=3)
    bravo = make_part(innovation, by=leader, name="Bravo", stage=3)
    make_move(bravo, "pause", by=leader, on=date(2025, 1, 10))
    charlie = make_part(innovation, by=leader, name="Charlie", stage=3)
    make_move(charlie, "stop", by=leader, on=date(2025, 1, 10))
    delta = make_part(innovation, by=leader, name="Delta", stage=2)
    echo = make_part(innovation, by=leader, name="Echo", stage=2)
    return {p.name: p for p in (alpha, bravo, charlie, delta, echo)}


def the(innovation, name):
    [measure] = [m for m in queries.measures_with_status(innovation, TODAY) if m.name == name]
    return measure


def test_followed_by_the_parts_at_its_stage_not_stopped_and_those_with_readings_of_their_own(
    innovation, leader, parts
):
    measure = make_measure(innovation, by=leader, name="Families", stage=3, **TARGET)
    make_reading(measure, by=leader, part=parts["Alpha"], on=RECENT, value=11)
    make_reading(measure, by=leader, part=parts["Delta"], on=RECENT, value=12)
    make_reading(measure, by=leader, on=RECENT, value=10)

    got = the(innovation, "Families")

    assert got.followed_by == ["Alpha", "Bravo", "Delta"]
    # Bravo has no reading of its own: the whole innovation's reading speaks for it.
    assert got.status.code == "on_track"
    assert got.status.explanation == (
        "On track for all 3 parts following it: Alpha, Bravo judged by the whole "
        "innovation's reading and Delta."
    )


def test_a_following_part_with_no_reading_at_all_leaves_it_without_data(innovation, leader, parts):
    measure = make_measure(innovation, by=leader, name="Families", stage=3, **TARGET)
    make_reading(measure, by=leader, part=parts["Alpha"], on=RECENT, value=11)

    got = the(innovation, "Families")

    assert got.followed_by == ["Alpha", "Bravo"]
    assert got.status.code == "no_data"
    assert got.status.explanation == (
        "1 of 2 parts following it on track. No data: Bravo (no reading yet). On track: Alpha."
    )


def test_the_part_that_fares_worst_decides(innovation, leader, parts):
    measure = make_measure(
        innovation,
        by=leader,
        name="Families",
        stage=3,
        baseline_value=0,
        baseline_on=date(2025, 1, 1),
        **TARGET,
    )
    make_reading(measure, by=leader, part=parts["Alpha"], on=RECENT, value=11)
    make_reading(measure, by=leader, part=parts["Bravo"], on=OLD, value=11)
    make_reading(measure, by=leader, part=parts["Echo"], on=RECENT, value=1)

    got = the(innovation, "Families")

    assert got.followed_by == ["Alpha", "Bravo", "Echo"]
    assert got.status.code == "off_track"
    assert got.status.explanation.startswith(
        "1 of 3 parts following it on track. Off track: Echo (latest reading 1 on 1 July 2025: "
        "behind the straight line"
    )
    assert "No recent data: Bravo (the latest reading is from 1 February 2025, 159 days ago" in (
        got.status.explanation
    )
    assert got.status_by_part[parts["Alpha"].pk].code == "on_track"


def test_with_no_following_part_reading_of_its_own_the_whole_decides(innovation, leader, parts):
    measure = make_measure(innovation, by=leader, name="Families", stage=3, **TARGET)
    whole = make_reading(measure, by=leader, on=RECENT, value=12)

    got = the(innovation, "Families")

    assert got.followed_by == ["Alpha", "Bravo"]
    assert got.status == measure.status_from(whole, TODAY)
    assert got.status.explanation == "Target of 10 by 31 December 2025 met: 12 on 1 July 2025."


def test_with_nobody_following_the_whole_decides(innovation, leader, parts):
    measure = make_measure(innovation, by=leader, name="Sustained", stage=5, **TARGET)
    whole = make_reading(measure, by=leader, on=OLD, value=12)

    got = the(innovation, "Sustained")

    assert got.followed_by == []
    assert got.status == measure.status_from(whole, TODAY)
    assert got.status.code == "no_recent_data"


def test_a_measure_of_one_part_is_followed_by_that_part_only(innovation, leader, parts):
    measure = make_measure(
        innovation, by=leader, name="Alpha's own", stage=3, part=parts["Alpha"], **TARGET
    )
    reading = make_reading(measure, by=leader, part=parts["Alpha"], on=RECENT, value=3)

    got = the(innovation, "Alpha's own")

    assert got.followed_by == ["Alpha"]
    assert got.status == measure.status_from(reading, TODAY)


def test_every_read_gives_each_part_the_same_status(organisation, innovation, leader, parts):
    measure = make_measure(innovation, by=leader, name="Families", stage=3, **TARGET)
    make_reading(measure, by=leader, part=parts["Alpha"], on=RECENT, value=11)
    make_reading(measure, by=leader, part=parts["Bravo"], on=OLD, value=11)
    got = the(innovation, "Families")
    assert got.status.code == "no_recent_data"
    short = "0 of 1 measure on track (Families: no recent data for Bravo)"

    everyone = queries.readiness_for_parts(innovation, TODAY)
    book = org_queries.MeasureBook(organisation, TODAY)
    for name in ("Alpha", "Bravo"):
        part = parts[name]
        for ready in (everyone[part.pk], queries.readiness(part, TODAY)):
            [line] = ready["measures"]
            assert line.status == got.status, name
            assert ready["measures_on_track"] == 0
            assert ready["summary"].startswith(short), name
        assert book.on_track(part.pk, innovation.pk, 3) == (0, 1)
        [(_measure, _reading, status)] = book.for_part(part.pk, innovation.pk, 3)
        assert status == got.status
    [(_measure, _reading, status)] = book.for_innovation(innovation.pk)
    assert status == got.status


def test_the_book_as_of_a_date_follows_the_parts_where_they_stood_then(
    organisation, innovation, leader, parts
):
    """Echo advanced to Developing on 1 March 2025, with no reading of its own: before then
    only Alpha followed the measure; after, Echo has no data."""
    measure = make_measure(innovation, by=leader, name="Families", stage=3, **TARGET)
    make_reading(measure, by=leader, part=parts["Alpha"], on=date(2025, 2, 20), value=11)
    make_move(parts["Echo"], "advance", by=leader, on=date(2025, 3, 1))
    make_move(parts["Bravo"], "stop", by=leader, on=date(2025, 1, 20))

    before = org_queries.MeasureBook(organisation, date(2025, 2, 25))
    [(_m, _r, status)] = before.for_innovation(innovation.pk)
    assert (status.code, status.parts) == ("on_track", (("Alpha", "on_track"),))

    after = org_queries.MeasureBook(organisation, date(2025, 3, 5))
    [(_m, _r, status)] = after.for_innovation(innovation.pk)
    assert status.code == "no_data"
    assert status.parts == (("Alpha", "on_track"), ("Echo", "no_data"))
    assert queries.measures_with_status(innovation, date(2025, 3, 5))[0].status == status


def test_given_the_parts_the_measures_take_two_queries(
    innovation, leader, parts, django_assert_num_queries
):
    measure = make_measure(innovation, by=leader, name="Families", stage=3, **TARGET)
    make_reading(measure, by=leader, part=parts["Alpha"], on=RECENT, value=11)
    everyone = list(innovation.parts.select_related("stage"))
    with django_assert_num_queries(2):
        [got] = queries.measures_with_status(innovation, TODAY, parts=everyone)
        assert got.followed_by == ["Alpha", "Bravo"]
