"""Measures of success and their readings: the list with charts and coverage, a measure's page
with its chart, readings and the form to record one, defining, editing and copying measures,
and importing readings from a CSV file."""

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from assessments import imports
from assessments.models import MEASURE_DEFINITION, Measure, Rating, Scale
from assessments.queries import evidence as queries
from assessments.queries.readings import reading_history
from assessments.services import evidence as services
from assessments.status import format_date, format_number
from innovate.access import get_innovation_for, get_measure_for, get_reading_for
from innovate.csv import BOM, safe_cell
from innovate.evidence.forms import (
    CopyMeasureForm,
    ImportForm,
    MeasureForm,
    ReadingForm,
    WithdrawReadingForm,
)
from innovate.http import HttpRequest, closed, posted, respond, see_other
from innovate.pictures.charts import Point, Series, key_icon, measure_chart_svg
from stages.models import Part, Role

WHOLE = "Whole innovation"


def measure_url(measure):
    return reverse("evidence:measure", args=[measure.pk])


def measures_url(innovation):
    return reverse("evidence:measures", args=[innovation.pk])


def series_rows(measure):
    """[(name, key icon, latest reading, MeasureStatus)] of each series of the measure: the
    whole innovation first, then the parts by name. Needs the attributes
    assessments.queries.evidence.measure_with_status gives."""
    keys = sorted(
        measure.series,
        key=lambda k: (k is not None, measure.series[k][0].part.name if k else ""),
    )
    return [
        (
            measure.series[key][0].part.name if key else WHOLE,
            key_icon(index),
            measure.latest_by_part[key],
            measure.status_by_part[key],
        )
        for index, key in enumerate(keys)
    ], keys


def chart(measure, *, compact=False):
    """The measure's SVG chart: a series per part, in the order of `series_rows`."""
    rows, keys = series_rows(measure)
    series = [
        Series(
            name,
            [Point(r.observed_on, r.value, r.rating) for r in measure.series[key]],
        )
        for (name, *_), key in zip(rows, keys, strict=True)
    ]
    where = measure.part.name if measure.part_id else "the whole innovation"
    return measure_chart_svg(
        series,
        chart_id=f"chart-{measure.pk}",
        title=f"{measure.name}: readings over time ({measure.stage.name}, {where})",
        unit=measure.unit,
        rated=measure.is_rated,
        baseline=measure.baseline_value,
        baseline_on=measure.baseline_on,
        target=measure.target_value,
        target_on=measure.target_on,
        compact=compact,
    )


def describe_target(measure):
    if measure.is_rated:
        return "Rated: on track, some concern or off track"
    if measure.target_value is None:
        return "No target set"
    by = f" by {format_date(measure.target_on)}" if measure.target_on else ""
    return f"{format_number(measure.target_value, measure.unit)}{by}"


def describe_baseline(measure):
    if measure.baseline_value is None:
        return "–" if measure.is_rated else "No baseline set"
    on = f" on {format_date(measure.baseline_on)}" if measure.baseline_on else ""
    return f"{format_number(measure.baseline_value, measure.unit)}{on}"


def _parts(innovation):
    return Part.objects.filter(innovation=innovation).select_related("stage").order_by("name")


# Measures


@require_GET
@login_required
def measure_list(request: HttpRequest, pk: int):
    innovation, membership = get_innovation_for(request, pk)
    today = timezone.localdate()
    parts = list(_parts(innovation))
    measures = queries.measures_with_status(innovation, today, include_inactive=True, parts=parts)
    by_stage = {}
    retired = []
    for measure in measures:
        if not measure.is_active:
            retired.append(measure)
            continue
        measure.chart = chart(measure, compact=True)
        measure.rows, _ = series_rows(measure)
        measure.target_text = describe_target(measure)
        measure.baseline_text = describe_baseline(measure)
        by_stage.setdefault(measure.stage.number, (measure.stage, []))[1].append(measure)
    return respond(
        request,
        "evidence/measures.html",
        {
            "innovation": innovation,
            "groups": [by_stage[n] for n in sorted(by_stage)],
            "retired": retired,
            "gaps": queries.coverage(innovation, parts=parts),
            "may_write": membership.may(Role.LEADER) and not innovation.is_closed,
        },
    )


