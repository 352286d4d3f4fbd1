"""Readings imported from a CSV file: parse and check every row first, then write them all in
one transaction or nothing."""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assessments.models import (
    LIMIT,
    Measure,
    Rating,
    Reading,
    Scale,
    parse_number,
    value_kind_problem,
)
from assessments.services.evidence import build_reading
from assessments.status import format_date, format_number
from stages.dates import date_problem
from stages.models import Part
from stages.services import bump_version, save_with_history
from stages.text import strip_bidi

__all__ = [
    "MAX_BYTES",
    "MAX_ROWS",
    "ParsedRow",
    "RowError",
    "import_readings",
    "parse_readings_csv",
    "template_csv",
]

MAX_BYTES = 1024 * 1024
MAX_ROWS = 2000
# The limit the reading form holds a story to (innovate.forms.MAX_TEXT).
MAX_NOTE = 5000
COLUMNS = ("date", "measure", "part", "value", "note")
REQUIRED = ("date", "measure", "value")
RATINGS = {label.lower(): value for value, label in Rating.choices}


class RowError(NamedTuple):
    """What is wrong, and in which row (the file's own numbering: the header is row 1), or
    row None for the file as a whole."""

    row: int | None
    message: str

    def __str__(self):
        return f"Row {self.row}: {self.message}" if self.row else self.message


@dataclass(frozen=True)
class ParsedRow:
    row: int
    observed_on: date
    measure: Measure
    part: Part | None
    value: Decimal | None
    rating: str
    story: str

    @property
    def shown(self):
        return Rating(self.rating).label if self.rating else format_number(self.value)


def template_csv():
    """A CSV file with the header and one example line, to download and fill in."""
    return (
        "date,measure,part,value,note\r\n"
        "2025-03-31,Families attending a first meeting,North team,12,"
        "First month with the new invitation letter\r\n"
    )


def _decode(data):
    if isinstance(data, str):
        return data, len(data.encode("utf-8")) > MAX_BYTES
    if len(data) > MAX_BYTES:
        return None, True
    try:
        return data.decode("utf-8-sig"), False
    except UnicodeDecodeError:
        return None, False


def _parse_date(text):
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _parse_number(text):
    """A number as people type it (see assessments.models.parse_number), or None."""
    number = parse_number(text)
    if number is None or abs(number) >= LIMIT:
        return None
    return number.quantize(Decimal("0.0001"))


