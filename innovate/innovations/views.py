import copy
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F, OuterRef, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from innovate.access import (
    get_innovation_for,
    may_change_team,
    organisation_for,
    visible_innovations,
)
from innovate.caching import fragments
from innovate.evidence.context import innovation_evidence
from innovate.forms import organisation_changed
from innovate.http import HttpRequest, edit_conflict, posted, respond, see_other
from innovate.innovations import withdrawals
from innovate.innovations.forms import (
    CloseForm,
    InnovationFilterForm,
    InnovationForm,
    ReopenForm,
)
from innovate.pictures.wheel import Marker, wheel_svg
from networks import directory as network_directory
from stages import services
from stages.models import Move, MoveKind, Part, Role, Stage, State
from stages.rules import MoveRefused
from stages.services import EditConflict

PAGE_SIZE = 25


@require_GET
@login_required
def innovation_list(request: HttpRequest):
    membership = organisation_for(request, guests=True)
    seen = visible_innovations(membership)
    form = InnovationFilterForm(request.GET or None)
    last_move = (
        Move.objects.filter(part__innovation=OuterRef("pk"))
        .order_by("-effective_on", "-seq")
        .values("effective_on")[:1]
    )
    innovations = (
        form.filter(seen)
        .select_related("lead")
        .annotate(last_moved_on=Subquery(last_move))
        .order_by("title")
    )
    page = Paginator(innovations, PAGE_SIZE).get_page(request.GET.get("page"))
    parts = defaultdict(list)
    for part in (
        Part.objects.filter(innovation__in=[i.pk for i in page])
        .select_related("stage")
        .order_by("stage__number", "name")
    ):
        parts[part.innovation_id].append(part)
    rows = [(innovation, _where(parts[innovation.pk])) for innovation in page]
    tags = sorted(
        {tag for text in seen.values_list("tags_text", flat=True) for tag in text.split(",") if tag}
    )
    query = request.GET.copy()
    query.pop("page", None)
    return respond(
        request,
        "innovations/list.html",
        {
            "form": form,
            "rows": rows,
            "page": page,
            "tags": tags,
            "query": query.urlencode(),
            "may_write": membership.may(Role.LEADER),
            "may_manage": membership.may(Role.MANAGER),
        },
        partial="results",
    )


def _where(parts):
    """[(stage number, stage name, counts by state)] for a row of the list."""
    grouped, names = {}, {}
    for part in parts:
        entry = grouped.setdefault(part.stage.number, {s: 0 for s in State.values})
        entry[part.state] += 1
        names[part.stage.number] = part.stage.name
    return [(n, names[n], grouped[n]) for n in sorted(grouped)]


