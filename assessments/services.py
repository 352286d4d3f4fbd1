"""The one write path for measures, readings, checks, involvement and ethics notes.

Every function takes `by=` the acting user, validates, and commits everything it writes (rows,
their history with the acting user and a change reason, the organisation's version) or
nothing. A refusal raises `MoveRefused(message, field)`, the domain's validation error, with
`field` naming the form field the message belongs to."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone

from assessments.models import (
    Answer,
    Check,
    Direction,
    EthicsNote,
    Involvement,
    Level,
    Measure,
    Rating,
    Reading,
    Scale,
    Who,
)
from stages.models import MeasureKind, Stage
from stages.rules import MoveRefused
from stages.services import bump_version, save_with_history

__all__ = [
    "MoveRefused",
    "answer_check",
    "copy_measure",
    "define_measure",
    "record_involvement",
    "record_reading",
    "set_ethics_note",
    "update_measure",
]

EARLIEST = date(1990, 1, 1)
# DecimalField(max_digits=14, decimal_places=4): ten digits before the point.
LIMIT = Decimal("1e10")
MEASURE_FIELDS = (
    "stage",
    "part",
    "name",
    "kind",
    "scale",
    "unit",
    "direction",
    "baseline_value",
    "baseline_on",
    "target_value",
    "target_on",
    "collection",
    "is_active",
)


def _stage(stage):
    """A Stage from a Stage or its number."""
    if isinstance(stage, Stage):
        return stage
    try:
        return Stage.objects.get(number=int(stage))
    except (TypeError, ValueError, Stage.DoesNotExist):
        raise MoveRefused("Choose one of the six stages.", "stage") from None


def _choice(value, choices, field, message):
    if value not in choices.values:
        raise MoveRefused(message, field)
    return choices(value)


def to_decimal(value, field, label):
    """`value` as a Decimal rounded to four places, or None when blank."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise MoveRefused(f"The {label} must be a number.", field) from None
    if not number.is_finite():
        raise MoveRefused(f"The {label} must be a number.", field)
    if abs(number) >= LIMIT:
        raise MoveRefused(f"The {label} must be less than 10,000,000,000.", field)
    return number.quantize(Decimal("0.0001"))


def _check_date(on, field, what, *, today):
    if not isinstance(on, date):
        raise MoveRefused(f"Give the {what}.", field)
    if on > today:
        raise MoveRefused(f"The {what} cannot be in the future.", field)
    if on < EARLIEST:
        raise MoveRefused(f"The {what} must be after 1 January 1990.", field)


def _check_part(part, innovation, field="part"):
    if part is not None and part.innovation_id != innovation.pk:
        raise MoveRefused(f"{part.name} is not a part of {innovation.title}.", field)


def _clean_measure(measure, *, today):
    """Validate and normalise a measure's fields in place; raise MoveRefused."""
    measure.name = " ".join((measure.name or "").split())
    if not measure.name:
        raise MoveRefused("Give the measure a name.", "name")
    if len(measure.name) > 200:
        raise MoveRefused("Keep the name to 200 characters.", "name")
    _check_part(measure.part, measure.innovation)
    if not measure.kind:
        measure.kind = measure.stage.measure_kind
    _choice(measure.kind, MeasureKind, "kind", "Choose the kind of measure.")
    _choice(measure.scale, Scale, "scale", "Choose whether readings are numbers or ratings.")
    _choice(measure.direction, Direction, "direction", "Choose whether higher or lower is better.")
    measure.unit = (measure.unit or "").strip()
    if len(measure.unit) > 40:
        raise MoveRefused("Keep the unit to 40 characters.", "unit")
    measure.collection = (measure.collection or "").strip()
    measure.baseline_value = to_decimal(measure.baseline_value, "baseline_value", "baseline")
    measure.target_value = to_decimal(measure.target_value, "target_value", "target")
    if measure.scale == Scale.RATED and (
        measure.baseline_value is not None
        or measure.target_value is not None
        or measure.baseline_on
        or measure.target_on
    ):
        raise MoveRefused(
            "A rated measure is judged on track, some concern or off track: it has no "
            "baseline or target.",
            "scale",
        )
    if measure.baseline_on is not None:
        if measure.baseline_value is None:
            raise MoveRefused("Give the baseline value for that date.", "baseline_value")
        _check_date(measure.baseline_on, "baseline_on", "baseline date", today=today)
    if measure.target_on is not None:
        if measure.target_value is None:
            raise MoveRefused("Give the target value for that date.", "target_value")
        if measure.baseline_on is not None and measure.target_on <= measure.baseline_on:
            raise MoveRefused("The target date must be after the baseline date.", "target_on")
    if measure.is_active:
        clash = Measure.objects.active().filter(
            innovation_id=measure.innovation_id,
            stage=measure.stage,
            part=measure.part,
            name=measure.name,
        )
        if measure.pk:
            clash = clash.exclude(pk=measure.pk)
        if clash.exists():
            raise MoveRefused(
                f"There is already a measure called “{measure.name}” for {measure.where()}.",
                "name",
            )


