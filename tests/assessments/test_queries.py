"""Reads of measures, readings, checks and involvement: what they return, and in how many
queries."""

from datetime import date
from decimal import Decimal

import pytest

from assessments.models import Measure
from assessments.queries import evidence as queries
from assessments.services import evidence as services
from stages.models import Stage
from tests.assessments.factories import make_check, make_involvement, make_measure, make_reading
from tests.factories import InnovationFactory, make_move, make_part

TODAY = date(2025, 7, 10)


def test_measures_come_with_readings_in_order_the_latest_and_a_status(
    innovation, leader, north, south
):
    whole = make_measure(
        innovation,
        by=leader,
        name="Families attending",
        target_value=50,
        target_on=date(2025, 12, 31),
    )
    # Recorded out of order; the same date twice for South: the later record counts.
    r3 = make_reading(whole, by=leader, on=date(2025, 6, 1), value=20, part=north)
    r1 = make_reading(whole, by=leader, on=date(2025, 4, 1), value=10)
    r4 = make_reading(whole, by=leader, on=date(2025, 6, 20), value=55, part=south)
    r5 = make_reading(whole, by=leader, on=date(2025, 6, 20), value=60, part=south)
    r2 = make_reading(whole, by=leader, on=date(2025, 5, 1), value=12)
    rated = make_measure(innovation, by=leader, name="Family voice", scale="rated", part=north)
    early = make_measure(innovation, by=leader, name="Interest", stage=1)
    retired = make_measure(innovation, by=leader, name="Old count")
    services.update_measure(retired, by=leader, is_active=False)

    measures = queries.measures_with_status(innovation, TODAY)

    assert [m.name for m in measures] == ["Interest", "Families attending", "Family voice"]
    got = measures[1]
    assert got.readings_in_order == [r1, r2, r3, r4, r5]
    assert got.series == {None: [r1, r2], north.pk: [r3], south.pk: [r4, r5]}
    assert got.latest == r5
    assert got.latest_by_part == {None: r2, north.pk: r3, south.pk: r5}
    # Followed by North and South, each with readings of its own: South's latest reading is
    # the latest of all and meets the target, but North's does not yet.
    assert got.followed_by == ["North team", "South team"]
    assert got.status.code == "some_concern"
    assert got.status.explanation.startswith(
        "1 of 2 parts following it on track. Some concern: North team (target of 50 by "
    )
    assert got.status.explanation.endswith("On track: South team.")
    assert {k: s.code for k, s in got.status_by_part.items()} == {
        None: "some_concern",
        north.pk: "some_concern",
        south.pk: "on_track",
    }
    assert (measures[2].latest, measures[2].status.code) == (None, "no_data")
    assert measures[0] == early

    # One measure on its own (its page) comes with the same, in one query.
    one = queries.measure_with_status(Measure.objects.get(pk=whole.pk), TODAY)
    assert one.readings_in_order == got.readings_in_order
    assert (one.series, one.latest, one.latest_by_part) == (got.series, r5, got.latest_by_part)
    assert (one.status, one.status_by_part) == (got.status, got.status_by_part)
    assert [
        m.name for m in queries.measures_with_status(innovation, TODAY, include_inactive=True)
    ] == [
        "Interest",
        "Families attending",
        "Old count",
        "Family voice",
    ]
    assert rated.pk == measures[2].pk


