from datetime import date, timedelta
from typing import NamedTuple
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from innovate.access import get_innovation_for, name_of
from innovate.caching import fragment
from innovate.evidence.context import evidence_history
from innovate.http import HttpRequest, respond
from innovate.innovations.forms import AsOfForm
from innovate.pictures.timeline import timeline_svg
from innovate.pictures.wheel import Marker, wheel_svg
from stages.models import ClosingOutcome, Innovation, Move, MoveKind, Part, Stage, stage_names

HISTORY_PAGE = 30
MOVES_PAGE = 100


@require_GET
@login_required
def timeline(request: HttpRequest, pk: int):
    innovation, membership = get_innovation_for(request, pk)
    today = timezone.localdate()
    form = AsOfForm(request.GET or None)
    as_of = today
    if form.is_bound and form.is_valid() and form.cleaned_data["as_of"]:
        as_of = form.cleaned_data["as_of"]
    page_number = request.GET.get("page")

    def context():
        picture = _timeline_picture(innovation, as_of, today)
        # The table of moves, the picture's text alternative, a page at a time.
        page = Paginator(range(picture["move_count"]), MOVES_PAGE).get_page(page_number)
        return {
            **picture,
            "innovation": innovation,
            "moves": _timeline_moves(innovation, as_of, page) if picture["move_count"] else [],
            "page": page,
            "query": "" if as_of == today else urlencode({"as_of": as_of.isoformat()}),
        }

    picture_html = fragment(
        request,
        "innovations/timeline.html#picture",
        context,
        organisation=innovation.organisation,
        innovation=innovation,
        name="timeline",
        parts=(innovation.pk, as_of, today, page_number),
    )
    if request.htmx:
        return HttpResponse(picture_html)
    context = {"innovation": innovation, "form": form, "picture_html": picture_html}
    return respond(request, "innovations/timeline.html", context)


def _timeline_picture(innovation, as_of, today):
    """The wheel as of `as_of` and each part's lane over time, from one query of plain rows:
    the picture's size is bounded (innovate.pictures), and its cost is a tuple per move."""
    rows = [
        TimelineRow(*row)
        for row in Move.objects.filter(part__innovation=innovation, effective_on__lte=as_of)
        .order_by("part__name", "part_id", "seq")
        .values_list(*TimelineRow._fields)
    ]
    journeys = {}
    for row in rows:
        journeys.setdefault(row.part_id, []).append(row)
    start = min((row.effective_on for row in rows), default=as_of - timedelta(days=365))
    names = stage_names()
    lanes, markers = [], []
    for journey in journeys.values():
        name = journey[0].part__name
        live = [row for row in journey if row.is_live]
        # A part that started after the as-of date has no live moves: no lane, no marker.
        if not live:
            continue
        segments = [
            {
                "start": row.effective_on,
                "end": following.effective_on if following else as_of,
                "stage": row.to_stage__number,
                "state": row.to_state,
            }
            for row, following in zip(live, [*live[1:], None], strict=True)
        ]
        events = [
            (
                row.effective_on,
                row.kind,
                ("" if row.is_live else "Voided: ")
                + f"{row.describe(names)} on {row.effective_on:%-d %B %Y}",
                not row.is_live,
            )
            for row in journey
            if row.kind != MoveKind.VOID
            and (row.kind in (MoveKind.REWIND, MoveKind.STOP) or not row.is_live)
        ]
        lanes.append((name, segments, events))
        last = live[-1]
        markers.append(
            Marker(len(markers) + 1, name, last.to_stage__number, last.to_state, last.cycle)
        )
    return {
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
        "stage_names": list(names.items()),
        "move_count": len(rows),
    }


def _timeline_moves(innovation, as_of, page):
    """The rows of one page of the table of moves, as the words it shows: small to cache."""
    offset = (page.number - 1) * MOVES_PAGE
    moves = (
        Move.objects.filter(part__innovation=innovation, effective_on__lte=as_of)
        .select_related("to_stage", "recorded_by", "part", "voids", "voided_by")
        .order_by("part__name", "part_id", "seq")[offset : offset + MOVES_PAGE]
    )
    return [
        {
            "effective_on": move.effective_on,
            "part": move.part.name,
            "words": move.describe(),
            "voided": not move.is_live and move.kind != MoveKind.VOID,
            "rationale": move.rationale,
            "recorded_by": name_of(move.recorded_by),
        }
        for move in moves
    ]


class TimelineRow(NamedTuple):
    """A move as the timeline's picture needs it: plain values, no model instances."""

    part_id: int
    part__name: str
    seq: int
    kind: str
    to_stage__number: int
    to_state: str
    cycle: int
    reason: str
    review_on: date | None
    effective_on: date
    voided_by: int | None

    @property
    def is_live(self):
        return self.kind != MoveKind.VOID and self.voided_by is None

    def describe(self, names):
        """The move in the same words as Move.describe (never a void: voids are not drawn);
        `names`: the stages' names by number."""
        stage = Stage(number=self.to_stage__number, name=names[self.to_stage__number])
        move = Move(
            kind=self.kind,
            to_stage=stage,
            to_state=self.to_state,
            cycle=self.cycle,
            reason=self.reason,
            review_on=self.review_on,
        )
        move.part = Part(name=self.part__name)
        return move.describe()


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
    people = {u.pk: name_of(u) for u in get_user_model().objects.filter(pk__in=lead_ids)}
    entries += _feed(innovation_rows, "innovation", skip=set(), people=people)
    # The history keeps everything: the moves of a part withdrawn since are read too.
    moves = {
        (m.part_id, m.seq): m
        for m in Move.all_objects.filter(part__innovation=innovation).select_related(
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
        {"innovation": innovation, "page": page},
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
    "outcome": "How it ended",
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
            "who": name_of(who) if who else "System",
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
            if reason.startswith(("Withdrawn:", "Restored")):
                entry["action"] = f"{what.capitalize()} {reason.split()[0].rstrip(':').lower()}"
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
        if (
            entry["move"]
            or entry["changes"]
            or before is None
            or reason.startswith(("Repaired", "Withdrawn:", "Restored"))
        ):
            entries.append(entry)
    return entries


def _show(name, value, people):
    if value in (None, ""):
        return "(empty)"
    if name == "tags_text":
        return ", ".join(t for t in value.split(",") if t) or "(none)"
    if name == "status":
        return value.capitalize()
    if name == "outcome":
        return ClosingOutcome(value).label
    if name == "lead":
        return people.get(value, "a former member")
    text = str(value)
    return text if len(text) <= 200 else text[:199] + "…"
