"""Every date is typed in the GOV.UK date input: a day, a month and a year box in a fieldset
whose legend names the date, with the pattern's messages, the boxes with the problem marked,
the error summary linking to the first of them and the typed values kept. The dashboards' GET
controls take the three boxes and the single YYYY-MM-DD their older links carry."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import ReflectionSession
from innovate.dashboard.forms import CompareForm, DashboardForm
from innovate.forms import DateInputField, GovukForm
from tests.innovate.helpers import csrf_post, date_fields, error_at
from tests.innovate.sessions_helpers import session_rows, two_parts

D = datetime.date
SESSION = "The date of the session"


class HeldForm(GovukForm):
    held_on = DateInputField(label="Date", what="The date of the session")


def boxes(day="", month="", year="", name="held_on"):
    return {f"{name}_day": day, f"{name}_month": month, f"{name}_year": year}


@pytest.mark.parametrize(
    ("typed", "message", "marked"),
    [
        (("", "3", "2024"), "The date of the session must include a day", {"day"}),
        (("1", "", "2024"), "The date of the session must include a month", {"month"}),
        (("1", "3", ""), "The date of the session must include a year", {"year"}),
        (
            ("", "", "2024"),
            "The date of the session must include a day and month",
            {"day", "month"},
        ),
        (("1", "", ""), "The date of the session must include a month and year", {"month", "year"}),
        (("31", "2", "2024"), "The date of the session must be a real date", {"day"}),
        (("1", "13", "2024"), "The date of the session must be a real date", {"month"}),
        (("1", "March", "2024"), "The date of the session must be a real date", {"month"}),
        (("1", "3", "24"), "Year must include 4 numbers", {"year"}),
        (
            ("31", "12", "1989"),
            "The date of the session must be on or after 1 January 1990",
            {"day", "month", "year"},
        ),
        (
            ("1", "1", "2101"),
            "The date of the session must be on or before 31 December 2100",
            {"day", "month", "year"},
        ),
    ],
)
def test_each_problem_has_the_patterns_message_and_marks_its_boxes(typed, message, marked):
    form = HeldForm(boxes(*typed))
    assert not form.is_valid()
    assert form.errors["held_on"] == [message]
    html = form["held_on"].as_field_group()
    for part, value in zip(("day", "month", "year"), typed, strict=True):
        box = re.search(rf'<input type="text" name="held_on_{part}"[^>]*>', html).group(0)
        assert (f'value="{value}"' in box) == bool(value), box
        assert ("govuk-input--error" in box) == (part in marked), box
    first = next(p for p in ("day", "month", "year") if p in marked)
    assert form["held_on"].id_for_label == f"id_held_on_{first}"


def test_an_empty_required_date_asks_for_it_and_a_good_one_is_a_date():
    form = HeldForm(boxes())
    assert form.errors["held_on"] == ["Enter the date"]
    form = HeldForm(boxes(" 7 ", "03", "2024"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["held_on"] == D(2024, 3, 7)


def test_the_markup_is_the_govuk_date_input():
    form = HeldForm(initial={"held_on": D(2024, 3, 7)})
    html = form["held_on"].as_field_group()
    assert '<fieldset class="govuk-fieldset" aria-describedby="id_held_on_helptext">' in html
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Date</legend>' in html
    assert "For example, 27 3 2027" in html
    assert html.count('inputmode="numeric"') == 3
    assert html.count('class="govuk-label govuk-date-input__label"') == 3
    for part, value in (("day", "7"), ("month", "3"), ("year", "2024")):
        assert f'for="id_held_on_{part}">{part.capitalize()}</label>' in html
        assert re.search(rf'name="held_on_{part}" value="{value}"[^>]*id="id_held_on_{part}"', html)
    assert 'type="date"' not in html


def test_a_past_date_must_be_today_or_in_the_past():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    form = DashboardForm(date_fields("as_of", tomorrow))
    assert form.errors["as_of"] == ["The as-of date must be today or in the past"]
    assert form.as_of_date == timezone.localdate()


@pytest.mark.parametrize(
    "query",
    [{"as_of": "2024-03-07"}, {"as_of_day": "7", "as_of_month": "3", "as_of_year": "2024"}],
)
def test_the_as_of_control_takes_the_boxes_and_the_older_single_date(query):
    form = DashboardForm(query)
    assert form.as_of_date == D(2024, 3, 7)
    assert form.query() == "as_of=2024-03-07"


def test_compare_takes_two_dates_in_boxes_or_single():
    form = CompareForm({**date_fields("from", D(2024, 1, 2)), "to": "2024-03-07"})
    assert form.dates() == (D(2024, 1, 2), D(2024, 3, 7))


def test_an_older_single_value_that_is_not_a_date_is_not_a_real_date():
    form = DashboardForm({"as_of": "yesterday"})
    assert form.errors["as_of"] == ["The as-of date must be a real date"]


def test_a_plan_with_a_date_missing_its_month_is_shown_again_with_what_was_typed(
    client_for, facilitator, innovation, leader
):
    parts = two_parts(innovation, leader)
    url = reverse("sessions:plan", args=[innovation.pk])
    before = session_rows()
    data = {
        "title": "Spring review",
        **boxes("14", "", "2024"),
        "facilitator": facilitator.pk,
        "parts": [p.pk for p in parts],
    }
    response = csrf_post(client_for(facilitator), url, data)
    html = error_at(response, "held_on", "The date of the session must include a month")
    assert session_rows() == before
    # The summary links to the month box, the first with the problem, and the boxes keep
    # what was typed.
    assert '<a href="#id_held_on_month">The date of the session must include a month</a>' in html
    assert re.search(r'name="held_on_day" value="14"', html)
    assert re.search(r'name="held_on_year" value="2024"', html)
    assert re.search(r'name="held_on_month" class="[^"]*govuk-input--error', html)


def test_a_plan_with_the_three_boxes_is_saved_on_that_day(
    client_for, facilitator, innovation, leader
):
    parts = two_parts(innovation, leader)
    url = reverse("sessions:plan", args=[innovation.pk])
    data = {
        "title": "Spring review",
        **date_fields("held_on", D(2024, 3, 14)),
        "facilitator": facilitator.pk,
        "parts": [p.pk for p in parts],
    }
    response = csrf_post(client_for(facilitator), url, data)
    assert response.status_code == 303
    assert ReflectionSession.objects.get(innovation=innovation).held_on == D(2024, 3, 14)


def test_the_dashboard_reads_the_boxes_and_an_older_link(client_for, manager):
    client = client_for(manager)
    for query in ("as_of=2024-03-07", "as_of_day=7&as_of_month=3&as_of_year=2024"):
        html = client.get(f"/dashboard/?{query}").content.decode()
        assert "As of 7 March 2024." in html
        assert re.search(r'name="as_of_day" value="7"', html)
    html = client.get("/dashboard/?as_of_day=7&as_of_year=2024").content.decode()
    assert "The as-of date must include a month" in html
    assert '<a href="#id_as_of_month">' in html
