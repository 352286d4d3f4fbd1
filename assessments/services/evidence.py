"""The one write path for measures, readings, checks, involvement and ethics notes.

Every function takes `by=` the acting user, validates, and commits everything it writes (rows,
their history with the acting user and a change reason, the organisation's version) or
nothing. A refusal raises Django's ValidationError with each message at the name of the field
it belongs to (`{"name": "Give the measure a name."}`), which the form shows there."""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone

from assessments.models import (
    MEASURE_DEFINITION,
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
    ValueKind,
    Who,
    check_choice,
    check_value_kind,
    to_decimal,
    value_kind_problem,
)
from assessments.status import format_date, format_number
from stages import clock
from stages.dates import check_date
from stages.models import Stage
from stages.services import bump_version, save_with_history

__all__ = [
    "answer_check",
    "copy_measure",
    "correct_reading",
    "define_measure",
    "record_involvement",
    "record_reading",
    "reflect_on_prompts",
    "restore_reading",
    "set_ethics_note",
    "update_measure",
    "withdraw_reading",
]

MEASURE_FIELDS = ("stage", "part", *MEASURE_DEFINITION, "is_active")


def _stage(stage):
    """A Stage from a Stage or its number."""
    if isinstance(stage, Stage):
        return stage
    try:
        return Stage.objects.get(number=int(stage))
    except (TypeError, ValueError, Stage.DoesNotExist):
        raise ValidationError({"stage": "Choose one of the six stages."}) from None


def _check_part(part, innovation, field="part"):
    if part is not None and part.innovation_id != innovation.pk:
        raise ValidationError({field: f"{part.name} is not a part of {innovation.title}."})


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
    value_kind=ValueKind.SCORE,
    unit="",
    direction=Direction.HIGHER,
    baseline_value=None,
    baseline_on=None,
    target_value=None,
    target_on=None,
    collection="",
):
    """A new measure for `stage` of `innovation`, for `part` or (None) the whole. `kind`
    defaults to the stage's kind of measure. `stage` is a Stage or its number. `value_kind`
    (count, percentage, amount or score) is what its baseline, target and readings are checked
    against; a score is any number."""
    measure = Measure(
        organisation_id=innovation.organisation_id,
        innovation=innovation,
        stage=_stage(stage),
        part=part,
        name=name,
        kind=kind,
        scale=scale,
        value_kind=value_kind,
        unit=unit,
        direction=direction,
        baseline_value=baseline_value,
        baseline_on=baseline_on,
        target_value=target_value,
        target_on=target_on,
        collection=collection,
    )
    measure.clean()
    save_with_history(measure, by=by, reason="Measure defined")
    bump_version(innovation.organisation_id, innovation_id=innovation.pk)
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
        raise ValidationError(
            {
                "scale": "This measure has readings, so whether they are numbers or ratings "
                "cannot change."
            }
        )
    if has_readings and "part" in fields and fields["part"] != locked.part:
        raise ValidationError(
            {"part": "This measure has readings, so the part it measures cannot change."}
        )
    kind_changes = "value_kind" in fields and fields["value_kind"] != locked.value_kind
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.innovation = measure.innovation
    locked.clean()
    if kind_changes and has_readings and not locked.is_rated:
        _check_readings_fit(locked)
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


def _check_readings_fit(measure):
    """Refuse a new kind of value that a reading in use does not fit, naming the first such
    reading. One query."""
    for reading in measure.readings.current().order_by("observed_on", "recorded_at", "id"):
        found = value_kind_problem(reading.value, measure.value_kind)
        if found:
            kind, problem = found
            raise ValidationError(
                {
                    "value_kind": f"The reading of {format_number(reading.value)} on "
                    f"{format_date(reading.observed_on)} is not {kind}. {problem} Correct or "
                    "withdraw that reading first, or keep the kind of value."
                }
            )


@transaction.atomic
def copy_measure(measure, *, by, parts):
    """Copy `measure` (its definition, not its readings) to each of `parts`, which must be
    parts of the same innovation. A part that already has an active measure of that name at
    that stage is skipped. Returns (created measures, skipped parts)."""
    parts = list(parts)
    if not parts:
        raise ValidationError({"parts": "Choose at least one part to copy the measure to."})
    if not measure.is_active:
        raise ValidationError({"parts": "This measure is no longer in use; bring it back first."})
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
            **{name: getattr(measure, name) for name in MEASURE_DEFINITION},
        )
        save_with_history(copy, by=by, reason=f"Measure copied from measure {measure.pk}")
        created.append(copy)
        taken.add(part.pk)
    bump_version(measure.organisation_id, innovation_id=measure.innovation_id)
    return created, skipped


def _gather(errors, check, *args, **kwargs):
    """`check(*args, **kwargs)`, or None with its ValidationError added to `errors` (a dict of
    field name to messages), so that every field's problem is reported at once."""
    try:
        return check(*args, **kwargs)
    except ValidationError as refusal:
        refusal.update_error_dict(errors)
        return None


