"""The read-only JSON API: an organisation's innovations, parts with their positions (now or as
of a date), moves, measures, readings, durations, sessions and decisions, for Power BI, Excel
and any other program. A request carries an API token (`Authorization: Bearer <token>`), never
a signed-in session; the token reads its own organisation only, through
innovate.access.token_innovations.

Every list is flat (one row per object, no nesting), in the order of its ids, a page at a time:
`next` is the address of the following page, or null on the last. Each page runs a fixed
number of queries, whatever its size."""

import base64
import binascii
from datetime import date, datetime

from csp.decorators import csp_update
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest
from django.utils.http import urlencode
from django.views.decorators.http import require_GET
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from assessments.models import Decision, Measure, Reading, ReflectionSession
from innovate.access import ApiRefused, api_token_for, token_innovations
from stages import clock, queries
from stages.models import Move, Part, stage_names

DEFAULT_LIMIT = 500
MAX_LIMIT = 1000
AUTH_HINT = (
    "Send an API token in the header Authorization: Bearer <token>. A manager creates one "
    "on the API tokens page."
)


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        return api_token_for(token)


def _docs(view):
    """The documentation and the OpenAPI description: for people signed in. The page runs
    Swagger UI from the product's own static files; it styles its elements inline."""
    return require_GET(login_required(csp_update({"style-src": ["'unsafe-inline'"]})(view)))


api = NinjaAPI(
    title="Innovate API",
    version="1",
    description=(
        "Read-only access to one organisation's innovations, parts, moves, measures, readings, "
        "durations, reflection sessions and decisions, in flat rows for Power BI or Excel. "
        + AUTH_HINT
        + " Each list comes a page at a time: follow `next` until it is null."
    ),
    auth=TokenAuth(),
    urls_namespace="api",
    docs_url="/docs",
    docs_decorator=_docs,
)


