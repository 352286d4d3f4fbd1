"""The aggregate reads in stages.queries: positions as of a date, durations and stuck parts (the
wheel's counts over time are tested with the dashboards)."""

from datetime import date, timedelta

import pytest
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from stages import queries
from stages.models import Move, Role
from tests.factories import (
    InnovationFactory,
    MembershipFactory,
    OrganisationFactory,
    make_move,
    make_part,
)

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def live_in_order(moves, on):
    """The moves that count, dated on or before `on`, each part's in the order they happened."""
    voided = {m.voids_id for m in moves if m.voids_id is not None}
    return [
        m
        for m in sorted(moves, key=lambda m: (m.part_id, m.effective_on, m.seq))
        if m.kind != "void" and m.pk not in voided and m.effective_on <= on
    ]


def replay(moves, on):
    """{part id: (stage, state, cycle, effective_on, seq)} at the end of day `on`."""
    positions = {}
    for m in live_in_order(moves, on):
        positions[m.part_id] = (m.to_stage.number, m.to_state, m.cycle, m.effective_on, m.seq)
    return positions


def replay_visits(moves, on):
    """{part id: number of visits}: a visit ends when the stage or the cycle changes."""
    visits, where = {}, {}
    for m in live_in_order(moves, on):
        here = (m.to_stage.number, m.cycle)
        if where.get(m.part_id) != here:
            visits[m.part_id] = visits.get(m.part_id, 0) + 1
            where[m.part_id] = here
    return visits


def as_tuples(positions):
    return {
        part_id: (p.stage, p.state, p.cycle, p.effective_on, p.seq)
        for part_id, p in positions.items()
    }


