"""The write path for measures, readings, checks, involvement and ethics notes."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assessments.models import Check, EthicsNote, Involvement, Measure, Reading
from assessments.queries.evidence import check_history, involvement_by_part
from assessments.services import evidence as services
from tests.assessments.factories import make_check, make_involvement, make_measure, make_reading
from tests.factories import make_move, make_part

TOMORROW = timezone.localdate() + timedelta(days=1)


def snapshot(organisation):
    """Every row this app writes, with its history, and the organisation's version."""
    organisation.refresh_from_db()
    return tuple(
        n
        for model in (Measure, Reading, Check, Involvement, EthicsNote)
        for n in (model.objects.count(), model.history.count())
    ) + (organisation.version,)


def refused(organisation, call, message, field):
    """Assert `call` is refused with `message` at `field` and saves nothing."""
    before = snapshot(organisation)
    with pytest.raises(ValidationError) as caught:
        call()
    assert caught.value.message_dict == {field: [message]}
    assert snapshot(organisation) == before


# Every write


def every_write(innovation, leader, north, south):
    measure = make_measure(innovation, by=leader, name="Referrals", part=north)
    return {
        "define": lambda: make_measure(innovation, by=leader, name="Another"),
        "update": lambda: services.update_measure(measure, by=leader, unit="families"),
        "copy": lambda: services.copy_measure(measure, by=leader, parts=[south]),
        "reading": lambda: make_reading(measure, by=leader),
        "check": lambda: make_check(north, by=leader),
        "involvement": lambda: make_involvement(north, by=leader),
        "ethics note": lambda: services.set_ethics_note(innovation, 3, by=leader, note="Risks."),
    }


@pytest.mark.parametrize(
    "write", ["define", "update", "copy", "reading", "check", "involvement", "ethics note"]
)
def test_every_write_bumps_the_version_and_records_who(
    organisation, innovation, leader, north, south, write
):
    call = every_write(innovation, leader, north, south)[write]
    organisation.refresh_from_db()
    version = organisation.version
    result = call()
    organisation.refresh_from_db()
    assert organisation.version == version + 1
    written = result[0][0] if write == "copy" else result
    assert written.history.first().history_user == leader
    assert written.organisation == organisation


# Measures


def test_a_measure_takes_its_kind_from_its_stage(innovation, leader):
    developing = make_measure(innovation, by=leader, stage=3, name="Referrals")
    integrating = make_measure(innovation, by=leader, stage=4, name="Cost per family")
    assert developing.kind == "short_term_progress"
    assert integrating.kind == "medium_term_local_impact"


def test_a_measure_keeps_the_kind_it_is_given(innovation, leader):
    measure = make_measure(innovation, by=leader, stage=3, kind="engagement")
    assert measure.kind == "engagement"


def test_defining_a_measure_records_who_and_why_and_bumps_the_version(
    organisation, innovation, leader
):
    version = organisation.version
    measure = make_measure(
        innovation,
        by=leader,
        baseline_value="10",
        baseline_on=date(2025, 1, 1),
        target_value=50,
        target_on=date(2025, 12, 31),
    )
    organisation.refresh_from_db()
    assert organisation.version == version + 1
    record = measure.history.get()
    assert (record.history_user, record.history_change_reason) == (leader, "Measure defined")
    measure.refresh_from_db()
    assert (measure.organisation, measure.baseline_value, measure.target_value) == (
        organisation,
        Decimal("10"),
        Decimal("50"),
    )


def test_the_same_name_may_be_used_at_another_stage_part_or_for_the_whole(
    innovation, leader, north, south
):
    make_measure(innovation, by=leader, stage=3, name="Referrals")
    make_measure(innovation, by=leader, stage=4, name="Referrals")
    make_measure(innovation, by=leader, stage=3, name="Referrals", part=north)
    make_measure(innovation, by=leader, stage=3, name="Referrals", part=south)
    assert Measure.objects.filter(name="Referrals").count() == 4