def test_coverage_names_stages_with_parts_but_no_measure(organisation, innovation, leader):
    make_part(innovation, by=leader, name="Alpha", stage=3)
    beta = make_part(innovation, by=leader, name="Beta", stage=3)
    make_move(beta, "pause", by=leader, on=date(2024, 2, 1))
    make_part(innovation, by=leader, name="Gamma", stage=4)
    delta = make_part(innovation, by=leader, name="Delta", stage=6)
    make_part(innovation, by=leader, name="Epsilon", stage=2)
    zeta = make_part(innovation, by=leader, name="Zeta", stage=1)
    make_move(zeta, "stop", by=leader, on=date(2024, 2, 1))
    make_measure(innovation, by=leader, stage=4, name="Cost per family")
    make_measure(innovation, by=leader, stage=6, name="Policy changed", part=delta)
    retired = make_measure(innovation, by=leader, stage=5, name="Adopted elsewhere")
    services.update_measure(retired, by=leader, is_active=False)
    other = InnovationFactory(organisation=organisation, title="Edge of care hub")
    make_measure(other, by=leader, stage=3, name="Referrals")
    make_measure(other, by=leader, stage=2, name="Referrals")

    gaps = queries.coverage(innovation)

    assert [(g.stage.number, g.parts_here, g.next_for) for g in gaps] == [
        (2, 1, 0),
        (3, 2, 1),
        (5, 0, 1),
    ]
    assert [g.describe() for g in gaps] == [
        "Designing: 1 part, no measure yet",
        "Developing: 2 parts, next for 1 part, no measure yet",
        "Growing: next for 1 part, no measure yet",
    ]


def test_coverage_says_next_for_several_parts(innovation, leader):
    make_part(innovation, by=leader, name="Alpha", stage=3)
    make_part(innovation, by=leader, name="Beta", stage=3)
    make_measure(innovation, by=leader, stage=3)
    assert [g.describe() for g in queries.coverage(innovation)] == [
        "Integrating: next for 2 parts, no measure yet"
    ]


def test_coverage_is_empty_with_no_parts(innovation):
    assert queries.coverage(innovation) == []


def test_the_current_check_is_the_latest_answer_at_the_parts_current_stage(
    innovation, leader, north, south
):
    make_check(north, by=leader, answer="no", answered_on=date(2025, 1, 5))
    latest = make_check(north, by=leader, answer="partly", answered_on=date(2025, 2, 5))
    make_check(north, by=leader, answer="yes", answered_on=date(2025, 1, 20))
    make_check(south, by=leader, answer="yes", answered_on=date(2025, 1, 5))
    make_move(south, "advance", by=leader, on=date(2025, 3, 1))
    assert queries.current_checks(innovation) == {north.pk: latest}


def test_the_same_day_answer_recorded_last_is_current(innovation, leader, north):
    make_check(north, by=leader, answer="no", answered_on=date(2025, 1, 5))
    second = make_check(north, by=leader, answer="yes", answered_on=date(2025, 1, 5))
    assert queries.current_checks(innovation) == {north.pk: second}


# Readiness


@pytest.fixture
def integrating(innovation, leader, north, south):
    """North moved on to Integrating (criterion: Viability) with evidence recorded there."""
    make_move(north, "advance", by=leader, on=date(2025, 1, 1))
    met = make_measure(
        innovation, by=leader, stage=4, name="Cost per family", direction="lower", target_value=900
    )
    make_reading(met, by=leader, on=date(2025, 6, 1), value=850)
    rated = make_measure(innovation, by=leader, stage=4, name="Practice", scale="rated", part=north)
    make_reading(rated, by=leader, on=date(2025, 6, 1), rating="on_track")
    behind = make_measure(
        innovation,
        by=leader,
        stage=4,
        name="Families staying together",
        target_value=80,
        target_on=date(2025, 6, 30),
    )
    make_reading(behind, by=leader, on=date(2025, 6, 1), value=70)
    # Not North's at this stage: another part's, another stage's, a retired one.
    make_measure(innovation, by=leader, stage=4, name="South only", part=south)
    make_measure(innovation, by=leader, stage=3, name="Pilot referrals")
    retired = make_measure(innovation, by=leader, stage=4, name="Old")
    services.update_measure(retired, by=leader, is_active=False)
    make_check(north, by=leader, answer="yes", answered_on=date(2025, 3, 1))
    make_check(north, by=leader, answer="partly", answered_on=date(2025, 4, 1))
    make_involvement(north, by=leader, level="consulted", who="families")
    return north


