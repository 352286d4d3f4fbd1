"""The evidence forms report every field's problem on the first submit, each message naming
its field, keep what was typed, and take numbers as people type them."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from assessments.models import Measure, Reading
from tests.assessments.factories import make_measure
from tests.factories import make_part
from tests.innovate.evidence_helpers import error_at, evidence_counts


@pytest.fixture
def measure(innovation, leader):
    make_part(innovation, by=leader, name="North team", stage=3)
    return make_measure(innovation, by=leader, name="Conferences held", unit="conferences")


def reading_url(measure):
    return reverse("evidence:reading-create", args=[measure.pk])


def test_a_mistyped_date_and_a_mistyped_value_are_both_reported_on_the_first_submit(
    client_for, leader, measure
):
    before = evidence_counts()
    response = client_for(leader).post(
        reading_url(measure), {"observed_on": "2026-02-31", "value": "twelve", "story": "Kept"}
    )
    html = error_at(response, "value", "The value must be a number.")
    error_at(response, "observed_on", "Date observed must be a real date")
    assert "Enter a valid date." not in html
    assert 'value="twelve"' in html
    assert "Kept" in html
    assert evidence_counts() == before


def test_a_future_date_and_a_bad_link_are_both_reported_on_the_first_submit(
    client_for, leader, measure
):
    before = evidence_counts()
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    response = client_for(leader).post(
        reading_url(measure), {"observed_on": future, "value": "12", "evidence_url": "nowhere"}
    )
    html = error_at(response, "observed_on", "The date observed cannot be in the future.")
    error_at(response, "evidence_url", "Give the evidence link as a web address")
    assert 'value="nowhere"' in html
    assert evidence_counts() == before


def test_an_empty_reading_names_each_missing_field(client_for, leader, measure):
    response = client_for(leader).post(reading_url(measure), {"observed_on": "", "value": ""})
    html = error_at(response, "value", "Give the value.")
    assert re.search(r'id="id_observed_on[-_]error"', html)
    assert "This field is required." not in html


@pytest.mark.parametrize(("typed", "number"), [("1,200", "1200"), (" 12 ", "12"), ("12.0", "12")])
def test_a_reading_is_taken_as_people_type_numbers(client_for, leader, measure, typed, number):
    response = client_for(leader).post(
        reading_url(measure), {"observed_on": "2026-01-05", "value": typed}
    )
    assert response.status_code == 303
    assert Reading.objects.get(measure=measure).value == Decimal(number)


def test_a_reading_of_nought_is_recorded(client_for, leader, measure):
    response = client_for(leader).post(
        reading_url(measure), {"observed_on": "2026-01-05", "value": "0"}
    )
    assert response.status_code == 303
    assert Reading.objects.get(measure=measure).value == Decimal(0)


def test_a_measure_s_baseline_and_target_are_taken_as_people_type_numbers(
    client_for, leader, innovation
):
    response = client_for(leader).post(
        reverse("evidence:measure-create", args=[innovation.pk]),
        {"name": "Referrals", "stage": 3, "scale": "numeric", "value_kind": "count",
         "direction": "higher",
         "baseline_value": "1,200", "baseline_on": "2025-01-01",
         "target_value": " 0 ", "target_on": "2027-01-01"},
    )  # fmt: skip
    assert response.status_code == 303
    created = Measure.objects.get(name="Referrals")
    assert (created.baseline_value, created.target_value) == (Decimal(1200), Decimal(0))


def test_a_measure_with_a_bad_baseline_and_a_bad_target_date_reports_both(
    client_for, leader, innovation
):
    before = evidence_counts()
    response = client_for(leader).post(
        reverse("evidence:measure-create", args=[innovation.pk]),
        {"name": "Referrals", "stage": 3, "scale": "numeric", "value_kind": "count",
         "direction": "higher",
         "baseline_value": "1,2", "target_value": "lots", "target_on": "2027-02-30"},
    )  # fmt: skip
    html = error_at(response, "baseline_value", "The baseline must be a number.")
    error_at(response, "target_value", "The target must be a number.")
    error_at(response, "target_on", "Target date must be a real date")
    assert 'value="1,2"' in html and 'value="lots"' in html
    assert evidence_counts() == before