MEASURE_REFUSALS = {
    "no name": ({"name": "  "}, "Give the measure a name.", "name"),
    "no such stage": ({"stage": 7}, "Choose one of the six stages.", "stage"),
    "unknown kind": ({"kind": "vibes"}, "Choose the kind of measure.", "kind"),
    "unknown scale": (
        {"scale": "stars"},
        "Choose whether readings are numbers or ratings.",
        "scale",
    ),
    "unknown direction": (
        {"direction": "sideways"},
        "Choose whether higher or lower is better.",
        "direction",
    ),
    "rated with a target": (
        {"scale": "rated", "target_value": 5},
        "A rated measure is judged on track, some concern or off track: it has no baseline "
        "or target.",
        "scale",
    ),
    "baseline date without a value": (
        {"baseline_on": date(2025, 1, 1)},
        "Give the baseline value for that date.",
        "baseline_value",
    ),
    "target date without a value": (
        {"target_on": date(2025, 1, 1)},
        "Give the target value for that date.",
        "target_value",
    ),
    "target date not after the baseline date": (
        {
            "baseline_value": 1,
            "baseline_on": date(2025, 1, 1),
            "target_value": 2,
            "target_on": date(2025, 1, 1),
        },
        "The target date must be after the baseline date.",
        "target_on",
    ),
    "baseline in the future": (
        {"baseline_value": 1, "baseline_on": TOMORROW},
        "The baseline date cannot be in the future.",
        "baseline_on",
    ),
    "baseline before 1990": (
        {"baseline_value": 1, "baseline_on": date(1989, 12, 31)},
        "The baseline date must be on or after 1 January 1990.",
        "baseline_on",
    ),
    "target after 2100": (
        {"target_value": 1, "target_on": date(2101, 1, 1)},
        "The target date must be on or before 31 December 2100.",
        "target_on",
    ),
    "baseline not a number": (
        {"baseline_value": "ten"},
        "The baseline must be a number.",
        "baseline_value",
    ),
    "target too large": (
        {"target_value": "10000000000"},
        "The target must be less than 10,000,000,000.",
        "target_value",
    ),
}


@pytest.mark.parametrize(
    "fields, message, field", MEASURE_REFUSALS.values(), ids=MEASURE_REFUSALS.keys()
)
def test_an_invalid_measure_is_refused_and_nothing_saved(
    organisation, innovation, leader, fields, message, field
):
    fields = {"stage": 3, "name": "Referrals", **fields}
    refused(
        organisation,
        lambda: services.define_measure(innovation, by=leader, **fields),
        message,
        field,
    )


def test_a_measure_for_a_part_of_another_innovation_is_refused(
    organisation, innovation, leader, elsewhere, outsider_part
):
    for part in (elsewhere, outsider_part):
        refused(
            organisation,
            lambda part=part: make_measure(innovation, by=leader, part=part),
            f"{part.name} is not a part of Family group conferencing.",
            "part",
        )


def test_a_second_measure_of_the_same_name_stage_and_part_is_refused(
    organisation, innovation, leader, north
):
    make_measure(innovation, by=leader, name="Referrals", part=north)
    refused(
        organisation,
        lambda: make_measure(innovation, by=leader, name=" Referrals ", part=north),
        "There is already a measure called “Referrals” for Developing, North team.",
        "name",
    )
    make_measure(innovation, by=leader, name="Referrals")
    refused(
        organisation,
        lambda: make_measure(innovation, by=leader, name="Referrals"),
        "There is already a measure called “Referrals” for Developing, whole innovation.",
        "name",
    )


def test_a_retired_measure_frees_its_name_and_is_never_deleted(innovation, leader):
    measure = make_measure(innovation, by=leader, name="Referrals")
    services.update_measure(measure, by=leader, is_active=False)
    replacement = make_measure(innovation, by=leader, name="Referrals")
    assert Measure.objects.filter(name="Referrals").count() == 2
    assert measure.history.first().history_change_reason == "Measure retired"
    refused(
        innovation.organisation,
        lambda: services.update_measure(measure, by=leader, is_active=True),
        "There is already a measure called “Referrals” for Developing, whole innovation.",
        "name",
    )
    assert replacement.is_active


def test_updating_a_measure_changes_it_with_history(organisation, innovation, leader):
    measure = make_measure(innovation, by=leader, name="Referrals")
    services.update_measure(
        measure, by=leader, name="Referrals received", unit="families", target_value="25.5"
    )
    measure.refresh_from_db()
    assert (measure.name, measure.unit, measure.target_value) == (
        "Referrals received",
        "families",
        Decimal("25.5"),
    )
    assert [h.history_change_reason for h in measure.history.all()] == [
        "Measure edited",
        "Measure defined",
    ]