def _stage_from_query(value):
    return int(value) if value in {str(n) for n in range(1, 7)} else None


@require_http_methods(["GET", "POST"])
@login_required
def measure_create(request: HttpRequest, pk: int):
    innovation, membership = get_innovation_for(request, pk, need=Role.LEADER)
    if innovation.is_closed:
        return closed(request, innovation, "record evidence")
    parts = _parts(innovation)
    initial = {}
    stage = _stage_from_query(request.GET.get("stage"))
    if stage:
        initial["stage"] = stage
    part_id = request.GET.get("part", "")
    if part_id.isdigit():
        initial["part"] = int(part_id)
    form = MeasureForm(posted(request), innovation=innovation, parts=parts, initial=initial)
    context = {"form": form, "innovation": innovation}
    if request.method == "GET":
        return respond(request, "evidence/measure_form.html", context, partial="measure-form")
    if form.is_valid():
        try:
            measure = services.define_measure(innovation, by=request.user, **form.values())
        except ValidationError as refusal:
            form.refuse(refusal)
        else:
            messages.success(
                request,
                f"“{measure.name}” defined for {measure.where()}. Record its readings here.",
            )
            if request.htmx:
                return HttpResponseClientRedirect(measure_url(measure))
            return see_other(measure_url(measure))
    return respond(
        request, "evidence/measure_form.html", context, partial="measure-form", status=422
    )


@require_http_methods(["GET", "POST"])
@login_required
def measure_edit(request: HttpRequest, pk: int):
    measure, membership = get_measure_for(request, pk, need=Role.LEADER)
    innovation = measure.innovation
    if innovation.is_closed:
        return closed(request, innovation, "record evidence")
    initial = {name: getattr(measure, name) for name in (*MEASURE_DEFINITION, "is_active")}
    initial.update(
        stage=measure.stage.number,
        part=measure.part_id,
        baseline_value=format_number(measure.baseline_value),
        target_value=format_number(measure.target_value),
    )
    form = MeasureForm(
        posted(request),
        innovation=innovation,
        parts=_parts(innovation),
        initial=initial,
        editing=True,
    )
    context = {"form": form, "innovation": innovation, "measure": measure}
    if request.method == "GET":
        return respond(request, "evidence/measure_form.html", context, partial="measure-form")
    if form.is_valid():
        try:
            services.update_measure(measure, by=request.user, **form.values())
        except ValidationError as refusal:
            form.refuse(refusal)
        else:
            state = "" if measure.is_active else " It is retired: its readings are kept."
            messages.success(request, f"Changes to “{measure.name}” saved.{state}")
            if request.htmx:
                return HttpResponseClientRedirect(measure_url(measure))
            return see_other(measure_url(measure))
    return respond(
        request, "evidence/measure_form.html", context, partial="measure-form", status=422
    )


@require_http_methods(["GET", "POST"])
@login_required
def measure_copy(request: HttpRequest, pk: int):
    measure, membership = get_measure_for(request, pk, need=Role.LEADER)
    innovation = measure.innovation
    if innovation.is_closed:
        return closed(request, innovation, "record evidence")
    parts = _parts(innovation)
    if measure.part_id:
        parts = parts.exclude(pk=measure.part_id)
    form = CopyMeasureForm(posted(request), parts=parts)
    context = {"form": form, "innovation": innovation, "measure": measure}
    if request.method == "GET":
        return respond(request, "evidence/copy.html", context, partial="copy-form")
    if form.is_valid():
        try:
            created, skipped = services.copy_measure(
                measure, by=request.user, parts=form.cleaned_data["parts"]
            )
        except ValidationError as refusal:
            form.refuse(refusal)
        else:
            if created:
                names = ", ".join(m.part.name for m in created)
                messages.success(request, f"“{measure.name}” copied to {names}.")
            for part in skipped:
                messages.info(
                    request,
                    f"{part.name} already has a measure called “{measure.name}” at "
                    f"{measure.stage.name}, so it was not copied there.",
                )
            if request.htmx:
                return HttpResponseClientRedirect(measures_url(innovation))
            return see_other(measures_url(innovation))
    return respond(request, "evidence/copy.html", context, partial="copy-form", status=422)


