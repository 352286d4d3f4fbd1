"""Correcting a reading in place, withdrawing a wrong one with a reason and restoring it: only
what changes is written, history keeps every version, and a withdrawn reading counts nowhere
but its measure's list of withdrawn readings."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from assessments import imports
from assessments.models import Reading
from assessments.queries import evidence as queries
from assessments.queries.organisation import MeasureBook
from assessments.queries.readings import reading_history
from assessments.services import evidence as services
from tests.assessments.factories import make_measure, make_reading

TODAY = date(2025, 7, 10)


@pytest.fixture
def measure(innovation, leader):
    return make_measure(
        innovation,
        by=leader,
        name="Context conferences held",
        value_kind="count",
        target_value=10,
        target_on=date(2025, 12, 31),
    )


def correct(reading, by, **fields):
    now = {
        "observed_on": reading.observed_on,
        "value": reading.value,
        "story": reading.story,
        "evidence_url": reading.evidence_url,
    }
    return services.correct_reading(reading, by=by, **{**now, **fields})


def test_a_correction_writes_only_what_changed_and_history_keeps_what_it_said(
    measure, leader, manager
):
    reading = make_reading(measure, by=leader, on=date(2025, 6, 1), value=12, story="June.")

    corrected, changes = correct(reading, manager, value="13", story="June, with the late one.")

    assert changes == [
        ("value", Decimal("12"), Decimal("13")),
        ("story", "June.", "June, with the late one."),
    ]
    stored = Reading.objects.get()
    assert (stored.value, stored.story, stored.observed_on) == (
        Decimal("13"),
        "June, with the late one.",
        date(2025, 6, 1),
    )
    assert stored.recorded_by == leader
    before, after = stored.history.order_by("history_id")
    assert (before.value, after.value) == (Decimal("12"), Decimal("13"))
    assert after.history_user == manager
    assert after.history_change_reason == "Reading corrected"
    found = reading_history(measure)
    assert [(c.kind, c.fields, c.row.history_user) for c in found.changes] == [
        ("corrected", ("value", "story"), manager)
    ]
    assert found.corrected == {reading.pk}


def test_a_correction_that_changes_nothing_writes_nothing(measure, leader):
    reading = make_reading(measure, by=leader, value=12)

    _same, changes = correct(reading, leader, value=" 12.0 ")

    assert changes == []
    assert reading.history.count() == 1


def test_a_correction_is_checked_as_a_new_reading_is(measure, leader):
    reading = make_reading(measure, by=leader, value=12)

    with pytest.raises(ValidationError) as refused:
        correct(reading, leader, value="12.5", observed_on=date(2999, 1, 1))

    assert refused.value.message_dict["value"] == [
        "The value is a count. A count is a whole number: give 12 or 13."
    ]
    assert "observed_on" in refused.value.message_dict
    assert Reading.objects.get().value == Decimal("12")
    assert reading.history.count() == 1


def test_a_withdrawn_reading_is_kept_and_counts_nowhere(
    organisation, innovation, measure, leader, north
):
    early = make_reading(measure, by=leader, part=north, on=date(2025, 6, 1), value=4)
    wrong = make_reading(measure, by=leader, part=north, on=date(2025, 7, 1), value=12)
    book = MeasureBook(organisation, TODAY)
    latest, status = book.status_for_part(measure, north.pk)
    assert (latest, status.code) == (wrong, "on_track")

    services.withdraw_reading(wrong, by=leader, reason="Entered against the wrong team.")

    stored = Reading.objects.get(pk=wrong.pk)
    assert stored.withdrawn_by == leader
    assert stored.withdrawn_reason == "Entered against the wrong team."
    assert stored.withdrawn_at is not None
    assert stored.history.latest().history_change_reason == "Reading withdrawn"
    assert list(Reading.objects.current()) == [early]
    assert list(Reading.objects.withdrawn()) == [stored]

    mine = queries.measure_with_status(measure, TODAY)
    assert mine.readings_in_order == [early]
    assert mine.latest == early
    assert mine.status.code != "on_track"
    readiness = queries.readiness(north, TODAY)
    assert [line.latest for line in readiness["measures"]] == [early]
    book = MeasureBook(organisation, TODAY)
    latest, status = book.status_for_part(measure, north.pk)
    assert latest == early
    assert status.code != "on_track"
    assert [reading for _m, reading, _s in book.for_innovation(innovation.pk)] == [early]
    history = reading_history(measure)
    assert [row.id for row in history.withdrawn] == [wrong.pk]
    assert [c.kind for c in history.changes] == ["withdrawn"]


def test_withdrawing_needs_a_reason_and_happens_once(measure, leader, manager):
    reading = make_reading(measure, by=leader, value=12)
    with pytest.raises(ValidationError) as refused:
        services.withdraw_reading(reading, by=leader, reason="  ")
    assert refused.value.message_dict == {"reason": ["Say why the reading is withdrawn."]}
    assert Reading.objects.current().count() == 1

    services.withdraw_reading(reading, by=leader, reason="Counted twice.")
    with pytest.raises(ValidationError) as again:
        services.withdraw_reading(reading, by=manager, reason="Also wrong.")
    assert again.value.message_dict["reason"][0].startswith(
        f"This reading is already withdrawn: {leader.get_full_name()} withdrew it on "
    )
    with pytest.raises(ValidationError) as corrected:
        correct(reading, manager, value="11")
    assert "A manager may restore it." in corrected.value.message_dict["reading"][0]
    assert Reading.objects.get().withdrawn_reason == "Counted twice."
    assert reading.history.count() == 2


def test_a_restored_reading_counts_again_and_history_keeps_both_steps(measure, leader, manager):
    reading = make_reading(measure, by=leader, on=date(2025, 6, 1), value=12)
    services.withdraw_reading(reading, by=leader, reason="Thought to be a duplicate.")

    services.restore_reading(reading, by=manager)

    stored = Reading.objects.get()
    assert (stored.withdrawn_at, stored.withdrawn_by, stored.withdrawn_reason) == (None, None, "")
    assert queries.measure_with_status(measure, TODAY).latest == stored
    reasons = list(stored.history.order_by("history_id").values_list("history_change_reason"))
    assert reasons == [("Reading recorded",), ("Reading withdrawn",), ("Reading restored",)]
    found = reading_history(measure)
    assert [c.kind for c in found.changes] == ["restored", "withdrawn"]
    assert found.withdrawn == []
    with pytest.raises(ValidationError):
        services.restore_reading(reading, by=manager)


def test_a_reading_that_no_longer_fits_the_measure_is_not_restored(innovation, leader, manager):
    measure = make_measure(innovation, by=leader, name="Conferences")
    wrong = make_reading(measure, by=leader, value="12.5")
    services.withdraw_reading(wrong, by=leader, reason="Half a conference is not one.")
    services.update_measure(measure, by=leader, value_kind="count")

    with pytest.raises(ValidationError) as refused:
        services.restore_reading(wrong, by=manager)

    assert refused.value.message_dict["reading"][0].startswith(
        "Its value, 12.5, is not a count, as the measure's values now are. A count is a whole "
        "number: give 12 or 13."
    )
    assert Reading.objects.get().withdrawn_at is not None


def test_a_withdrawn_reading_does_not_stop_an_import_of_the_right_one(
    organisation, innovation, measure, leader
):
    wrong = make_reading(measure, by=leader, on=date(2025, 6, 1), value=12)
    services.withdraw_reading(wrong, by=leader, reason="Typed into the wrong month.")
    data = f"date,measure,part,value,note\n2025-06-01,{measure.name},,9,\n".encode()

    rows, problems = imports.parse_readings_csv(
        innovation, data, organisation=organisation, today=TODAY
    )
    assert problems == []
    imports.import_readings(innovation, rows, by=leader)

    assert [r.value for r in Reading.objects.current()] == [Decimal("9")]


def test_an_import_refuses_a_fractional_count_naming_the_row(organisation, innovation, measure):
    data = f"date,measure,part,value,note\n2025-06-01,{measure.name},,12.5,\n".encode()

    rows, problems = imports.parse_readings_csv(
        innovation, data, organisation=organisation, today=TODAY
    )

    assert rows == []
    assert [str(p) for p in problems] == [
        "Row 2: the value is a count. A count is a whole number: give 12 or 13."
    ]


@pytest.mark.django_db(transaction=True)
def test_two_people_withdrawing_the_same_reading_at_once_withdraw_it_once(
    postgres, innovation, leader, manager
):
    measure = make_measure(innovation, by=leader, name="Conferences", value_kind="count")
    reading = make_reading(measure, by=leader, value=12)
    barrier = threading.Barrier(2)
    reports = {}

    def withdraw(who):
        shown = Reading.objects.get(pk=reading.pk)
        try:
            barrier.wait(timeout=10)
            reports[who.username] = services.withdraw_reading(
                shown, by=who, reason=f"Wrong, says {who.username}."
            )
        except Exception as error:
            reports[who.username] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=withdraw, args=(who,)) for who in (leader, manager)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    refused = [r for r in reports.values() if isinstance(r, ValidationError)]
    done = [r for r in reports.values() if isinstance(r, Reading)]
    assert (len(done), len(refused)) == (1, 1), reports
    assert "already withdrawn" in refused[0].message_dict["reason"][0]
    stored = Reading.objects.get()
    assert stored.withdrawn_by == done[0].withdrawn_by
    assert (
        list(stored.history.values_list("history_change_reason", flat=True)).count(
            "Reading withdrawn"
        )
        == 1
    )
