"""Withdrawing an innovation or a part created by mistake, the managers' page of what is
withdrawn, and restoring. A withdrawn innovation or part is kept with its history; it is gone
from every list, count, picture, report and export until a manager restores it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from innovate.access import (
    get_innovation_for,
    get_part_for,
    get_withdrawn_for,
    organisation_for,
)
from innovate.http import HttpRequest, posted, respond, see_other
from innovate.innovations.forms import WithdrawForm
from stages import queries, services
from stages.models import Innovation, Part, Role


def notice(request, obj, *, status=200):
    """A manager's page of a withdrawn innovation or part (or a part of a withdrawn
    innovation): who withdrew it, when and why, and a button to restore it."""
    withdrawal = obj if isinstance(obj, Innovation) else obj.withdrawal
    return respond(
        request,
        "innovations/withdrawn_notice.html",
        {
            "obj": obj,
            "withdrawal": withdrawal,
            "restore_url": restore_url(withdrawal),
            "what": "innovation" if isinstance(withdrawal, Innovation) else "part",
        },
        status=status,
    )


def restore_url(obj):
    if isinstance(obj, Innovation):
        return reverse("innovations:restore", args=[obj.pk])
    return reverse("parts:restore", args=[obj.pk])


@require_http_methods(["GET", "POST"])
@login_required
def innovation_withdraw(request: HttpRequest, pk: int):
    innovation, membership = get_innovation_for(request, pk, need=Role.LEADER)
    form = WithdrawForm(posted(request))
    context = {"form": form, "obj": innovation, "innovation": innovation, "what": "innovation"}
    if request.method == "POST":
        if form.is_valid():
            try:
                services.withdraw_innovation(
                    innovation, by=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as refusal:
                form.refuse(refusal)
            else:
                messages.success(
                    request,
                    f"{innovation.title} is withdrawn, with its parts. A manager can restore it "
                    "from the withdrawn page.",
                )
                return see_other("innovations:list")
        return respond(request, "innovations/withdraw.html", context, status=422)
    return respond(request, "innovations/withdraw.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def part_withdraw(request: HttpRequest, pk: int):
    part, membership = get_part_for(request, pk, need=Role.LEADER, withdrawn=True)
    if part.withdrawal is not None:
        return notice(request, part, status=409 if request.method == "POST" else 200)
    innovation = part.innovation
    form = WithdrawForm(posted(request))
    context = {"form": form, "obj": part, "innovation": innovation, "what": "part"}
    if request.method == "POST":
        if form.is_valid():
            try:
                services.withdraw_part(part, by=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as refusal:
                form.refuse(refusal)
            else:
                messages.success(
                    request,
                    f"{part.name} is withdrawn. A manager can restore it from the withdrawn page.",
                )
                return see_other(innovation.get_absolute_url())
        return respond(request, "innovations/withdraw.html", context, status=422)
    return respond(request, "innovations/withdraw.html", context)


@require_GET
@login_required
def withdrawn_list(request: HttpRequest):
    membership = organisation_for(request, need=Role.MANAGER)
    innovations, parts = queries.withdrawn(membership.organisation)
    return respond(
        request, "innovations/withdrawn.html", {"innovations": innovations, "parts": parts}
    )


def _restore(request, obj, restore, back):
    try:
        restore(obj, by=request.user)
    except ValidationError as refusal:
        for problem in refusal.messages:
            messages.error(request, problem)
        return see_other("innovations:withdrawn")
    messages.success(request, f"{obj} is restored.")
    return see_other(back)


@require_POST
@login_required
def innovation_restore(request: HttpRequest, pk: int):
    innovation, membership = get_withdrawn_for(request, Innovation, pk)
    return _restore(request, innovation, services.restore_innovation, innovation.get_absolute_url())


@require_POST
@login_required
def part_restore(request: HttpRequest, pk: int):
    part, membership = get_withdrawn_for(request, Part, pk)
    return _restore(request, part, services.restore_part, part.get_absolute_url())
