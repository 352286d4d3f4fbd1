"""The table of each part's visits to each stage (stages.visits), kept by the write path in the
same transaction as each move, voids included: over random journeys it must give the same time
in each stage as the fold of the log (stages.queries.fold_durations), and the rebuild command
must write the same rows again."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from stages import queries
from stages.models import Move, Part, Role, StageVisit
from stages.rules import MoveRefused
from tests.factories import (
    InnovationFactory,
    MembershipFactory,
    OrganisationFactory,
    make_move,
    make_part,
)

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
KINDS = ["advance", "jump", "rewind", "new_cycle", "pause", "resume", "stop", "restart", "void"]
START = date(2024, 1, 1)


def comparable(times_by_part):
    """PartTimes as plain values, so two reads can be compared whole."""
    return {
        part_id: {
            "visits": [
                (v.stage, v.cycle, v.started_on, v.active_days, v.paused_days, v.open)
                for v in t.visits
            ],
            "stages": {
                n: (
                    s.active_days,
                    s.paused_days,
                    s.visits,
                    {c: list(d) for c, d in s.by_cycle.items()},
                )
                for n, s in t.stages.items()
            },
            "rewinds": t.rewinds,
            "pauses": t.pauses,
            "stopped": t.stopped_days,
        }
        for part_id, t in times_by_part.items()
    }


def table_rows(organisation):
    return list(
        StageVisit.objects.filter(organisation=organisation)
        .order_by("part_id", "number")
        .values_list(
            "part_id",
            "number",
            "stage",
            "cycle",
            "started_on",
            "last_on",
            "last_state",
            "current",
            "active_days",
            "paused_days",
            "stopped_days",
            "rewinds",
            "pauses",
        )
    )


journeys = st.lists(
    st.lists(
        st.tuples(st.sampled_from(KINDS), st.integers(1, 6), st.integers(0, 40)),
        max_size=14,
    ),
    min_size=1,
    max_size=3,
)


@override_settings(PASSWORD_HASHERS=FAST_HASHER)
class RandomJourneyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.organisation = OrganisationFactory()
        cls.by = MembershipFactory(organisation=cls.organisation, role=Role.LEADER).user
        cls.innovation = InnovationFactory(organisation=cls.organisation)

    def walk(self, journey, name):
        """A part's journey through the write path: each step is tried, and a step the rules
        refuse is skipped, as a person would be told no. Returns the date of the last step."""
        part = make_part(self.innovation, by=self.by, name=name, stage=1, on=START)
        on = START
        for kind, stage, days in journey:
            when = on + timedelta(days=days)
            try:
                with transaction.atomic():
                    make_move(part, kind, by=self.by, on=when, to_stage=stage)
            except MoveRefused:
                continue
            on = when
        return on

    @settings(max_examples=30, deadline=None, database=None)
    @given(journeys, st.integers(0, 60))
    def test_the_table_gives_the_time_in_each_stage_the_fold_gives(self, parts, later):
        last = max(self.walk(journey, f"Part {n}") for n, journey in enumerate(parts))
        for on in (last, last + timedelta(days=later)):
            from_table = queries.durations_from_visits(self.organisation, on)
            assert from_table is not None
            assert comparable(from_table) == comparable(
                queries.fold_durations(self.organisation, on)
            )
        kept = table_rows(self.organisation)
        StageVisit.objects.filter(organisation=self.organisation).delete()
        call_command("rebuild_stage_visits", verbosity=0)
        assert table_rows(self.organisation) == kept

    @settings(max_examples=30, deadline=None, database=None)
    @given(journeys)
    def test_each_part_stands_where_its_last_live_move_put_it(self, parts):
        """The part's own position, which the dashboard reads for today, is the fold of the
        log: its last move that is neither a void nor voided, and its version the number of
        its moves."""
        for n, journey in enumerate(parts):
            self.walk(journey, f"Part {n}")
        for part in Part.objects.filter(organisation=self.organisation).select_related("stage"):
            moves = list(Move.objects.filter(part=part).select_related("to_stage").order_by("seq"))
            voided = {m.voids_id for m in moves if m.voids_id}
            last = [m for m in moves if m.kind != "void" and m.pk not in voided][-1]
            assert (part.stage.number, part.state, part.cycle, part.version) == (
                last.to_stage.number,
                last.to_state,
                last.cycle,
                len(moves),
            )
            assert part.review_on == (last.review_on if last.to_state == "paused" else None)

    @settings(max_examples=30, deadline=None, database=None)
    @given(journeys, st.integers(0, 60))
    def test_where_a_part_stands_read_from_its_visits_is_what_the_log_gives(self, parts, later):
        last = max(self.walk(journey, f"Part {n}") for n, journey in enumerate(parts))
        for on in (last, last + timedelta(days=later)):
            rows = queries.with_standing(Part.objects.filter(organisation=self.organisation))
            found = {
                row["pk"]: queries.standing(row, on)
                for row in rows.values("pk", *queries.STANDING_FIELDS)
            }
            folded = queries.fold_durations(self.organisation, on)
            expected = {}
            for pk, move in queries.latest_moves(self.organisation, on).items():
                times = folded[pk]
                expected[pk] = (
                    move.to_stage.number,
                    move.to_state,
                    move.cycle,
                    move.kind,
                    move.effective_on,
                    move.review_on if move.to_state == "paused" else None,
                    (on - times.visits[-1].started_on).days,
                    sum(s.paused_days for s in times.stages.values()),
                    times.stopped_days,
                    times.rewinds,
                    times.pauses,
                )
            assert {pk: tuple(s) for pk, s in found.items()} == expected


def test_a_date_before_a_parts_latest_move_is_not_read_from_its_visits(organisation, journey):
    rows = queries.with_standing(Part.objects.filter(pk=journey.pk))
    (row,) = rows.values("pk", *queries.STANDING_FIELDS)
    assert queries.standing(row, date(2024, 3, 31)) is None
    assert queries.standing(row, date(2024, 4, 1)).last_move == "rewind"


@pytest.fixture
def journey(organisation, innovation, leader):
    part = make_part(innovation, by=leader, on=date(2024, 1, 1))
    make_move(part, "advance", by=leader, on=date(2024, 2, 1))
    make_move(part, "pause", by=leader, on=date(2024, 3, 1))
    make_move(part, "void", by=leader, on=date(2024, 3, 2))
    make_move(part, "rewind", by=leader, on=date(2024, 4, 1), to_stage=1)
    return part


def test_a_void_returns_the_table_to_what_it_was_before_the_voided_move(
    organisation, innovation, leader, journey
):
    before = table_rows(organisation)
    make_move(journey, "stop", by=leader, on=date(2024, 5, 1))
    assert table_rows(organisation) != before
    make_move(journey, "void", by=leader, on=date(2024, 5, 1))
    assert table_rows(organisation) == before


def test_a_date_after_every_move_is_read_from_the_table_in_one_query(
    organisation, journey, django_assert_num_queries
):
    with django_assert_num_queries(1):
        times = queries.durations(organisation, date(2024, 6, 1))
    visits = [(v.stage, v.active_days, v.paused_days, v.open) for v in times[journey.pk].visits]
    # Mobilising 31 days, Designing 60 (the pause was voided), then Mobilising again since
    # 1 April: 61 days to 1 June.
    assert visits == [(1, 31, 0, False), (2, 60, 0, False), (1, 61, 0, True)]


def test_a_date_before_the_latest_move_is_folded_from_the_log(
    organisation, journey, django_assert_num_queries
):
    with django_assert_num_queries(2):
        times = queries.durations(organisation, date(2024, 3, 15))
    visits = [(v.stage, v.active_days, v.paused_days, v.open) for v in times[journey.pk].visits]
    assert visits == [(1, 31, 0, False), (2, 43, 0, True)]
