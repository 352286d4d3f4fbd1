"""Numbers as people type them: spaces around them, commas between thousands, a trailing
".0"; and a reading's every problem reported at once."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from assessments.imports import parse_readings_csv
from assessments.models import parse_number, to_decimal
from assessments.services import evidence as services
from tests.assessments.factories import make_measure


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("12", Decimal("12")),
        (" 12 ", Decimal("12")),
        ("12.0", Decimal("12")),
        ("1,200", Decimal("1200")),
        ("1,200.5", Decimal("1200.5")),
        ("-3", Decimal("-3")),
        ("12,345,678", Decimal("12345678")),
        (".5", Decimal("0.5")),
    ],
)
def test_a_number_is_read_as_people_type_it(typed, number):
    assert parse_number(typed) == number
    assert to_decimal(typed, "value", "value") == number


@pytest.mark.parametrize(
    "typed", ["ten", "1,5", "1,20", "12,00,000", "1.2.3", "NaN", "Infinity", "1e3", "12 000"]
)
def test_what_is_not_a_number_as_people_type_it_is_refused_naming_the_field(typed):
    assert parse_number(typed) is None
    with pytest.raises(ValidationError) as refused:
        to_decimal(typed, "baseline_value", "baseline")
    assert refused.value.message_dict == {"baseline_value": ["The baseline must be a number."]}


def test_a_reading_with_a_future_date_and_a_bad_value_is_refused_for_both_at_once(
    innovation, leader
):
    measure = make_measure(innovation, by=leader)
    with pytest.raises(ValidationError) as refused:
        services.record_reading(
            measure,
            by=leader,
            observed_on=date(2100, 1, 1),
            value="twelve",
            evidence_url="not a link",
        )
    assert refused.value.message_dict == {
        "observed_on": ["The date observed cannot be in the future."],
        "value": ["The value must be a number."],
        "evidence_url": ["Give the evidence link as a web address starting https:// or http://."],
    }
    assert measure.readings.count() == 0


def test_a_reading_typed_with_a_thousands_comma_is_recorded(innovation, leader):
    measure = make_measure(innovation, by=leader)
    reading = services.record_reading(
        measure, by=leader, observed_on=date(2025, 3, 1), value=" 1,200 "
    )
    reading.refresh_from_db()
    assert reading.value == Decimal("1200")


def test_a_csv_import_reads_numbers_as_people_type_them(innovation, leader):
    make_measure(innovation, by=leader, stage=3, name="Referrals")
    text = (
        "Date,Measure,Part,Value,Note\n"
        '2025-05-01,Referrals,,"1,200",\n'
        "2025-05-02,Referrals,, 12 ,\n"
        "2025-05-03,Referrals,,12.0,\n"
        '2025-05-04,Referrals,,"1,5",\n'
    )
    rows, errors = parse_readings_csv(
        innovation, text.encode(), organisation=innovation.organisation, today=date(2025, 7, 10)
    )
    assert [r.value for r in rows] == [Decimal("1200"), Decimal("12"), Decimal("12")]
    assert [str(e) for e in errors] == ["Row 5: “1,5” is not a number."]
