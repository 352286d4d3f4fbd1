import copy
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.utils import ErrorDict
from django.template.loader import render_to_string
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget

from innovate.access import get_innovation_for, get_part_for
from innovate.evidence.context import innovation_evidence, move_readiness
from innovate.http import HttpRequest, closed, edit_conflict, posted, respond, see_other
from innovate.innovations import withdrawals
from innovate.innovations.forms import BulkPartsForm, MoveForm, NewPartForm, PartForm, VoidForm
from innovate.innovations.views import overview_context
from stages import services
from stages.models import Move, MoveKind, Part, Role, Stage
from stages.rules import allowed_kinds
from stages.services import EditConflict, MoveConflict, MoveRefused


@require_http_methods(["GET", "POST"])
@login_required
def part_create(request: HttpRequest, pk: int):
    innovation, membership = get_innovation_for(request, pk, need=Role.LEADER)
    if innovation.is_closed:
        return closed(request, innovation, "change its parts")
    form = NewPartForm(posted(request), innovation=innovation)
    context = {"form": form, "innovation": innovation}
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                part = services.start_part(
                    innovation,
                    by=request.user,
                    name=data["name"],
                    kind=data["kind"],
                    lead=data["lead"],
                    next_review_on=data["next_review_on"],
                    stage=data["stage"],
                    effective_on=data["effective_on"],
                    rationale=data["rationale"],
                )
            except (MoveRefused, ValidationError) as refusal:
                form.refuse(refusal)
            else:
                messages.success(request, f"{part.name} added in {part.stage.name}.")
                return see_other(innovation.get_absolute_url())
        return respond(request, "parts/form.html", context, status=422)
    return respond(request, "parts/form.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def part_bulk_create(request: HttpRequest, pk: int):
    innovation, membership = get_innovation_for(request, pk, need=Role.LEADER)
    if innovation.is_closed:
        return closed(request, innovation, "change its parts")
    form = BulkPartsForm(posted(request), innovation=innovation)
    context = {"form": form, "innovation": innovation}
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    for name in data["names"]:
                        services.start_part(
                            innovation,
                            by=request.user,
                            name=name,
                            kind=data["kind"],
                            stage=data["stage"],
                            effective_on=data["effective_on"],
                            rationale=data["rationale"],
                        )
            except (MoveRefused, ValidationError) as refusal:
                form.refuse(refusal)
            else:
                count = len(data["names"])
                messages.success(request, f"{count} part{'s' if count != 1 else ''} added.")
                return see_other(innovation.get_absolute_url())
        return respond(request, "parts/bulk.html", context, status=422)
    return respond(request, "parts/bulk.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def part_edit(request: HttpRequest, pk: int):
    part, membership = get_part_for(request, pk, need=Role.LEADER, withdrawn=True)
    if part.withdrawal is not None:
        return withdrawals.notice(request, part, status=409 if request.method == "POST" else 200)
    innovation = part.innovation
    # The form edits a copy, so the page's heading keeps the part's name as it is stored.
    form = PartForm(posted(request), instance=copy.copy(part), innovation=innovation)
    context = {"form": form, "innovation": innovation, "part": part}
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_part(
                    part, by=request.user, seen=form.cleaned_data["seen"], **form.edits()
                )
            except EditConflict as conflict:
                return edit_conflict(request, "parts/form.html", context, form, conflict)
            messages.success(request, "Changes saved.")
            return see_other(innovation.get_absolute_url())
        return respond(request, "parts/form.html", context, status=422)
    return respond(request, "parts/form.html", context)


def _embedded(request):
    """True when the form is shown inside another page (the innovation page's move panel),
    False when the form is the page itself: then it has the page's h1, and a success takes
    the browser to the innovation page."""
    if not request.htmx:
        return False
    current = request.htmx.current_url_abs_path
    return current is None or urlsplit(current).path != request.path


def _overview_response(request, innovation, membership):
    """After a successful htmx move: the innovation's wheel and parts, swapped in place; or,
    from the form's own page, the innovation page."""
    if not _embedded(request):
        return HttpResponseClientRedirect(innovation.get_absolute_url())
    context = overview_context(innovation, membership)
    # Rendered afresh, not from the cache: the innovation has just changed.
    context["overview_html"] = render_to_string(
        "innovations/detail.html#overview-body", context, request
    )
    response = respond(request, "innovations/detail.html", context, partial="overview")
    # The evidence section follows each part's stage, so it is swapped too, out of band.
    parts = [row["part"] for row in context["rows"]]
    evidence = {**context, **innovation_evidence(innovation, membership, parts), "oob": True}
    response.content += render_to_string(
        "evidence/_innovation_evidence.html", evidence, request
    ).encode()
    return reswap(retarget(response, "#overview"), "innerHTML")


def _moved_meanwhile(context, form, conflict):
    """Someone else moved the part since the form was shown: the page says who and where the
    part is now (includes/_move_conflict.html), and the form keeps the input, now at the part's
    new version so that it can be sent again."""
    context["conflict"] = conflict
    form.data = form.data.copy()
    form.data["expected_version"] = conflict.part.version


@require_http_methods(["GET", "POST"])
@login_required
def part_move(request: HttpRequest, pk: int):
    part, membership = get_part_for(request, pk, need=Role.LEADER, withdrawn=True)
    if part.withdrawal is not None:
        return withdrawals.notice(request, part, status=409 if request.method == "POST" else 200)
    innovation = part.innovation
    if innovation.is_closed:
        return closed(request, innovation, "change its parts")
    position = part.position
    kinds = [k for k in allowed_kinds(position) if k != MoveKind.VOID]

    def siblings():
        return list(
            Part.objects.filter(innovation=innovation).exclude(pk=part.pk).select_related("stage")
        )

    # A decision sent for this part alone needs the other parts only if the form is shown again.
    alone = request.method == "POST" and not request.POST.getlist("also")
    form = MoveForm(posted(request), part=part, kinds=kinds, siblings=None if alone else siblings())
    context = {
        "form": form,
        "part": part,
        "innovation": innovation,
        "embedded": _embedded(request),
    }

    def render(status=200):
        # The reminders, the readiness and the other parts are read only when the form is shown.
        if not form.siblings_read:
            form.offer(siblings())
        readiness = move_readiness(part)
        if not form.is_bound:
            form.initial["evidence"] = readiness["evidence"]
        stages = {s.number: s for s in Stage.objects.all()}
        context.update(readiness=readiness, stages=stages, current_stage=stages[part.stage.number])
        return respond(request, "parts/move.html", context, partial="move-form", status=status)

    if request.method == "GET":
        return render()
    shown_at = request.POST.get("expected_version", "")
    if shown_at.isdigit() and len(shown_at) < 10 and int(shown_at) != part.version:
        # The part moved since the form was shown: the choices it offered may no longer
        # apply, so say who moved it before judging the input against the new position.
        _moved_meanwhile(context, form, MoveConflict(part, services.latest_move(part)))
        form._errors = ErrorDict()  # input kept, not judged against choices it was not shown
        return render(409)
    if not form.is_valid():
        return render(422)
    data = form.cleaned_data
    decision = {
        "kind": data["kind"],
        "to_stage": data["to_stage"],
        "reason": data["reason"],
        "rationale": data["rationale"],
        "evidence": data["evidence"],
        "effective_on": data["effective_on"],
        "review_on": data["review_on"],
    }
    try:
        outcomes = services.move_parts(
            part,
            form.also_parts(),
            by=request.user,
            expected_version=data["expected_version"],
            **decision,
        )
    except MoveRefused as refusal:
        form.refuse(refusal)
        return render(422)
    except MoveConflict as conflict:
        _moved_meanwhile(context, form, conflict)
        return render(409)
    moved = [outcome.move.describe() for outcome in outcomes if outcome.moved]
    messages.success(request, "; ".join(moved) + ".")
    for outcome in outcomes:
        if not outcome.moved:
            messages.warning(request, f"{outcome.name} did not move: {outcome.refusal}")
    if request.htmx:
        return _overview_response(request, innovation, membership)
    return see_other(innovation.get_absolute_url())


@require_http_methods(["GET", "POST"])
@login_required
def part_void(request: HttpRequest, pk: int):
    part, membership = get_part_for(request, pk, need=Role.LEADER, withdrawn=True)
    if part.withdrawal is not None:
        return withdrawals.notice(request, part, status=409 if request.method == "POST" else 200)
    innovation = part.innovation
    if innovation.is_closed:
        return closed(request, innovation, "change its parts")
    latest = (
        Move.objects.live()
        .filter(part=part)
        .select_related("to_stage", "from_stage", "recorded_by", "part")
        .order_by("-seq")
        .first()
    )
    form = VoidForm(posted(request), initial={"expected_version": part.version})
    context = {
        "form": form,
        "part": part,
        "innovation": innovation,
        "latest": latest if latest and latest.kind != MoveKind.START else None,
        "embedded": _embedded(request),
    }
    if request.method == "GET":
        return respond(request, "parts/void.html", context, partial="void-form")
    if not form.is_valid():
        return respond(request, "parts/void.html", context, partial="void-form", status=422)
    try:
        move = services.move_part(
            part,
            kind=MoveKind.VOID,
            by=request.user,
            reason=form.cleaned_data["reason"],
            rationale=form.cleaned_data["rationale"],
            expected_version=form.cleaned_data["expected_version"],
        )
    except MoveRefused as refusal:
        form.refuse(refusal)
        return respond(request, "parts/void.html", context, partial="void-form", status=422)
    except MoveConflict as conflict:
        _moved_meanwhile(context, form, conflict)
        return respond(request, "parts/void.html", context, partial="void-form", status=409)
    messages.success(request, move.describe() + ".")
    if request.htmx:
        return _overview_response(request, innovation, membership)
    return see_other(innovation.get_absolute_url())
