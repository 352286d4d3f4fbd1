"""A measure's kind of value (a count, a percentage, an amount or a score): every value given
for it, its baseline, its target and each reading, is checked against it."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from assessments.models import Measure, Reading, ValueKind, check_value_kind
from assessments.services import evidence as services
from tests.assessments.factories import make_measure, make_reading

D = datetime.date


@pytest.mark.parametrize(
    ("kind", "number", "message"),
    [
        ("count", "12.5", "The value is a count. A count is a whole number: give 12 or 13."),
        ("count", "0.25", "The value is a count. A count is a whole number: give 0 or 1."),
        ("count", "-1", "The value is a count. A count is 0 or more: -1 is below 0."),
        (
            "percentage",
            "100.5",
            "The value is a percentage. A percentage is from 0 to 100: 100.5 is over 100.",
        ),
        (
            "percentage",
            "-2",
            "The value is a percentage. A percentage is from 0 to 100: -2 is below 0.",
        ),
        (
            "amount",
            "12.345",
            "The value is an amount. An amount has at most two decimal places: give 12.34 or "
            "12.35.",
        ),
        ("amount", "-0.01", "The value is an amount. An amount is 0 or more: -0.01 is below 0."),
    ],
)
def test_a_value_that_is_not_of_the_measure_s_kind_is_refused_naming_the_field(
    kind, number, message
):
    with pytest.raises(ValidationError) as refused:
        check_value_kind(Decimal(number), kind, "value", "value")
    assert refused.value.message_dict == {"value": [message]}


@pytest.mark.parametrize(
    ("kind", "number"),
    [
        ("count", "0"),
        ("count", "12"),
        ("count", "12.0000"),
        ("percentage", "0"),
        ("percentage", "100"),
        ("percentage", "37.5"),
        ("amount", "0"),
        ("amount", "1200.50"),
        ("score", "-3.75"),
        ("score", "123456.7891"),
    ],
)
def test_a_value_of_the_measure_s_kind_is_taken_as_it_is(kind, number):
    assert check_value_kind(Decimal(number), kind, "value", "value") == Decimal(number)


def test_a_measure_defined_without_a_kind_of_value_takes_any_number(innovation, leader):
    measure = make_measure(innovation, by=leader)
    assert measure.value_kind == ValueKind.SCORE
    make_reading(measure, by=leader, value="-2.5")
    assert Reading.objects.get().value == Decimal("-2.5")


def test_a_count_refuses_a_fractional_reading_and_saves_nothing(innovation, leader):
    measure = make_measure(innovation, by=leader, name="Conferences held", value_kind="count")
    with pytest.raises(ValidationError) as refused:
        services.record_reading(measure, by=leader, observed_on=D(2025, 3, 1), value="12.5")
    assert refused.value.message_dict == {
        "value": ["The value is a count. A count is a whole number: give 12 or 13."]
    }
    assert not Reading.objects.exists()
    assert not Reading.history.exists()


def test_a_count_takes_whole_numbers_as_people_type_them(innovation, leader):
    measure = make_measure(innovation, by=leader, name="Conferences held", value_kind="count")
    for text in ("1,200", " 12 ", "12.0", "0"):
        make_reading(measure, by=leader, value=text)
    assert sorted(Reading.objects.values_list("value", flat=True)) == [0, 12, 12, 1200]


def test_a_percentage_over_100_is_refused_with_every_other_problem(innovation, leader):
    measure = make_measure(innovation, by=leader, name="Plans agreed", value_kind="percentage")
    with pytest.raises(ValidationError) as refused:
        services.record_reading(
            measure, by=leader, observed_on=D(2025, 3, 1), value="120", evidence_url="nope"
        )
    assert refused.value.message_dict["value"] == [
        "The value is a percentage. A percentage is from 0 to 100: 120 is over 100."
    ]
    assert "evidence_url" in refused.value.message_dict
    assert not Reading.objects.exists()


def test_an_amount_keeps_to_pence(innovation, leader):
    measure = make_measure(innovation, by=leader, name="Spend per family", value_kind="amount")
    make_reading(measure, by=leader, value="1,250.75")
    with pytest.raises(ValidationError) as refused:
        make_reading(measure, by=leader, value="12.345")
    assert "at most two decimal places" in refused.value.message_dict["value"][0]
    assert Reading.objects.count() == 1


def test_the_baseline_and_target_are_checked_against_the_kind_of_value(innovation, leader):
    with pytest.raises(ValidationError) as refused:
        make_measure(
            innovation,
            by=leader,
            name="Plans agreed",
            value_kind="percentage",
            baseline_value="-5",
            baseline_on=D(2025, 1, 1),
            target_value="120",
            target_on=D(2027, 1, 1),
        )
    assert refused.value.message_dict == {
        "baseline_value": [
            "The baseline is a percentage. A percentage is from 0 to 100: -5 is below 0."
        ],
        "target_value": [
            "The target is a percentage. A percentage is from 0 to 100: 120 is over 100."
        ],
    }
    assert not Measure.objects.exists()


def test_an_unknown_kind_of_value_is_refused(innovation, leader):
    with pytest.raises(ValidationError) as refused:
        make_measure(innovation, by=leader, value_kind="weight")
    assert refused.value.message_dict == {
        "value_kind": ["Choose the kind of value: a count, a percentage, an amount or a score."]
    }


def test_a_rated_measure_has_no_kind_of_value_to_fit(innovation, leader):
    measure = make_measure(innovation, by=leader, scale="rated", value_kind="")
    assert measure.value_kind == ValueKind.SCORE
    make_reading(measure, by=leader, rating="on_track")
    assert Reading.objects.get().rating == "on_track"


def test_a_measure_becomes_a_count_only_when_every_reading_in_use_is_one(innovation, leader):
    measure = make_measure(innovation, by=leader, name="Conferences held")
    make_reading(measure, by=leader, on=D(2025, 2, 1), value="10")
    wrong = make_reading(measure, by=leader, on=D(2025, 3, 1), value="12.5")
    with pytest.raises(ValidationError) as refused:
        services.update_measure(measure, by=leader, value_kind="count")
    assert refused.value.message_dict == {
        "value_kind": [
            "The reading of 12.5 on 1 March 2025 is not a count. A count is a whole number: "
            "give 12 or 13. Correct or withdraw that reading first, or keep the kind of value."
        ]
    }
    assert Measure.objects.get().value_kind == ValueKind.SCORE

    services.withdraw_reading(wrong, by=leader, reason="Counted a half conference.")
    services.update_measure(measure, by=leader, value_kind="count")
    assert Measure.objects.get().value_kind == ValueKind.COUNT
    assert measure.history.latest().history_change_reason == "Measure edited"