def build_reading(measure, *, by, observed_on, value, rating, part, story, evidence_url, today):
    """A validated, unsaved Reading of `measure`; raises ValidationError with every field's
    problem at once. Reads `measure.innovation` and `measure.part`."""
    if not measure.is_active:
        raise ValidationError({"measure": f"“{measure.name}” is no longer in use."})
    errors = {}
    _gather(errors, _check_part, part, measure.innovation)
    if measure.part_id is not None:
        if part is None:
            part = measure.part
        elif part.pk != measure.part_id:
            errors.setdefault("part", []).append(
                f"“{measure.name}” is measured for {measure.part.name} only."
            )
    _gather(errors, check_date, observed_on, "observed_on", "date observed", today=today)
    rating = rating or ""
    if measure.scale == Scale.RATED:
        if value is not None and str(value).strip():
            errors.setdefault("value", []).append(
                f"“{measure.name}” is rated on track, some concern or off track, not given a "
                "number."
            )
        _gather(
            errors,
            check_choice,
            rating,
            Rating,
            "rating",
            "Choose on track, some concern or off track.",
        )
        value = None
    else:
        if rating:
            errors.setdefault("rating", []).append(
                f"“{measure.name}” is measured in numbers, not rated."
            )
        blank = value is None or not str(value).strip()
        value = _gather(errors, to_decimal, value, "value", "value")
        if blank:
            errors.setdefault("value", []).append("Give the value.")
        elif value is not None:
            _gather(errors, check_value_kind, value, measure.value_kind, "value", "value")
    evidence_url = (evidence_url or "").strip()
    if evidence_url:
        try:
            URLValidator(schemes=["http", "https"])(evidence_url)
        except ValidationError:
            errors.setdefault("evidence_url", []).append(
                "Give the evidence link as a web address starting https:// or http://."
            )
        else:
            if len(evidence_url) > 500:
                errors.setdefault("evidence_url", []).append(
                    "Keep the evidence link to 500 characters."
                )
    if errors:
        raise ValidationError(errors)
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
        today=clock.localdate(),
    )
    save_with_history(reading, by=by, reason="Reading recorded")
    bump_version(measure.organisation_id, innovation_id=measure.innovation_id)
    return reading


# What a correction may change: the part a reading is of stays (withdraw it and record one
# for the right part instead).
READING_CORRECTIONS = ("observed_on", "value", "rating", "story", "evidence_url")


def _locked_reading(reading):
    """The reading, locked until the transaction ends (its row only: the rows selected with
    it are read, not locked)."""
    return (
        Reading.objects.select_for_update(of=("self",))
        .select_related("measure__innovation", "measure__part", "part", "withdrawn_by")
        .get(pk=reading.pk)
    )


def _withdrawn_words(reading):
    who = reading.withdrawn_by
    name = (who.get_full_name() or who.get_username()) if who else "someone"
    return f"{name} withdrew it on {format_date(timezone.localdate(reading.withdrawn_at))}"


@transaction.atomic
def correct_reading(reading, *, by, observed_on, value=None, rating="", story="", evidence_url=""):
    """Correct a reading in place: its date observed, value or rating, story and evidence
    link, checked as a new reading would be (against the measure's kind of value too). Only
    the fields that change are written, under a lock, and the reading's history keeps what
    it said before, who corrected it and when. A withdrawn reading is not corrected.

    Returns (reading, [(field, before, after)]); an unchanged reading writes nothing."""
    locked = _locked_reading(reading)
    if locked.is_withdrawn:
        raise ValidationError(
            {
                "reading": f"This reading is withdrawn ({_withdrawn_words(locked)}), so it is "
                "not corrected. A manager may restore it."
            }
        )
    built = build_reading(
        locked.measure,
        by=by,
        observed_on=observed_on,
        value=value,
        rating=rating,
        part=locked.part,
        story=story,
        evidence_url=evidence_url,
        today=clock.localdate(),
    )
    changes = [
        (name, getattr(locked, name), getattr(built, name))
        for name in READING_CORRECTIONS
        if getattr(locked, name) != getattr(built, name)
    ]
    if not changes:
        return locked, []
    for name, _before, after in changes:
        setattr(locked, name, after)
    save_with_history(
        locked, by=by, reason="Reading corrected", update_fields=[name for name, *_ in changes]
    )
    bump_version(locked.organisation_id)
    reading.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    return locked, changes


WITHDRAWN_REASON_LIMIT = 1000