FIELD_NAMES = {
    "observed_on": "date observed",
    "value": "value",
    "rating": "rating",
    "story": "story",
    "evidence_url": "evidence link",
}


def reading_words(reading):
    """ "the reading of 1 October 2026 for Team 01" (or "for the whole innovation"), from a
    reading or one of its history rows. Reads its part."""
    where = reading.part.name if reading.part_id else "the whole innovation"
    return f"the reading of {format_date(reading.observed_on)} for {where}"


def field_words(name, value, unit=""):
    """One field of a reading as the measure's page tells it."""
    if name == "observed_on":
        return format_date(value)
    if name == "value":
        return format_number(value, unit) if value is not None else "none"
    if name == "rating":
        return Rating(value).label if value else "none"
    if name == "story":
        text = " ".join((value or "").split())
        if not text:
            return "none"
        return f"“{text if len(text) <= 120 else text[:119] + '…'}”"
    return value or "none"


def describe_change(change, unit):
    """A ReadingChange in words: "Value 12.5 → 12; story none → “Counted twice”"."""
    if change.kind == "withdrawn":
        return f"Withdrawn: {change.row.withdrawn_reason}"
    if change.kind == "restored":
        return "Restored: it counts again."
    said = [
        f"{FIELD_NAMES[name]} {field_words(name, getattr(change.before, name), unit)} → "
        f"{field_words(name, getattr(change.row, name), unit)}"
        for name in change.fields
    ]
    text = "; ".join(said)
    return f"Corrected: {text[:1].upper()}{text[1:]}"


def measure_context(measure, membership, *, form=None):
    """Everything the measure's page shows. Three queries (two without the form)."""
    today = timezone.localdate()
    innovation = measure.innovation
    queries.measure_with_status(measure, today)
    history = reading_history(measure)
    may_write = membership.may(Role.LEADER) and not innovation.is_closed and measure.is_active
    if may_write and form is None:
        form = ReadingForm(measure=measure, parts=_parts(innovation))
    rows, _ = series_rows(measure)
    readings = list(reversed(measure.readings_in_order))
    for reading in readings:
        reading.corrected = reading.pk in history.corrected
        reading.words = reading_words(reading)
    for row in history.withdrawn:
        row.words = reading_words(row)
        row.value_text = field_words("rating" if row.rating else "value", row.rating or row.value)
    return {
        "innovation": innovation,
        "measure": measure,
        "chart": chart(measure),
        "rows": rows,
        "readings": readings,
        "withdrawn": history.withdrawn,
        "changes": [
            {
                "change": change,
                "reading": reading_words(change.before),
                "text": describe_change(change, measure.unit),
            }
            for change in history.changes
        ],
        "target_text": describe_target(measure),
        "baseline_text": describe_baseline(measure),
        "form": form,
        "may_write": may_write,
        "may_edit": membership.may(Role.LEADER) and not innovation.is_closed,
        "may_restore": membership.may(Role.MANAGER) and not innovation.is_closed,
        "embedded": True,
    }


@require_GET
@login_required
def measure_detail(request: HttpRequest, pk: int):
    measure, membership = get_measure_for(request, pk)
    context = measure_context(measure, membership)
    return respond(request, "evidence/measure.html", context, partial="measure-body")


# Readings


@require_http_methods(["GET", "POST"])
@login_required
def reading_create(request: HttpRequest, pk: int):
    """The form to record a reading. On the measure's page it is embedded and posts with htmx:
    the answer is the measure's chart, readings and form, swapped in place."""
    measure, membership = get_measure_for(request, pk, need=Role.LEADER)
    innovation = measure.innovation
    if innovation.is_closed:
        return closed(request, innovation, "record evidence")
    form = ReadingForm(posted(request), measure=measure, parts=_parts(innovation))
    page = {
        "form": form,
        "measure": measure,
        "innovation": innovation,
        "embedded": False,
    }
    if request.method == "GET":
        return respond(request, "evidence/reading_form.html", page, partial="reading-form")
    if form.is_valid():
        data = form.cleaned_data
        try:
            reading = services.record_reading(
                measure,
                by=request.user,
                observed_on=data["observed_on"],
                value=data.get("value"),
                rating=data.get("rating") or "",
                part=data.get("part"),
                story=data["story"],
                evidence_url=data["evidence_url"],
            )
        except ValidationError as refusal:
            form.refuse(refusal)
        else:
            where = f" for {reading.part.name}" if reading.part_id else ""
            messages.success(
                request,
                f"Reading recorded{where}: {reading.shown}"
                f"{' ' + measure.unit if measure.unit and not reading.rating else ''} on "
                f"{format_date(reading.observed_on)}.",
            )
            if request.htmx:
                context = measure_context(measure, membership)
                return respond(request, "evidence/measure.html", context, partial="measure-body")
            return see_other(measure_url(measure))
    if request.htmx:
        context = measure_context(measure, membership, form=form)
        return respond(
            request, "evidence/measure.html", context, partial="measure-body", status=422
        )
    return respond(request, "evidence/reading_form.html", page, status=422)


