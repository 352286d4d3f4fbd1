"""Importing readings from a CSV file through the page: upload, a preview naming every bad row
and why, and a confirmation that saves all the readings or none."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import Reading
from tests.assessments.factories import make_measure, make_reading
from tests.factories import InnovationFactory, make_part
from tests.innovate.evidence_helpers import evidence_counts
from tests.innovate.helpers import HTMX, login_url

D = datetime.date


@pytest.fixture
def north(innovation, leader):
    return make_part(innovation, by=leader, name="North team", stage=3)


@pytest.fixture
def attendance(innovation, leader, north):
    measure = make_measure(innovation, by=leader, name="Families attending", unit="families")
    make_reading(measure, by=leader, part=north, on=D(2026, 9, 1), value=10)
    return measure


@pytest.fixture
def confidence(innovation, leader):
    return make_measure(innovation, by=leader, name="Staff confidence", scale="rated")


@pytest.fixture
def theirs(other_organisation, outsider):
    other = InnovationFactory(organisation=other_organisation, title="Southdale mentoring")
    return make_measure(other, by=outsider, name="Mentors matched")


def import_url(innovation):
    return reverse("evidence:import", args=[innovation.pk])


def upload(text, name="readings.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


GOOD = (
    "date,measure,part,value,note\n"
    "2026-10-01,Families attending,North team,12,New letter\n"
    '01/11/2026,Families attending,North team,"1,014",\n'
    "2026-11-01,Staff confidence,,some concern,Two leavers\n"
)


def test_a_good_file_is_previewed_then_saved_on_confirmation(
    client_for, leader, innovation, north, attendance, confidence
):
    client = client_for(leader)
    page = client.get(import_url(innovation)).content.decode()
    assert "Import readings from a CSV file" in page
    assert "Families attending" in page and "Staff confidence" in page

    before = evidence_counts()
    preview = client.post(import_url(innovation), {"file": upload(GOOD)})
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Check before importing" in html
    assert "3 readings to import" in html
    assert "Import 3 readings" in html
    assert "Some concern" in html
    assert evidence_counts() == before
    content = re.search(r'name="content" value="([^"]*)"', html, re.S).group(1)
    assert "2026-10-01,Families attending" in content

    confirmed = client.post(import_url(innovation), {"content": GOOD})
    assert confirmed.status_code == 303
    assert confirmed["Location"] == reverse("evidence:measures", args=[innovation.pk])
    imported = Reading.objects.filter(measure=attendance).order_by("observed_on")
    assert [(r.observed_on, r.value) for r in imported] == [
        (D(2026, 9, 1), Decimal("10")),
        (D(2026, 10, 1), Decimal("12")),
        (D(2026, 11, 1), Decimal("1014")),
    ]
    assert confidence.readings.get().rating == "some_concern"
    assert all(r.recorded_by == leader for r in Reading.objects.all())
    listing = client.get(confirmed["Location"]).content.decode()
    assert "3 readings imported." in listing


def test_every_kind_of_bad_row_is_named_and_nothing_is_saved(
    client_for, leader, innovation, north, attendance, confidence, theirs
):
    text = (
        "date,measure,part,value,note\n"
        "2026-10-01,Families attending,North team,12,fine\n"
        "2026-10-01,Referrals made,North team,3,unknown measure\n"
        "2026-10-01,Families attending,West team,3,unknown part\n"
        f"2026-10-01,{theirs.pk},,3,another organisation's measure\n"
        "31/02/2026,Families attending,North team,3,bad date\n"
        "2026-10-02,Families attending,North team,twelve,not a number\n"
        "2026-10-01,Families attending,North team,14,duplicate in the file\n"
        "2026-09-01,Families attending,North team,10,already recorded\n"
        "2026-10-03,Staff confidence,,brilliant,not a rating\n"
    )
    before = evidence_counts()
    response = client_for(leader).post(import_url(innovation), {"file": upload(text)})
    assert response.status_code == 422
    html = response.content.decode()
    assert "There is a problem" in html
    assert "8 problems in the file: nothing has been saved" in html
    expected = {
        3: "there is no measure called “Referrals made” in this innovation.",
        4: "there is no part called “West team” in this innovation.",
        5: f"measure {theirs.pk} is not one of this innovation&#x27;s measures.",
        6: "“31/02/2026” is not a date; write it as YYYY-MM-DD or DD/MM/YYYY.",
        7: "“twelve” is not a number.",
        8: "the same measure, part and date as row 2",
        9: "there is already a reading of “Families attending” for North team on 1 September",
        10: "“brilliant” is not a rating; write on track, some concern or off track.",
    }
    for row, message in expected.items():
        assert re.search(rf"Row {row}</td>\s*<td[^>]*>{re.escape(message)}", html), row
    assert "Row 2</td>" not in html
    assert "Check before importing" not in html
    assert evidence_counts() == before


def test_a_confirmation_whose_rows_went_stale_is_refused_and_saves_nothing(
    client_for, leader, innovation, north, attendance, confidence
):
    client = client_for(leader)
    assert client.post(import_url(innovation), {"file": upload(GOOD)}).status_code == 200
    make_reading(attendance, by=leader, part=north, on=D(2026, 10, 1), value=11)
    before = evidence_counts()
    response = client.post(import_url(innovation), {"content": GOOD})
    assert response.status_code == 422
    assert "there is already a reading of “Families attending” for North team" in (
        response.content.decode()
    )
    assert evidence_counts() == before


@pytest.mark.parametrize("how", ["file", "content"])
def test_a_nul_byte_in_a_note_is_refused_naming_the_row_and_column(
    client_for, leader, innovation, north, attendance, how
):
    text = "date,measure,part,value,note\n2026-10-01,Families attending,North team,12,a\x00b\n"
    before = evidence_counts()
    data = {"file": upload(text)} if how == "file" else {"content": text}
    response = client_for(leader).post(import_url(innovation), data)
    assert response.status_code == 422
    assert re.search(
        r"Row 2</td>\s*<td[^>]*>the note column has an unprintable character",
        response.content.decode(),
    )
    assert evidence_counts() == before


def test_a_note_longer_than_the_form_allows_is_refused(
    client_for, leader, innovation, north, attendance
):
    text = f"date,measure,part,value,note\n2026-10-01,Families attending,,12,{'x' * 5001}\n"
    before = evidence_counts()
    response = client_for(leader).post(import_url(innovation), {"content": text})
    assert response.status_code == 422
    assert "the note column is 5,001 characters long; keep it to 5,000." in (
        response.content.decode()
    )
    assert evidence_counts() == before


def test_no_file_is_refused_at_the_file_field(client_for, leader, innovation):
    response = client_for(leader).post(import_url(innovation), {})
    html = response.content.decode()
    assert response.status_code == 422
    assert re.search(r'id="id_file[-_]error"', html)
    assert html.count("Choose a CSV file of readings to upload.") == 2


def test_a_file_that_is_not_utf8_is_refused(client_for, leader, innovation, attendance):
    data = "date,measure,part,value\n2026-10-01,Families attending,,12\n".encode("utf-16")
    response = client_for(leader).post(
        import_url(innovation), {"file": SimpleUploadedFile("r.csv", data)}
    )
    assert response.status_code == 422
    assert "The file is not UTF-8 text." in response.content.decode()


def test_the_import_with_htmx_answers_the_fragment(
    client_for, leader, innovation, north, attendance, confidence
):
    client = client_for(leader)
    page = client.get(import_url(innovation), **HTMX).content.decode()
    assert "<html" not in page
    assert "Check the file" in page
    preview = client.post(import_url(innovation), {"file": upload(GOOD)}, **HTMX)
    assert preview.status_code == 200
    assert "<html" not in preview.content.decode()
    confirmed = client.post(import_url(innovation), {"content": GOOD}, **HTMX)
    assert confirmed["HX-Redirect"] == reverse("evidence:measures", args=[innovation.pk])
    assert Reading.objects.count() == 4


@pytest.mark.parametrize(("persona", "status"), [("viewer", 403), ("outsider", 404)])
def test_who_may_not_import_imports_nothing(
    request, client_for, innovation, north, attendance, confidence, persona, status
):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(import_url(innovation)).status_code == status
    before = evidence_counts()
    assert client.post(import_url(innovation), {"content": GOOD}).status_code == status
    assert evidence_counts() == before


def test_importing_asks_an_anonymous_person_to_sign_in(client, innovation):
    target = import_url(innovation)
    assert client.post(target, {"content": GOOD})["Location"] == login_url(target)


def test_importing_answers_only_get_and_post(client_for, leader, innovation):
    assert client_for(leader).put(import_url(innovation)).status_code == 405


# The template


def test_the_template_downloads_as_a_csv_attachment_naming_a_real_measure(
    client_for, viewer, innovation, attendance
):
    response = client_for(viewer).get(reverse("evidence:import-template", args=[innovation.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="readings-family-group-conferencing.csv"'
    )
    lines = response.content.decode().splitlines()
    assert lines[0] == "\ufeffdate,measure,part,value,note"
    assert lines[1].split(",")[1:4] == ["Families attending", "", "12"]


def test_the_template_of_an_innovation_without_measures_is_the_generic_one(
    client_for, viewer, innovation
):
    response = client_for(viewer).get(reverse("evidence:import-template", args=[innovation.pk]))
    text = response.content.decode()
    assert text.startswith("\ufeffdate,measure,part,value,note\r\n2025-03-31,")


def test_a_measure_name_a_spreadsheet_would_run_is_given_by_its_number(
    client_for, leader, innovation
):
    measure = make_measure(innovation, by=leader, name="=SUM(A1)")
    response = client_for(leader).get(reverse("evidence:import-template", args=[innovation.pk]))
    assert response.content.decode().splitlines()[1].split(",")[1] == str(measure.pk)


def test_the_template_filled_in_imports_as_it_is(client_for, leader, innovation, attendance):
    client = client_for(leader)
    template = client.get(reverse("evidence:import-template", args=[innovation.pk]))
    preview = client.post(import_url(innovation), {"file": upload(template.content.decode())})
    assert preview.status_code == 200
    assert "1 reading to import" in preview.content.decode()


def test_the_template_of_another_organisation_is_not_found(client_for, outsider, innovation):
    url = reverse("evidence:import-template", args=[innovation.pk])
    assert client_for(outsider).get(url).status_code == 404


def test_the_template_answers_only_get(client_for, viewer, innovation):
    url = reverse("evidence:import-template", args=[innovation.pk])
    assert client_for(viewer).post(url).status_code == 405


def test_the_template_asks_an_anonymous_person_to_sign_in(client, innovation):
    url = reverse("evidence:import-template", args=[innovation.pk])
    assert client.get(url)["Location"] == login_url(url)