@override_settings(PASSWORD_HASHERS=FAST_HASHER)
class AsOfTests(TestCase):
    """Several journeys in one organisation, and one in another, read on many dates."""

    @classmethod
    def setUpTestData(cls):
        cls.organisation = OrganisationFactory()
        cls.other = OrganisationFactory()
        by = MembershipFactory(organisation=cls.organisation, role=Role.LEADER).user
        outsider = MembershipFactory(organisation=cls.other, role=Role.LEADER).user
        cls.innovation = InnovationFactory(organisation=cls.organisation)
        second = InnovationFactory(organisation=cls.organisation)

        north = make_part(cls.innovation, by=by, name="North team", on=date(2024, 1, 1))
        make_move(north, "advance", by=by, on=date(2024, 1, 11))
        make_move(north, "pause", by=by, on=date(2024, 1, 21), review_on=date(2024, 3, 1))
        make_move(north, "resume", by=by, on=date(2024, 2, 5))
        make_move(north, "advance", by=by, on=date(2024, 2, 15))
        make_move(north, "rewind", by=by, on=date(2024, 3, 1), to_stage=2)
        make_move(north, "jump", by=by, on=date(2024, 4, 1), to_stage=6)
        make_move(north, "stop", by=by, on=date(2024, 4, 20))
        make_move(north, "void", by=by, on=date(2024, 4, 21))
        make_move(north, "new_cycle", by=by, on=date(2024, 5, 1))
        make_move(north, "advance", by=by, on=date(2024, 6, 1))

        south = make_part(cls.innovation, by=by, name="South team", stage=3, on=date(2024, 2, 10))
        make_move(south, "pause", by=by, on=date(2024, 3, 1))
        make_move(south, "rewind", by=by, on=date(2024, 4, 1), to_stage=2)
        make_move(south, "advance", by=by, on=date(2024, 4, 1))
        make_move(south, "stop", by=by, on=date(2024, 5, 1))
        make_move(south, "void", by=by, on=date(2024, 5, 2))
        make_move(south, "void", by=by, on=date(2024, 5, 2))
        make_move(south, "stop", by=by, on=date(2024, 5, 10))
        make_move(south, "restart", by=by, on=date(2024, 7, 1), to_stage=1)

        cls.east = make_part(cls.innovation, by=by, name="East locality", on=date(2024, 3, 15))

        west = make_part(second, by=by, name="West site", stage=6, on=date(2024, 1, 5))
        make_move(west, "new_cycle", by=by, on=date(2024, 2, 1))
        make_move(west, "void", by=by, on=date(2024, 2, 3))
        make_move(west, "pause", by=by, on=date(2024, 2, 3))

        theirs = make_part(
            InnovationFactory(organisation=cls.other), by=outsider, on=date(2023, 12, 20)
        )
        make_move(theirs, "advance", by=outsider, on=date(2024, 2, 1))
        cls.theirs = theirs

    def moves(self):
        return list(Move.objects.filter(organisation=self.organisation).select_related("to_stage"))

    @settings(max_examples=80, deadline=None, database=None)
    @given(st.dates(min_value=date(2023, 12, 1), max_value=date(2024, 9, 30)))
    def test_positions_as_of_any_date_match_a_replay_of_the_moves(self, on):
        expected = replay(self.moves(), on)
        assert as_tuples(queries.positions_as_of(self.organisation, on)) == expected

    @settings(max_examples=40, deadline=None, database=None)
    @given(st.dates(min_value=date(2023, 12, 1), max_value=date(2024, 9, 30)))
    def test_durations_as_of_any_date_cover_every_day_since_the_start(self, on):
        moves = self.moves()
        started = {}
        for m in live_in_order(moves, on):
            started.setdefault(m.part_id, m.effective_on)

        times = queries.durations(self.organisation, on)

        assert set(times) == set(started)
        assert {part_id: len(t.visits) for part_id, t in times.items()} == replay_visits(moves, on)
        for part_id, t in times.items():
            days = sum(s.active_days + s.paused_days for s in t.stages.values())
            assert days + t.stopped_days == (on - started[part_id]).days

    @settings(max_examples=20, deadline=None, database=None)
    @given(st.dates(min_value=date(2023, 12, 1), max_value=date(2024, 9, 30)))
    def test_positions_in_one_innovation_are_that_innovations_parts(self, on):
        in_innovation = set(self.innovation.parts.values_list("pk", flat=True))
        expected = {k: v for k, v in replay(self.moves(), on).items() if k in in_innovation}
        positions = queries.positions_as_of(self.organisation, on, innovation=self.innovation)
        assert as_tuples(positions) == expected

    def test_a_part_started_after_the_date_is_absent(self):
        assert self.east.pk not in queries.positions_as_of(self.organisation, date(2024, 3, 14))
        assert self.east.pk in queries.positions_as_of(self.organisation, date(2024, 3, 15))

    def test_a_move_counts_from_the_end_of_its_day(self):
        north = self.innovation.parts.get(name="North team")
        before, on = (
            queries.positions_as_of(self.organisation, date(2024, 1, 10))[north.pk],
            queries.positions_as_of(self.organisation, date(2024, 1, 11))[north.pk],
        )
        assert (before.stage, on.stage) == (1, 2)

    def test_voided_moves_are_ignored(self):
        north = self.innovation.parts.get(name="North team")
        south = self.innovation.parts.get(name="South team")
        positions = queries.positions_as_of(self.organisation, date(2024, 4, 25))
        # North's stop on 20 April was voided: it is still active in System Change.
        assert (positions[north.pk].stage, positions[north.pk].state, positions[north.pk].seq) == (
            6,
            "active",
            7,
        )
        # South's stop on 1 May and the advance before it were voided.
        positions = queries.positions_as_of(self.organisation, date(2024, 5, 5))
        assert (positions[south.pk].stage, positions[south.pk].state, positions[south.pk].seq) == (
            2,
            "active",
            3,
        )

    def test_another_organisations_parts_are_absent(self):
        assert self.theirs.pk not in queries.positions_as_of(self.organisation, date(2024, 9, 1))
        assert set(queries.positions_as_of(self.other, date(2024, 9, 1))) == {self.theirs.pk}