@transaction.atomic
def define_measure(
    innovation,
    *,
    by,
    stage,
    name,
    part=None,
    kind="",
    scale=Scale.NUMERIC,
    unit="",
    direction=Direction.HIGHER,
    baseline_value=None,
    baseline_on=None,
    target_value=None,
    target_on=None,
    collection="",
):
    """A new measure for `stage` of `innovation`, for `part` or (None) the whole. `kind`
    defaults to the stage's kind of measure. `stage` is a Stage or its number."""
    measure = Measure(
        organisation_id=innovation.organisation_id,
        innovation=innovation,
        stage=_stage(stage),
        part=part,
        name=name,
        kind=kind,
        scale=scale,
        unit=unit,
        direction=direction,
        baseline_value=baseline_value,
        baseline_on=baseline_on,
        target_value=target_value,
        target_on=target_on,
        collection=collection,
    )
    _clean_measure(measure, today=timezone.localdate())
    save_with_history(measure, by=by, reason="Measure defined")
    bump_version(innovation.organisation_id)
    return measure


@transaction.atomic
def update_measure(measure, *, by, **fields):
    """Change any of a measure's fields (MEASURE_FIELDS). `is_active=False` retires it; it is
    never deleted. The scale and the part cannot change once the measure has readings."""
    unknown = set(fields) - set(MEASURE_FIELDS)
    if unknown:
        raise TypeError(f"update_measure() got unexpected fields: {', '.join(sorted(unknown))}")
    locked = Measure.objects.select_for_update().get(pk=measure.pk)
    was_active = locked.is_active
    if "stage" in fields:
        fields["stage"] = _stage(fields["stage"])
    has_readings = locked.readings.exists()
    if has_readings and "scale" in fields and fields["scale"] != locked.scale:
        raise MoveRefused(
            "This measure has readings, so whether they are numbers or ratings cannot change.",
            "scale",
        )
    if has_readings and "part" in fields and fields["part"] != locked.part:
        raise MoveRefused(
            "This measure has readings, so the part it measures cannot change.", "part"
        )
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.innovation = measure.innovation
    _clean_measure(locked, today=timezone.localdate())
    if was_active and not locked.is_active:
        reason = "Measure retired"
    elif locked.is_active and not was_active:
        reason = "Measure back in use"
    else:
        reason = "Measure edited"
    save_with_history(locked, by=by, reason=reason)
    bump_version(locked.organisation_id)
    measure.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    measure._state.fields_cache.update(locked._state.fields_cache)
    return measure


@transaction.atomic
def copy_measure(measure, *, by, parts):
    """Copy `measure` (its definition, not its readings) to each of `parts`, which must be
    parts of the same innovation. A part that already has an active measure of that name at
    that stage is skipped. Returns (created measures, skipped parts)."""
    parts = list(parts)
    if not parts:
        raise MoveRefused("Choose at least one part to copy the measure to.", "parts")
    if not measure.is_active:
        raise MoveRefused("This measure is no longer in use; bring it back first.", "parts")
    for part in parts:
        _check_part(part, measure.innovation, "parts")
    taken = set(
        Measure.objects.active()
        .filter(
            innovation_id=measure.innovation_id,
            stage_id=measure.stage_id,
            name=measure.name,
            part__in=parts,
        )
        .values_list("part_id", flat=True)
    )
    created, skipped = [], []
    for part in parts:
        if part.pk in taken:
            skipped.append(part)
            continue
        copy = Measure(
            organisation_id=measure.organisation_id,
            innovation_id=measure.innovation_id,
            stage_id=measure.stage_id,
            part=part,
            **{
                name: getattr(measure, name)
                for name in (
                    "name",
                    "kind",
                    "scale",
                    "unit",
                    "direction",
                    "baseline_value",
                    "baseline_on",
                    "target_value",
                    "target_on",
                    "collection",
                )
            },
        )
        save_with_history(copy, by=by, reason=f"Measure copied from measure {measure.pk}")
        created.append(copy)
        taken.add(part.pk)
    bump_version(measure.organisation_id)
    return created, skipped


