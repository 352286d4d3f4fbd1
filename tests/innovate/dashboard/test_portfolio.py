"""What the dashboards compute, on hand-built journeys with known answers: positions as of a
date against a plain replay, the alerts, durations, medians, stuck parts, the flow over time
and the filters."""

import datetime

import pytest
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from assessments.queries import organisation as org_queries
from innovate.dashboard import portfolio as data
from stages import queries
from stages.models import Move, Role
from tests.factories import (
    InnovationFactory,
    MembershipFactory,
    OrganisationFactory,
    make_move,
    make_part,
)
from tests.innovate.dashboard_journeys import EARLIER, TODAY, build, frozen

D = datetime.date
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clock():
    with frozen():
        yield


@pytest.fixture
def journeys(organisation, innovation, leader, manager, facilitator):
    return build(organisation, innovation, leader=leader, manager=manager, facilitator=facilitator)


def rows_by_name(found):
    return {row.part.name: row for row in found.rows}


# --- A plain replay, the test's own reading of the rules ---------------------------------


def replay(moves, on):
    """{part id: (stage, state, cycle, seq)} at the end of day `on`: each part's live moves
    in order, the last one dated on or before `on` wins."""
    voided = {m.voids_id for m in moves if m.voids_id}
    where = {}
    for m in sorted(moves, key=lambda m: (m.part_id, m.seq)):
        if m.kind == "void" or m.pk in voided or m.effective_on > on:
            continue
        where[m.part_id] = (m.to_stage.number, m.to_state, m.cycle, m.seq)
    return where


def counted(positions):
    counts = {n: {"active": 0, "paused": 0, "stopped": 0} for n in range(1, 7)}
    for stage, state, *_ in positions.values():
        counts[stage][state] += 1
    return counts


@override_settings(PASSWORD_HASHERS=FAST_HASHER)
class AsOfTests(TestCase):
    """The hand-built journeys, with voids added, and another organisation's, read on many
    dates."""

    @classmethod
    def setUpTestData(cls):
        with frozen():
            cls.organisation = OrganisationFactory()
            people = {
                role: MembershipFactory(organisation=cls.organisation, role=role).user
                for role in (Role.LEADER, Role.MANAGER, Role.FACILITATOR)
            }
            innovation = InnovationFactory(organisation=cls.organisation, title="Conferencing")
            found = build(
                cls.organisation,
                innovation,
                leader=people[Role.LEADER],
                manager=people[Role.MANAGER],
                facilitator=people[Role.FACILITATOR],
            )
            by = people[Role.LEADER]
            make_move(found["slow"], "advance", by=by, on=D(2024, 5, 1))
            make_move(found["slow"], "void", by=by, on=D(2024, 5, 2))
            make_move(found["steady"], "pause", by=by, on=D(2024, 6, 1))
            other = OrganisationFactory()
            outsider = MembershipFactory(organisation=other, role=Role.LEADER).user
            theirs = InnovationFactory(organisation=other)
            make_part(theirs, by=outsider, name="Elsewhere", on=D(2024, 2, 1))

    def moves(self):
        return list(Move.objects.filter(organisation=self.organisation).select_related("to_stage"))

    @settings(max_examples=60, deadline=None, database=None)
    @given(st.dates(min_value=D(2023, 12, 1), max_value=D(2024, 7, 31)))
    def test_latest_moves_as_of_any_date_match_a_replay(self, on):
        expected = replay(self.moves(), on)
        found = queries.latest_moves(self.organisation, on)
        assert {
            part_id: (m.to_stage.number, m.to_state, m.cycle, m.seq) for part_id, m in found.items()
        } == expected

    @settings(max_examples=30, deadline=None, database=None)
    @given(
        st.lists(
            st.dates(min_value=D(2023, 12, 1), max_value=D(2024, 7, 31)),
            min_size=1,
            max_size=8,
            unique=True,
        )
    )
    def test_the_flow_at_any_dates_matches_a_replay_at_each(self, ends):
        moves = self.moves()
        found = queries.flow(self.organisation, ends)
        assert [on for on, _counts in found] == sorted(ends)
        for on, counts in found:
            assert counts == counted(replay(moves, on)), on


# --- The portfolio and its alerts ---------------------------------------------------------


