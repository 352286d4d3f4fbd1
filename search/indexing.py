"""What each kind of record puts in the search index, and the index kept up to date.

A describer takes one record and answers [(kind, fields)], `fields` being None when the record
has nothing to find (no words, withdrawn, voided): its row is then removed. Describers read
only fields and the ids of related rows (a reading's measure is read once), so the same
functions rebuild the index from the historical models of a migration."""

import re

from django.apps import apps as global_apps
from django.db import transaction

from search.models import Entry, Kind

BATCH = 1000
UPDATED = ["organisation", "innovation", "part", "stage", "page_id", "title", "body"]


def _words(*texts):
    return "\n".join(text for text in texts if text)


def _label(record, field):
    value = getattr(record, field)
    return dict(record._meta.get_field(field).choices or ()).get(value, value) if value else ""


def _fields(record, *, innovation_id, page_id, title, body, part_id=None, stage_id=None):
    return {
        "organisation_id": record.organisation_id,
        "innovation_id": innovation_id,
        "part_id": part_id,
        "stage_id": stage_id,
        "page_id": page_id,
        "title": title[:300],
        "body": body,
    }


def innovation(record):
    found = [
        (
            Kind.INNOVATION,
            _fields(
                record,
                innovation_id=record.pk,
                page_id=record.pk,
                title=record.title,
                body=_words(
                    record.summary,
                    record.prompted_by,
                    record.better_for_whom,
                    record.tags_text.replace(",", ", "),
                ),
            ),
        )
    ]
    learning = None
    if record.learning:
        learning = _fields(
            record,
            innovation_id=record.pk,
            page_id=record.pk,
            title=f"What we learned: {record.title}",
            body=record.learning,
        )
    return [*found, (Kind.LEARNING, learning)]


def part(record):
    return [
        (
            Kind.PART,
            _fields(
                record,
                innovation_id=record.innovation_id,
                part_id=record.pk,
                stage_id=record.stage_id,
                page_id=record.innovation_id,
                title=record.name,
                body=_label(record, "kind"),
            ),
        )
    ]


def move(record, innovation_id=None):
    """A void takes the move it voids out of the index; a void itself is not shown."""
    if record.kind == "void":
        return [(Kind.MOVE, None), (Kind.MOVE, {"object_id": record.voids_id})]
    body = _words(_label(record, "reason"), record.rationale, record.evidence)
    if not body:
        return [(Kind.MOVE, None)]
    if innovation_id is None:
        innovation_id = record.part.innovation_id
    return [
        (
            Kind.MOVE,
            _fields(
                record,
                innovation_id=innovation_id,
                part_id=record.part_id,
                stage_id=record.to_stage_id,
                page_id=innovation_id,
                title=_label(record, "kind"),
                body=body,
            ),
        )
    ]


def measure(record):
    return [
        (
            Kind.MEASURE,
            _fields(
                record,
                innovation_id=record.innovation_id,
                part_id=record.part_id,
                stage_id=record.stage_id,
                page_id=record.pk,
                title=record.name,
                body=_words(record.unit, record.collection),
            ),
        )
    ]


def reading(record):
    if record.withdrawn_at is not None or not record.story:
        return [(Kind.READING, None)]
    measure = record.measure
    return [
        (
            Kind.READING,
            _fields(
                record,
                innovation_id=measure.innovation_id,
                part_id=record.part_id,
                stage_id=measure.stage_id,
                page_id=measure.pk,
                title=f"{measure.name}, {record.observed_on.day} {record.observed_on:%B %Y}",
                body=record.story,
            ),
        )
    ]


def _of_part(kind, record, title, body):
    if not body:
        return [(kind, None)]
    return [
        (
            kind,
            _fields(
                record,
                innovation_id=record.part.innovation_id,
                part_id=record.part_id,
                stage_id=record.stage_id,
                page_id=record.part_id,
                title=title,
                body=body,
            ),
        )
    ]


def check(record):
    return _of_part(
        Kind.CHECK, record, f"Key question: {_label(record, 'answer')}", record.evidence
    )


def involvement(record):
    title = f"{_label(record, 'who')}: {_label(record, 'level')}"
    return _of_part(Kind.INVOLVEMENT, record, title, record.note)


def ethics_note(record):
    if not record.note:
        return [(Kind.ETHICS, None)]
    return [
        (
            Kind.ETHICS,
            _fields(
                record,
                innovation_id=record.innovation_id,
                stage_id=record.stage_id,
                page_id=record.innovation_id,
                title="Ethics note",
                body=record.note,
            ),
        )
    ]


def session(record):
    return [
        (
            Kind.SESSION,
            _fields(
                record,
                innovation_id=record.innovation_id,
                page_id=record.pk,
                title=record.title,
                body=record.notes,
            ),
        )
    ]