@transaction.atomic
def withdraw_reading(reading, *, by, reason):
    """Withdraw a wrong reading, saying why. It is kept, with who withdrew it and when, and
    shown as withdrawn on its measure's page; it no longer counts anywhere else (statuses,
    charts, readiness, dashboards, the board report, exports). Final, except that a manager
    may restore it (`restore_reading`)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the reading is withdrawn."})
    if len(reason) > WITHDRAWN_REASON_LIMIT:
        raise ValidationError(
            {"reason": f"Keep the reason to {WITHDRAWN_REASON_LIMIT:,} characters."}
        )
    locked = _locked_reading(reading)
    if locked.is_withdrawn:
        raise ValidationError(
            {"reason": f"This reading is already withdrawn: {_withdrawn_words(locked)}."}
        )
    locked.withdrawn_at = clock.now()
    locked.withdrawn_by = by
    locked.withdrawn_reason = reason
    save_with_history(
        locked,
        by=by,
        reason="Reading withdrawn",
        update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"],
    )
    bump_version(locked.organisation_id)
    return locked


@transaction.atomic
def restore_reading(reading, *, by):
    """Bring a withdrawn reading back into use (a manager's decision, made in the view). Its
    history keeps the withdrawal and the restoring. Refused when its value no longer fits the
    measure's kind of value."""
    locked = _locked_reading(reading)
    if not locked.is_withdrawn:
        raise ValidationError({"reading": "This reading is not withdrawn."})
    found = (
        None
        if locked.measure.is_rated
        else value_kind_problem(locked.value, locked.measure.value_kind)
    )
    if found:
        kind, problem = found
        raise ValidationError(
            {
                "reading": f"Its value, {format_number(locked.value)}, is not {kind}, as the "
                f"measure's values now are. {problem} So it cannot be restored: record a "
                "new reading instead."
            }
        )
    locked.withdrawn_at = None
    locked.withdrawn_by = None
    locked.withdrawn_reason = ""
    save_with_history(
        locked,
        by=by,
        reason="Reading restored",
        update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"],
    )
    bump_version(locked.organisation_id)
    return locked


@transaction.atomic
def answer_check(part, *, by, answer, evidence, answered_on=None):
    """Answer the part's current stage's criterion and key question. A new row each time:
    earlier answers are kept. Evidence is required unless the answer is unknown."""
    today = clock.localdate()
    answered_on = answered_on or today
    check_choice(answer, Answer, "answer", "Choose yes, partly, no or unknown.")
    evidence = (evidence or "").strip()
    if not evidence and answer != Answer.UNKNOWN:
        raise ValidationError({"evidence": "Say what the answer rests on."})
    check_date(answered_on, "answered_on", "date answered", today=today)
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
    bump_version(part.organisation_id, innovation_id=part.innovation_id)
    return check


def reflection_text(notes):
    """The evidence of a reflection: each prompt's words, then what was said about it, with a
    blank line between prompts. `notes` is [(prompt, note)]; prompts left blank are left out."""
    return "\n\n".join(f"{prompt}\n{note.strip()}" for prompt, note in notes if note.strip())


@transaction.atomic
def reflect_on_prompts(part, *, by, notes, answered_on=None):
    """Record a reflection on the reflection prompts of the part's current stage, where the
    framework states no key question (Stage.key_question is empty). It is kept as a Check
    whose answer is 'unknown' (no question was answered) and whose evidence holds each
    prompt's words with what was said about it (`notes`, [(prompt, note)]), so a prompt
    reworded later keeps the words that were answered. A new row each time."""
    today = clock.localdate()
    answered_on = answered_on or today
    stage = part.stage
    errors = {}
    if stage.key_question:
        errors["notes"] = [
            f"The framework states {stage.name}'s key question: answer it rather than the prompts."
        ]
    evidence = reflection_text(notes)
    if not evidence:
        errors.setdefault("notes", []).append("Write about at least one of the prompts.")
    _gather(errors, check_date, answered_on, "answered_on", "date of the reflection", today=today)
    if errors:
        raise ValidationError(errors)
    check = Check(
        organisation_id=part.organisation_id,
        part=part,
        stage_id=part.stage_id,
        answer=Answer.UNKNOWN,
        evidence=evidence,
        answered_by=by,
        answered_on=answered_on,
    )
    save_with_history(check, by=by, reason="Reflection on the prompts recorded")
    bump_version(part.organisation_id, innovation_id=part.innovation_id)
    return check


@transaction.atomic
def record_involvement(part, *, by, level, who, note, recorded_on=None, stage=None):
    """How children, young people or families took part in the part's work at `stage` (the
    part's current stage unless given). A new row each time; the latest is current."""
    today = clock.localdate()
    recorded_on = recorded_on or today
    stage = part.stage if stage is None else _stage(stage)
    check_choice(level, Level, "level", "Choose how they took part.")
    check_choice(who, Who, "who", "Choose who took part.")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "Say how they took part and what came of it."})
    check_date(recorded_on, "recorded_on", "date", today=today)
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
    bump_version(part.organisation_id, innovation_id=part.innovation_id)
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
            raise ValidationError(
                {"note": "Write the note: better for whom? What risks, whose power?"}
            )
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
            raise ValidationError(
                {"note": "Someone wrote this note at the same moment; open it again to see theirs."}
            ) from None
    else:
        if existing.note == note:
            return existing
        ethics = existing
        ethics.note = note
        ethics.updated_by = by
        ethics.updated_at = clock.now()
        save_with_history(ethics, by=by, reason="Ethics note rewritten")
    bump_version(innovation.organisation_id, innovation_id=innovation.pk)
    return ethics
