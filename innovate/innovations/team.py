"""An innovation's team page: its lead, contributors and guests, whether it is restricted, and
taking someone off it. A manager or the innovation's lead changes it; everyone who sees the
innovation may read it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from innovate.access import get_innovation_for, may_change_team, require_team_lead
from innovate.http import HttpRequest, posted, respond, see_other
from innovate.innovations.forms import TeamForm
from stages import clock, teams
from stages.models import TeamMember, TeamRole


def _places(innovation):
    """(contributors, guests) now on the innovation's team, and the guests whose access has
    ended or who were removed. One query."""
    today = clock.localdate()
    current, guests, ended = [], [], []
    for place in (
        TeamMember.objects.filter(innovation=innovation)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "pk")
    ):
        if place.until is None:
            if place.is_current(today) and place.user.is_active:
                current.append(place)
        elif place.is_current(today) and place.user.is_active:
            guests.append(place)
        else:
            ended.append(place)
    return current, guests, ended


def url_for(innovation):
    return reverse("innovations:team", args=[innovation.pk])


@require_http_methods(["GET", "POST"])
@login_required
def team(request: HttpRequest, pk: int):
    innovation, membership = get_innovation_for(request, pk)
    may_change = may_change_team(membership)
    if request.method == "POST":
        require_team_lead(membership)
    contributors, guests, ended = _places(innovation)
    form = TeamForm(
        posted(request),
        organisation=membership.organisation,
        initial={
            "lead": innovation.lead_id,
            "contributors": [p.user_id for p in contributors if p.role != TeamRole.VIEWER],
            "viewers": [p.user_id for p in contributors if p.role == TeamRole.VIEWER],
            "restricted": innovation.restricted,
        },
    )
    context = {
        "innovation": innovation,
        "form": form,
        "contributors": [p for p in contributors if p.role != TeamRole.VIEWER],
        "shared": [p for p in contributors if p.role == TeamRole.VIEWER],
        "guests": guests,
        "ended": ended,
        "may_change": may_change,
        "viewer_role": TeamRole.VIEWER,
    }
    if request.method == "POST":
        if form.is_valid():
            try:
                teams.set_team(
                    innovation,
                    by=request.user,
                    lead=form.cleaned_data["lead"],
                    contributors=list(form.cleaned_data["contributors"]),
                    viewers=list(form.cleaned_data["viewers"]),
                    restricted=form.cleaned_data["restricted"],
                )
            except ValidationError as refusal:
                form.refuse(refusal)
            else:
                messages.success(request, "Team saved.")
                return see_other(url_for(innovation))
        return respond(request, "innovations/team.html", context, status=422)
    return respond(request, "innovations/team.html", context)


@require_POST
@login_required
def remove_place(request: HttpRequest, pk: int, place_pk: int):
    innovation, membership = get_innovation_for(request, pk)
    require_team_lead(membership)
    place = get_object_or_404(
        TeamMember.objects.select_related("user"), pk=place_pk, innovation=innovation
    )
    teams.remove_place(place, by=request.user)
    name = place.user.get_full_name() or place.user.get_username()
    messages.success(request, f"{name} no longer has a place on {innovation.title}.")
    return see_other(url_for(innovation))