def test_a_measure_with_readings_keeps_its_scale_and_part(organisation, innovation, leader, north):
    measure = make_measure(innovation, by=leader, part=north)
    make_reading(measure, by=leader, value=3)
    refused(
        organisation,
        lambda: services.update_measure(measure, by=leader, scale="rated"),
        "This measure has readings, so whether they are numbers or ratings cannot change.",
        "scale",
    )
    refused(
        organisation,
        lambda: services.update_measure(measure, by=leader, part=None),
        "This measure has readings, so the part it measures cannot change.",
        "part",
    )


def test_an_unknown_field_cannot_be_updated(innovation, leader):
    measure = make_measure(innovation, by=leader)
    with pytest.raises(TypeError):
        services.update_measure(measure, by=leader, organisation=None)


# Copying a measure


def test_copying_a_measure_creates_it_for_each_part_and_skips_those_that_have_it(
    organisation, innovation, leader, north, south
):
    east = make_part(innovation, by=leader, name="East team", stage=2)
    measure = make_measure(
        innovation,
        by=leader,
        name="Referrals",
        part=north,
        unit="families",
        direction="lower",
        baseline_value=40,
        baseline_on=date(2025, 1, 1),
        target_value=20,
        target_on=date(2025, 12, 31),
        collection="Monthly from the case system",
    )
    make_reading(measure, by=leader, value=35)
    already = make_measure(innovation, by=leader, name="Referrals", part=south)

    created, skipped = services.copy_measure(measure, by=leader, parts=[north, south, east])

    assert [m.part for m in created] == [east]
    assert skipped == [north, south]
    copy = Measure.objects.get(part=east)
    assert (
        copy.name,
        copy.stage.number,
        copy.kind,
        copy.unit,
        copy.direction,
        copy.baseline_value,
        copy.baseline_on,
        copy.target_value,
        copy.target_on,
        copy.collection,
        copy.organisation,
    ) == (
        "Referrals",
        3,
        "short_term_progress",
        "families",
        "lower",
        Decimal(40),
        date(2025, 1, 1),
        Decimal(20),
        date(2025, 12, 31),
        "Monthly from the case system",
        organisation,
    )
    assert copy.readings.count() == 0
    assert copy.history.get().history_change_reason == f"Measure copied from measure {measure.pk}"
    assert Measure.objects.filter(part=south).get() == already


def test_a_measure_is_never_copied_to_another_innovation(
    organisation, innovation, leader, north, south, elsewhere, outsider_part
):
    measure = make_measure(innovation, by=leader, part=north)
    for part in (elsewhere, outsider_part):
        refused(
            organisation,
            lambda part=part: services.copy_measure(measure, by=leader, parts=[south, part]),
            f"{part.name} is not a part of Family group conferencing.",
            "parts",
        )
    refused(
        organisation,
        lambda: services.copy_measure(measure, by=leader, parts=[]),
        "Choose at least one part to copy the measure to.",
        "parts",
    )


# Readings


def test_a_reading_of_a_part_measure_is_for_that_part(innovation, leader, north):
    measure = make_measure(innovation, by=leader, part=north)
    reading = make_reading(measure, by=leader, value="12.5", story="Good month.")
    reading.refresh_from_db()
    assert (reading.part, reading.value, reading.rating, reading.story) == (
        north,
        Decimal("12.5"),
        "",
        "Good month.",
    )
    assert reading.history.get().history_user == leader


def test_a_reading_of_a_whole_measure_may_be_for_a_part_or_the_whole(innovation, leader, north):
    measure = make_measure(innovation, by=leader)
    assert make_reading(measure, by=leader).part is None
    assert make_reading(measure, by=leader, part=north).part == north


def test_a_rated_reading_keeps_its_rating(innovation, leader):
    measure = make_measure(innovation, by=leader, scale="rated")
    reading = make_reading(measure, by=leader, rating="some_concern")
    reading.refresh_from_db()
    assert (reading.value, reading.rating) == (None, "some_concern")


