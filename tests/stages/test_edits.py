"""Editing a part or an innovation writes only the fields it edits, under a row lock: it
never undoes a move, a close or a reopen, and a stale edit of a field someone else changed is
refused with who and what."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError

from stages import services
from stages.models import Innovation, Move, Part
from tests.factories import make_move, make_part


@pytest.fixture
def part(innovation, leader):
    return make_part(innovation, by=leader, on=date(2024, 1, 1))


def test_an_edit_from_a_form_opened_before_a_move_keeps_the_move(part, leader, manager):
    shown = Part.objects.get(pk=part.pk)
    seen = services.latest_history_id(shown)
    make_move(part, "pause", by=manager, on=date(2024, 2, 1), review_on=date(2024, 3, 1))

    services.update_part(shown, by=leader, seen=seen, next_review_on=date(2024, 6, 1))

    part.refresh_from_db()
    assert (part.state, part.version, part.review_on) == ("paused", 2, date(2024, 3, 1))
    assert part.next_review_on == date(2024, 6, 1)
    assert services.disagreements(part, list(Move.objects.filter(part=part))) == []


def test_an_edit_writes_only_the_fields_that_changed_and_says_which(part, leader):
    changed = services.update_part(part, by=leader, name="North team", kind="locality")
    assert changed == ["kind"]
    newest = part.history.order_by("-history_id").first()
    assert newest.history_change_reason == "Edited: kind"
    assert newest.history_user == leader


def test_an_edit_that_changes_nothing_writes_no_history(part, leader):
    before = part.history.count()
    assert services.update_part(part, by=leader, name="North team") == []
    assert part.history.count() == before


@pytest.mark.parametrize("field", ["stage", "state", "cycle", "version", "stage_since"])
def test_a_part_s_position_cannot_be_edited(part, leader, field):
    with pytest.raises(TypeError, match="may be edited"):
        services.update_part(part, by=leader, **{field: 3})


def test_an_innovation_s_status_cannot_be_edited(innovation, leader):
    with pytest.raises(TypeError, match="may be edited"):
        services.update_innovation(innovation, by=leader, status="closed")


def test_a_stale_edit_of_a_field_someone_else_changed_names_who_and_what(part, leader, manager):
    manager.first_name, manager.last_name = "Asha", "Khan"
    manager.save()
    shown = Part.objects.get(pk=part.pk)
    seen = services.latest_history_id(shown)
    services.update_part(part, by=manager, name="North locality team")

    with pytest.raises(services.EditConflict) as caught:
        services.update_part(shown, by=leader, seen=seen, name="North east team")

    assert caught.value.fields == ["name"]
    assert caught.value.message.startswith("North locality team was changed by Asha Khan on ")
    assert "(name)" in caught.value.message
    part.refresh_from_db()
    assert part.name == "North locality team"


def test_saving_again_at_the_newest_history_row_goes_through(part, leader, manager):
    seen = services.latest_history_id(part)
    services.update_part(part, by=manager, name="North locality team")
    with pytest.raises(services.EditConflict) as caught:
        services.update_part(part, by=leader, seen=seen, name="North east team")
    services.update_part(
        part, by=leader, seen=caught.value.latest.history_id, name="North east team"
    )
    part.refresh_from_db()
    assert part.name == "North east team"


def test_a_history_row_of_another_record_is_a_conflict(innovation, part, leader):
    other = make_part(innovation, by=leader, name="South team")
    with pytest.raises(services.EditConflict):
        services.update_part(
            part, by=leader, seen=services.latest_history_id(other), name="North east team"
        )


def test_an_edit_of_the_summary_from_before_a_close_keeps_the_innovation_closed(
    innovation, leader, manager
):
    shown = Innovation.objects.get(pk=innovation.pk)
    seen = services.latest_history_id(shown)
    services.close_innovation(
        innovation, by=manager, outcome="other", learning="It ran its course."
    )

    services.update_innovation(shown, by=leader, seen=seen, summary="A new summary.")

    innovation.refresh_from_db()
    assert (innovation.status, innovation.learning) == ("closed", "It ran its course.")
    assert innovation.summary == "A new summary."


def test_an_innovation_already_closed_is_not_closed_again(innovation, leader):
    services.close_innovation(
        innovation, by=leader, outcome="other", learning="First.", closed_on=date(2024, 5, 1)
    )
    stale = Innovation.objects.get(pk=innovation.pk)
    stale.status = "open"
    with pytest.raises(ValidationError, match="was closed on 1 May 2024"):
        services.close_innovation(stale, by=leader, outcome="other", learning="Second.")
    innovation.refresh_from_db()
    assert innovation.learning == "First."


def test_tags_are_edited_as_a_list(innovation, leader):
    services.update_innovation(innovation, by=leader, tags=["Kinship ", "kinship", "edge,care"])
    innovation.refresh_from_db()
    assert innovation.tags == ["kinship", "edge care"]


# The database's own check and the repair from the log


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_to_commit_a_part_whose_version_is_not_its_latest_move(
    postgres, innovation, leader
):
    part = make_part(innovation, by=leader, on=date(2024, 1, 1))
    with pytest.raises(IntegrityError, match="is at version 5 but its latest move is 1"):
        Part.objects.filter(pk=part.pk).update(version=5)
    part.refresh_from_db()
    assert part.version == 1


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_to_commit_a_move_the_part_does_not_follow(
    postgres, innovation, leader
):
    part = make_part(innovation, by=leader, on=date(2024, 1, 1))
    with pytest.raises(IntegrityError, match="is at version 1 but its latest move is 2"):
        Move.objects.create(
            organisation_id=part.organisation_id,
            part=part,
            seq=2,
            kind="pause",
            from_stage=part.stage,
            to_stage=part.stage,
            from_state="active",
            to_state="paused",
            from_cycle=1,
            cycle=1,
            reason="planned_pause",
            rationale="Written around the write path.",
            effective_on=date(2024, 2, 1),
            recorded_by=leader,
        )
    assert Move.objects.filter(part=part).count() == 1


@pytest.mark.django_db(transaction=True)
def test_every_write_through_the_write_path_commits_past_the_database_s_check(
    postgres, innovation, leader
):
    part = make_part(innovation, by=leader, on=date(2024, 1, 1))
    make_move(part, "advance", by=leader, on=date(2024, 2, 1))
    make_move(part, "void", by=leader, on=date(2024, 2, 2))
    services.update_part(part, by=leader, name="North locality team")
    part.refresh_from_db()
    assert (part.version, part.stage.number, part.name) == (3, 1, "North locality team")


def _break(part, **fields):
    """A row that disagrees with its log, as an edit racing a move once left it (written
    around the write path; on PostgreSQL the check is deferred to the commit, so a test must
    mend the row before it ends)."""
    Part.objects.filter(pk=part.pk).update(**fields)


def test_repair_parts_lists_the_parts_whose_row_disagrees_with_their_log(
    part, innovation, leader, capsys
):
    make_move(part, "pause", by=leader, on=date(2024, 2, 1), review_on=date(2024, 3, 1))
    make_part(innovation, by=leader, name="South team")
    _break(part, version=1, state="active", review_on=None)

    call_command("repair_parts")

    out = capsys.readouterr().out
    assert "Disagrees: North team" in out
    assert "state: row active, log paused" in out
    assert "version: row 1, log 2" in out
    assert "South team" not in out
    assert "1 part(s) disagree. Run with --repair to mend them." in out
    part.refresh_from_db()
    assert part.state == "active"
    services.repair_part(part)


def test_repair_parts_mends_each_from_its_log_with_history(part, leader, manager, capsys):
    make_move(part, "advance", by=leader, on=date(2024, 2, 1))
    make_move(part, "pause", by=leader, on=date(2024, 3, 1), review_on=date(2024, 4, 1))
    _break(part, version=2, state="active", review_on=None, state_since=date(2024, 2, 1))

    call_command("repair_parts", "--repair")

    part.refresh_from_db()
    assert (part.stage.number, part.state, part.version) == (2, "paused", 3)
    assert (part.stage_since, part.state_since, part.review_on) == (
        date(2024, 2, 1),
        date(2024, 3, 1),
        date(2024, 4, 1),
    )
    newest = part.history.order_by("-history_id").first()
    assert newest.history_change_reason.startswith("Repaired from its log (move 3): ")
    assert "Repaired North team" in capsys.readouterr().out
    # Moves and voids work again once the row follows its log.
    make_move(part, "resume", by=manager, on=date(2024, 4, 1), expected_version=3)
    make_move(part, "void", by=manager, on=date(2024, 4, 1), expected_version=4)
    part.refresh_from_db()
    assert (part.state, part.version) == ("paused", 5)


def test_repair_parts_says_so_when_every_part_agrees(part, capsys):
    call_command("repair_parts", "--repair")
    assert capsys.readouterr().out.strip() == "Every part agrees with its log."