# Correcting, withdrawing and restoring a reading


def _reading_context(reading, form):
    measure = reading.measure
    return {
        "form": form,
        "reading": reading,
        "measure": measure,
        "innovation": measure.innovation,
        "words": reading_words(reading),
        "shown": field_words(
            "rating" if reading.rating else "value", reading.rating or reading.value, measure.unit
        ),
    }


def _back_to_measure(request, measure):
    if request.htmx:
        return HttpResponseClientRedirect(measure_url(measure))
    return see_other(measure_url(measure))


@require_http_methods(["GET", "POST"])
@login_required
def reading_correct(request: HttpRequest, pk: int):
    """Correct a reading: its date, value or rating, story and evidence link. Only what
    changes is written, and the measure's page tells what it said before, who corrected it
    and when."""
    reading, membership = get_reading_for(request, pk, need=Role.LEADER)
    measure = reading.measure
    innovation = measure.innovation
    if innovation.is_closed:
        return closed(request, innovation, "correct a reading", back=measure_url(measure))
    initial = {
        "observed_on": reading.observed_on,
        "value": format_number(reading.value),
        "rating": reading.rating,
        "story": reading.story,
        "evidence_url": reading.evidence_url,
    }
    form = ReadingForm(
        posted(request), measure=measure, parts=None, correcting=True, initial=initial
    )
    context = _reading_context(reading, form)
    if request.method == "GET":
        return respond(request, "evidence/reading_correct.html", context, partial="correct-form")
    if form.is_valid():
        data = form.cleaned_data
        words = reading_words(reading)
        try:
            _corrected, changes = services.correct_reading(
                reading,
                by=request.user,
                observed_on=data["observed_on"],
                value=data.get("value"),
                rating=data.get("rating") or "",
                story=data["story"],
                evidence_url=data["evidence_url"],
            )
        except ValidationError as refusal:
            form.refuse(refusal)
        else:
            if changes:
                said = "; ".join(
                    f"{FIELD_NAMES[name]} {field_words(name, before, measure.unit)} → "
                    f"{field_words(name, after, measure.unit)}"
                    for name, before, after in changes
                )
                messages.success(request, f"{words[:1].upper()}{words[1:]} corrected: {said}.")
            else:
                messages.info(request, "Nothing was changed: the reading already said that.")
            return _back_to_measure(request, measure)
    return respond(
        request, "evidence/reading_correct.html", context, partial="correct-form", status=422
    )