READING_REFUSALS = {
    "numeric without a value": ("numeric", {"value": None}, "Give the value.", "value"),
    "numeric with a rating": (
        "numeric",
        {"value": 3, "rating": "on_track"},
        "“Referrals” is measured in numbers, not rated.",
        "rating",
    ),
    "numeric not a number": (
        "numeric",
        {"value": "lots"},
        "The value must be a number.",
        "value",
    ),
    "rated without a rating": (
        "rated",
        {"rating": ""},
        "Choose on track, some concern or off track.",
        "rating",
    ),
    "rated with an unknown rating": (
        "rated",
        {"rating": "great"},
        "Choose on track, some concern or off track.",
        "rating",
    ),
    "rated with a value": (
        "rated",
        {"value": 3, "rating": "on_track"},
        "“Referrals” is rated on track, some concern or off track, not given a number.",
        "value",
    ),
    "observed in the future": (
        "numeric",
        {"value": 3, "observed_on": TOMORROW},
        "The date observed cannot be in the future.",
        "observed_on",
    ),
    "observed before 1990": (
        "numeric",
        {"value": 3, "observed_on": date(1989, 12, 31)},
        "The date observed must be on or after 1 January 1990.",
        "observed_on",
    ),
    "no date": (
        "numeric",
        {"value": 3, "observed_on": None},
        "Enter the date observed.",
        "observed_on",
    ),
    "evidence that is not a web address": (
        "numeric",
        {"value": 3, "evidence_url": "javascript:alert(1)"},
        "Give the evidence link as a web address starting https:// or http://.",
        "evidence_url",
    ),
}


@pytest.mark.parametrize(
    "scale, fields, message, field", READING_REFUSALS.values(), ids=READING_REFUSALS.keys()
)
def test_an_invalid_reading_is_refused_and_nothing_saved(
    organisation, innovation, leader, scale, fields, message, field
):
    measure = make_measure(innovation, by=leader, name="Referrals", scale=scale)
    fields = {"observed_on": date(2025, 3, 1), "value": None, "rating": "", **fields}
    refused(
        organisation,
        lambda: services.record_reading(measure, by=leader, **fields),
        message,
        field,
    )


def test_a_reading_for_a_part_of_another_innovation_is_refused(
    organisation, innovation, leader, elsewhere, outsider_part
):
    measure = make_measure(innovation, by=leader)
    for part in (elsewhere, outsider_part):
        refused(
            organisation,
            lambda part=part: make_reading(measure, by=leader, part=part),
            f"{part.name} is not a part of Family group conferencing.",
            "part",
        )


def test_a_reading_of_a_part_measure_for_another_part_is_refused(
    organisation, innovation, leader, north, south
):
    measure = make_measure(innovation, by=leader, name="Referrals", part=north)
    refused(
        organisation,
        lambda: make_reading(measure, by=leader, part=south),
        "“Referrals” is measured for North team only.",
        "part",
    )


def test_a_retired_measure_takes_no_reading(organisation, innovation, leader):
    measure = make_measure(innovation, by=leader, name="Referrals")
    services.update_measure(measure, by=leader, is_active=False)
    refused(
        organisation,
        lambda: make_reading(measure, by=leader),
        "“Referrals” is no longer in use.",
        "measure",
    )


# Checks


def test_a_check_answers_the_parts_current_stage_and_keeps_earlier_answers(
    innovation, leader, viewer, north
):
    first = make_check(north, by=leader, answer="no", answered_on=date(2025, 1, 10))
    second = make_check(north, by=viewer, answer="partly", answered_on=date(2025, 2, 10))
    make_move(north, "advance", by=leader, on=date(2025, 3, 1))
    third = make_check(north, by=leader, answer="yes", answered_on=date(2025, 3, 10))
    # Recorded last, but answered before all the others.
    backdated = make_check(north, by=viewer, answer="unknown", answered_on=date(2024, 12, 1))

    assert (first.stage.number, second.stage.number, third.stage.number) == (3, 3, 4)
    assert backdated.stage.number == 4
    assert check_history(north) == [third, second, first, backdated]
    assert [c.answered_by for c in check_history(north)] == [leader, viewer, leader, viewer]
    assert [c.answer for c in check_history(north, stage=first.stage)] == ["partly", "no"]
    assert Check.objects.filter(part=north).count() == 4


def test_an_unknown_answer_needs_no_evidence(innovation, leader, north):
    check = make_check(north, by=leader, answer="unknown", evidence="")
    assert check.answer == "unknown"