def test_readiness_says_it_in_plain_words(integrating):
    ready = queries.readiness(integrating, TODAY)
    assert ready["summary"] == (
        "2 of 3 measures on track; viability answered 'partly'; families consulted"
    )
    assert ready["stage"].name == "Integrating"
    assert [(line.measure.name, line.status.code) for line in ready["measures"]] == [
        ("Cost per family", "on_track"),
        ("Families staying together", "off_track"),
        ("Practice", "on_track"),
    ]
    assert ready["measures_on_track"] == 2
    assert ready["check"].answer == "partly"
    assert ready["involvement"].describe() == "Families consulted"


def test_readiness_with_nothing_recorded_says_so(innovation, leader, south):
    assert queries.readiness(south, TODAY)["summary"] == (
        "no measure yet; prompts not reflected on yet; no involvement recorded"
    )


def test_readiness_at_a_stage_with_a_key_question_and_nothing_recorded_says_so(innovation, leader):
    east = make_part(innovation, by=leader, name="East team", stage=4)
    assert queries.readiness(east, TODAY)["summary"] == (
        "no measure yet; key question not answered yet; no involvement recorded"
    )


def test_readiness_where_the_framework_states_no_key_question_speaks_of_the_prompts(
    innovation, leader, south
):
    make_measure(innovation, by=leader, stage=3, name="Referrals", target_value=10)
    make_check(south, by=leader, answer="yes")
    make_involvement(south, by=leader, level="co_designing", who="young_people")
    assert queries.readiness(south, TODAY)["summary"] == (
        "0 of 1 measure on track; prompts reflected on; young people co-designed"
    )


def test_readiness_shows_the_parts_own_reading_of_a_whole_measure_first_and_its_one_status(
    innovation, leader, north, south
):
    measure = make_measure(innovation, by=leader, stage=3, name="Referrals", target_value=10)
    whole = make_reading(measure, by=leader, on=date(2025, 6, 1), value=4)
    own = make_reading(measure, by=leader, on=date(2025, 5, 1), value=12, part=north)
    # North's own reading meets the target; South, with none, is judged by the whole's, which
    # does not yet: the measure is not on track, for North as for South.
    [north_line] = queries.readiness(north, TODAY)["measures"]
    [south_line] = queries.readiness(south, TODAY)["measures"]
    assert (north_line.latest, south_line.latest) == (own, whole)
    assert north_line.status == south_line.status
    assert north_line.status.parts == (
        ("North team", "on_track"),
        ("South team judged by the whole innovation's reading", "some_concern"),
    )
    assert north_line.status.code == "some_concern"


def test_readiness_for_parts_matches_readiness_part_by_part(innovation, integrating, south):
    everyone = queries.readiness_for_parts(innovation, TODAY)
    assert list(everyone) == [integrating.pk, south.pk]
    for part in (integrating, south):
        assert everyone[part.pk]["summary"] == queries.readiness(part, TODAY)["summary"]


# Organisations see only their own


def test_another_organisations_evidence_never_appears(
    innovation, leader, north, other_organisation, outsider
):
    theirs = InnovationFactory(organisation=other_organisation, title="Family group conferencing")
    their_part = make_part(theirs, by=outsider, name="North team", stage=3)
    their_measure = make_measure(theirs, by=outsider, stage=3)
    make_reading(their_measure, by=outsider, value=5, part=their_part)
    make_check(their_part, by=outsider)
    make_involvement(their_part, by=outsider)

    assert queries.measures_with_status(innovation, TODAY) == []
    assert queries.current_checks(innovation) == {}
    assert queries.involvement_by_part(innovation) == {}
    assert list(queries.readiness_for_parts(innovation, TODAY)) == [north.pk]
    assert [g.describe() for g in queries.coverage(innovation)] == [
        "Developing: 1 part, no measure yet",
        "Integrating: next for 1 part, no measure yet",
    ]
    assert queries.readiness(north, TODAY)["summary"] == (
        "no measure yet; prompts not reflected on yet; no involvement recorded"
    )