def parse_readings_csv(innovation, data, *, organisation, today=None):
    """Read a CSV of readings for `innovation` and return (rows, errors): the rows that are
    good as ParsedRow, and a RowError for every problem found. Nothing is written.

    Columns (a header line is required, any order, any case): date (YYYY-MM-DD or
    DD/MM/YYYY, not in the future), measure (a measure's id or exact name within the
    innovation), part (a part's name, or blank for the whole innovation), value (a number for
    a numeric measure; on track, some concern or off track for a rated one), note (optional,
    the story behind it). Three queries at most, whatever the size of the file."""
    if innovation.organisation_id != organisation.pk:
        raise ValueError("The innovation is not in this organisation.")
    today = today or timezone.localdate()
    text, too_large = _decode(data)
    if too_large:
        return [], [RowError(None, "The file is larger than 1 MB; split it into smaller files.")]
    if text is None:
        return [], [
            RowError(
                None,
                "The file is not UTF-8 text. Save it from your spreadsheet as "
                "“CSV UTF-8” and try again.",
            )
        ]
    text = text.lstrip("\ufeff")
    if not text.strip():
        return [], [RowError(None, "The file is empty.")]
    try:
        records = list(csv.reader(io.StringIO(text)))
    except csv.Error as error:
        return [], [RowError(None, f"The file could not be read as CSV: {error}.")]
    header = [cell.strip().lower() for cell in records[0]]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        return [], [
            RowError(
                1,
                "the first line must name the columns date, measure, part, value, note; "
                f"missing: {', '.join(missing)}.",
            )
        ]
    column = {name: header.index(name) for name in COLUMNS if name in header}
    numbered = [
        (number, record)
        for number, record in enumerate(records[1:], start=2)
        if any(cell.strip() for cell in record)
    ]
    if not numbered:
        return [], [RowError(None, "The file has a header but no readings.")]
    if len(numbered) > MAX_ROWS:
        return [], [
            RowError(
                None,
                f"The file has {len(numbered)} readings; import at most {MAX_ROWS} at a time.",
            )
        ]

    measures = list(
        Measure.objects.filter(organisation=organisation, innovation=innovation).select_related(
            "innovation", "stage", "part"
        )
    )
    by_id = {str(m.pk): m for m in measures}
    by_name, retired = {}, {}
    for measure in measures:
        if measure.is_active:
            by_name.setdefault(measure.name, []).append(measure)
        else:
            retired[measure.name] = measure
    parts = {
        p.name.casefold(): p
        for p in Part.objects.filter(organisation=organisation, innovation=innovation)
    }
    existing = set(
        Reading.objects.current()
        .filter(organisation=organisation, measure__innovation=innovation)
        .values_list("measure_id", "part_id", "observed_on")
    )

    def cell(record, name):
        index = column.get(name)
        return record[index].strip() if index is not None and index < len(record) else ""

    rows, errors, seen = [], [], {}
    for number, record in numbered:
        found = [
            f"the {name} column has an unprintable character (a NUL byte); remove it."
            for name in COLUMNS
            if "\x00" in cell(record, name)
        ]
        if found:
            errors.extend(RowError(number, message) for message in found)
            continue
        note = strip_bidi(cell(record, "note"))
        if len(note) > MAX_NOTE:
            found.append(
                f"the note column is {len(note):,} characters long; keep it to {MAX_NOTE:,}."
            )
        date_text = cell(record, "date")
        observed_on = _parse_date(date_text)
        if not date_text:
            found.append("the date is missing.")
        elif observed_on is None:
            found.append(f"“{date_text}” is not a date; write it as YYYY-MM-DD or DD/MM/YYYY.")
        elif problem := date_problem(
            observed_on, f"date, {format_date(observed_on)},", today=today
        ):
            found.append(problem[0].lower() + problem[1:])

        measure_text = cell(record, "measure")
        measure = by_id.get(measure_text) if measure_text.isdigit() else None
        named = by_name.get(measure_text, [])
        if not measure_text:
            found.append("the measure is missing.")
        elif measure is None and len(named) > 1:
            ids = ", ".join(str(m.pk) for m in named)
            found.append(
                f"more than one measure is called “{measure_text}”; give its id instead ({ids})."
            )
        elif measure is None and named:
            measure = named[0]
        elif measure is None and measure_text in retired:
            measure = retired[measure_text]
        elif measure is None and measure_text.isdigit():
            found.append(f"measure {measure_text} is not one of this innovation's measures.")
        elif measure is None:
            found.append(f"there is no measure called “{measure_text}” in this innovation.")
        if measure is not None and not measure.is_active:
            found.append(f"“{measure.name}” is no longer in use.")
            measure = None

        part_text = cell(record, "part")
        part = parts.get(part_text.casefold()) if part_text else None
        if part_text and part is None:
            found.append(f"there is no part called “{part_text}” in this innovation.")
        elif measure is not None and measure.part_id is not None:
            if part is None:
                part = measure.part
            elif part.pk != measure.part_id:
                found.append(f"“{measure.name}” is measured for {measure.part.name} only.")

        value_text = cell(record, "value")
        value, rating = None, ""
        if not value_text:
            found.append("the value is missing.")
        elif measure is not None and measure.scale == Scale.RATED:
            rating = RATINGS.get(" ".join(value_text.lower().replace("_", " ").split()), "")
            if not rating:
                found.append(
                    f"“{value_text}” is not a rating; write on track, some concern or off track."
                )
        elif measure is not None:
            value = _parse_number(value_text)
            if value is None:
                found.append(f"“{value_text}” is not a number.")
            elif problem := value_kind_problem(value, measure.value_kind):
                found.append(f"the value is {problem[0]}. {problem[1]}")

        if not found:
            key = (measure.pk, part.pk if part else None, observed_on)
            where = f" for {part.name}" if part else " for the whole innovation"
            if key in seen:
                found.append(
                    f"the same measure, part and date as row {seen[key]} "
                    f"(“{measure.name}”{where} on {format_date(observed_on)})."
                )
            elif key in existing:
                found.append(
                    f"there is already a reading of “{measure.name}”{where} on "
                    f"{format_date(observed_on)}."
                )
            else:
                seen[key] = number
        if found:
            errors.extend(RowError(number, message) for message in found)
            continue
        rows.append(
            ParsedRow(
                row=number,
                observed_on=observed_on,
                measure=measure,
                part=part,
                value=value,
                rating=rating,
                story=note,
            )
        )
    return rows, errors


@transaction.atomic
def import_readings(innovation, rows, *, by):
    """Write every parsed row as a reading, in one transaction: all of them or, if any is
    refused, none. Call only with the rows of a parse that found no errors. Each row is
    checked again, and against readings recorded since the file was parsed."""
    rows = list(rows)
    if not rows:
        raise ValidationError({"file": "There are no readings to import."})
    today = timezone.localdate()
    measure_ids = {row.measure.pk for row in rows}
    existing = set(
        Reading.objects.current()
        .filter(measure_id__in=measure_ids)
        .values_list("measure_id", "part_id", "observed_on")
    )
    created = []
    for row in rows:
        if row.measure.innovation_id != innovation.pk:
            raise ValidationError(
                {"file": f"Row {row.row}: that measure is not one of this innovation's measures."}
            )
        key = (row.measure.pk, row.part.pk if row.part else None, row.observed_on)
        if key in existing:
            raise ValidationError(
                {
                    "file": f"Row {row.row}: there is already a reading of “{row.measure.name}” on "
                    f"{format_date(row.observed_on)}."
                }
            )
        existing.add(key)
        try:
            reading = build_reading(
                row.measure,
                by=by,
                observed_on=row.observed_on,
                value=row.value,
                rating=row.rating,
                part=row.part,
                story=row.story,
                evidence_url="",
                today=today,
            )
        except ValidationError as refused:
            raise ValidationError(
                {"file": f"Row {row.row}: {' '.join(refused.messages)}"}
            ) from None
        save_with_history(reading, by=by, reason="Reading imported from a CSV file")
        created.append(reading)
    bump_version(innovation.organisation_id, innovation_id=innovation.pk)
    return created