CHECK_REFUSALS = {
    "unknown answer": ({"answer": "maybe"}, "Choose yes, partly, no or unknown.", "answer"),
    "no evidence": (
        {"answer": "yes", "evidence": " "},
        "Say what the answer rests on.",
        "evidence",
    ),
    "answered in the future": (
        {"answered_on": TOMORROW},
        "The date answered cannot be in the future.",
        "answered_on",
    ),
}


@pytest.mark.parametrize(
    "fields, message, field", CHECK_REFUSALS.values(), ids=CHECK_REFUSALS.keys()
)
def test_an_invalid_check_is_refused_and_nothing_saved(
    organisation, leader, north, fields, message, field
):
    refused(organisation, lambda: make_check(north, by=leader, **fields), message, field)


# Involvement


def test_involvement_is_at_the_parts_current_stage_unless_given(innovation, leader, north):
    now = make_involvement(north, by=leader)
    earlier = make_involvement(north, by=leader, stage=2, level="co_designing", who="children")
    assert (now.stage.number, earlier.stage.number) == (3, 2)
    assert str(earlier) == "Children co-designed"


def test_the_latest_involvement_at_the_current_stage_is_current(innovation, leader, north, south):
    make_involvement(north, by=leader, level="informed", recorded_on=date(2025, 1, 1))
    latest = make_involvement(
        north, by=leader, level="co_designing", who="young_people", recorded_on=date(2025, 2, 1)
    )
    make_involvement(north, by=leader, level="consulted", recorded_on=date(2025, 1, 15))
    make_involvement(north, by=leader, level="co_evaluating", stage=2, recorded_on=date(2025, 3, 1))
    assert involvement_by_part(innovation) == {north.pk: latest}
    assert Involvement.objects.filter(part=north).count() == 4


INVOLVEMENT_REFUSALS = {
    "unknown level": ({"level": "watching"}, "Choose how they took part.", "level"),
    "unknown who": ({"who": "staff"}, "Choose who took part.", "who"),
    "no note": ({"note": ""}, "Say how they took part and what came of it.", "note"),
    "in the future": (
        {"recorded_on": TOMORROW},
        "The date cannot be in the future.",
        "recorded_on",
    ),
}


@pytest.mark.parametrize(
    "fields, message, field", INVOLVEMENT_REFUSALS.values(), ids=INVOLVEMENT_REFUSALS.keys()
)
def test_invalid_involvement_is_refused_and_nothing_saved(
    organisation, leader, north, fields, message, field
):
    refused(organisation, lambda: make_involvement(north, by=leader, **fields), message, field)


# Ethics notes


def test_an_ethics_note_is_rewritten_in_place_and_its_history_kept(
    organisation, innovation, leader, viewer
):
    first = services.set_ethics_note(innovation, 1, by=leader, note="Better for families.")
    second = services.set_ethics_note(
        innovation, 1, by=viewer, note="Better for families; watch who holds the power."
    )
    assert first.pk == second.pk
    assert EthicsNote.objects.get().note == "Better for families; watch who holds the power."
    assert [(h.note, h.history_user, h.history_change_reason) for h in second.history.all()] == [
        ("Better for families; watch who holds the power.", viewer, "Ethics note rewritten"),
        ("Better for families.", leader, "Ethics note written"),
    ]


def test_an_unchanged_ethics_note_writes_nothing(organisation, innovation, leader):
    services.set_ethics_note(innovation, 1, by=leader, note="Better for families.")
    before = snapshot(organisation)
    services.set_ethics_note(innovation, 1, by=leader, note=" Better for families. ")
    assert snapshot(organisation) == before


def test_an_empty_new_ethics_note_is_refused(organisation, innovation, leader):
    refused(
        organisation,
        lambda: services.set_ethics_note(innovation, 2, by=leader, note=" "),
        "Write the note: better for whom? What risks, whose power?",
        "note",
    )


def test_each_stage_has_its_own_ethics_note(innovation, leader):
    services.set_ethics_note(innovation, 1, by=leader, note="Mobilising: who asked for this?")
    services.set_ethics_note(innovation, 2, by=leader, note="Designing: who designs it?")
    assert EthicsNote.objects.filter(innovation=innovation).count() == 2
