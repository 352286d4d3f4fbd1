"""CSV files of the dashboards, streamed row by row: the portfolio table, the log of moves with
their reasons, and the days each part spent in each stage. Every cell goes through
innovate.csv, so nothing in a file can run as a spreadsheet formula."""

from django.contrib.auth.decorators import login_required
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from innovate.access import guest_ids, name_of, organisation_for, visible_innovations
from innovate.csv import csv_lines
from innovate.dashboard import portfolio as data
from innovate.dashboard.forms import DashboardForm, MovesForm, PortfolioForm
from innovate.dashboard.views import filters_from
from innovate.forms import member_choices
from innovate.http import HttpRequest, respond
from stages import queries
from stages.models import Move, MoveKind, Reason, State, stage_names
from stages.queries import counted_parts

CHUNK = 500


def _csv(filename, header, rows):
    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _problem(request, form):
    """The form's messages, 422: a file of the wrong dates would mislead."""
    return respond(request, "dashboard/export_problem.html", {"form": form}, status=422)


def _name(organisation, what, on):
    return f"{organisation.slug}-{what}-{on.isoformat()}.csv"


PORTFOLIO_HEADER = [
    "Innovation",
    "Open or closed",
    "How it ended",
    "Tags",
    "Innovation lead",
    "Part",
    "Kind of part",
    "Stage number",
    "Stage",
    "Round",
    "State",
    "Part lead",
    "Days in stage",
    "Revisit the pause on",
    "Next review",
    "Last move",
    "Last move on",
    "Reason",
    "Measures on track",
    "Measures in use",
    "Last session",
    "Looks stuck",
]


def _person(user, guests):
    return name_of(user, "", guests=guests)


@require_GET
@login_required
def portfolio_csv(request: HttpRequest):
    membership = organisation_for(request)
    organisation = membership.organisation
    guests = guest_ids(request)
    form = PortfolioForm(request.GET, members=list(member_choices(organisation)))
    if form.is_bound and not form.is_valid():
        return _problem(request, form)
    as_of = form.as_of_date
    found = data.portfolio(
        organisation,
        as_of,
        filters_from(form),
        today=form.today,
        innovations=visible_innovations(membership),
        decisions=True,
    )

    def rows():
        for group in found.groups:
            innovation = group.innovation
            about = [
                innovation.title,
                "Closed" if group.closed else "Open",
                innovation.get_outcome_display() if group.closed else "",
                ", ".join(innovation.tags),
                _person(innovation.lead, guests),
            ]
            if not group.rows:
                yield [*about, *[""] * (len(PORTFOLIO_HEADER) - len(about) - 2)] + [
                    group.last_session,
                    "",
                ]
                continue
            for row in group.rows:
                part, move = row.part, row.move
                yield [
                    *about,
                    part.name,
                    part.get_kind_display(),
                    row.stage,
                    row.stage_name,
                    row.cycle,
                    row.state_label,
                    _person(part.lead, guests),
                    row.days_in_stage,
                    row.review_on,
                    part.next_review_on,
                    MoveKind(move.kind).label,
                    move.effective_on,
                    Reason(move.reason).label if move.reason else "",
                    row.on_track,
                    row.measures,
                    group.last_session,
                    bool(row.stuck),
                ]

    return _csv(_name(organisation, "portfolio", as_of), PORTFOLIO_HEADER, rows())


MOVES_HEADER = [
    "Effective on",
    "Innovation",
    "Part",
    "Move number",
    "Decision",
    "From stage",
    "To stage",
    "From state",
    "To state",
    "Round",
    "Reason",
    "Why",
    "Evidence",
    "Revisit on",
    "Recorded by",
    "Recorded at",
    "Voids move number",
    "Voided by move number",
    "In words",
]


def _state(value):
    return State(value).label if value else ""


@require_GET
@login_required
def moves_csv(request: HttpRequest):
    membership = organisation_for(request)
    organisation = membership.organisation
    guests = guest_ids(request)
    form = MovesForm(request.GET)
    if form.is_bound and not form.is_valid():
        return _problem(request, form)
    as_of = form.as_of_date
    after = form.value_of("after")
    moves = Move.objects.filter(
        organisation=organisation,
        effective_on__lte=as_of,
        part__in=counted_parts(
            organisation,
            as_of,
            status=form.value_of("status"),
            innovations=visible_innovations(membership),
        ).values("pk"),
    )
    if after:
        moves = moves.filter(effective_on__gt=after)
    moves = moves.select_related(
        "part__innovation", "from_stage", "to_stage", "recorded_by", "voids", "voided_by"
    ).order_by("effective_on", "recorded_at", "part_id", "seq")

    def rows():
        for move in moves.iterator(chunk_size=CHUNK):
            voided = data.is_voided(move)
            yield [
                move.effective_on,
                move.part.innovation.title,
                move.part.name,
                move.seq,
                MoveKind(move.kind).label,
                move.from_stage.name if move.from_stage_id else "",
                move.to_stage.name,
                _state(move.from_state),
                _state(move.to_state),
                move.cycle,
                Reason(move.reason).label if move.reason else "",
                move.rationale,
                move.evidence,
                move.review_on,
                _person(move.recorded_by, guests),
                timezone.localtime(move.recorded_at).replace(microsecond=0),
                move.voids.seq if move.voids_id else "",
                move.voided_by.seq if voided else "",
                move.describe(),
            ]

    what = f"moves-after-{after.isoformat()}-to" if after else "moves"
    return _csv(_name(organisation, what, as_of), MOVES_HEADER, rows())


def durations_header():
    names = stage_names()
    return [
        "Innovation",
        "Part",
        *(
            f"{n}. {names[n]}: {what}"
            for n in queries.STAGES
            for what in ("active days", "paused days", "visits")
        ),
        "Paused days in all",
        "Stopped days",
        "Rewinds",
        "Pauses",
    ]


@require_GET
@login_required
def durations_csv(request: HttpRequest):
    membership = organisation_for(request)
    organisation = membership.organisation
    form = DashboardForm(request.GET)
    if form.is_bound and not form.is_valid():
        return _problem(request, form)
    as_of = form.as_of_date
    found, _medians = data.durations(
        organisation,
        as_of,
        status=form.value_of("status"),
        innovations=visible_innovations(membership),
    )

    def rows():
        for row in found:
            cells = [row.part.innovation.title, row.part.name]
            for n in queries.STAGES:
                visited = n in row.days
                cells += [
                    row.days[n] if visited else "",
                    row.paused[n] if visited else "",
                    row.visits.get(n, 0),
                ]
            yield [*cells, row.paused_days, row.stopped_days, row.rewinds, row.pauses]

    return _csv(_name(organisation, "durations", as_of), durations_header(), rows())