# Fixed query counts


def build(innovation, leader, n):
    """`n` parts across the wheel, each with a measure of its own and readings, answers and
    involvement; measures of the whole innovation with readings; an ethics note."""
    stages = [1, 2, 3, 4, 5, 6]
    parts = []
    for i in range(n):
        part = make_part(innovation, by=leader, name=f"Team {i:02}", stage=stages[i % 6])
        if i % 4 == 1:
            make_move(part, "pause", by=leader, on=date(2024, 2, 1))
        measure = make_measure(
            innovation,
            by=leader,
            stage=part.stage.number,
            name=f"Measure {i:02}",
            part=part,
            baseline_value=10,
            baseline_on=date(2025, 1, 1),
            target_value=50,
            target_on=date(2025, 12, 31),
        )
        for month in (3, 4, 5):
            make_reading(measure, by=leader, on=date(2025, month, 1), value=10 * month)
        make_check(part, by=leader, answer="no", answered_on=date(2025, 4, 1))
        make_check(part, by=leader, answer="partly", answered_on=date(2025, 5, 1))
        make_involvement(part, by=leader)
        parts.append(part)
    for i in range(n // 2):
        whole = make_measure(innovation, by=leader, stage=stages[i % 6], name=f"Whole {i:02}")
        make_reading(whole, by=leader, value=i, part=parts[i])
        make_reading(whole, by=leader, value=i)
    services.set_ethics_note(innovation, 1, by=leader, note="Better for whom?")
    return parts


@pytest.mark.parametrize("n", [2, 20])
def test_reads_take_a_fixed_number_of_queries(innovation, leader, n, django_assert_num_queries):
    parts = build(innovation, leader, n)
    part = parts[-1]

    # Two for the measures and their readings, one for the parts that may follow them.
    with django_assert_num_queries(3):
        measures = queries.measures_with_status(innovation, TODAY)
        for measure in measures:
            assert measure.stage.name and measure.status.explanation
            for reading in measure.readings_in_order:
                assert reading.recorded_by.username == "leader"
                assert reading.part is None or reading.part.name.startswith("Team")
    assert len(measures) == n + n // 2
    assert {m.name for m in measures} >= {f"Measure {i:02}" for i in range(n)}

    with django_assert_num_queries(3):
        gaps = queries.coverage(innovation)
        assert all(g.describe() for g in gaps)

    with django_assert_num_queries(1):
        checks = queries.current_checks(innovation)
        assert {c.answered_by.username for c in checks.values()} == {"leader"}
        assert {c.stage.name for c in checks.values()}
    assert sorted(checks) == sorted(p.pk for p in parts)
    assert {c.answer for c in checks.values()} == {"partly"}

    with django_assert_num_queries(1):
        involvement = queries.involvement_by_part(innovation)
        assert {i.recorded_by.username for i in involvement.values()} == {"leader"}
    assert sorted(involvement) == sorted(p.pk for p in parts)

    with django_assert_num_queries(1):
        history = queries.check_history(part)
        assert [c.stage.name for c in history] == [part.stage.name] * 2

    with django_assert_num_queries(5):
        everyone = queries.readiness_for_parts(innovation, TODAY)
        summaries = {pk: r["summary"] for pk, r in everyone.items()}
    assert sorted(summaries) == sorted(p.pk for p in parts)
    assert summaries[parts[0].pk].endswith("prompts reflected on; families consulted")

    with django_assert_num_queries(5):
        ready = queries.readiness(part, TODAY)
    assert ready["summary"] == summaries[part.pk]


def test_decimal_values_survive_the_round_trip(innovation, leader):
    measure = make_measure(innovation, by=leader, name="Cost", unit="£")
    make_reading(measure, by=leader, value="1234567890.1234")
    [got] = queries.measures_with_status(innovation, TODAY)
    assert got.latest.value == Decimal("1234567890.1234")
    assert Stage.objects.count() == 6