def test_the_portfolio_today_has_each_part_where_it_stands(organisation, journeys):
    found = data.portfolio(organisation, TODAY, today=TODAY)
    rows = rows_by_name(found)
    assert [g.innovation.title for g in found.groups] == [
        "Family group conferencing",
        "Kinship support",
    ]
    north, south = rows["North team"], rows["South team"]
    assert (north.stage, north.state, north.days_in_stage) == (2, "active", 60)
    assert (north.on_track, north.measures) == (1, 1)
    # Today's position is the part's own; the decision behind it is read when asked for.
    assert north.move is None
    decided = rows_by_name(data.portfolio(organisation, TODAY, today=TODAY, decisions=True))
    assert [(row.stage, row.state, row.cycle, row.review_on) for row in decided.values()] == [
        (row.stage, row.state, row.cycle, row.review_on) for row in rows.values()
    ]
    move = decided["North team"].move
    assert move.kind == "advance" and move.effective_on == D(2024, 5, 1)
    assert (south.stage, south.state, south.days_in_stage) == (3, "paused", 181)
    assert south.review_on == D(2024, 3, 1)
    assert (south.on_track, south.measures) == (0, 0)
    assert rows["Kinship team 3"].stage == 2 and rows["Kinship team 3"].measures == 1
    assert rows["Kinship team 3"].on_track == 0
    assert rows["Slow team"].days_in_stage == 181
    assert rows["Steady team"].days_in_stage == 161
    assert found.groups[0].last_session == D(2024, 5, 15)
    assert found.groups[1].last_session is None
    assert found.counts[1] == {"active": 2, "paused": 0, "stopped": 0}
    assert found.counts[2] == {"active": 6, "paused": 0, "stopped": 0}
    assert found.counts[3] == {"active": 0, "paused": 1, "stopped": 0}
    assert found.tags == ["edge of care", "family-led", "kinship"]


def test_the_alerts_today(organisation, journeys):
    alerts = data.portfolio(organisation, TODAY, today=TODAY).alerts
    assert [row.part.name for _g, row in alerts.overdue_pauses] == ["South team"]
    assert [row.part.name for _g, row in alerts.overdue_reviews] == ["North team"]
    assert [(row.part.name, row.stuck) for _g, row in alerts.stuck] == [
        ("Slow team", (181, pytest.approx(38.2))),
        ("Steady team", (161, pytest.approx(38.2))),
    ]
    assert [(i.title, stages, also) for i, stages, also in alerts.gaps] == [
        ("Family group conferencing", [("Developing", 1)], []),
        ("Kinship support", [("Mobilising", 2)], ["no session yet"]),
    ]
    # Kinship support is listed once, under its gaps, with its want of a session beside them.
    assert alerts.no_recent_session == []
    assert [a.text for a in alerts.overdue_actions] == ["Write to the funders about South team"]
    assert alerts.count == 7


def test_the_portfolio_as_of_an_earlier_date_is_the_organisation_as_it_stood(
    organisation, journeys
):
    found = data.portfolio(organisation, EARLIER, today=TODAY)
    rows = rows_by_name(found)
    assert [g.innovation.title for g in found.groups] == [
        "Family group conferencing",
        "Kinship support",
        "Mentoring",
    ]
    north = rows["North team"]
    assert (north.stage, north.state, north.days_in_stage, north.review_on) == (
        2,
        "paused",
        29,
        D(2024, 4, 1),
    )
    assert (north.on_track, north.measures) == (0, 0)
    assert (rows["Mentor pool"].stage, rows["Mentor pool"].state) == (2, "active")
    assert found.groups[0].last_session is None
    alerts = found.alerts
    assert alerts.overdue_pauses == []
    assert alerts.overdue_reviews is None
    assert [(row.part.name, row.stuck) for _g, row in alerts.stuck] == [("Slow team", (60, 40.0))]
    assert [(i.title, stages, also) for i, stages, also in alerts.gaps] == [
        ("Family group conferencing", [("Designing", 1), ("Developing", 1)], ["no session yet"]),
        ("Kinship support", [("Mobilising", 2), ("Designing", 5)], ["no session yet"]),
        ("Mentoring", [("Designing", 1)], ["no session yet"]),
    ]
    assert alerts.no_recent_session == []
    assert alerts.overdue_actions == []


def test_a_pause_is_overdue_the_day_after_its_date_to_revisit(organisation, journeys):
    on_the_day = data.portfolio(organisation, D(2024, 3, 1), today=TODAY).alerts
    day_after = data.portfolio(organisation, D(2024, 3, 2), today=TODAY).alerts
    assert on_the_day.overdue_pauses == []
    assert [row.part.name for _g, row in day_after.overdue_pauses] == ["South team"]


