"""Correcting and withdrawing a reading from its measure's page, a manager restoring one, and a
measure's kind of value on its forms and its page."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Measure, Reading
from assessments.services import evidence as services
from tests.assessments.factories import make_measure, make_reading
from tests.factories import InnovationFactory, make_part
from tests.innovate.evidence_helpers import error_at, evidence_counts
from tests.innovate.helpers import HTMX

D = datetime.date
TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)


def url(name, *args):
    return reverse(f"evidence:{name}", args=args)


@pytest.fixture
def north(innovation, leader):
    return make_part(innovation, by=leader, name="North team", stage=3)


@pytest.fixture
def conferences(innovation, leader, north):
    """A count of conferences held by North team, with a wrong reading of 12.5 (recorded
    before the measure was known to be a count) and a right one before it."""
    measure = make_measure(
        innovation, by=leader, name="Context conferences held", part=north, unit="conferences"
    )
    make_reading(measure, by=leader, on=D(2026, 9, 1), value=9, story="September.")
    make_reading(measure, by=leader, on=D(2026, 10, 1), value="12.5", story="October.")
    return measure


def reading_of(measure, value):
    return Reading.objects.get(measure=measure, value=Decimal(value))


# --- Correcting --------------------------------------------------------------------------


def test_a_leader_corrects_a_reading_and_the_measure_page_tells_from_what_by_whom_and_when(
    client_for, leader, conferences
):
    wrong = reading_of(conferences, "12.5")
    client = client_for(leader)
    page = client.get(url("reading-correct", wrong.pk))
    assert page.status_code == 200
    form = page.content.decode()
    assert 'value="12.5"' in form
    for box, typed in (("day", "1"), ("month", "10"), ("year", "2026")):
        assert f'name="observed_on_{box}" value="{typed}"' in form
    assert "October.</textarea>" in form

    response = client.post(
        url("reading-correct", wrong.pk),
        {"observed_on": "2026-10-01", "value": "12", "story": "October."},
    )

    assert response.status_code == 303
    assert response["Location"] == url("measure", conferences.pk)
    wrong.refresh_from_db()
    assert wrong.value == Decimal("12")
    assert wrong.history.latest().history_user == leader
    html = client.get(response["Location"]).content.decode()
    assert (
        "The reading of 1 October 2026 for North team corrected: value 12.5 conferences → 12 "
        "conferences." in html
    )
    changes = html[html.index('id="changes-heading"') :]
    assert "The reading of 1 October 2026 for North team</strong>. Corrected: Value 12.5" in changes
    assert "→ 12 conferences" in changes
    assert f"By {leader.get_full_name()}, {TODAY:%-d %B %Y}" in changes
    assert "Corrected</span>" in html


def test_a_fractional_count_is_refused_at_the_correction_form_and_nothing_saved(
    client_for, leader, innovation, conferences
):
    services.update_measure(conferences, by=leader, value_kind="percentage")
    services.update_measure(conferences, by=leader, value_kind="score")
    right = reading_of(conferences, "9")
    wrong = reading_of(conferences, "12.5")
    services.withdraw_reading(wrong, by=leader, reason="Half a conference.")
    services.update_measure(conferences, by=leader, value_kind="count")
    before = evidence_counts()

    response = client_for(leader).post(
        url("reading-correct", right.pk), {"observed_on": "2026-09-01", "value": "9.5"}
    )

    html = error_at(response, "value", "A count is a whole number: give 9 or 10.")
    assert "The value is a count." in html
    assert 'value="9.5"' in html
    assert evidence_counts() == before


# --- Recording: the kind of value --------------------------------------------------------


def test_a_fractional_count_is_refused_at_the_reading_form_naming_the_field(
    client_for, leader, innovation, north
):
    measure = make_measure(
        innovation, by=leader, name="Conferences", part=north, value_kind="count"
    )
    before = evidence_counts()

    response = client_for(leader).post(
        url("reading-create", measure.pk),
        {"observed_on": "2026-10-01", "value": "12.5", "story": "Kept as typed."},
    )

    html = error_at(
        response, "value", "The value is a count. A count is a whole number: give 12 or 13."
    )
    assert 'value="12.5"' in html
    assert "Kept as typed." in html
    assert evidence_counts() == before


def test_a_percentage_over_100_is_refused_on_the_measure_page_in_place(
    client_for, leader, innovation, north
):
    measure = make_measure(
        innovation, by=leader, name="Plans agreed", part=north, value_kind="percentage"
    )
    before = evidence_counts()

    response = client_for(leader).post(
        url("reading-create", measure.pk),
        {"observed_on": "2026-10-01", "value": "120"},
        **HTMX,
    )

    html = error_at(
        response,
        "value",
        "The value is a percentage. A percentage is from 0 to 100: 120 is over 100.",
    )
    assert "<html" not in html
    assert evidence_counts() == before


def test_the_measure_form_asks_for_the_kind_of_value_and_checks_the_baseline_and_target(
    client_for, leader, innovation
):
    client = client_for(leader)
    form = client.get(url("measure-create", innovation.pk)).content.decode()
    assert "Kind of value" in form
    assert 'value="count"' in form
    data = {"name": "Plans agreed", "stage": 3, "scale": "numeric", "direction": "higher"}

    missing = client.post(url("measure-create", innovation.pk), data)
    error_at(
        missing,
        "value_kind",
        "Choose the kind of value: a count, a percentage, an amount or a score.",
    )

    wrong = client.post(
        url("measure-create", innovation.pk),
        {**data, "value_kind": "percentage", "baseline_value": "40", "target_value": "140",
         "baseline_on": "2026-01-01", "target_on": "2027-01-01"},
    )  # fmt: skip
    html = error_at(
        wrong,
        "target_value",
        "The target is a percentage. A percentage is from 0 to 100: 140 is over 100.",
    )
    assert 'value="140"' in html
    assert not Measure.objects.exists()

    right = client.post(
        url("measure-create", innovation.pk),
        {**data, "value_kind": "percentage", "baseline_value": "40", "target_value": "70"},
    )
    assert right.status_code == 303
    measure = Measure.objects.get()
    assert measure.value_kind == "percentage"
    page = client.get(right["Location"]).content.decode()
    assert "Kind of value</dt>" in page
    assert "A percentage: from 0 to 100</dd>" in page


def test_a_measure_becomes_a_count_on_its_edit_form_only_once_its_readings_are(
    client_for, leader, conferences
):
    data = {
        "name": conferences.name,
        "stage": 3,
        "part": conferences.part_id,
        "scale": "numeric",
        "value_kind": "count",
        "direction": "higher",
        "unit": "conferences",
        "is_active": "on",
    }
    client = client_for(leader)

    refused = client.post(url("measure-edit", conferences.pk), data)

    error_at(refused, "value_kind", "The reading of 12.5 on 1 October 2026 is not a count.")
    assert Measure.objects.get().value_kind == "score"
    services.withdraw_reading(
        reading_of(conferences, "12.5"), by=leader, reason="Half a conference."
    )
    assert client.post(url("measure-edit", conferences.pk), data).status_code == 303
    assert Measure.objects.get().value_kind == "count"


# --- Withdrawing and restoring -----------------------------------------------------------


def test_withdrawing_asks_why_and_saves_nothing_without_a_reason(client_for, leader, conferences):
    wrong = reading_of(conferences, "12.5")
    before = evidence_counts()

    response = client_for(leader).post(url("reading-withdraw", wrong.pk), {"reason": " "})

    error_at(response, "reason", "Say why the reading is withdrawn.")
    assert evidence_counts() == before


def test_a_withdrawn_reading_is_listed_with_why_who_and_when_and_left_out_of_status_and_chart(
    client_for, leader, manager, conferences
):
    wrong = reading_of(conferences, "12.5")
    client = client_for(leader)
    page = client.get(url("measure", conferences.pk)).content.decode()
    assert "<title>North team, 1 October 2026: " in page

    response = client.post(
        url("reading-withdraw", wrong.pk), {"reason": "Counted a cancelled conference."}
    )

    assert response.status_code == 303
    assert Reading.objects.filter(pk=wrong.pk).exists()
    html = client.get(url("measure", conferences.pk)).content.decode()
    assert "The reading of 1 October 2026 for North team withdrawn." in html
    chart = html[html.index("<svg") : html.index("</svg>")]
    assert "1 October 2026" not in chart
    assert "<title>North team, 1 September 2026: " in chart
    status = html[html.index("Status of each part") : html.index('id="readings-heading"')]
    assert "1 Sep 2026" in status
    assert "1 Oct 2026" not in status
    readings = html[html.index('id="readings-heading"') : html.index('id="withdrawn-heading"')]
    assert "12.5" not in readings
    withdrawn = html[html.index('id="withdrawn-heading"') : html.index('id="changes-heading"')]
    assert "<s>12.5</s>" in withdrawn
    assert "Counted a cancelled conference." in withdrawn
    assert leader.get_full_name() in withdrawn
    assert "Restore" not in withdrawn  # a leader may not restore

    manager_page = client_for(manager).get(url("measure", conferences.pk)).content.decode()
    assert f'action="{url("reading-restore", wrong.pk)}"' in manager_page, (
        "a manager is offered the restore button"
    )


def test_a_withdrawn_reading_is_left_out_of_the_portfolio_csv(
    client_for, leader, viewer, innovation, north
):
    rated = make_measure(innovation, by=leader, name="Team confident", part=north, scale="rated")
    make_reading(rated, by=leader, on=YESTERDAY, rating="off_track")
    wrong = make_reading(rated, by=leader, on=TODAY, rating="on_track")

    def north_row():
        response = client_for(viewer).get(reverse("dashboard:export-portfolio"))
        raw = b"".join(response.streaming_content).decode("utf-8-sig")
        header, *rows = list(csv.reader(io.StringIO(raw, newline="")))
        found = [dict(zip(header, row, strict=True)) for row in rows]
        return next(row for row in found if row["Part"] == "North team")

    assert (north_row()["Measures on track"], north_row()["Measures in use"]) == ("1", "1")
    client_for(leader).post(url("reading-withdraw", wrong.pk), {"reason": "Not yet judged."})
    assert (north_row()["Measures on track"], north_row()["Measures in use"]) == ("0", "1")


def test_a_manager_restores_a_withdrawn_reading(client_for, leader, manager, conferences):
    wrong = reading_of(conferences, "12.5")
    services.withdraw_reading(wrong, by=leader, reason="Thought to be counted twice.")

    response = client_for(manager).post(url("reading-restore", wrong.pk))

    assert response.status_code == 303
    wrong.refresh_from_db()
    assert wrong.withdrawn_at is None
    html = client_for(manager).get(url("measure", conferences.pk)).content.decode()
    assert 'id="withdrawn-heading"' not in html
    assert "Restored: it counts again." in html
    assert "Withdrawn: Thought to be counted twice." in html


@pytest.mark.parametrize(
    ("name", "method", "persona", "status"),
    [
        ("reading-correct", "get", "viewer", 403),
        ("reading-correct", "post", "viewer", 403),
        ("reading-withdraw", "post", "viewer", 403),
        ("reading-restore", "post", "leader", 403),
        ("reading-restore", "post", "facilitator", 403),
        ("reading-correct", "get", "outsider", 404),
        ("reading-withdraw", "post", "outsider", 404),
        ("reading-restore", "post", "outsider", 404),
        ("reading-restore", "get", "manager", 405),
    ],
)
def test_who_may_correct_withdraw_and_restore(
    request, client_for, conferences, name, method, persona, status
):
    wrong = reading_of(conferences, "12.5")
    before = evidence_counts()
    client = client_for(request.getfixturevalue(persona))
    data = {"reason": "No.", "observed_on": "2026-10-01", "value": "1"}
    response = getattr(client, method)(url(name, wrong.pk), data if method == "post" else None)
    assert response.status_code == status
    assert evidence_counts() == before


def test_another_organisation_s_reading_is_not_found(
    client_for, manager, other_organisation, outsider
):
    theirs = InnovationFactory(organisation=other_organisation, title="Southdale mentoring")
    part = make_part(theirs, by=outsider, name="Southdale team", stage=3)
    measure = make_measure(theirs, by=outsider, name="Theirs", part=part)
    reading = make_reading(measure, by=outsider, value=3)
    client = client_for(manager)
    for name in ("reading-correct", "reading-withdraw"):
        assert client.get(url(name, reading.pk)).status_code == 404
    assert (
        client.post(url("reading-withdraw", reading.pk), {"reason": "Mine now"}).status_code == 404
    )
    assert client.post(url("reading-restore", reading.pk)).status_code == 404
    assert Reading.objects.get().withdrawn_at is None


# --- Retired measures --------------------------------------------------------------------


def test_a_retired_measure_says_so_plainly_on_its_page(client_for, leader, viewer, conferences):
    services.update_measure(conferences, by=leader, is_active=False)

    html = client_for(viewer).get(url("measure", conferences.pk)).content.decode()

    assert "Retired</strong>" in html
    assert "In use</dt>" in html
    assert "No: retired, with its readings kept</dd>" in html
    assert "Record a reading" not in html
    assert "Correct<span" not in html


# --- Query counts ------------------------------------------------------------------------


@pytest.fixture
def corrected(request, innovation, leader, north):
    """A count with `size` readings, each of them corrected once, and `size` more withdrawn."""
    size = request.param
    measure = make_measure(
        innovation, by=leader, name="Conferences", part=north, value_kind="count", stage=1
    )
    start = D(2024, 1, 1)
    for n in range(size):
        on = start + datetime.timedelta(days=7 * n)
        kept = make_reading(measure, by=leader, on=on, value=n)
        services.correct_reading(kept, by=leader, observed_on=on, value=n + 100, story=f"S{n:02}")
        gone = make_reading(measure, by=leader, on=on, value=n + 500)
        services.withdraw_reading(gone, by=leader, reason=f"Reason {n:02}")
    return size, measure


@pytest.mark.parametrize("corrected", [2, 20], indirect=True)
def test_the_measure_page_with_corrections_and_withdrawals_runs_the_same_queries(
    client_for, manager, corrected, django_assert_num_queries
):
    size, measure = corrected
    client = client_for(manager)
    # A measure of one part: the reading form offers no choice of part, so no query for them.
    with django_assert_num_queries(9):
        response = client.get(url("measure", measure.pk))
    html = response.content.decode()
    for n in range(size):
        assert f"Reason {n:02}" in html
        assert f"“S{n:02}”" in html
        assert f"<s>{n + 500}</s>" in html
    assert html.count("Corrected</span>") == size
