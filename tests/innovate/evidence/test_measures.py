"""The measure pages: the list with charts and coverage, a measure's page, defining, editing and
copying measures, and recording readings."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from assessments.models import Measure, Reading
from innovate.access import get_measure_for
from stages import services as stage_services
from stages.models import Role
from tests.assessments.factories import make_measure, make_reading
from tests.factories import InnovationFactory, make_part
from tests.innovate.evidence_helpers import error_at, evidence_counts
from tests.innovate.helpers import HTMX, csrf_post, login_url

D = datetime.date
TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


@pytest.fixture
def north(innovation, leader):
    return make_part(innovation, by=leader, name="North team", stage=3)


@pytest.fixture
def south(innovation, leader):
    return make_part(innovation, by=leader, name="South team", stage=3)


@pytest.fixture
def measure(innovation, leader, north, south):
    """A Developing measure of the whole innovation, with readings for both parts."""
    measure = make_measure(
        innovation,
        by=leader,
        name="Families attending a first meeting",
        unit="families",
        baseline_value=10,
        baseline_on=D(2025, 1, 1),
        target_value=20,
        target_on=D(2027, 1, 1),
    )
    make_reading(measure, by=leader, part=north, on=D(2026, 9, 1), value=14, story="New letter.")
    make_reading(measure, by=leader, part=north, on=D(2026, 10, 1), value=19)
    make_reading(measure, by=leader, part=south, on=D(2026, 10, 1), value=9)
    return measure


@pytest.fixture
def theirs(other_organisation, outsider):
    other = InnovationFactory(organisation=other_organisation, title="Southdale mentoring")
    make_part(other, by=outsider, name="Southdale team", stage=3)
    return make_measure(other, by=outsider, name="Mentors matched")


def url(name, *args):
    return reverse(f"evidence:{name}", args=args)


# The access helper


@pytest.fixture
def request_as(rf):
    def make(user, method="get"):
        request = getattr(rf, method)("/")
        request.user = user
        request.session = SessionStore()
        return request

    return make


def test_a_member_gets_their_organisations_measure(request_as, viewer, measure):
    found, membership = get_measure_for(request_as(viewer), measure.pk)
    assert found == measure
    assert membership.role == Role.VIEWER
    assert found.innovation.title == "Family group conferencing"


def test_a_measure_of_another_organisation_is_not_found(request_as, leader, theirs):
    with pytest.raises(Http404):
        get_measure_for(request_as(leader), theirs.pk)


def test_a_measure_that_does_not_exist_is_not_found(request_as, leader, measure):
    with pytest.raises(Http404):
        get_measure_for(request_as(leader), measure.pk + 1000)


def test_a_viewer_may_not_write_to_a_measure(request_as, viewer, measure):
    with pytest.raises(PermissionDenied) as refused:
        get_measure_for(request_as(viewer), measure.pk, need=Role.LEADER)
    assert "Only a leader or a role above it" in str(refused.value)


# The list of measures


def test_the_list_shows_each_measure_with_its_chart_status_and_coverage(
    client_for, viewer, innovation, measure, leader
):
    make_part(innovation, by=leader, name="East team", stage=4)
    response = client_for(viewer).get(url("measures", innovation.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Measures of success</h1>' in html
    assert "Families attending a first meeting" in html
    assert html.count('class="app-chart app-chart--compact"') == 1
    assert 'role="img"' in html
    assert f'<title id="chart-{measure.pk}-title">' in html
    # North is ahead of the straight line from baseline to target, South behind it.
    assert re.search(r"North team</th>\s*<td[^>]*>19 families.*?On track</strong>", html, re.S)
    assert re.search(r"South team</th>\s*<td[^>]*>9 families.*?Off track</strong>", html, re.S)
    assert "Integrating: 1 part, next for 2 parts, no measure yet" in html
    assert "Define a measure" not in html


def test_the_list_offers_a_leader_to_define_a_measure_for_a_stage_without_one(
    client_for, leader, innovation, north
):
    html = client_for(leader).get(url("measures", innovation.pk)).content.decode()
    assert "Developing: 1 part, no measure yet" in html
    assert f'href="{url("measure-create", innovation.pk)}?stage=3"' in html
    assert "No measures yet." in html


def test_the_list_asks_an_anonymous_person_to_sign_in(client, innovation):
    target = url("measures", innovation.pk)
    response = client.get(target)
    assert response.status_code == 302
    assert response["Location"] == login_url(target)


def test_the_list_of_another_organisation_is_not_found(client_for, outsider, innovation):
    assert client_for(outsider).get(url("measures", innovation.pk)).status_code == 404


def test_the_list_answers_only_get(client_for, leader, innovation):
    assert client_for(leader).post(url("measures", innovation.pk)).status_code == 405


# A measure's page


def test_the_measure_page_shows_the_chart_the_table_and_the_form(client_for, leader, measure):
    response = client_for(leader).get(url("measure", measure.pk))
    assert response.status_code == 200
    html = response.content.decode()
    svg = re.search(r'<svg class="app-chart".*?</svg>', html, re.S).group(0)
    assert 'role="img"' in svg
    assert f'aria-labelledby="chart-{measure.pk}-title chart-{measure.pk}-desc"' in svg
    assert "Families attending a first meeting: readings over time" in svg
    assert "<desc" in svg
    assert "North team (circles)" in svg
    assert "South team (squares)" in svg
    assert "app-chart__baseline" in svg
    assert "app-chart__target" in svg
    assert "Target date</text>" in svg
    assert "Baseline 10 families" in svg
    assert "Target 20 families" in svg
    assert "Date observed</text>" in svg
    # The table alternative: every reading, newest first.
    assert html.index("1 Oct 2026") < html.index("1 Sep 2026")
    assert "New letter." in html
    assert "Record the reading" in html
    assert 'name="observed_on_day"' in html
    assert 'for="id_value">Value (families)</label>' in html


def test_a_viewer_reads_the_measure_page_without_the_form(client_for, viewer, measure):
    html = client_for(viewer).get(url("measure", measure.pk)).content.decode()
    assert "Families attending a first meeting" in html
    assert "Record the reading" not in html
    assert "Edit the measure" not in html


def test_the_measure_page_for_htmx_is_the_fragment(client_for, viewer, measure):
    response = client_for(viewer).get(url("measure", measure.pk), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "How it is going" in html


def test_the_measure_page_asks_an_anonymous_person_to_sign_in(client, measure):
    response = client.get(url("measure", measure.pk))
    assert response["Location"] == login_url(url("measure", measure.pk))


def test_a_measure_of_another_organisation_is_a_404_page(client_for, leader, theirs):
    assert client_for(leader).get(url("measure", theirs.pk)).status_code == 404


def test_the_measure_page_answers_only_get(client_for, leader, measure):
    assert client_for(leader).post(url("measure", measure.pk)).status_code == 405


# Defining a measure


def test_a_leader_defines_a_developing_measure(client_for, leader, innovation, north):
    client = client_for(leader)
    form = client.get(url("measure-create", innovation.pk) + "?stage=3")
    assert '<option value="3" selected>3. Developing</option>' in form.content.decode()
    response = client.post(
        url("measure-create", innovation.pk),
        {
            "name": "Plans agreed at the first conference",
            "stage": 3,
            "part": north.pk,
            "kind": "",
            "scale": "numeric",
            "value_kind": "percentage",
            "unit": "per cent",
            "direction": "higher",
            "baseline_value": "40",
            "baseline_on": "2026-01-01",
            "target_value": "70.5",
            "target_on": "2027-03-31",
            "collection": "From the coordinators' monthly returns.",
        },
    )
    measure = Measure.objects.get()
    assert response.status_code == 303
    assert response["Location"] == url("measure", measure.pk)
    assert (measure.stage.number, measure.part, measure.kind) == (3, north, "short_term_progress")
    assert (measure.baseline_value, measure.target_value) == (Decimal("40"), Decimal("70.5"))
    assert measure.history.get().history_user == leader
    page = client.get(response["Location"]).content.decode()
    assert "“Plans agreed at the first conference” defined for Developing, North team." in page


def test_a_measure_without_a_name_is_refused_and_the_input_kept(
    client_for, leader, innovation, north
):
    client = client_for(leader, enforce_csrf_checks=True)
    before = evidence_counts()
    response = csrf_post(
        client,
        url("measure-create", innovation.pk),
        {
            "name": "",
            "stage": 3,
            "scale": "numeric",
            "value_kind": "count",
            "direction": "higher",
            "unit": "families",
        },
    )
    html = error_at(response, "name", "Enter the name")
    assert 'value="families"' in html
    assert evidence_counts() == before


def test_a_target_date_before_the_baseline_is_refused_at_the_target_date(
    client_for, leader, innovation
):
    before = evidence_counts()
    response = client_for(leader).post(
        url("measure-create", innovation.pk),
        {
            "name": "Referrals",
            "stage": 3,
            "scale": "numeric",
            "value_kind": "count",
            "direction": "higher",
            "baseline_value": "4",
            "baseline_on": "2026-01-01",
            "target_value": "8",
            "target_on": "2025-12-01",
        },
    )
    html = error_at(response, "target_on", "The target date must be after the baseline date.")
    assert 'value="Referrals"' in html
    assert evidence_counts() == before


def test_a_rated_measure_with_a_target_is_refused(client_for, leader, innovation):
    before = evidence_counts()
    response = client_for(leader).post(
        url("measure-create", innovation.pk),
        {"name": "Staff confidence", "stage": 3, "scale": "rated", "direction": "higher",
         "target_value": "5"},
    )  # fmt: skip
    error_at(response, "scale", "A rated measure is judged on track, some concern or off track")
    assert evidence_counts() == before


def test_a_value_that_is_not_a_number_is_refused_at_its_field(client_for, leader, innovation):
    response = client_for(leader).post(
        url("measure-create", innovation.pk),
        {"name": "Referrals", "stage": 3, "scale": "numeric", "value_kind": "count",
         "direction": "higher",
         "baseline_value": "lots"},
    )  # fmt: skip
    error_at(response, "baseline_value", "The baseline must be a number.")
    assert not Measure.objects.exists()


def test_the_form_for_htmx_is_the_fragment_and_so_is_a_refusal(client_for, leader, innovation):
    client = client_for(leader)
    page = client.get(url("measure-create", innovation.pk), **HTMX).content.decode()
    assert "<html" not in page
    assert "Define the measure" in page
    refused = client.post(url("measure-create", innovation.pk), {"name": ""}, **HTMX)
    assert refused.status_code == 422
    assert "<html" not in refused.content.decode()
    assert "There is a problem" in refused.content.decode()


def test_a_measure_defined_with_htmx_takes_the_browser_to_its_page(client_for, leader, innovation):
    response = client_for(leader).post(
        url("measure-create", innovation.pk),
        {
            "name": "Referrals",
            "stage": 3,
            "scale": "numeric",
            "value_kind": "count",
            "direction": "higher",
        },
        **HTMX,
    )
    assert response["HX-Redirect"] == url("measure", Measure.objects.get().pk)


@pytest.mark.parametrize(("persona", "status"), [("viewer", 403), ("outsider", 404)])
def test_who_may_not_define_a_measure_defines_nothing(
    request, client_for, innovation, persona, status
):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    assert client.get(url("measure-create", innovation.pk)).status_code == status
    before = evidence_counts()
    data = {
        "name": "Referrals",
        "stage": 3,
        "scale": "numeric",
        "value_kind": "count",
        "direction": "higher",
    }
    assert client.post(url("measure-create", innovation.pk), data).status_code == status
    assert evidence_counts() == before


def test_defining_asks_an_anonymous_person_to_sign_in(client, innovation):
    target = url("measure-create", innovation.pk)
    assert client.post(target, {"name": "Referrals"})["Location"] == login_url(target)
    assert not Measure.objects.exists()


def test_defining_answers_only_get_and_post(client_for, leader, innovation):
    assert client_for(leader).put(url("measure-create", innovation.pk)).status_code == 405


def test_a_closed_innovation_takes_no_new_measure(client_for, leader, innovation):
    stage_services.close_innovation(
        innovation, by=leader, outcome="other", learning="It ran its course."
    )
    response = client_for(leader).get(url("measure-create", innovation.pk))
    assert response.status_code == 303
    assert response["Location"] == innovation.get_absolute_url()


# Editing


def test_a_leader_changes_the_target(client_for, leader, measure):
    client = client_for(leader)
    form = client.get(url("measure-edit", measure.pk)).content.decode()
    assert 'value="Families attending a first meeting"' in form
    assert 'name="target_value" value="20"' in form
    response = client.post(
        url("measure-edit", measure.pk),
        {
            "name": measure.name,
            "stage": 3,
            "scale": "numeric",
            "value_kind": "count",
            "unit": "families",
            "direction": "higher",
            "baseline_value": "10",
            "baseline_on": "2025-01-01",
            "target_value": "25",
            "target_on": "2027-01-01",
            "is_active": "on",
        },
    )
    assert response.status_code == 303
    measure.refresh_from_db()
    assert measure.target_value == Decimal("25")
    assert measure.history.latest().history_change_reason == "Measure edited"


def test_a_leader_retires_a_measure_and_its_readings_are_kept(client_for, leader, measure):
    response = client_for(leader).post(
        url("measure-edit", measure.pk),
        {"name": measure.name, "stage": 3, "scale": "numeric", "value_kind": "count",
         "direction": "higher",
         "unit": "families", "baseline_value": "10", "baseline_on": "2025-01-01",
         "target_value": "20", "target_on": "2027-01-01"},
    )  # fmt: skip
    assert response.status_code == 303
    measure.refresh_from_db()
    assert not measure.is_active
    assert measure.readings.count() == 3


def test_the_scale_of_a_measure_with_readings_cannot_change(client_for, leader, measure):
    before = evidence_counts()
    response = client_for(leader).post(
        url("measure-edit", measure.pk),
        {"name": measure.name, "stage": 3, "scale": "rated", "direction": "higher",
         "is_active": "on"},
    )  # fmt: skip
    error_at(response, "scale", "This measure has readings, so whether they are numbers or")
    assert evidence_counts() == before


@pytest.mark.parametrize(("persona", "status"), [("viewer", 403), ("outsider", 404)])
def test_who_may_not_edit_a_measure_changes_nothing(request, client_for, measure, persona, status):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(url("measure-edit", measure.pk)).status_code == status
    response = client.post(url("measure-edit", measure.pk), {"name": "Renamed", "stage": 3})
    assert response.status_code == status
    measure.refresh_from_db()
    assert measure.name == "Families attending a first meeting"


def test_editing_answers_only_get_and_post(client_for, leader, measure):
    assert client_for(leader).delete(url("measure-edit", measure.pk)).status_code == 405


def test_the_edit_form_for_htmx_is_the_fragment(client_for, leader, measure):
    html = client_for(leader).get(url("measure-edit", measure.pk), **HTMX).content.decode()
    assert "<html" not in html
    assert "Save changes" in html


# Copying to other parts


def test_a_leader_copies_a_part_measure_to_other_parts(
    client_for, leader, innovation, north, south
):
    east = make_part(innovation, by=leader, name="East team", stage=3)
    original = make_measure(innovation, by=leader, name="Referrals", part=north, unit="families")
    make_measure(innovation, by=leader, name="Referrals", part=east)
    client = client_for(leader)
    form = client.get(url("measure-copy", original.pk)).content.decode()
    assert "South team (active in Developing)" in form
    assert "North team (Developing" not in form
    response = client.post(url("measure-copy", original.pk), {"parts": [south.pk, east.pk]})
    assert response.status_code == 303
    assert response["Location"] == url("measures", innovation.pk)
    copy = Measure.objects.get(part=south)
    assert (copy.name, copy.unit, copy.stage.number) == ("Referrals", "families", 3)
    assert Measure.objects.filter(part=east).count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "“Referrals” copied to South team." in page
    assert "East team already has a measure called “Referrals” at Developing" in page


def test_copying_to_no_part_is_refused(client_for, leader, measure):
    before = evidence_counts()
    response = client_for(leader).post(url("measure-copy", measure.pk), {"parts": []})
    error_at(response, "parts", "Choose at least one part to copy the measure to.")
    assert evidence_counts() == before


def test_copying_to_a_part_of_another_innovation_is_refused(
    client_for, leader, organisation, measure
):
    other = InnovationFactory(organisation=organisation, title="Edge of care hub")
    hub = make_part(other, by=leader, name="Hub team")
    before = evidence_counts()
    response = client_for(leader).post(url("measure-copy", measure.pk), {"parts": [hub.pk]})
    assert response.status_code == 422
    assert evidence_counts() == before


@pytest.mark.parametrize(("persona", "status"), [("viewer", 403), ("outsider", 404)])
def test_who_may_not_copy_copies_nothing(request, client_for, measure, south, persona, status):
    client = client_for(request.getfixturevalue(persona))
    before = evidence_counts()
    assert client.post(url("measure-copy", measure.pk), {"parts": [south.pk]}).status_code == status
    assert evidence_counts() == before


def test_the_copy_form_for_htmx_is_the_fragment(client_for, leader, measure):
    html = client_for(leader).get(url("measure-copy", measure.pk), **HTMX).content.decode()
    assert "<html" not in html
    assert "Copy the measure" in html


def test_copying_answers_only_get_and_post(client_for, leader, measure):
    assert client_for(leader).put(url("measure-copy", measure.pk)).status_code == 405


# Recording a reading


def test_a_leader_records_a_reading_on_its_own_page(client_for, leader, measure, north):
    client = client_for(leader)
    page = client.get(url("reading-create", measure.pk)).content.decode()
    assert '<h1 class="govuk-heading-l">Record a reading of Families attending' in page
    response = client.post(
        url("reading-create", measure.pk),
        {
            "observed_on": "2026-11-01",
            "value": "18",
            "part": north.pk,
            "story": "Two new coordinators.",
            "evidence_url": "https://example.org/report",
        },
    )
    assert response.status_code == 303
    assert response["Location"] == url("measure", measure.pk)
    reading = Reading.objects.latest("id")
    assert (reading.value, reading.part, reading.recorded_by) == (Decimal("18"), north, leader)
    assert reading.evidence_url == "https://example.org/report"
    html = client.get(response["Location"]).content.decode()
    assert "Reading recorded for North team: 18 families on 1 November 2026." in html


def test_a_reading_recorded_with_htmx_answers_the_chart_and_readings(
    client_for, leader, measure, south
):
    response = client_for(leader).post(
        url("reading-create", measure.pk),
        {"observed_on": "2026-11-01", "value": "12", "part": south.pk},
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "Reading recorded for South team: 12 families" in html
    assert 'class="app-chart"' in html
    assert "South team (squares): 2 readings, latest 12 families on 1 November 2026." in html
    assert "Record the reading" in html


def test_a_reading_in_the_future_is_refused_and_the_input_kept(client_for, leader, measure):
    client = client_for(leader, enforce_csrf_checks=True)
    before = evidence_counts()
    response = csrf_post(
        client,
        url("reading-create", measure.pk),
        {"observed_on": TOMORROW.isoformat(), "value": "21", "story": "Too soon."},
    )
    html = error_at(response, "observed_on", "The date observed cannot be in the future.")
    assert 'value="21"' in html
    assert "Too soon." in html
    assert evidence_counts() == before


def test_a_reading_that_is_not_a_number_is_refused_with_htmx_in_the_measure_page_fragment(
    client_for, leader, measure
):
    before = evidence_counts()
    response = client_for(leader).post(
        url("reading-create", measure.pk), {"observed_on": "2026-11-01", "value": "ten"}, **HTMX
    )
    html = error_at(response, "value", "The value must be a number.")
    assert "<html" not in html
    assert "How it is going" in html
    assert evidence_counts() == before


def test_a_rated_measure_takes_a_rating(client_for, leader, innovation):
    rated = make_measure(innovation, by=leader, name="Staff confidence", scale="rated")
    client = client_for(leader)
    form = client.get(url("reading-create", rated.pk)).content.decode()
    assert 'value="some_concern"' in form
    assert 'name="value"' not in form
    refused = client.post(url("reading-create", rated.pk), {"observed_on": "2026-11-01"})
    error_at(refused, "rating", "Choose on track, some concern or off track.")
    response = client.post(
        url("reading-create", rated.pk), {"observed_on": "2026-11-01", "rating": "some_concern"}
    )
    assert response.status_code == 303
    assert rated.readings.get().rating == "some_concern"


@pytest.mark.parametrize(("persona", "status"), [("viewer", 403), ("outsider", 404)])
def test_who_may_not_record_a_reading_records_nothing(
    request, client_for, measure, persona, status
):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(url("reading-create", measure.pk)).status_code == status
    before = evidence_counts()
    response = client.post(
        url("reading-create", measure.pk), {"observed_on": "2026-11-01", "value": "1"}
    )
    assert response.status_code == status
    assert evidence_counts() == before


def test_recording_asks_an_anonymous_person_to_sign_in(client, measure):
    target = url("reading-create", measure.pk)
    assert client.post(target, {"value": "1"})["Location"] == login_url(target)


def test_recording_answers_only_get_and_post(client_for, leader, measure):
    assert client_for(leader).delete(url("reading-create", measure.pk)).status_code == 405


def test_the_reading_form_for_htmx_is_the_fragment(client_for, leader, measure):
    html = client_for(leader).get(url("reading-create", measure.pk), **HTMX).content.decode()
    assert "<html" not in html
    assert "Record the reading" in html


@pytest.mark.parametrize("name", ["measure-edit", "measure-copy"])
def test_editing_and_copying_ask_an_anonymous_person_to_sign_in(client, measure, name):
    target = url(name, measure.pk)
    before = evidence_counts()
    assert client.post(target, {"name": "Renamed"})["Location"] == login_url(target)
    assert evidence_counts() == before
