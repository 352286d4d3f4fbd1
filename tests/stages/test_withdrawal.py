"""Withdrawing an innovation or a part created by mistake, and restoring it: the write path, and
that every read of the journey leaves a withdrawn row out while the database keeps it."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from stages import queries, services
from stages.models import Innovation, Move, Part
from tests.factories import InnovationFactory, make_move, make_part

D = date
ON = D(2024, 6, 30)


@pytest.fixture
def two_parts(innovation, leader):
    north = make_part(innovation, by=leader, name="North team", on=D(2024, 1, 1))
    make_move(north, "advance", by=leader, on=D(2024, 2, 1))
    south = make_part(innovation, by=leader, name="South team", on=D(2024, 1, 1))
    return north, south


def counted_names(organisation):
    return set(queries.counted_parts(organisation, ON).values_list("name", flat=True))


def test_withdrawing_a_part_needs_a_reason_that_names_the_field(two_parts, leader):
    north, _south = two_parts
    with pytest.raises(ValidationError) as refused:
        services.withdraw_part(north, by=leader, reason="   ")
    assert refused.value.message_dict == {"reason": ["Enter the reason for withdrawing the part."]}
    assert Part.objects.filter(pk=north.pk).exists()
    assert north.history.count() == 2  # created, advanced: no withdrawal row


def test_a_withdrawn_part_leaves_every_count_and_is_kept_with_its_history(
    organisation, two_parts, leader
):
    north, south = two_parts
    services.withdraw_part(north, by=leader, reason="Created twice by mistake.")

    assert counted_names(organisation) == {"South team"}
    assert set(queries.latest_moves(organisation, ON)) == {south.pk}
    assert set(queries.positions_as_of(organisation, ON)) == {south.pk}
    assert set(queries.durations(organisation, ON)) == {south.pk}
    ((_, counts),) = queries.flow(organisation, [ON])
    assert sum(sum(c.values()) for c in counts.values()) == 1
    assert {m.part_id for m in queries.moves_between(organisation, D(2023, 12, 31), ON)} == {
        south.pk
    }
    assert not Move.objects.filter(part=north).exists()

    kept = Part.all_objects.get(pk=north.pk)
    assert kept.withdrawn_reason == "Created twice by mistake."
    assert kept.withdrawn_by == leader
    assert Move.all_objects.filter(part=north).count() == 2
    latest = kept.history.order_by("-history_id").first()
    assert latest.history_change_reason == "Withdrawn: Created twice by mistake."
    assert latest.history_user == leader
    assert latest.withdrawn_at is not None


def test_withdrawing_writes_only_the_withdrawal_fields(two_parts, leader, manager):
    north, _south = two_parts
    stale = Part.objects.get(pk=north.pk)
    stale.name = "Renamed in memory only"
    services.withdraw_part(stale, by=leader, reason="Mistake.")
    assert Part.all_objects.get(pk=north.pk).name == "North team"


def test_a_withdrawn_innovation_takes_its_parts_and_moves_with_it(
    organisation, innovation, two_parts, leader
):
    other = InnovationFactory(organisation=organisation, title="Kinship support")
    kept = make_part(other, by=leader, name="Kinship team", on=D(2024, 1, 1))
    services.withdraw_innovation(innovation, by=leader, reason="Entered in the wrong place.")

    assert list(Innovation.objects.filter(organisation=organisation)) == [other]
    assert counted_names(organisation) == {"Kinship team"}
    assert set(queries.latest_moves(organisation, ON)) == {kept.pk}
    assert set(queries.durations(organisation, ON)) == {kept.pk}
    assert set(Part.objects.filter(organisation=organisation)) == {kept}
    # Nothing of it is withdrawn one by one: its parts are gone with it, and kept.
    assert Part.all_objects.filter(innovation=innovation, withdrawn_at__isnull=True).count() == 2
    assert set(Part.all_objects.withdrawn()) == set(Part.all_objects.filter(innovation=innovation))


def test_restoring_brings_the_part_back_with_a_history_row(
    organisation, two_parts, leader, manager
):
    north, _south = two_parts
    services.withdraw_part(north, by=leader, reason="Mistake.")
    services.restore_part(Part.all_objects.get(pk=north.pk), by=manager)

    assert counted_names(organisation) == {"North team", "South team"}
    restored = Part.objects.get(pk=north.pk)
    assert (restored.withdrawn_at, restored.withdrawn_by, restored.withdrawn_reason) == (
        None,
        None,
        "",
    )
    latest = restored.history.order_by("-history_id").first()
    assert latest.history_change_reason.startswith("Restored (withdrawn on ")
    assert latest.history_user == manager
    reasons = list(restored.history.order_by("history_id").values_list("history_change_reason"))
    assert [r for (r,) in reasons][-2:] == ["Withdrawn: Mistake.", latest.history_change_reason]


def test_restoring_an_innovation_brings_back_its_parts(organisation, innovation, two_parts, leader):
    services.withdraw_innovation(innovation, by=leader, reason="Mistake.")
    assert counted_names(organisation) == set()
    services.restore_innovation(Innovation.all_objects.get(pk=innovation.pk), by=leader)
    assert counted_names(organisation) == {"North team", "South team"}


def test_a_withdrawn_name_may_be_used_again_and_then_blocks_its_restoring(
    organisation, innovation, two_parts, leader, manager
):
    north, _south = two_parts
    services.withdraw_part(north, by=leader, reason="Mistake.")
    again = make_part(innovation, by=leader, name="North team", on=D(2024, 3, 1))
    assert Part.objects.get(innovation=innovation, name="North team") == again

    with pytest.raises(ValidationError) as refused:
        services.restore_part(Part.all_objects.get(pk=north.pk), by=manager)
    assert (
        "Another part of this innovation is called North team"
        in (refused.value.message_dict["name"][0])
    )
    assert Part.all_objects.get(pk=north.pk).is_withdrawn

    services.withdraw_innovation(innovation, by=leader, reason="Mistake.")
    InnovationFactory(organisation=organisation, title=innovation.title)
    with pytest.raises(ValidationError) as refused:
        services.restore_innovation(Innovation.all_objects.get(pk=innovation.pk), by=manager)
    assert "title" in refused.value.message_dict


def test_the_database_still_refuses_two_current_parts_of_one_name(innovation, two_parts):
    north, _south = two_parts
    twin = Part.objects.get(pk=north.pk)
    twin.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_withdrawing_twice_is_refused(two_parts, leader):
    north, _south = two_parts
    services.withdraw_part(north, by=leader, reason="Mistake.")
    with pytest.raises(ValidationError, match="was withdrawn on"):
        services.withdraw_part(north, by=leader, reason="Again.")
