"""Readings imported from CSV: every bad row named with why, and all or nothing written."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from assessments import imports
from assessments.imports import import_readings, parse_readings_csv, template_csv
from assessments.models import Measure, Reading
from assessments.services import evidence as services
from tests.assessments.factories import make_measure, make_reading
from tests.factories import InnovationFactory, make_part

TODAY = date(2025, 7, 10)


@pytest.fixture
def measures(innovation, leader, north, south):
    """Referrals: numeric, whole innovation. Voice: rated, North only."""
    referrals = make_measure(innovation, by=leader, stage=3, name="Referrals")
    voice = make_measure(innovation, by=leader, stage=3, name="Voice", scale="rated", part=north)
    return referrals, voice


def parse(innovation, text, **kwargs):
    return parse_readings_csv(
        innovation, text, organisation=innovation.organisation, today=TODAY, **kwargs
    )


def messages(errors):
    return [str(e) for e in errors]


def test_an_all_good_file_is_parsed_and_imported(innovation, leader, measures, north, south):
    referrals, voice = measures
    text = (
        "Date,Measure,Part,Value,Note\n"
        "2025-05-01,Referrals,,12,First month\n"
        "01/06/2025,Referrals,south team,14.5,\n"
        f"2025-06-01,{voice.pk},North team,Some concern,Staff turnover\n"
        "2025-06-02,Voice,,on track,\n"
    )
    rows, errors = parse(innovation, text.encode())
    assert errors == []
    assert [
        (r.row, r.observed_on, r.measure, r.part, r.value, r.rating, r.story) for r in rows
    ] == [
        (2, date(2025, 5, 1), referrals, None, Decimal(12), "", "First month"),
        (3, date(2025, 6, 1), referrals, south, Decimal("14.5"), "", ""),
        (4, date(2025, 6, 1), voice, north, None, "some_concern", "Staff turnover"),
        (5, date(2025, 6, 2), voice, north, None, "on_track", ""),
    ]
    assert [r.shown for r in rows] == ["12", "14.5", "Some concern", "On track"]

    created = import_readings(innovation, rows, by=leader)

    assert len(created) == 4
    saved = list(
        Reading.objects.order_by("id").values_list(
            "measure__name", "part__name", "observed_on", "value", "rating", "story"
        )
    )
    assert saved == [
        ("Referrals", None, date(2025, 5, 1), Decimal(12), "", "First month"),
        ("Referrals", "South team", date(2025, 6, 1), Decimal("14.5"), "", ""),
        ("Voice", "North team", date(2025, 6, 1), None, "some_concern", "Staff turnover"),
        ("Voice", "North team", date(2025, 6, 2), None, "on_track", ""),
    ]
    record = created[0].history.get()
    assert (record.history_user, record.history_change_reason) == (
        leader,
        "Reading imported from a CSV file",
    )


def test_columns_may_come_in_any_order_with_a_byte_order_mark(innovation, measures):
    text = "\ufeffVALUE,date,measure\r\n3,2025-05-01,Referrals\r\n"
    rows, errors = parse(innovation, text.encode("utf-8"))
    assert errors == []
    assert [(r.value, r.part, r.story) for r in rows] == [(Decimal(3), None, "")]


def test_every_bad_row_is_named_with_why(
    innovation, leader, measures, north, other_organisation, outsider, organisation
):
    referrals, voice = measures
    make_reading(referrals, by=leader, on=date(2025, 4, 1), value=5, part=north)
    theirs = InnovationFactory(organisation=other_organisation, title="Southdale mentoring")
    their_measure = make_measure(theirs, by=outsider, name="Secret southdale measure")
    sibling = InnovationFactory(organisation=organisation, title="Edge of care hub")
    sibling_measure = make_measure(sibling, by=leader, name="Hub visits")
    retired = make_measure(innovation, by=leader, name="Old count")
    services.update_measure(retired, by=leader, is_active=False)
    text = "\n".join(
        [
            "date,measure,part,value,note",
            "2025-05-01,Referrals,,12,fine",
            "2025-05-01,Referals,,12,unknown measure",
            f"2025-05-01,{their_measure.pk},,12,another organisation's measure",
            f"2025-05-01,{sibling_measure.pk},,12,another innovation's measure",
            "2025-05-01,99999,,12,no such id",
            "2025-05-01,Referrals,West team,12,unknown part",
            "2025-13-01,Referrals,,12,bad date",
            "1 May 2025,Referrals,,12,bad date format",
            "2025-07-11,Referrals,,12,future",
            "2025-05-02,Referrals,,twelve,not a number",
            "2025-05-03,Referrals,,NaN,not a number either",
            "2025-05-01,Referrals,,13,duplicate in the file",
            "2025-04-01,Referrals,North team,6,duplicate of a saved reading",
            "2025-05-04,Voice,,great,not a rating",
            "2025-05-04,Voice,South team,on track,another part",
            "2025-05-05,Old count,,1,retired",
            ",,,,everything missing",
            "1989-12-31,Referrals,,12,before the product's range",
        ]
    )
    rows, errors = parse(innovation, text)
    assert [r.row for r in rows] == [2]
    assert messages(errors) == [
        "Row 3: there is no measure called “Referals” in this innovation.",
        f"Row 4: measure {their_measure.pk} is not one of this innovation's measures.",
        f"Row 5: measure {sibling_measure.pk} is not one of this innovation's measures.",
        "Row 6: measure 99999 is not one of this innovation's measures.",
        "Row 7: there is no part called “West team” in this innovation.",
        "Row 8: “2025-13-01” is not a date; write it as YYYY-MM-DD or DD/MM/YYYY.",
        "Row 9: “1 May 2025” is not a date; write it as YYYY-MM-DD or DD/MM/YYYY.",
        "Row 10: the date, 11 July 2025, cannot be in the future.",
        "Row 11: “twelve” is not a number.",
        "Row 12: “NaN” is not a number.",
        "Row 13: the same measure, part and date as row 2 (“Referrals” for the whole "
        "innovation on 1 May 2025).",
        "Row 14: there is already a reading of “Referrals” for North team on 1 April 2025.",
        "Row 15: “great” is not a rating; write on track, some concern or off track.",
        "Row 16: “Voice” is measured for North team only.",
        "Row 17: “Old count” is no longer in use.",
        "Row 18: the date is missing.",
        "Row 18: the measure is missing.",
        "Row 18: the value is missing.",
        "Row 19: the date, 31 December 1989, must be on or after 1 January 1990.",
    ]
    assert "Secret southdale measure" not in " ".join(messages(errors))


def test_an_ambiguous_measure_name_asks_for_the_id(innovation, leader, north):
    first = make_measure(innovation, by=leader, stage=3, name="Referrals")
    second = make_measure(innovation, by=leader, stage=4, name="Referrals")
    rows, errors = parse(innovation, "date,measure,value\n2025-05-01,Referrals,3\n")
    assert rows == []
    assert messages(errors) == [
        f"Row 2: more than one measure is called “Referrals”; give its id instead "
        f"({first.pk}, {second.pk})."
    ]
    rows, errors = parse(innovation, f"date,measure,value\n2025-05-01,{second.pk},3\n")
    assert (errors, [r.measure for r in rows]) == ([], [second])


FILE_ERRORS = {
    "empty": (b"", "The file is empty."),
    "blank lines only": (b"\n \n", "The file is empty."),
    "header only": (b"date,measure,part,value,note\n", "The file has a header but no readings."),
    "no header": (
        b"2025-05-01,Referrals,,12,\n",
        "Row 1: the first line must name the columns date, measure, part, value, note; "
        "missing: date, measure, value.",
    ),
    "header without value": (
        b"date,measure,part,note\n2025-05-01,Referrals,,x\n",
        "Row 1: the first line must name the columns date, measure, part, value, note; "
        "missing: value.",
    ),
    "not UTF-8": (
        "date,measure,value\n2025-05-01,Référrals,1\n".encode("latin-1"),
        "The file is not UTF-8 text. Save it from your spreadsheet as “CSV UTF-8” and try again.",
    ),
    "too large": (
        b"date,measure,value\n" + b"2025-05-01,Referrals,1," + b"x" * (1024 * 1024) + b"\n",
        "The file is larger than 1 MB; split it into smaller files.",
    ),
    "too many rows": (
        b"date,measure,value\n" + b"2025-05-01,Referrals,1\n" * 2001,
        "The file has 2001 readings; import at most 2000 at a time.",
    ),
}


@pytest.mark.parametrize("data, message", FILE_ERRORS.values(), ids=FILE_ERRORS.keys())
def test_a_file_that_cannot_be_read_is_refused_whole(innovation, measures, data, message):
    rows, errors = parse(innovation, data)
    assert (rows, messages(errors)) == ([], [message])


def test_two_thousand_rows_are_allowed(innovation, measures):
    lines = [f"2025-0{1 + i % 6}-{1 + i % 28:02},Referrals,,{i}" for i in range(2000)]
    data = ("date,measure,value\n" + "\n".join(lines)).encode()
    rows, errors = parse(innovation, data)
    assert len(rows) + len(errors) == 2000
    assert not any("at most" in str(e) for e in errors)


def test_text_over_the_size_limit_is_refused_too(innovation, measures):
    text = "date,measure,value\n2025-05-01,Referrals,1\n" + "#" * imports.MAX_BYTES
    assert messages(parse(innovation, text)[1]) == [
        "The file is larger than 1 MB; split it into smaller files."
    ]


def test_nothing_is_imported_if_any_row_is_refused(organisation, innovation, leader, measures):
    rows, errors = parse(
        innovation, "date,measure,value\n2025-05-01,Referrals,1\n2025-05-02,Referrals,2\n"
    )
    assert errors == []
    make_reading(measures[0], by=leader, on=date(2025, 5, 2), value=9)
    organisation.refresh_from_db()
    before = (Reading.objects.count(), Reading.history.count(), organisation.version)
    with pytest.raises(ValidationError) as caught:
        import_readings(innovation, rows, by=leader)
    assert caught.value.message_dict == {
        "file": ["Row 3: there is already a reading of “Referrals” on 2 May 2025."]
    }
    organisation.refresh_from_db()
    assert (Reading.objects.count(), Reading.history.count(), organisation.version) == before


def test_rows_of_another_innovation_are_never_imported(organisation, innovation, leader, measures):
    sibling = InnovationFactory(organisation=organisation, title="Edge of care hub")
    make_measure(sibling, by=leader, name="Hub visits")
    rows, errors = parse(sibling, "date,measure,value\n2025-05-01,Hub visits,1\n")
    assert errors == []
    with pytest.raises(ValidationError) as caught:
        import_readings(innovation, rows, by=leader)
    assert caught.value.message_dict == {
        "file": ["Row 2: that measure is not one of this innovation's measures."]
    }
    assert Reading.objects.count() == 0


def test_an_empty_import_is_refused(innovation, leader):
    with pytest.raises(ValidationError) as caught:
        import_readings(innovation, [], by=leader)
    assert caught.value.message_dict == {"file": ["There are no readings to import."]}


def test_an_innovation_of_another_organisation_cannot_be_parsed(innovation, other_organisation):
    with pytest.raises(ValueError):
        parse_readings_csv(innovation, "date,measure,value\n", organisation=other_organisation)


def test_the_template_is_a_header_and_one_example_that_parses(innovation, leader, north):
    make_part(innovation, by=leader, name="North team duplicate guard", stage=3)
    lines = list(csv.reader(io.StringIO(template_csv())))
    assert lines[0] == ["date", "measure", "part", "value", "note"]
    assert len(lines) == 2
    name = lines[1][1]
    make_measure(innovation, by=leader, name=name, part=north)
    rows, errors = parse(innovation, template_csv())
    assert errors == [] and len(rows) == 1
    assert Measure.objects.count() == 1


@pytest.mark.parametrize("n", [2, 20])
def test_parsing_takes_a_fixed_number_of_queries(
    innovation, leader, measures, n, django_assert_num_queries
):
    referrals, _ = measures
    for i in range(n):
        make_reading(referrals, by=leader, on=date(2025, 1, 1 + i), value=i)
    data = "date,measure,part,value\n" + "".join(
        f"2025-02-{1 + i:02},Referrals,{'North team' if i % 2 else ''},{i}\n" for i in range(n)
    )
    with django_assert_num_queries(3):
        rows, errors = parse(innovation, data)
    assert (len(rows), errors) == (n, [])
    assert {r.measure.name for r in rows} == {"Referrals"}


def test_a_nul_byte_in_any_cell_is_refused_naming_its_row_and_column(innovation, measures):
    text = (
        "date,measure,part,value,note\n"
        "2025-05-01,Referrals,,12,fine\n"
        "2025-05-02,Referrals,,12,a\x00note\n"
        "2025-05-03,Refe\x00rrals,,12,\n"
    )
    rows, errors = parse(innovation, text.encode())
    assert messages(errors) == [
        "Row 3: the note column has an unprintable character (a NUL byte); remove it.",
        "Row 4: the measure column has an unprintable character (a NUL byte); remove it.",
    ]
    assert [r.row for r in rows] == [2]


def test_an_imported_note_obeys_the_reading_form_s_limit(innovation, leader, measures):
    from innovate.forms import MAX_TEXT

    assert imports.MAX_NOTE == MAX_TEXT
    text = (
        "date,measure,part,value,note\n"
        f"2025-05-01,Referrals,,12,{'x' * MAX_TEXT}\n"
        f"2025-05-02,Referrals,,12,{'y' * (MAX_TEXT + 1)}\n"
    )
    rows, errors = parse(innovation, text.encode())
    assert messages(errors) == [
        "Row 3: the note column is 5,001 characters long; keep it to 5,000."
    ]
    assert [len(r.story) for r in rows] == [MAX_TEXT]


def test_an_imported_note_loses_its_bidirectional_controls(innovation, measures):
    text = "date,measure,part,value,note\n2025-05-01,Referrals,,12,Fine \u202eenod\u202c here\n"
    rows, errors = parse(innovation, text.encode())
    assert errors == []
    assert rows[0].story == "Fine enod here"