@require_http_methods(["GET", "POST"])
@login_required
def innovation_create(request: HttpRequest):
    membership = organisation_for(request, need=Role.LEADER)
    form = InnovationForm(posted(request), organisation=membership.organisation)
    if request.method == "POST":
        if changed := organisation_changed(request, membership):
            form.add_error(None, changed)
            return respond(request, "innovations/form.html", {"form": form}, status=409)
        if form.is_valid():
            innovation = form.save(commit=False)
            created = services.create_innovation(
                membership.organisation,
                by=request.user,
                title=innovation.title,
                summary=innovation.summary,
                prompted_by=innovation.prompted_by,
                better_for_whom=innovation.better_for_whom,
                lead=innovation.lead,
                tags=innovation.tags,
            )
            messages.success(request, f"{created.title} created. Now add its parts.")
            return see_other(created.get_absolute_url())
        return respond(request, "innovations/form.html", {"form": form}, status=422)
    return respond(request, "innovations/form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@login_required
def innovation_edit(request: HttpRequest, pk: int):
    innovation, membership = get_innovation_for(request, pk, need=Role.LEADER)
    # The form edits a copy, so the page's heading keeps the title as it is stored.
    form = InnovationForm(
        posted(request), instance=copy.copy(innovation), organisation=membership.organisation
    )
    if not may_change_team(membership):
        # The lead is part of the team: only a manager or the lead changes it.
        form.fields["lead"].disabled = True
        form.fields["lead"].help_text = "A manager or the innovation's lead changes it."
    context = {"form": form, "innovation": innovation}
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_innovation(
                    innovation, by=request.user, seen=form.cleaned_data["seen"], **form.edits()
                )
            except EditConflict as conflict:
                return edit_conflict(request, "innovations/form.html", context, form, conflict)
            messages.success(request, "Changes saved.")
            return see_other(innovation.get_absolute_url())
        return respond(request, "innovations/form.html", context, status=422)
    return respond(request, "innovations/form.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def innovation_close(request: HttpRequest, pk: int):
    innovation, membership = get_innovation_for(request, pk, need=Role.LEADER)
    form = CloseForm(posted(request), initial={"learning": innovation.learning})
    context = {"form": form, "innovation": innovation}
    if innovation.is_closed:
        messages.info(request, "This innovation is already closed.")
        return see_other(innovation.get_absolute_url())
    if request.method == "POST":
        if form.is_valid():
            try:
                services.close_innovation(
                    innovation,
                    by=request.user,
                    learning=form.cleaned_data["learning"],
                    outcome=form.cleaned_data["outcome"],
                )
            except (MoveRefused, ValidationError) as refusal:
                form.refuse(refusal)
            else:
                messages.success(request, f"{innovation.title} is closed. Its learning is kept.")
                return see_other(innovation.get_absolute_url())
        return respond(request, "innovations/close.html", context, status=422)
    return respond(request, "innovations/close.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def innovation_reopen(request: HttpRequest, pk: int):
    """Reopen a closed innovation, restarting the parts its closing stopped that are ticked."""
    innovation, membership = get_innovation_for(request, pk, need=Role.LEADER)
    if not innovation.is_closed:
        messages.info(request, "This innovation is open.")
        return see_other(innovation.get_absolute_url())
    stopped = services.stopped_by_closing(innovation)
    form = ReopenForm(posted(request), parts=stopped)
    if form.is_valid():
        try:
            restarted = services.reopen_innovation(
                innovation, by=request.user, restart=form.cleaned_data["restart"]
            )
        except (MoveRefused, ValidationError) as refusal:
            form.refuse(refusal)
        else:
            done = f"{innovation.title} is open again."
            if restarted:
                done = f"{done} Restarted: {', '.join(part.name for part in restarted)}."
            messages.success(request, done)
            return see_other(innovation.get_absolute_url())
    context = {"form": form, "innovation": innovation, "stopped": stopped}
    if request.method == "POST":
        return respond(request, "innovations/reopen.html", context, status=422)
    return respond(request, "innovations/reopen.html", context)


def overview_context(innovation, membership):
    """The wheel and the parts table of an innovation: a fixed number of queries."""
    parts = list(
        Part.objects.filter(innovation=innovation).select_related("stage", "lead").order_by("name")
    )
    latest = {
        m.part_id: m
        for m in Move.objects.live()
        .filter(part__innovation=innovation)
        .annotate(rank=Window(RowNumber(), partition_by=[F("part_id")], order_by=F("seq").desc()))
        .filter(rank=1)
    }
    last_rewind = (
        Move.objects.live()
        .filter(part__innovation=innovation, kind=MoveKind.REWIND)
        .select_related("part", "from_stage", "to_stage")
        .order_by("-effective_on", "-recorded_at")
        .first()
    )
    today = timezone.localdate()
    rows = []
    markers = []
    for number, part in enumerate(parts, start=1):
        move = latest.get(part.pk)
        rows.append(
            {
                "number": number,
                "part": part,
                "days_in_stage": (today - part.stage_since).days,
                "last_move": move,
                "review_due": part.next_review_on and part.next_review_on <= today,
            }
        )
        markers.append(Marker(number, part.name, part.stage.number, part.state, part.cycle))
    rewind = None
    if last_rewind is not None:
        rewind = (
            last_rewind.from_stage.number,
            last_rewind.to_stage.number,
            f"Last rewind: {last_rewind.part.name} from {last_rewind.from_stage.name} to "
            f"{last_rewind.to_stage.name} on {last_rewind.effective_on:%-d %B %Y}",
        )
    return {
        "innovation": innovation,
        "rows": rows,
        "wheel": wheel_svg(
            markers, title=f"Where the parts of {innovation.title} stand now", rewind=rewind
        ),
        "last_rewind": last_rewind,
        "may_write": membership.may(Role.LEADER) and not innovation.is_closed,
        "may_withdraw": membership.may(Role.LEADER),
        "today": today,
    }


@require_GET
@login_required
def innovation_detail(request: HttpRequest, pk: int):
    innovation, membership = get_innovation_for(request, pk, withdrawn=True)
    if innovation.is_withdrawn:
        return withdrawals.notice(request, innovation)

    def compute():
        context = overview_context(innovation, membership)
        context["stages"] = list(Stage.objects.all())
        parts = [row["part"] for row in context["rows"]]
        context.update(innovation_evidence(innovation, membership, parts))
        context["shared"] = network_directory.shared_lines(innovation)
        return context

    overview, evidence = fragments(
        request,
        ["innovations/detail.html#overview-body", "evidence/_innovation_evidence.html"],
        compute,
        organisation=innovation.organisation,
        innovation=innovation,
        name="innovation-page",
        parts=(
            innovation.pk,
            membership.role,
            timezone.localdate(),
            request.GET.urlencode(),
            request.htmx.current_url if request.htmx else "",
        ),
    )
    context = {
        "innovation": innovation,
        "may_write": membership.may(Role.LEADER) and not innovation.is_closed,
        "may_withdraw": membership.may(Role.LEADER),
        "may_reopen": membership.may(Role.LEADER),
        "may_share": membership.may(Role.MANAGER) and not membership.is_guest,
        "overview_html": overview,
        "evidence_html": evidence,
    }
    return respond(request, "innovations/detail.html", context, partial="overview")