@require_http_methods(["GET", "POST"])
@login_required
def reading_withdraw(request: HttpRequest, pk: int):
    """Withdraw a wrong reading, saying why: it is kept and shown as withdrawn on the
    measure's page, and counts nowhere else."""
    reading, membership = get_reading_for(request, pk, need=Role.LEADER)
    measure = reading.measure
    innovation = measure.innovation
    if innovation.is_closed:
        return closed(request, innovation, "withdraw a reading", back=measure_url(measure))
    form = WithdrawReadingForm(posted(request))
    context = _reading_context(reading, form)
    if request.method == "GET":
        return respond(request, "evidence/reading_withdraw.html", context, partial="withdraw-form")
    if form.is_valid():
        try:
            services.withdraw_reading(reading, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as refusal:
            form.refuse(refusal)
        else:
            words = context["words"]
            messages.success(
                request,
                f"{words[:1].upper()}{words[1:]} withdrawn. It is kept under Withdrawn "
                "readings and no longer counts.",
            )
            return _back_to_measure(request, measure)
    return respond(
        request, "evidence/reading_withdraw.html", context, partial="withdraw-form", status=422
    )


@require_POST
@login_required
def reading_restore(request: HttpRequest, pk: int):
    """A manager brings a withdrawn reading back into use."""
    reading, membership = get_reading_for(request, pk, need=Role.MANAGER)
    measure = reading.measure
    innovation = measure.innovation
    if innovation.is_closed:
        return closed(request, innovation, "restore a reading", back=measure_url(measure))
    words = reading_words(reading)
    try:
        services.restore_reading(reading, by=request.user)
    except ValidationError as refusal:
        messages.info(request, " ".join(refusal.messages))
    else:
        messages.success(request, f"{words[:1].upper()}{words[1:]} restored: it counts again.")
    return _back_to_measure(request, measure)


# Importing readings from a CSV file


def _import_context(innovation, form, **extra):
    measures = list(
        Measure.objects.active()
        .filter(innovation=innovation)
        .select_related("stage", "part")
        .order_by("stage__number", "name", "id")
    )
    return {
        "form": form,
        "innovation": innovation,
        "measures": measures,
        "parts": list(_parts(innovation)),
        **extra,
    }


@require_http_methods(["GET", "POST"])
@login_required
def readings_import(request: HttpRequest, pk: int):
    """Upload a CSV file, see every row checked, then confirm. A file with any bad row is
    answered 422 with every problem named, and nothing is saved; a good file is shown as a
    preview, and only the confirmation writes the readings, all of them or none."""
    innovation, membership = get_innovation_for(request, pk, need=Role.LEADER)
    if innovation.is_closed:
        return closed(request, innovation, "record evidence")
    form = ImportForm(posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "GET":
        context = _import_context(innovation, form)
        return respond(request, "evidence/import.html", context, partial="import-body")

    def refused(problems):
        context = _import_context(innovation, form, problems=problems)
        return respond(request, "evidence/import.html", context, partial="import-body", status=422)

    if not form.is_valid():
        return refused([])
    upload, content = form.cleaned_data["file"], form.cleaned_data["content"]
    if upload:
        data = upload.read(imports.MAX_BYTES + 1)
    elif content:
        data = content
    else:
        form.add_error("file", "Choose a CSV file of readings to upload.")
        return refused([])
    rows, problems = imports.parse_readings_csv(
        innovation, data, organisation=innovation.organisation
    )
    if problems:
        return refused(problems)
    if upload:
        text = data.decode("utf-8-sig")
        context = _import_context(innovation, ImportForm(), rows=rows, content=text)
        return respond(request, "evidence/import.html", context, partial="import-body")
    try:
        created = imports.import_readings(innovation, rows, by=request.user)
    except ValidationError as refusal:
        return refused([imports.RowError(None, message) for message in refusal.messages])
    count = len(created)
    messages.success(request, f"{count} reading{'s' if count != 1 else ''} imported.")
    if request.htmx:
        return HttpResponseClientRedirect(measures_url(innovation))
    return see_other(measures_url(innovation))


@require_GET
@login_required
def readings_template(request: HttpRequest, pk: int):
    """A CSV file to fill in: the header and an example line with one of the innovation's own
    measures, so that the names match."""
    innovation, membership = get_innovation_for(request, pk)
    example = (
        Measure.objects.active()
        .filter(innovation=innovation)
        .select_related("part")
        .order_by("stage__number", "name", "id")
        .first()
    )
    if example is None:
        text = imports.template_csv()
    else:
        # A name a spreadsheet would read as a formula is given by the measure's number.
        name = example.name if safe_cell(example.name) == example.name else str(example.pk)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(imports.COLUMNS)
        writer.writerow(
            [
                timezone.localdate().isoformat(),
                name,
                safe_cell(example.part.name if example.part_id else ""),
                "On track" if example.scale == Scale.RATED else "12",
                "What explains the reading (optional)",
            ]
        )
        text = out.getvalue()
    response = HttpResponse(BOM + text, content_type="text/csv; charset=utf-8")
    name = slugify(innovation.title)[:60] or "innovation"
    response["Content-Disposition"] = f'attachment; filename="readings-{name}.csv"'
    return response