def test_an_action_done_after_the_as_of_date_was_still_overdue_then(
    organisation, journeys, facilitator
):
    from assessments.services import sessions

    sessions.complete_action(journeys["action"], by=facilitator, done_on=D(2024, 6, 20))
    assert [a.text for a in org_queries.overdue_actions(organisation, D(2024, 6, 18))] == [
        "Write to the funders about South team"
    ]
    assert org_queries.overdue_actions(organisation, TODAY) == []


def test_a_part_that_started_after_the_as_of_date_is_absent(organisation, journeys):
    rows = rows_by_name(data.portfolio(organisation, D(2024, 1, 10), today=TODAY))
    assert "Steady team" not in rows
    assert set(rows) >= {"North team", "South team", "Slow team", "Kinship team 5"}


@pytest.mark.parametrize(
    ("filters", "names"),
    [
        (data.Filters(stage=1), {"Slow team", "Steady team"}),
        (data.Filters(state="paused"), {"South team"}),
        (
            data.Filters(tag="kinship"),
            {f"Kinship team {n}" for n in range(1, 6)} | {"Slow team", "Steady team"},
        ),
        (data.Filters(tag="Edge of care"), {"North team", "South team"}),
        (data.Filters(stuck=True), {"Slow team", "Steady team"}),
        (data.Filters(status="closed"), {"Mentor pool"}),
        (data.Filters(state="stopped", status="all"), {"Mentor pool"}),
        (data.Filters(stage=2, state="active", tag="edge of care"), {"North team"}),
    ],
)
def test_filters_choose_the_parts(organisation, journeys, filters, names):
    found = data.portfolio(organisation, TODAY, filters, today=TODAY)
    assert {row.part.name for row in found.rows} == names
    assert sum(sum(c.values()) for c in found.counts.values()) == len(names)


def test_the_lead_filter_takes_the_parts_and_the_innovations_a_person_leads(
    organisation, journeys, leader, manager
):
    mine = data.portfolio(organisation, TODAY, data.Filters(lead=leader.pk), today=TODAY)
    assert {row.part.name for row in mine.rows} == {"North team", "South team", "Slow team"}
    theirs = data.portfolio(organisation, TODAY, data.Filters(lead=manager.pk), today=TODAY)
    assert {row.part.name for row in theirs.rows} == {
        *(f"Kinship team {n}" for n in range(1, 6)),
        "Slow team",
        "Steady team",
    }


def test_filters_on_parts_hide_innovations_with_no_part_that_matches(organisation, journeys):
    found = data.portfolio(organisation, TODAY, data.Filters(state="paused"), today=TODAY)
    assert [g.innovation.title for g in found.groups] == ["Family group conferencing"]
    unfiltered = data.portfolio(organisation, TODAY, data.Filters(tag="kinship"), today=TODAY)
    assert [g.innovation.title for g in unfiltered.groups] == ["Kinship support"]


def test_alerts_ignore_the_filters(organisation, journeys):
    filtered = data.portfolio(organisation, TODAY, data.Filters(tag="kinship"), today=TODAY)
    assert [row.part.name for _g, row in filtered.alerts.overdue_pauses] == ["South team"]


# --- Durations, medians and the flow -----------------------------------------------------


def test_durations_sum_each_stage_over_visits_and_count_rewinds_and_pauses(organisation, journeys):
    rows, medians = data.durations(organisation, TODAY)
    by_name = {row.part.name: row for row in rows}
    north = by_name["North team"]
    assert north.days == {1: 61, 2: 106}
    assert north.paused == {1: 0, 2: 14}
    assert north.visits == {1: 2, 2: 2}
    assert (north.rewinds, north.pauses, north.paused_days, north.stopped_days) == (1, 1, 14, 0)
    south = by_name["South team"]
    assert (south.days, south.paused_days, south.pauses) == ({3: 31}, 150, 1)
    assert "Mentor pool" not in by_name  # its innovation is closed
    assert [row.part.name for row in rows][:2] == ["North team", "South team"]
    assert len(rows) == 9
    every, _medians = data.durations(organisation, TODAY, status="all")
    pool = next(row for row in every if row.part.name == "Mentor pool")
    assert (pool.days, pool.stopped_days) == ({2: 91}, 90)
    assert len(every) == 10


def test_the_median_per_stage_is_over_finished_visits(organisation, journeys):
    _rows, medians = data.durations(organisation, TODAY)
    assert (medians[1].days, medians[1].visits) == (30, 7)
    assert (medians[2].days, medians[2].visits) == (46, 1)
    assert [medians[n].days for n in (3, 4, 5, 6)] == [None, None, None, None]
    _rows, earlier = data.durations(organisation, EARLIER)
    assert (earlier[1].days, earlier[1].visits) == (30.5, 6)