def journey(innovation, by):
    """North team's journey, with a mistaken pause voided."""
    part = make_part(innovation, by=by, name="North team", on=date(2024, 1, 1))
    make_move(part, "advance", by=by, on=date(2024, 1, 11))  # Designing
    make_move(part, "pause", by=by, on=date(2024, 1, 21))
    make_move(part, "resume", by=by, on=date(2024, 2, 5))
    make_move(part, "advance", by=by, on=date(2024, 2, 15))  # Developing
    make_move(part, "rewind", by=by, on=date(2024, 3, 1), to_stage=2)
    make_move(part, "advance", by=by, on=date(2024, 3, 11))  # Developing again
    make_move(part, "jump", by=by, on=date(2024, 4, 1), to_stage=5)  # Growing
    make_move(part, "advance", by=by, on=date(2024, 5, 1))  # System Change
    make_move(part, "pause", by=by, on=date(2024, 5, 10))
    make_move(part, "void", by=by, on=date(2024, 5, 12))
    make_move(part, "new_cycle", by=by, on=date(2024, 6, 1))  # Mobilising, round 2
    make_move(part, "advance", by=by, on=date(2024, 6, 11))  # Designing, round 2
    make_move(part, "stop", by=by, on=date(2024, 6, 21))
    make_move(part, "restart", by=by, on=date(2024, 7, 1), to_stage=1)  # Mobilising, round 2
    return part


def stage_times(times):
    return {
        stage: (t.active_days, t.paused_days, t.visits, dict(t.by_cycle))
        for stage, t in times.stages.items()
    }


def test_durations_of_a_whole_journey(organisation, innovation, leader):
    part = journey(innovation, leader)

    times = queries.durations(organisation, date(2024, 7, 31))[part.pk]

    assert stage_times(times) == {
        # Mobilising: 1-11 Jan (10) in cycle 1; 1-11 Jun (10) and 1-31 Jul (30) in cycle 2.
        1: (50, 0, 3, {1: [10, 0], 2: [40, 0]}),
        # Designing: 11-21 Jan (10) and 5-15 Feb (10) active around a pause of 21 Jan-5 Feb
        # (15), then 1-11 Mar (10); 11-21 Jun (10) in cycle 2.
        2: (40, 15, 3, {1: [30, 15], 2: [10, 0]}),
        # Developing: 15 Feb-1 Mar (15, a leap year) and 11 Mar-1 Apr (21).
        3: (36, 0, 2, {1: [36, 0]}),
        # Growing: 1 Apr-1 May.
        5: (30, 0, 1, {1: [30, 0]}),
        # System Change: 1 May-1 Jun; the voided pause does not count.
        6: (31, 0, 1, {1: [31, 0]}),
    }
    assert (times.rewinds, times.pauses) == (1, 1)
    # Stopped 21 Jun-1 Jul, in no stage.
    assert times.stopped_days == 10
    # 1 Jan-31 Jul 2024 is 212 days: 202 in stages and 10 stopped.
    assert sum(a + p for a, p, _, _ in stage_times(times).values()) == 202
    visits = [(v.stage, v.cycle, v.started_on, v.active_days, v.paused_days) for v in times.visits]
    assert visits == [
        (1, 1, date(2024, 1, 1), 10, 0),
        (2, 1, date(2024, 1, 11), 20, 15),
        (3, 1, date(2024, 2, 15), 15, 0),
        (2, 1, date(2024, 3, 1), 10, 0),
        (3, 1, date(2024, 3, 11), 21, 0),
        (5, 1, date(2024, 4, 1), 30, 0),
        (6, 1, date(2024, 5, 1), 31, 0),
        (1, 2, date(2024, 6, 1), 10, 0),
        (2, 2, date(2024, 6, 11), 10, 0),
        (1, 2, date(2024, 7, 1), 30, 0),
    ]
    assert [v.open for v in times.visits] == [False] * 9 + [True]
    assert times.current is times.visits[-1]


