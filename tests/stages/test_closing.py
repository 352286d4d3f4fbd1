"""Closing an innovation says how it ended and stops its live parts by moves through the one
write path, in the same transaction; reopening restarts the parts the closing stopped that
the person chose. Nothing is deleted."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from stages import services
from stages.immutability import install_triggers
from stages.models import Innovation, Move, Organisation, Part
from tests.factories import make_move, make_part

CLOSED_ON = date(2024, 6, 1)


@pytest.fixture
def parts(innovation, leader):
    """North team active in Designing, South team paused at Developing, West team stopped
    on 1 March 2024."""
    north = make_part(innovation, by=leader, name="North team")
    make_move(north, "advance", by=leader, on=date(2024, 2, 1))
    south = make_part(innovation, by=leader, name="South team", stage=3)
    make_move(south, "pause", by=leader, on=date(2024, 2, 1), review_on=date(2024, 4, 1))
    west = make_part(innovation, by=leader, name="West team")
    make_move(west, "stop", by=leader, on=date(2024, 3, 1))
    return north, south, west


def close(innovation, by, outcome="mainstreamed", **kwargs):
    return services.close_innovation(
        innovation,
        by=by,
        outcome=outcome,
        learning="Families wanted evening meetings.",
        closed_on=kwargs.pop("closed_on", CLOSED_ON),
        **kwargs,
    )


def latest(part):
    return Move.objects.filter(part=part).order_by("-seq").first()


def test_closing_stops_each_live_part_by_a_move_dated_the_close(innovation, parts, manager):
    north, south, west = parts
    version = Organisation.objects.get(pk=innovation.organisation_id).version

    close(innovation, manager, outcome="stopped_harm")

    innovation.refresh_from_db()
    assert (innovation.status, innovation.outcome, innovation.closed_on) == (
        "closed",
        "stopped_harm",
        CLOSED_ON,
    )
    for part, stage, state_before in [(north, 2, "active"), (south, 3, "paused")]:
        part.refresh_from_db()
        assert (part.state, part.stage.number, part.state_since, part.review_on) == (
            "stopped",
            stage,
            CLOSED_ON,
            None,
        )
        move = latest(part)
        assert (move.kind, move.from_state, move.to_state, move.effective_on) == (
            "stop",
            state_before,
            "stopped",
            CLOSED_ON,
        )
        assert (move.reason, move.rationale, move.recorded_by) == (
            "harm_or_no_benefit",
            "Stopped when the innovation was closed (stopped: evidence of harm).",
            manager,
        )
        assert move.seq == part.version
        record = part.history.first()
        assert (record.history_user, record.history_change_reason) == (
            manager,
            f"Move {move.seq}: {move.describe()}",
        )
    west.refresh_from_db()
    assert (west.state, west.version, west.state_since) == ("stopped", 2, date(2024, 3, 1))
    assert Part.objects.filter(innovation=innovation).count() == 3
    assert Organisation.objects.get(pk=innovation.organisation_id).version > version
    closing = innovation.history.first()
    assert (closing.history_change_reason, closing.outcome, closing.history_user) == (
        "Closed",
        "stopped_harm",
        manager,
    )


@pytest.mark.parametrize(
    ("outcome", "reason"),
    [
        ("mainstreamed", "other"),
        ("handed_over", "other"),
        ("stopped_no_benefit", "harm_or_no_benefit"),
        ("stopped_funding", "funding"),
        ("stopped_priorities", "other"),
        ("merged", "other"),
        ("other", "other"),
    ],
)
def test_the_stop_s_reason_follows_how_the_innovation_ended(innovation, leader, outcome, reason):
    part = make_part(innovation, by=leader)
    close(innovation, leader, outcome=outcome)
    assert latest(part).reason == reason


@pytest.mark.parametrize("outcome", ["", "not_recorded", "abandoned", None])
def test_closing_without_a_way_it_ended_is_refused_and_writes_nothing(
    innovation, parts, leader, outcome
):
    moves, history = Move.objects.count(), Innovation.history.count()
    with pytest.raises(ValidationError) as refused:
        close(innovation, leader, outcome=outcome)
    assert refused.value.message_dict == {"outcome": ["Choose how the innovation ended."]}
    innovation.refresh_from_db()
    assert (innovation.status, innovation.outcome) == ("open", "")
    assert (Move.objects.count(), Innovation.history.count()) == (moves, history)


def test_a_part_that_cannot_be_stopped_then_leaves_the_innovation_open(innovation, parts, leader):
    north, south, west = parts
    make_move(south, "resume", by=leader, on=date(2024, 6, 10))
    moves = Move.objects.count()
    with pytest.raises(services.MoveRefused, match="South team|Resume|10 June 2024"):
        close(innovation, leader, closed_on=CLOSED_ON)
    innovation.refresh_from_db()
    north.refresh_from_db()
    assert (innovation.status, north.state) == ("open", "active")
    assert Move.objects.count() == moves


def test_the_database_refuses_a_closed_innovation_without_an_outcome(innovation):
    innovation.status, innovation.learning, innovation.outcome = "closed", "Learned.", ""
    with pytest.raises(IntegrityError), transaction.atomic():
        innovation.save()


def test_the_parts_the_closing_stopped_are_those_it_stopped_and_still_stopped(
    innovation, parts, leader
):
    north, south, west = parts
    assert services.stopped_by_closing(innovation) == []
    close(innovation, leader)
    assert services.stopped_by_closing(innovation) == [north, south]


def test_reopening_restarts_only_the_chosen_parts_at_the_stage_they_stopped_in(
    innovation, parts, leader, manager
):
    north, south, west = parts
    close(innovation, leader)

    restarted = services.reopen_innovation(innovation, by=manager, restart=[south.pk, west.pk])

    assert restarted == [south]
    innovation.refresh_from_db()
    assert (innovation.status, innovation.closed_on, innovation.outcome) == ("open", None, "")
    assert innovation.learning == "Families wanted evening meetings."
    for part in parts:
        part.refresh_from_db()
    assert (south.state, south.stage.number) == ("active", 3)
    move = latest(south)
    assert (move.kind, move.to_stage.number, move.recorded_by, move.reason) == (
        "restart",
        3,
        manager,
        "other",
    )
    assert move.rationale == "Restarted when the innovation was reopened."
    assert (north.state, latest(north).kind) == ("stopped", "stop")
    assert (west.state, west.version) == ("stopped", 2)
    assert innovation.history.first().history_change_reason == "Reopened"


def test_reopening_with_no_part_chosen_restarts_none(innovation, parts, leader):
    close(innovation, leader)
    moves = Move.objects.count()
    assert services.reopen_innovation(innovation, by=leader) == []
    innovation.refresh_from_db()
    assert innovation.status == "open"
    assert Move.objects.count() == moves


def test_closing_again_after_a_reopening_asks_again_how_it_ended(innovation, parts, leader):
    north, south, west = parts
    close(innovation, leader, outcome="merged")
    services.reopen_innovation(innovation, by=leader, restart=[north.pk])
    close(innovation, leader, outcome="handed_over", closed_on=timezone.localdate())
    innovation.refresh_from_db()
    assert innovation.outcome == "handed_over"
    assert services.stopped_by_closing(innovation) == [north]
    assert [m.kind for m in Move.objects.filter(part=north).order_by("seq")] == [
        "start",
        "advance",
        "stop",
        "restart",
        "stop",
    ]


# The migration that added the question


@pytest.mark.django_db(transaction=True)
def test_innovations_closed_before_the_question_say_it_was_not_recorded(organisation):
    executor = MigrationExecutor(connection)
    before, after = (
        [("stages", "0005_password_reset_request")],
        [("stages", "0006_innovation_outcome")],
    )
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps.get_model("stages", "Innovation")
        old.objects.create(
            organisation_id=organisation.pk,
            title="Old helpline",
            status="closed",
            learning="Families preferred texting.",
            closed_on=date(2023, 5, 1),
        )
        old.objects.create(organisation_id=organisation.pk, title="Family hubs")
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(after)
    try:
        migrated = executor.loader.project_state(after).apps.get_model("stages", "Innovation")
        outcomes = dict(migrated.objects.values_list("title", "outcome"))
    finally:
        # Later migrations add columns the current model reads.
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
        install_triggers()  # on the tables the later migrations made again
    assert outcomes == {"Old helpline": "not_recorded", "Family hubs": ""}
    assert Innovation.objects.get(title="Old helpline").get_outcome_display() == "Not recorded"