def test_the_flow_counts_parts_in_each_stage_at_each_month_end(organisation, journeys):
    ends = queries.month_ends(TODAY, 6)
    assert ends == [
        D(2024, 1, 31),
        D(2024, 2, 29),
        D(2024, 3, 31),
        D(2024, 4, 30),
        D(2024, 5, 31),
        D(2024, 6, 30),
    ]
    found = dict(queries.flow(organisation, ends))

    def shape(counts):
        return {(n, s): c for n, states in counts.items() for s, c in states.items() if c}

    assert shape(found[D(2024, 1, 31)]) == {(1, "active"): 5, (2, "active"): 4, (3, "active"): 1}
    assert shape(found[D(2024, 2, 29)]) == {(1, "active"): 2, (2, "active"): 7, (3, "paused"): 1}
    assert shape(found[D(2024, 3, 31)]) == shape(found[D(2024, 2, 29)])
    assert shape(found[D(2024, 4, 30)]) == {
        (1, "active"): 3,
        (2, "active"): 5,
        (2, "stopped"): 1,
        (3, "paused"): 1,
    }
    assert shape(found[D(2024, 5, 31)]) == {
        (1, "active"): 2,
        (2, "active"): 6,
        (2, "stopped"): 1,
        (3, "paused"): 1,
    }
    assert found[D(2024, 6, 30)] == found[D(2024, 5, 31)]


def test_month_ends_end_on_the_as_of_date_itself():
    assert queries.month_ends(D(2024, 3, 15), 3) == [D(2024, 1, 31), D(2024, 2, 29), D(2024, 3, 15)]
    assert queries.month_ends(D(2024, 1, 31), 2) == [D(2023, 12, 31), D(2024, 1, 31)]


def test_moves_between_two_dates_are_those_after_the_first_up_to_the_second(organisation, journeys):
    moves = queries.moves_between(organisation, D(2024, 3, 1), D(2024, 4, 1))
    assert [(m.part.name, m.kind, m.effective_on) for m in moves] == [
        ("Mentor pool", "stop", D(2024, 4, 1)),
        ("North team", "rewind", D(2024, 4, 1)),
        ("North team", "resume", D(2024, 3, 15)),
    ]


# --- Measures across the organisation ----------------------------------------------------


def test_a_part_measure_counts_for_its_part_and_a_whole_measure_for_every_part(
    organisation, journeys, leader
):
    from assessments.services import evidence

    north, south = journeys["north"], journeys["south"]
    own = evidence.define_measure(
        journeys["innovation"], by=leader, stage=2, part=north, name="North's own", target_value=5
    )
    evidence.record_reading(own, by=leader, observed_on=D(2024, 6, 2), value=1)
    evidence.define_measure(journeys["innovation"], by=leader, stage=3, part=south, name="South's")
    book = org_queries.MeasureBook(organisation, TODAY)
    assert book.on_track(north.pk, north.innovation_id, 2) == (1, 2)
    assert book.on_track(south.pk, south.innovation_id, 3) == (0, 1)
    assert book.on_track(south.pk, south.innovation_id, 2) == (1, 1)
    before = org_queries.MeasureBook(organisation, D(2024, 5, 31))
    assert before.on_track(north.pk, north.innovation_id, 2) == (0, 0)


def test_a_reading_after_the_as_of_date_does_not_count(organisation, journeys, leader):
    from assessments.services import evidence

    north = journeys["north"]
    evidence.record_reading(journeys["measure"], by=leader, observed_on=D(2024, 6, 20), value=3)
    before = org_queries.MeasureBook(organisation, D(2024, 6, 19))
    ((_measure, reading, status),) = before.for_part(north.pk, north.innovation_id, 2)
    assert (reading.value, status.code) == (12, "on_track")
    after = org_queries.MeasureBook(organisation, TODAY)
    ((_measure, reading, status),) = after.for_part(north.pk, north.innovation_id, 2)
    assert (reading.value, status.code) == (3, "some_concern")
    assert [(m.name, r.value, s.code) for m, r, s in after.for_innovation(north.innovation_id)] == [
        ("Families offered a conference", 3, "some_concern")
    ]


def test_coverage_gaps_leave_out_stopped_parts_and_measured_stages():
    positions = [(1, 2, "active"), (1, 2, "paused"), (1, 3, "stopped"), (2, 4, "active")]
    assert org_queries.coverage_gaps(positions, {(2, 4)}) == [org_queries.Gap(1, 2, 2)]