def test_durations_as_of_a_date_in_a_pause(organisation, innovation, leader):
    part = journey(innovation, leader)

    times = queries.durations(organisation, date(2024, 1, 31))[part.pk]

    # Mobilising 1-11 Jan; Designing 11-21 Jan active, then paused 21-31 Jan.
    assert stage_times(times) == {1: (10, 0, 1, {1: [10, 0]}), 2: (10, 10, 1, {1: [10, 10]})}
    assert (times.rewinds, times.pauses, times.stopped_days) == (0, 1, 0)
    assert (times.current.stage, times.current.active_days, times.current.paused_days) == (
        2,
        10,
        10,
    )


def test_durations_as_of_a_date_after_a_rewind(organisation, innovation, leader):
    part = journey(innovation, leader)

    times = queries.durations(organisation, date(2024, 3, 5))[part.pk]

    # Designing: the first visit (20 active, 15 paused) and 1-5 Mar (4) after the rewind.
    assert stage_times(times) == {
        1: (10, 0, 1, {1: [10, 0]}),
        2: (24, 15, 2, {1: [24, 15]}),
        3: (15, 0, 1, {1: [15, 0]}),
    }
    assert (times.rewinds, times.pauses) == (1, 1)


def test_durations_as_of_a_date_before_the_start_leave_the_part_out(
    organisation, innovation, leader
):
    journey(innovation, leader)
    assert queries.durations(organisation, date(2023, 12, 31)) == {}


def test_durations_of_one_part_or_one_innovation(organisation, innovation, leader):
    north = journey(innovation, leader)
    south = make_part(innovation, by=leader, name="South team", on=date(2024, 7, 1))
    elsewhere = make_part(InnovationFactory(organisation=organisation), by=leader)

    assert set(queries.durations(organisation, date(2024, 7, 31))) == {
        north.pk,
        south.pk,
        elsewhere.pk,
    }
    assert set(queries.durations(organisation, date(2024, 7, 31), part=south)) == {south.pk}
    assert set(queries.durations(organisation, date(2024, 7, 31), innovation=innovation)) == {
        north.pk,
        south.pk,
    }
    south_times = queries.durations(organisation, date(2024, 7, 31), part=south)[south.pk]
    assert south_times.stages[1].active_days == 30


AS_OF = date(2024, 3, 1)


def completed_visits(innovation, by, days):
    """Parts that spent `days` active in Mobilising, then advanced."""
    for n, length in enumerate(days):
        part = make_part(innovation, by=by, name=f"Done {n}", on=date(2024, 1, 1))
        make_move(part, "advance", by=by, on=date(2024, 1, 1) + timedelta(days=length))


def current_visits(innovation, by):
    # Slow: 18 Jan-1 Mar is 43 active days; steady: 42; resting: 60 active, now paused.
    slow = make_part(innovation, by=by, name="Slow team", on=date(2024, 1, 18))
    steady = make_part(innovation, by=by, name="Steady team", on=date(2024, 1, 19))
    resting = make_part(innovation, by=by, name="Resting team", on=date(2023, 12, 1))
    make_move(resting, "pause", by=by, on=date(2024, 1, 30))
    return slow, steady, resting


def test_a_visit_longer_than_four_fifths_of_five_completed_visits_is_stuck(
    organisation, innovation, leader
):
    completed_visits(innovation, leader, [10, 20, 30, 40, 50])
    slow, steady, resting = current_visits(innovation, leader)

    # The 80th percentile of 10, 20, 30, 40, 50 (inclusive): 40 + (50 - 40) * 1/5 = 42.
    assert queries.stuck_parts(organisation, AS_OF) == {slow.pk: (43, 42)}


def test_stuck_is_judged_as_of_the_date(organisation, innovation, leader):
    completed_visits(innovation, leader, [10, 20, 30, 40, 50])
    current_visits(innovation, leader)
    # On 25 February the slow team had spent 38 days.
    assert queries.stuck_parts(organisation, date(2024, 2, 25)) == {}


def test_no_part_is_stuck_with_only_four_completed_visits(organisation, innovation, leader):
    completed_visits(innovation, leader, [10, 20, 30, 40])
    current_visits(innovation, leader)
    assert queries.stuck_parts(organisation, AS_OF) == {}