def _of_session(kind, record, title, body, *, stage_id=None):
    if not body:
        return [(kind, None)]
    return [
        (
            kind,
            _fields(
                record,
                innovation_id=record.session.innovation_id,
                part_id=getattr(record, "part_id", None),
                stage_id=stage_id,
                page_id=record.session_id,
                title=title,
                body=body,
            ),
        )
    ]


def note(record):
    return _of_session(Kind.NOTE, record, record.prompt or "Note", record.text)


def decision(record):
    body = _words(record.rationale, record.minority_view, record.outcome)
    return _of_session(
        Kind.DECISION, record, _label(record, "kind"), body, stage_id=record.to_stage_id
    )


def action(record):
    return _of_session(Kind.ACTION, record, "Action", record.text)


def attachment(record):
    """An evidence file, found by its name and description while it is in use."""
    if record.withdrawn_at is not None:
        return [(Kind.FILE, None)]
    return [
        (
            Kind.FILE,
            _fields(
                record,
                innovation_id=record.innovation_id,
                page_id=record.innovation_id,
                title=record.original_name,
                # Its name's words apart too: full-text search reads "feedback.pdf" as one.
                body=_words(
                    re.sub(r"[._\-]+", " ", record.original_name),
                    record.description,
                    record.kind,
                ),
            ),
        )
    ]


# model label: (describer, what the rebuild selects with it, the rows the rebuild reads)
DESCRIBERS = {
    "stages.Innovation": (innovation, (), None),
    "stages.Part": (part, (), None),
    "stages.Move": (move, ("part",), {"kind__in": ["void"]}),
    "assessments.Measure": (measure, (), None),
    "assessments.Reading": (reading, ("measure",), None),
    "assessments.Check": (check, ("part",), None),
    "assessments.Involvement": (involvement, ("part",), None),
    "assessments.EthicsNote": (ethics_note, (), None),
    "assessments.ReflectionSession": (session, (), None),
    "assessments.Note": (note, ("session",), None),
    "assessments.Decision": (decision, ("session",), None),
    "assessments.Action": (action, ("session",), None),
    "attachments.Attachment": (attachment, (), None),
}


def register(label, describer, select=()):
    """Another domain app's records in the index (evidence files, for one): `describer(record)`
    answers [(kind, fields)] as those above do. Call it from the app's ready()."""
    from search import signals

    DESCRIBERS[label] = (describer, tuple(select), None)
    signals.follow(label)


def index(record):
    """Put `record` in the index as it now stands, or take it out. One query for each row."""
    describer = DESCRIBERS[record._meta.label][0]
    for kind, fields in describer(record):
        if fields is None:
            Entry.objects.filter(kind=kind, object_id=record.pk).delete()
        elif set(fields) == {"object_id"}:
            Entry.objects.filter(kind=kind, object_id=fields["object_id"]).delete()
        else:
            Entry.objects.bulk_create(
                [Entry(kind=kind, object_id=record.pk, **fields)],
                update_conflicts=True,
                unique_fields=["kind", "object_id"],
                update_fields=UPDATED,
            )


def unindex(record):
    describer = DESCRIBERS[record._meta.label][0]
    kinds = {kind for kind, _ in describer(record)} if record.pk else set()
    Entry.objects.filter(kind__in=kinds, object_id=record.pk).delete()


def rebuild(apps=global_apps, entry_model=Entry, organisations=None):
    """Make the index again from the records, in batches: the whole of it, or the rows of
    `organisations` (ids) alone. `apps` may be a migration's. Answers the number of rows
    written."""
    written = 0
    with transaction.atomic():
        if organisations is None:
            entry_model.objects.all().delete()
        else:
            entry_model.objects.filter(organisation_id__in=organisations).delete()
        for label, (describer, select, leave_out) in DESCRIBERS.items():
            app_label, model_name = label.split(".")
            try:
                model = apps.get_model(app_label, model_name)
            except LookupError:
                continue
            records = model._base_manager.select_related(*select).order_by("pk")
            if organisations is not None:
                records = records.filter(organisation_id__in=organisations)
            if leave_out:
                records = records.exclude(**leave_out)
            if label == "stages.Move":
                records = records.filter(voided_by__isnull=True)
            rows = []
            for record in records.iterator(chunk_size=BATCH):
                for kind, fields in describer(record):
                    if fields is not None and set(fields) != {"object_id"}:
                        rows.append(entry_model(kind=kind, object_id=record.pk, **fields))
                if len(rows) >= BATCH:
                    entry_model.objects.bulk_create(rows)
                    written += len(rows)
                    rows = []
            entry_model.objects.bulk_create(rows)
            written += len(rows)
    return written
