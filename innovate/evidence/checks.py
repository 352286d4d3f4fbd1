"""Each part's answers to its stage's key question, how children, young people and families
took part, and the innovation's ethics note per stage. Also what the innovation page, the move
form and the history feed show of them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from assessments.models import EthicsNote, Involvement
from assessments.queries import evidence as queries
from assessments.services import evidence as services
from innovate.access import get_innovation_for, get_part_for
from innovate.evidence.forms import EthicsNoteForm, InvolvementForm, ReflectionForm
from innovate.forms import CheckForm
from innovate.http import HttpRequest, closed, posted, respond, see_other
from stages.models import Part, Role, Stage

NOT_STATED = "Not stated in the framework text"


def _need(request):
    return Role.VIEWER if request.method == "GET" else Role.LEADER


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
    }


@require_http_methods(["GET", "POST"])
@login_required
def part_check(request: HttpRequest, pk: int):
    """The part's current stage's criterion and key question (or, where the framework states
    none, its reflection prompts), the form to answer it, and every earlier answer."""
    part, membership = get_part_for(request, pk, need=_need(request))
    if request.method == "POST" and part.innovation.is_closed:
        return closed(request, part.innovation)
    if not part.stage.key_question:
        return _reflection(request, part, membership)
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


def _reflection(request, part, membership):
    """The check page of a stage whose key question the framework does not state: it says so
    and asks the stage's reflection prompts instead, a box per prompt."""
    form = ReflectionForm(posted(request), stage=part.stage)
    if request.method == "GET":
        context = check_context(part, membership, form)
        return respond(request, "evidence/check.html", context, partial="check-body")
    if form.is_valid():
        try:
            services.reflect_on_prompts(
                part,
                by=request.user,
                notes=form.notes(),
                answered_on=form.cleaned_data["answered_on"],
            )
        except ValidationError as refusal:
            form.refuse(refusal)
        else:
            messages.success(request, f"Reflection recorded for {part.name} at {part.stage.name}.")
            if request.htmx:
                blank = ReflectionForm(stage=part.stage)
                context = check_context(part, membership, blank)
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
        return closed(request, innovation, "record evidence")
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