def _refusal(status, message, retry_after=None):
    response = api.create_response(None, {"detail": message}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = "Bearer"
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


@api.exception_handler(ApiRefused)
def _refused(request, exc):
    return _refusal(exc.status, exc.message, exc.retry_after)


@api.exception_handler(AuthenticationError)
def _no_token(request, exc):
    return _refusal(401, AUTH_HINT)


class BadCursor(Exception):
    pass


@api.exception_handler(BadCursor)
def _bad_cursor(request, exc):
    return _refusal(422, "The cursor is not one this API gave. Start again without it.")


class FutureDate(Exception):
    pass


@api.exception_handler(FutureDate)
def _future(request, exc):
    return _refusal(422, "The date `on` must be today or earlier.")


# --- Paging -----------------------------------------------------------------------------


class Paging(Schema):
    cursor: str | None = Field(None, max_length=40)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


def _encode(last_id):
    return base64.urlsafe_b64encode(f"after:{last_id}".encode()).decode().rstrip("=")


def _decode(cursor):
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = text.partition(":")
        if kind != "after" or not value.isdigit() or len(value) > 18:
            raise ValueError
        return int(value)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise BadCursor from exc


def _page(request, queryset, paging):
    """(rows of this page, the next page's address or None): `limit` rows (objects, or dicts
    with "pk") with ids after the cursor's, in id order. One query: a row more than the page
    is read to know whether another page follows."""
    limit = paging.limit
    rows = list(queryset.filter(pk__gt=_decode(paging.cursor)).order_by("pk")[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1]
    params = {k: v for k, v in request.GET.items() if k != "cursor"}
    params["cursor"] = _encode(last["pk"] if isinstance(last, dict) else last.pk)
    return rows, request.build_absolute_uri(f"{request.path}?{urlencode(params)}")


def _on(on):
    today = clock.localdate()
    if on is None:
        return today
    if on > today:
        raise FutureDate
    return on


def _number(value):
    return None if value is None else float(value)


def _name(user):
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


# --- Innovations --------------------------------------------------------------------------


class InnovationRow(Schema):
    id: int
    title: str
    status: str
    outcome: str
    closed_on: date | None
    restricted: bool
    lead: str
    tags: str
    summary: str
    better_for_whom: str
    created_at: datetime


class InnovationPage(Schema):
    items: list[InnovationRow]
    next: str | None


@api.get("/innovations", response=InnovationPage, url_name="innovations", tags=["innovations"])
def innovations(request: HttpRequest, paging: Query[Paging]):
    """The organisation's innovations (open and closed) the token may read."""
    seen = token_innovations(request.auth).select_related("lead")
    rows, following = _page(request, seen, paging)
    return {
        "items": [
            {
                "id": i.pk,
                "title": i.title,
                "status": i.status,
                "outcome": i.outcome if i.is_closed else "",
                "closed_on": i.closed_on,
                "restricted": i.restricted,
                "lead": _name(i.lead),
                "tags": ", ".join(i.tags),
                "summary": i.summary,
                "better_for_whom": i.better_for_whom,
                "created_at": i.created_at,
            }
            for i in rows
        ],
        "next": following,
    }


# --- Parts and their positions ------------------------------------------------------------


class PartRow(Schema):
    id: int
    innovation_id: int
    innovation: str
    name: str
    kind: str
    lead: str
    as_of: date
    stage_number: int
    stage: str
    state: str
    cycle: int
    days_in_stage: int
    review_on: date | None
    next_review_on: date | None
    last_move: str
    last_move_on: date
    paused_days: int
    stopped_days: int
    rewinds: int
    pauses: int


class PartPage(Schema):
    items: list[PartRow]
    next: str | None


class AsOfPaging(Paging):
    on: date | None = None


def _parts_page(request, paging):
    """(parts of this page with their innovation, the next page's address, the as-of date,
    {part id: PartTimes}). Two queries."""
    token = request.auth
    on = _on(paging.on)
    parts = Part.objects.filter(innovation__in=token_innovations(token).values("pk"))
    rows, following = _page(request, parts, paging)
    # The page's parts as a range of ids, not a list: the database checks a range per visit
    # cheaply where it would search a list of hundreds for each.
    page = parts.filter(pk__gte=rows[0].pk, pk__lte=rows[-1].pk) if rows else parts.none()
    times = queries.durations(token.organisation_id, on, counted=page) if rows else {}
    return rows, following, on, times


# A part's own columns on a page of /parts, read as plain values with where it stands.
PART_VALUES = [
    "pk",
    "innovation_id",
    "innovation__title",
    "name",
    "kind",
    "lead__first_name",
    "lead__last_name",
    "lead__username",
    "next_review_on",
]


def _lead(row):
    full = f"{row['lead__first_name'] or ''} {row['lead__last_name'] or ''}".strip()
    return full or row["lead__username"] or ""


def _standings_from_log(token, on, rows):
    """{part id: Standing} of the page's parts at the end of `on`, from the latest moves and
    the durations folded from the log: for a date before some part's latest move, which the
    visits cannot answer. Two queries."""
    parts = Part.objects.filter(
        innovation__in=token_innovations(token).values("pk"),
        pk__gte=rows[0]["pk"],
        pk__lte=rows[-1]["pk"],
    )
    latest = queries.latest_moves(token.organisation_id, on, counted=parts)
    times = queries.fold_durations(token.organisation_id, on, counted=parts)
    found = {}
    for pk, move in latest.items():
        t = times.get(pk)
        found[pk] = queries.Standing(
            move.to_stage.number,
            move.to_state,
            move.cycle,
            move.kind,
            move.effective_on,
            move.review_on if move.to_state == "paused" else None,
            queries.days_in_stage(t, on) or 0,
            sum(s.paused_days for s in t.stages.values()) if t else 0,
            t.stopped_days if t else 0,
            t.rewinds if t else 0,
            t.pauses if t else 0,
        )
    return found


@api.get("/parts", response=PartPage, url_name="parts", tags=["parts"])
def parts(request: HttpRequest, paging: Query[AsOfPaging]):
    """Each part with its position at the end of `on` (today when not given): stage, state,
    round (cycle), the days since its current stay in the stage began, and its time paused,
    stopped, rewound and paused in all. A part that started after `on` is left out."""
    # Two queries: the token, and the page's parts with where each stands, read from their
    # visits; two more for a date before some part's latest move (read from the log). The rows
    # are built here in the shape of PartRow and sent as they are: validating 500 rows that
    # this code built would take longer than reading them.
    token = request.auth
    on = _on(paging.on)
    seen = Part.objects.filter(innovation__in=token_innovations(token).values("pk"))
    rows, following = _page(
        request,
        queries.with_standing(seen).values(*PART_VALUES, *queries.STANDING_FIELDS),
        paging,
    )
    standings = {row["pk"]: queries.standing(row, on) for row in rows}
    if any(
        found is None and row["visit_last_on"] is not None
        for row, found in zip(rows, standings.values(), strict=True)
    ):
        standings = _standings_from_log(token, on, rows)
    names = stage_names()
    items = []
    for row in rows:
        now = standings.get(row["pk"])
        if now is None:
            continue
        items.append(
            {
                "id": row["pk"],
                "innovation_id": row["innovation_id"],
                "innovation": row["innovation__title"],
                "name": row["name"],
                "kind": row["kind"],
                "lead": _lead(row),
                "as_of": on,
                "stage_number": now.stage,
                "stage": names[now.stage],
                "state": now.state,
                "cycle": now.cycle,
                "days_in_stage": now.days_in_stage,
                "review_on": now.review_on,
                "next_review_on": row["next_review_on"],
                "last_move": now.last_move,
                "last_move_on": now.last_move_on,
                "paused_days": now.paused_days,
                "stopped_days": now.stopped_days,
                "rewinds": now.rewinds,
                "pauses": now.pauses,
            }
        )
    return api.create_response(request, {"items": items, "next": following}, status=200)


# --- Durations ----------------------------------------------------------------------------


class DurationRow(Schema):
    part_id: int
    innovation_id: int
    as_of: date
    stage_number: int
    stage: str
    cycle: int
    active_days: int
    paused_days: int
    visits: int


class DurationPage(Schema):
    items: list[DurationRow]
    next: str | None


@api.get("/durations", response=DurationPage, url_name="durations", tags=["parts"])
def durations(request: HttpRequest, paging: Query[AsOfPaging]):
    """Time in each stage, as the time-in-stage page counts it, at the end of `on` (today
    when not given): one row per part, stage and round, with the active days, the paused days
    and the stays (a stay ends when the stage or the round changes; a pause does not end it).
    Stopped days belong to no stage: they are on each part's row of /parts. The page holds
    `limit` parts, so it may hold more rows than that."""
    rows, following, on, times = _parts_page(request, paging)
    names = stage_names()
    items = []
    for part in rows:
        t = times.get(part.pk)
        if t is None:
            continue
        visits = {}
        for visit in t.visits:
            visits[(visit.stage, visit.cycle)] = visits.get((visit.stage, visit.cycle), 0) + 1
        for number in sorted(t.stages):
            for cycle in sorted(t.stages[number].by_cycle):
                active, paused = t.stages[number].by_cycle[cycle]
                items.append(
                    {
                        "part_id": part.pk,
                        "innovation_id": part.innovation_id,
                        "as_of": on,
                        "stage_number": number,
                        "stage": names[number],
                        "cycle": cycle,
                        "active_days": active,
                        "paused_days": paused,
                        "visits": visits.get((number, cycle), 0),
                    }
                )
    return {"items": items, "next": following}


# --- Moves --------------------------------------------------------------------------------


class MoveRow(Schema):
    id: int
    part_id: int
    innovation_id: int
    seq: int
    kind: str
    live: bool
    voids_id: int | None
    from_stage_number: int | None
    to_stage_number: int
    to_stage: str
    from_state: str
    to_state: str
    cycle: int
    reason: str
    rationale: str
    evidence: str
    effective_on: date
    review_on: date | None
    recorded_by: str
    recorded_at: datetime


class MovePage(Schema):
    items: list[MoveRow]
    next: str | None


@api.get("/moves", response=MovePage, url_name="moves", tags=["moves"])
def moves(request: HttpRequest, paging: Query[Paging]):
    """Every move (the journey, one row per decision), voided ones and voids included and
    marked: `live` is false for a void and for the move it voided."""
    token = request.auth
    seen = token_innovations(token).values("pk")
    voided = Move.all_objects.filter(voids=OuterRef("pk"))
    found = (
        Move.objects.filter(organisation_id=token.organisation_id, part__innovation__in=seen)
        .annotate(voided=Exists(voided))
        .select_related("part", "from_stage", "to_stage", "recorded_by")
    )
    rows, following = _page(request, found, paging)
    return {
        "items": [
            {
                "id": m.pk,
                "part_id": m.part_id,
                "innovation_id": m.part.innovation_id,
                "seq": m.seq,
                "kind": m.kind,
                "live": m.kind != "void" and not m.voided,
                "voids_id": m.voids_id,
                "from_stage_number": m.from_stage.number if m.from_stage_id else None,
                "to_stage_number": m.to_stage.number,
                "to_stage": m.to_stage.name,
                "from_state": m.from_state,
                "to_state": m.to_state,
                "cycle": m.cycle,
                "reason": m.reason,
                "rationale": m.rationale,
                "evidence": m.evidence,
                "effective_on": m.effective_on,
                "review_on": m.review_on,
                "recorded_by": _name(m.recorded_by),
                "recorded_at": m.recorded_at,
            }
            for m in rows
        ],
        "next": following,
    }


# --- Measures and readings ----------------------------------------------------------------


def _current_parts():
    return Part.objects.values("pk")


class MeasureRow(Schema):
    id: int
    innovation_id: int
    part_id: int | None
    stage_number: int
    name: str
    kind: str
    scale: str
    value_kind: str
    unit: str
    direction: str
    baseline_value: float | None
    baseline_on: date | None
    target_value: float | None
    target_on: date | None
    in_use: bool


class MeasurePage(Schema):
    items: list[MeasureRow]
    next: str | None


@api.get("/measures", response=MeasurePage, url_name="measures", tags=["evidence"])
def measures(request: HttpRequest, paging: Query[Paging]):
    """The success measures of each innovation and stage (and part, where a measure is a
    part's own)."""
    seen = token_innovations(request.auth).values("pk")
    found = Measure.objects.filter(innovation__in=seen).filter(
        Q(part__isnull=True) | Q(part__in=_current_parts())
    )
    rows, following = _page(request, found.select_related("stage"), paging)
    return {
        "items": [
            {
                "id": m.pk,
                "innovation_id": m.innovation_id,
                "part_id": m.part_id,
                "stage_number": m.stage.number,
                "name": m.name,
                "kind": m.kind,
                "scale": m.scale,
                "value_kind": m.value_kind,
                "unit": m.unit,
                "direction": m.direction,
                "baseline_value": _number(m.baseline_value),
                "baseline_on": m.baseline_on,
                "target_value": _number(m.target_value),
                "target_on": m.target_on,
                "in_use": m.is_active,
            }
            for m in rows
        ],
        "next": following,
    }


class ReadingRow(Schema):
    id: int
    measure_id: int
    innovation_id: int
    part_id: int | None
    observed_on: date
    value: float | None
    rating: str
    story: str
    recorded_by: str
    recorded_at: datetime


class ReadingPage(Schema):
    items: list[ReadingRow]
    next: str | None


@api.get("/readings", response=ReadingPage, url_name="readings", tags=["evidence"])
def readings(request: HttpRequest, paging: Query[Paging]):
    """The readings of the measures: a number or a rating, with the story behind it. A
    withdrawn reading is left out, as it is counted nowhere."""
    seen = token_innovations(request.auth).values("pk")
    found = (
        Reading.objects.current()
        .filter(measure__innovation__in=seen)
        .filter(Q(measure__part__isnull=True) | Q(measure__part__in=_current_parts()))
        .filter(Q(part__isnull=True) | Q(part__in=_current_parts()))
        .select_related("measure", "recorded_by")
    )
    rows, following = _page(request, found, paging)
    return {
        "items": [
            {
                "id": r.pk,
                "measure_id": r.measure_id,
                "innovation_id": r.measure.innovation_id,
                "part_id": r.part_id,
                "observed_on": r.observed_on,
                "value": _number(r.value),
                "rating": r.rating,
                "story": r.story,
                "recorded_by": _name(r.recorded_by),
                "recorded_at": r.recorded_at,
            }
            for r in rows
        ],
        "next": following,
    }


# --- Reflection sessions and decisions ----------------------------------------------------


class SessionRow(Schema):
    id: int
    innovation_id: int
    title: str
    held_on: date
    status: str
    facilitator: str


class SessionPage(Schema):
    items: list[SessionRow]
    next: str | None


@api.get("/sessions", response=SessionPage, url_name="sessions", tags=["sessions"])
def sessions(request: HttpRequest, paging: Query[Paging]):
    """The reflection sessions, planned and held."""
    seen = token_innovations(request.auth).values("pk")
    found = ReflectionSession.objects.filter(innovation__in=seen).select_related("facilitator")
    rows, following = _page(request, found, paging)
    return {
        "items": [
            {
                "id": s.pk,
                "innovation_id": s.innovation_id,
                "title": s.title,
                "held_on": s.held_on,
                "status": s.status,
                "facilitator": _name(s.facilitator),
            }
            for s in rows
        ],
        "next": following,
    }


class DecisionRow(Schema):
    id: int
    session_id: int
    innovation_id: int
    part_id: int
    kind: str
    to_stage_number: int | None
    reason: str
    rationale: str
    minority_view: str
    review_on: date | None
    decided_on: date
    status: str
    move_id: int | None


class DecisionPage(Schema):
    items: list[DecisionRow]
    next: str | None


@api.get("/decisions", response=DecisionPage, url_name="decisions", tags=["sessions"])
def decisions(request: HttpRequest, paging: Query[Paging]):
    """The decisions of the sessions, one per part discussed, with the move each created
    once applied."""
    seen = token_innovations(request.auth).values("pk")
    found = (
        Decision.objects.filter(session__innovation__in=seen, part__in=_current_parts())
        .select_related("session", "to_stage")
        .order_by("pk")
    )
    rows, following = _page(request, found, paging)
    return {
        "items": [
            {
                "id": d.pk,
                "session_id": d.session_id,
                "innovation_id": d.session.innovation_id,
                "part_id": d.part_id,
                "kind": d.kind,
                "to_stage_number": d.to_stage.number if d.to_stage_id else None,
                "reason": d.reason,
                "rationale": d.rationale,
                "minority_view": d.minority_view,
                "review_on": d.review_on,
                "decided_on": d.decided_on,
                "status": d.status,
                "move_id": d.move_id,
            }
            for d in rows
        ],
        "next": following,
    }