def test_a_paused_part_is_not_stuck(organisation, innovation, leader):
    completed_visits(innovation, leader, [10, 20, 30, 40, 50])
    slow, steady, resting = current_visits(innovation, leader)
    times = queries.durations(organisation, AS_OF)[resting.pk]
    assert times.current.active_days == 60
    assert resting.pk not in queries.stuck_parts(organisation, AS_OF)


def test_stuck_parts_of_one_innovation(organisation, innovation, leader):
    completed_visits(innovation, leader, [10, 20, 30, 40, 50])
    slow, _, _ = current_visits(innovation, leader)
    other = InnovationFactory(organisation=organisation)
    late = make_part(other, by=leader, name="Late team", on=date(2024, 1, 1))

    assert queries.stuck_parts(organisation, AS_OF) == {slow.pk: (43, 42), late.pk: (60, 42)}
    assert queries.stuck_parts(organisation, AS_OF, innovation=other) == {late.pk: (60, 42)}


def test_every_read_of_one_organisation_leaves_out_another(
    organisation, other_organisation, innovation, leader, outsider
):
    ours = make_part(innovation, by=leader, name="Slow team", on=date(2024, 1, 18))
    theirs = InnovationFactory(organisation=other_organisation)
    completed_visits(theirs, outsider, [10, 20, 30, 40, 50])
    their_slow = make_part(theirs, by=outsider, name="Slow team", on=date(2024, 1, 18))
    their_parts = set(theirs.parts.values_list("pk", flat=True))

    assert set(queries.positions_as_of(organisation, AS_OF)) == {ours.pk}
    assert set(queries.durations(organisation, AS_OF)) == {ours.pk}
    assert [row["part_id"] for row in queries.spans(organisation, AS_OF)] == [ours.pk]
    [(_on, counts)] = queries.flow(organisation, [AS_OF])
    assert sum(sum(c.values()) for c in counts.values()) == 1
    # Their completed visits would make our slow team stuck; they are not ours.
    assert queries.stuck_parts(organisation, AS_OF) == {}
    assert queries.stuck_parts(other_organisation, AS_OF) == {their_slow.pk: (43, 42)}
    assert queries.positions_as_of(organisation, AS_OF, innovation=theirs) == {}
    assert set(queries.positions_as_of(other_organisation, AS_OF)) == their_parts


@pytest.mark.parametrize("parts", [2, 20])
def test_each_read_takes_a_fixed_number_of_queries(
    organisation, innovation, leader, django_assert_num_queries, parts
):
    for n in range(parts):
        part = make_part(innovation, by=leader, name=f"Team {n}", stage=3, on=date(2024, 1, 1))
        make_move(part, "pause", by=leader, on=date(2024, 2, 1), review_on=date(2024, 3, 1))
        make_move(part, "rewind", by=leader, on=date(2024, 3, 1), to_stage=2)
        make_move(part, "advance", by=leader, on=date(2024, 4, 1))
    on = date(2024, 6, 1)

    with django_assert_num_queries(1):
        positions = queries.positions_as_of(organisation, on)
    with django_assert_num_queries(1):
        times = queries.durations(organisation, on)
    with django_assert_num_queries(1):
        (_, then), (_, now) = queries.flow(organisation, [date(2024, 2, 15), on])
    # The time in each stage, from the table of visits; the states come with it.
    with django_assert_num_queries(1):
        stuck = queries.stuck_parts(organisation, on)

    assert len(positions) == parts
    assert {(t.rewinds, t.pauses, t.stages[3].paused_days) for t in times.values()} == {(1, 1, 29)}
    assert now[3]["active"] == parts
    assert then[3]["paused"] == parts
    # Each part spent 31 active days on its first visit to Developing and 61 on its current
    # one; with fewer than five completed visits nothing is stuck.
    assert stuck == ({pk: (61, 31) for pk in positions} if parts >= 5 else {})