def build_reading(measure, *, by, observed_on, value, rating, part, story, evidence_url, today):
    """A validated, unsaved Reading of `measure`; raises MoveRefused. Reads `measure.innovation`
    and `measure.part`."""
    if not measure.is_active:
        raise MoveRefused(f"“{measure.name}” is no longer in use.", "measure")
    _check_part(part, measure.innovation)
    if measure.part_id is not None:
        if part is None:
            part = measure.part
        elif part.pk != measure.part_id:
            raise MoveRefused(f"“{measure.name}” is measured for {measure.part.name} only.", "part")
    _check_date(observed_on, "observed_on", "date observed", today=today)
    rating = rating or ""
    if measure.scale == Scale.RATED:
        if value is not None and str(value).strip():
            raise MoveRefused(
                f"“{measure.name}” is rated on track, some concern or off track, not given "
                "a number.",
                "value",
            )
        _choice(rating, Rating, "rating", "Choose on track, some concern or off track.")
        value = None
    else:
        if rating:
            raise MoveRefused(f"“{measure.name}” is measured in numbers, not rated.", "rating")
        value = to_decimal(value, "value", "value")
        if value is None:
            raise MoveRefused("Give the value.", "value")
    evidence_url = (evidence_url or "").strip()
    if evidence_url:
        try:
            URLValidator(schemes=["http", "https"])(evidence_url)
        except ValidationError:
            raise MoveRefused(
                "Give the evidence link as a web address starting https:// or http://.",
                "evidence_url",
            ) from None
        if len(evidence_url) > 500:
            raise MoveRefused("Keep the evidence link to 500 characters.", "evidence_url")
    return Reading(
        organisation_id=measure.organisation_id,
        measure=measure,
        part=part,
        observed_on=observed_on,
        value=value,
        rating=rating,
        story=(story or "").strip(),
        evidence_url=evidence_url,
        recorded_by=by,
    )


@transaction.atomic
def record_reading(
    measure, *, by, observed_on, value=None, rating="", part=None, story="", evidence_url=""
):
    """A reading of `measure`: a number for a numeric measure, a rating for a rated one.
    `part` is a part of the measure's innovation or None for the whole; for a measure of one
    part it defaults to that part and must be it. A second reading on the same day is kept
    beside the first, and the one recorded later counts as the latest."""
    reading = build_reading(
        measure,
        by=by,
        observed_on=observed_on,
        value=value,
        rating=rating,
        part=part,
        story=story,
        evidence_url=evidence_url,
        today=timezone.localdate(),
    )
    save_with_history(reading, by=by, reason="Reading recorded")
    bump_version(measure.organisation_id)
    return reading


@transaction.atomic
def answer_check(part, *, by, answer, evidence, answered_on=None):
    """Answer the part's current stage's criterion and key question. A new row each time:
    earlier answers are kept. Evidence is required unless the answer is unknown."""
    today = timezone.localdate()
    answered_on = answered_on or today
    _choice(answer, Answer, "answer", "Choose yes, partly, no or unknown.")
    evidence = (evidence or "").strip()
    if not evidence and answer != Answer.UNKNOWN:
        raise MoveRefused("Say what the answer rests on.", "evidence")
    _check_date(answered_on, "answered_on", "date answered", today=today)
    check = Check(
        organisation_id=part.organisation_id,
        part=part,
        stage_id=part.stage_id,
        answer=answer,
        evidence=evidence,
        answered_by=by,
        answered_on=answered_on,
    )
    save_with_history(check, by=by, reason="Check answered")
    bump_version(part.organisation_id)
    return check


@transaction.atomic
def record_involvement(part, *, by, level, who, note, recorded_on=None, stage=None):
    """How children, young people or families took part in the part's work at `stage` (the
    part's current stage unless given). A new row each time; the latest is current."""
    today = timezone.localdate()
    recorded_on = recorded_on or today
    stage = part.stage if stage is None else _stage(stage)
    _choice(level, Level, "level", "Choose how they took part.")
    _choice(who, Who, "who", "Choose who took part.")
    note = (note or "").strip()
    if not note:
        raise MoveRefused("Say how they took part and what came of it.", "note")
    _check_date(recorded_on, "recorded_on", "date", today=today)
    involvement = Involvement(
        organisation_id=part.organisation_id,
        part=part,
        stage=stage,
        level=level,
        who=who,
        note=note,
        recorded_by=by,
        recorded_on=recorded_on,
    )
    save_with_history(involvement, by=by, reason="Involvement recorded")
    bump_version(part.organisation_id)
    return involvement


@transaction.atomic
def set_ethics_note(innovation, stage, *, by, note):
    """Write or rewrite the innovation's ethics note for `stage` (a Stage or its number).
    Rewriting keeps the earlier wording in the note's history; an empty note clears an
    existing one and is refused for a new one. An unchanged note writes nothing."""
    stage = _stage(stage)
    note = (note or "").strip()
    existing = (
        EthicsNote.objects.select_for_update().filter(innovation=innovation, stage=stage).first()
    )
    if existing is None:
        if not note:
            raise MoveRefused("Write the note: better for whom? What risks, whose power?", "note")
        ethics = EthicsNote(
            organisation_id=innovation.organisation_id,
            innovation=innovation,
            stage=stage,
            note=note,
            updated_by=by,
        )
        try:
            with transaction.atomic():
                save_with_history(ethics, by=by, reason="Ethics note written")
        except IntegrityError:
            raise MoveRefused(
                "Someone wrote this note at the same moment; open it again to see theirs.",
                "note",
            ) from None
    else:
        if existing.note == note:
            return existing
        ethics = existing
        ethics.note = note
        ethics.updated_by = by
        save_with_history(ethics, by=by, reason="Ethics note rewritten")
    bump_version(innovation.organisation_id)
    return ethics
