"""Each part's answers to its stage's key question, how children, young people and families
took part, and the innovation's ethics note per stage. Also what the innovation page, the move
form and the history feed show of them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from assessments import queries, services, session_queries
from assessments.models import Check, EthicsNote, Involvement
from assessments.queries import PartMeasure, readiness_summary, status_for_part
from innovate.access import get_innovation_for, get_part_for
from innovate.evidence_forms import CheckForm, EthicsNoteForm, InvolvementForm
from innovate.http import HttpRequest, respond
from innovate.views import see_other
from innovate.views.evidence import closed, posted
from stages.models import Part, Role, Stage

NOT_STATED = "Not stated in the framework text"


def _need(request):
    return Role.VIEWER if request.method == "GET" else Role.LEADER


def _person(user):
    if user is None:
        return "System"
    return user.get_full_name() or user.get_username()


# The key question


def check_context(part, membership, form):
    stage = part.stage
    return {
        "part": part,
        "innovation": part.innovation,
        "stage": stage,
        "not_stated": NOT_STATED,
        "answers": queries.check_history(part),
        "form": form,
        "may_write": membership.may(Role.LEADER) and not part.innovation.is_closed,
        "nav": "innovations",
    }


@require_http_methods(["GET", "POST"])
@login_required
def part_check(request: HttpRequest, pk: int):
    """The part's current stage's criterion and key question (or, where the framework states
    none, its reflection prompts), the form to answer it, and every earlier answer."""
    part, membership = get_part_for(request, pk, need=_need(request))
    if request.method == "POST" and part.innovation.is_closed:
        return closed(request, part.innovation)
    form = CheckForm(posted(request))
    if request.method == "GET":
        context = check_context(part, membership, form)
        return respond(request, "evidence/check.html", context, partial="check-body")
    if form.is_valid():
        data = form.cleaned_data
        try:
            check = services.answer_check(
                part,
                by=request.user,
                answer=data["answer"],
                evidence=data["evidence"],
                answered_on=data["answered_on"],
            )
        except ValidationError as refusal:
            form.refuse(refusal)
        else:
            messages.success(
                request,
                f"Answer recorded for {part.name} at {part.stage.name}: "
                f"{check.get_answer_display().lower()}.",
            )
            if request.htmx:
                context = check_context(part, membership, CheckForm())
                return respond(request, "evidence/check.html", context, partial="check-body")
            return see_other(reverse("evidence:check", args=[part.pk]))
    context = check_context(part, membership, form)
    return respond(request, "evidence/check.html", context, partial="check-body", status=422)


# Involvement


def involvement_context(part, membership, form):
    records = list(
        Involvement.objects.filter(part=part)
        .select_related("stage", "recorded_by")
        .order_by("-recorded_on", "-recorded_at", "-id")
    )
    return {
        "part": part,
        "innovation": part.innovation,
        "records": records,
        "current": next((r for r in records if r.stage_id == part.stage_id), None),
        "form": form,
        "may_write": membership.may(Role.LEADER) and not part.innovation.is_closed,
        "nav": "innovations",
    }


@require_http_methods(["GET", "POST"])
@login_required
def part_involvement(request: HttpRequest, pk: int):
    """How children, young people and families took part in the part's work, stage by stage,
    and the form to record it."""
    part, membership = get_part_for(request, pk, need=_need(request))
    if request.method == "POST" and part.innovation.is_closed:
        return closed(request, part.innovation)
    form = InvolvementForm(posted(request), part=part)
    if request.method == "GET":
        context = involvement_context(part, membership, form)
        return respond(request, "evidence/involvement.html", context, partial="involvement-body")
    if form.is_valid():
        data = form.cleaned_data
        try:
            record = services.record_involvement(
                part,
                by=request.user,
                level=data["level"],
                who=data["who"],
                note=data["note"],
                recorded_on=data["recorded_on"],
                stage=data["stage"],
            )
        except ValidationError as refusal:
            form.refuse(refusal)
        else:
            messages.success(
                request, f"Recorded for {part.name}: {record.describe()} in {record.stage.name}."
            )
            if request.htmx:
                context = involvement_context(part, membership, InvolvementForm(part=part))
                return respond(
                    request, "evidence/involvement.html", context, partial="involvement-body"
                )
            return see_other(reverse("evidence:involvement", args=[part.pk]))
    context = involvement_context(part, membership, form)
    return respond(
        request, "evidence/involvement.html", context, partial="involvement-body", status=422
    )


# Ethics notes


def ethics_context(innovation, stage, membership, form):
    note = (
        EthicsNote.objects.filter(innovation=innovation, stage=stage)
        .select_related("updated_by")
        .first()
    )
    wordings = list(
        EthicsNote.history.filter(innovation_id=innovation.pk, stage_id=stage.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )
    return {
        "innovation": innovation,
        "stage": stage,
        "note": note,
        "earlier": wordings[1:] if note is not None else wordings,
        "parts_here": list(
            Part.objects.filter(innovation=innovation, stage=stage).order_by("name")
        ),
        "form": form,
        "may_write": membership.may(Role.LEADER) and not innovation.is_closed,
        "nav": "innovations",
    }


@require_http_methods(["GET", "POST"])
@login_required
def ethics_note(request: HttpRequest, pk: int, number: int):
    """The innovation's ethics note for one stage: better for whom? What risks, whose power?
    Rewriting it keeps every earlier wording."""
    innovation, membership = get_innovation_for(request, pk, need=_need(request))
    stage = Stage.objects.filter(number=number).first()
    if stage is None:
        raise Http404("No such stage")
    if request.method == "POST" and innovation.is_closed:
        return closed(request, innovation)
    existing = EthicsNote.objects.filter(innovation=innovation, stage=stage).first()
    form = EthicsNoteForm(posted(request), initial={"note": existing.note if existing else ""})
    if request.method == "GET":
        context = ethics_context(innovation, stage, membership, form)
        return respond(request, "evidence/ethics.html", context, partial="ethics-body")
    if form.is_valid():
        try:
            saved = services.set_ethics_note(
                innovation, stage, by=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as refusal:
            form.refuse(refusal)
        else:
            if existing is not None and existing.note == saved.note:
                messages.info(request, "The note is unchanged.")
            elif not saved.note:
                messages.success(request, f"Ethics note for {stage.name} cleared.")
            else:
                messages.success(request, f"Ethics note for {stage.name} saved.")
            if request.htmx:
                context = ethics_context(
                    innovation, stage, membership, EthicsNoteForm(initial={"note": saved.note})
                )
                return respond(request, "evidence/ethics.html", context, partial="ethics-body")
            return see_other(reverse("evidence:ethics", args=[innovation.pk, stage.number]))
    context = ethics_context(innovation, stage, membership, form)
    return respond(request, "evidence/ethics.html", context, partial="ethics-body", status=422)


# What other pages show


def innovation_evidence(innovation, membership, parts, today=None):
    """The evidence section of the innovation page: measures with their statuses, coverage
    gaps, each part's answer and involvement at its current stage, and the ethics notes of the
    stages that hold parts. `parts` have their stage selected. Eight queries."""
    today = today or timezone.localdate()
    measures = queries.measures_with_status(innovation, today)
    checks = queries.current_checks(innovation)
    involvement = queries.involvement_by_part(innovation)
    notes = {
        note.stage.number: note
        for note in EthicsNote.objects.filter(innovation=innovation).select_related(
            "stage", "updated_by"
        )
    }
    rows = []
    stages = {}
    for part in parts:
        check, took_part = checks.get(part.pk), involvement.get(part.pk)
        lines = [
            PartMeasure(measure, *status_for_part(measure, part.pk, today))
            for measure in measures
            if measure.stage_id == part.stage_id and measure.part_id in (None, part.pk)
        ]
        rows.append(
            {
                "part": part,
                "check": check,
                "involvement": took_part,
                "summary": readiness_summary(part.stage, lines, check, took_part),
            }
        )
        stages.setdefault(part.stage.number, [part.stage, []])[1].append(part)
    for number, note in notes.items():
        stages.setdefault(number, [note.stage, []])
    for measure in measures:
        measure.latest_text = (
            (
                f"{measure.latest.shown}"
                f"{' ' + measure.unit if measure.unit and not measure.latest.rating else ''}"
            )
            if measure.latest
            else ""
        )
    return {
        "evidence": {
            "measures": measures,
            "gaps": queries.coverage(innovation),
            "parts": rows,
            "ethics": [
                {"stage": stage, "parts": here, "note": notes.get(number)}
                for number, (stage, here) in sorted(stages.items())
            ],
            "may_write": membership.may(Role.LEADER) and not innovation.is_closed,
        }
    }


def move_readiness(part, today=None):
    """What the move form shows of the part's readiness at its current stage, and the words
    its evidence field starts with, so the decision can cite it. Five queries."""
    readiness = queries.readiness(part, today or timezone.localdate())
    readiness["evidence"] = f"Readiness at {readiness['stage'].name}: {readiness['summary']}."
    return readiness


def evidence_history(innovation):
    """Entries for the innovation's history feed: every involvement record, every answer to a
    key question, every wording of an ethics note and every note or attendee removed from a
    reflection session. Four queries."""
    entries = []
    for record in Involvement.objects.filter(part__innovation=innovation).select_related(
        "part", "stage", "recorded_by"
    ):
        entries.append(
            _entry(
                record.recorded_at,
                record.recorded_by,
                f"{record.get_who_display()} {record.get_level_display().lower()} in "
                f"{record.stage.name}",
                record.note,
                subject=record.part.name,
            )
        )
    for check in Check.objects.filter(part__innovation=innovation).select_related(
        "part", "stage", "answered_by"
    ):
        subject = check.stage.criterion or "Key question"
        entries.append(
            _entry(
                check.recorded_at,
                check.answered_by,
                f"{subject} at {check.stage.name} answered “{check.get_answer_display().lower()}”",
                check.evidence,
                subject=check.part.name,
            )
        )
    for row in (
        EthicsNote.history.filter(innovation_id=innovation.pk)
        .select_related("history_user", "stage")
        .order_by("history_date", "history_id")
    ):
        if row.history_type == "+":
            done = "written"
        elif row.note:
            done = "edited"
        else:
            done = "cleared"
        entries.append(
            _entry(
                row.history_date,
                row.history_user,
                f"Ethics note for {row.stage.name} {done}",
                row.note,
            )
        )
    for row in session_queries.removals(innovation.pk):
        entries.append(
            {
                **_entry(
                    row["removed_on"],
                    None,
                    f"{row['what'].capitalize()} removed from the session “{row['session_title']}”",
                    row["words"],
                ),
                "who": (
                    f"{row['first_name'] or ''} {row['last_name'] or ''}".strip()
                    or row["username"]
                    or "System"
                ),
            }
        )
    return entries


def _entry(when, who, headline, note, *, subject=""):
    text = " ".join((note or "").split())
    return {
        "when": when,
        "who": _person(who),
        "subject": subject,
        "headline": headline,
        "note": text if len(text) <= 300 else text[:299] + "…",
        "include": "evidence/_history_entry.html",
        "reason": "",
        "changes": [],
        "move": None,
        "action": headline,
    }
