from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.utils import timezone
from django.views.decorators.http import require_GET

from innovate.access import get_innovation_for
from innovate.caching import cached
from innovate.forms import AsOfForm
from innovate.http import HttpRequest, respond
from innovate.pictures import Marker, timeline_svg, wheel_svg
from innovate.views.evidence_parts import evidence_history
from stages import queries
from stages.models import Innovation, Move, MoveKind, Part

HISTORY_PAGE = 30


@require_GET
@login_required
def timeline(request: HttpRequest, pk: int):
    innovation, membership = get_innovation_for(request, pk)
    today = timezone.localdate()
    form = AsOfForm(request.GET or None)
    as_of = today
    if form.is_bound and form.is_valid() and form.cleaned_data["as_of"]:
        as_of = form.cleaned_data["as_of"]

    def compute():
        parts = list(Part.objects.filter(innovation=innovation).order_by("name"))
        moves = list(
            Move.objects.filter(part__innovation=innovation, effective_on__lte=as_of)
            .select_related("from_stage", "to_stage", "recorded_by", "part", "voids", "voided_by")
            .order_by("part__name", "seq")
        )
        by_part = {p.pk: [] for p in parts}
        for move in moves:
            by_part[move.part_id].append(move)
        start = min((m.effective_on for m in moves), default=as_of - timedelta(days=365))
        lanes = []
        for part in parts:
            journey = by_part[part.pk]
            live = [m for m in journey if m.is_live]
            segments = []
            # A part that started after the as-of date has no live moves, and no segments.
            followers = [*live[1:], None] if live else []
            for move, following in zip(live, followers, strict=True):
                segments.append(
                    {
                        "start": move.effective_on,
                        "end": following.effective_on if following else as_of,
                        "stage": move.to_stage.number,
                        "state": move.to_state,
                    }
                )
            events = [
                (
                    m.effective_on,
                    m.kind,
                    ("Voided: " if not m.is_live and m.kind != MoveKind.VOID else "")
                    + f"{m.describe()} on {m.effective_on:%-d %B %Y}",
                    not m.is_live and m.kind != MoveKind.VOID,
                )
                for m in journey
                if m.kind in (MoveKind.REWIND, MoveKind.STOP) or not m.is_live
                if m.kind != MoveKind.VOID
            ]
            if live:
                lanes.append((part.name, segments, events))
        positions = queries.positions_as_of(innovation.organisation, as_of, innovation=innovation)
        names = {p.pk: p.name for p in parts}
        markers = [
            Marker(i, names[part_id], pos.stage, pos.state, pos.cycle)
            for i, (part_id, pos) in enumerate(
                sorted(positions.items(), key=lambda item: names[item[0]]), start=1
            )
        ]
        context = {
            "innovation": innovation,
            "as_of": as_of,
            "is_today": as_of == today,
            "timeline": timeline_svg(
                lanes, start=start, end=as_of, title=f"Journey of each part of {innovation.title}"
            )
            if lanes
            else None,
            "wheel": wheel_svg(
                markers, title=f"The wheel of {innovation.title} as of {as_of:%-d %B %Y}"
            ),
            "markers": markers,
            "moves": moves,
            "nav": "innovations",
        }
        return context

    context = cached(innovation.organisation, "timeline", (innovation.pk, as_of, today), compute)
    context = {**context, "innovation": innovation, "form": form}
    return respond(request, "innovations/timeline.html", context, partial="picture")


@require_GET
@login_required
def history(request: HttpRequest, pk: int):
    innovation, membership = get_innovation_for(request, pk)
    entries = []
    innovation_rows = list(
        Innovation.history.filter(id=innovation.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    part_rows = list(
        Part.history.filter(innovation_id=innovation.pk)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    lead_ids = {r.lead_id for r in [*innovation_rows, *part_rows] if r.lead_id}
    people = {
        u.pk: u.get_full_name() or u.get_username()
        for u in get_user_model().objects.filter(pk__in=lead_ids)
    }
    entries += _feed(innovation_rows, "innovation", skip=set(), people=people)
    moves = {
        (m.part_id, m.seq): m
        for m in Move.objects.filter(part__innovation=innovation).select_related(
            "part", "to_stage", "from_stage", "voids", "recorded_by"
        )
    }
    entries += _feed(
        part_rows,
        "part",
        skip={"stage", "state", "cycle", "stage_since", "state_since", "review_on", "version"},
        moves=moves,
        people=people,
    )
    entries += evidence_history(innovation)
    entries.sort(key=lambda e: e["when"], reverse=True)
    page = Paginator(entries, HISTORY_PAGE).get_page(request.GET.get("page"))
    return respond(
        request,
        "innovations/history.html",
        {"innovation": innovation, "page": page, "nav": "innovations"},
        partial="feed",
    )


LABELS = {
    "title": "Title",
    "summary": "Summary",
    "prompted_by": "What prompted it",
    "better_for_whom": "Who it is meant to benefit",
    "lead": "Lead",
    "tags_text": "Tags",
    "status": "Status",
    "learning": "What we learned",
    "closed_on": "Closed on",
    "name": "Name",
    "kind": "Kind",
    "next_review_on": "Next review",
}


def _feed(rows, what, *, skip, people, moves=None):
    """Readable entries from history rows: the move in plain words where a row records one,
    else the fields that changed (old → new)."""
    entries = []
    previous = {}
    for row in rows:
        before = previous.get(row.id)
        previous[row.id] = row
        who = row.history_user
        entry = {
            "when": row.history_date,
            "who": (who.get_full_name() or who.get_username()) if who else "System",
            "subject": getattr(row, "title", None) or getattr(row, "name", ""),
            "reason": row.history_change_reason or "",
            "changes": [],
            "move": None,
        }
        reason = row.history_change_reason or ""
        if moves is not None and reason.startswith("Move "):
            seq = reason.removeprefix("Move ").split(":", 1)[0]
            if seq.isdigit():
                entry["move"] = moves.get((row.id, int(seq)))
        if before is None:
            entry["action"] = f"{what.capitalize()} created"
        else:
            entry["action"] = "Moved" if entry["move"] else f"{what.capitalize()} edited"
            if reason.startswith("Repaired from its log"):
                entry["action"] = "Position set from its log of moves"
            for name, label in LABELS.items():
                # The lead is compared by id: reading `row.lead` would fetch the user per row.
                attr = f"{name}_id" if name == "lead" else name
                if name in skip or not hasattr(row, attr):
                    continue
                old, new = getattr(before, attr, None), getattr(row, attr, None)
                if old != new:
                    entry["changes"].append(
                        (label, _show(name, old, people), _show(name, new, people))
                    )
        if entry["move"] or entry["changes"] or before is None or reason.startswith("Repaired"):
            entries.append(entry)
    return entries


def _show(name, value, people):
    if value in (None, ""):
        return "(empty)"
    if name == "tags_text":
        return ", ".join(t for t in value.split(",") if t) or "(none)"
    if name == "status":
        return value.capitalize()
    if name == "lead":
        return people.get(value, "a former member")
    text = str(value)
    return text if len(text) <= 200 else text[:199] + "…"
