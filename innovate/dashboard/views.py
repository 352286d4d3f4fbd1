"""The managers' dashboards: the portfolio with its alerts, the time parts spend in each stage,
the flow over time, what moved between two dates and the printable board report. Every member
of the organisation may read them; each is read as of a date (?as_of=YYYY-MM-DD)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from innovate.access import organisation_for, scope_key, visible_innovations
from innovate.caching import cached, fragment, fragments
from innovate.dashboard import portfolio as data
from innovate.dashboard.forms import CompareForm, DashboardForm, FlowForm, PortfolioForm, ReportForm
from innovate.forms import member_choices
from innovate.http import HttpRequest, respond
from innovate.pdf import pdf_response
from innovate.pictures.dashboard import (
    aggregate_wheel_svg,
    flow_bars_svg,
    median_bars_svg,
    relabel,
)
from innovate.pictures.timeline import timeline_svg
from innovate.pictures.wheel import wheel_svg
from stages import queries
from stages.models import State, stage_names

# The dashboard lists the most urgent items of Needs attention and a row per innovation, so
# that it stays small at any scale; every item is on the Needs attention page.
INNOVATIONS_PER_PAGE = 10
ATTENTION_SHOWN = 10
ATTENTION_PER_PAGE = 50
PARTS_PER_PAGE = 50
# The board report's timeline is drawn narrower than on screen so that its words print at
# 9 pt or more across an A4 page; its one-page summary lists at most this many items of Needs
# attention and moves, with the number of the others.
REPORT_TIMELINE_WIDTH = 640
REPORT_ATTENTION = 6
REPORT_CHANGES = 6
# An innovation's section of the report fits one printed page where it can: its latest two
# decisions, each reason cut to about two printed lines.
REPORT_DECISIONS = 2


def _when(on, today):
    return "today" if on == today else f"as of {on:%-d %B %Y}"


def _common(form, membership, **context):
    as_of = form.as_of_date
    return {
        "form": form,
        "organisation": membership.organisation,
        "as_of": as_of,
        "is_today": as_of == form.today,
        "when": _when(as_of, form.today),
        "as_of_query": f"as_of={as_of.isoformat()}" if as_of != form.today else "",
        **context,
    }


def filters_from(form):
    return data.Filters(
        stage=form.value_of("stage"),
        state=form.value_of("state") or "",
        tag=form.value_of("tag") or "",
        lead=form.value_of("lead"),
        stuck=bool(form.value_of("stuck")),
        status=form.value_of("status"),
    )


@require_GET
@login_required
def portfolio(request: HttpRequest):
    membership = organisation_for(request)
    organisation = membership.organisation
    members = cached(organisation, "members", (), lambda: list(member_choices(organisation)))
    form = PortfolioForm(request.GET, members=members)
    seen = visible_innovations(membership)

    def compute():
        """The results' context: what many read and few change, so kept as HTML."""
        as_of = form.as_of_date
        filters = filters_from(form)
        found = data.portfolio(organisation, as_of, filters, today=form.today, innovations=seen)
        page = Paginator(found.groups, INNOVATIONS_PER_PAGE).get_page(request.GET.get("page"))
        filtered = filters.on_parts or filters.tag or filters.status != "open"
        wheel = aggregate_wheel_svg(
            found.counts,
            title=(
                f"Parts of {organisation.name}'s innovations on the wheel "
                f"{_when(as_of, form.today)}" + (", as filtered" if filtered else "")
            ),
        )
        feed = [
            (m, data.is_voided(m))
            for m in data.recent_moves(organisation, as_of, status=filters.status, innovations=seen)
        ]
        context = _common(
            form,
            membership,
            portfolio=found,
            page=page,
            wheel=wheel,
            wheel_rows=[(n, name, found.counts[n]) for n, name in stage_names().items()],
            wheel_total=sum(sum(c.values()) for c in found.counts.values()),
            filtered=filtered,
            query=form.query(),
            counted=queries.counted_words(filters.status, len(found.rows)),
            feed=feed,
            moves_query="&".join(
                q
                for q in (
                    f"as_of={as_of.isoformat()}" if as_of != form.today else "",
                    f"status={filters.status}" if filters.status != "open" else "",
                )
                if q
            ),
            attention=data.needs_attention(found.alerts)[:ATTENTION_SHOWN],
            filtered_parts=filters.on_parts,
            summary=data.summary(
                organisation, found, as_of, form.since_point(), status=filters.status
            ),
        )
        return context

    # The filters are kept with the results: their fields, the members to choose from and the
    # organisation's tags are rendered once for each query, as the results are.
    filters, results = fragments(
        request,
        ["dashboard/portfolio.html#filters", "dashboard/portfolio.html#results"],
        compute,
        organisation=organisation,
        name="portfolio-page",
        parts=(form.today, request.GET.urlencode(), bool(request.htmx), scope_key(membership)),
    )
    if request.htmx:
        # A refused value is shown at its field as well as in the summary: the filters come
        # too, swapped in place of the page's own.
        return HttpResponse(results + filters if form.errors else results)
    context = _common(form, membership, filters_html=filters, results_html=results)
    return respond(request, "dashboard/portfolio.html", context)


@require_GET
@login_required
def attention(request: HttpRequest):
    """Every item of Needs attention, most urgent first, a page at a time, as of the
    dashboard's date and for the innovations its filters' status counts."""
    membership = organisation_for(request)
    organisation = membership.organisation
    members = cached(organisation, "members", (), lambda: list(member_choices(organisation)))
    form = PortfolioForm(request.GET, members=members)
    seen = visible_innovations(membership)

    def compute():
        found = data.portfolio(
            organisation, form.as_of_date, filters_from(form), today=form.today, innovations=seen
        )
        items = data.needs_attention(found.alerts)
        page = Paginator(items, ATTENTION_PER_PAGE).get_page(request.GET.get("page"))
        return _common(form, membership, page=page, alerts=found.alerts, query=form.query())

    results = fragment(
        request,
        "dashboard/attention.html#results",
        compute,
        organisation=organisation,
        name="attention-html",
        parts=(form.today, request.GET.urlencode(), scope_key(membership)),
    )
    context = _common(form, membership, results_html=results, dashboard_query=form.query())
    return respond(request, "dashboard/attention.html", context)


@require_GET
@login_required
def durations(request: HttpRequest):
    membership = organisation_for(request)
    organisation = membership.organisation
    form = DashboardForm(request.GET)
    as_of = form.as_of_date
    status = form.value_of("status")
    rows, medians = data.durations(
        organisation, as_of, status=status, innovations=visible_innovations(membership)
    )
    page = Paginator(rows, PARTS_PER_PAGE).get_page(request.GET.get("page"))
    chart = median_bars_svg(
        medians,
        title=f"Median days a part spends active in each stage, {_when(as_of, form.today)}",
    )
    context = _common(
        form,
        membership,
        page=page,
        medians=[(medians[n], name) for n, name in stage_names().items()],
        stage_names=stage_names().items(),
        chart=chart,
        query=form.query(),
        counted=queries.counted_words(status, len(rows)),
    )
    return respond(request, "dashboard/durations.html", context, partial="results")


@require_GET
@login_required
def flow_over_time(request: HttpRequest):
    membership = organisation_for(request)
    organisation = membership.organisation
    form = FlowForm(request.GET)
    as_of = form.as_of_date
    months = form.value_of("months")
    status = form.value_of("status")
    points = queries.flow(
        organisation,
        queries.month_ends(as_of, months),
        status=status,
        innovations=visible_innovations(membership),
    )
    table = [
        {
            "on": on,
            "stages": [counts[n][State.ACTIVE] + counts[n][State.PAUSED] for n in queries.STAGES],
            "paused": sum(counts[n][State.PAUSED] for n in queries.STAGES),
            "stopped": sum(counts[n][State.STOPPED] for n in queries.STAGES),
            "total": sum(sum(c.values()) for c in counts.values()),
        }
        for on, counts in points
    ]
    chart = flow_bars_svg(
        points,
        title=f"Parts in each stage at the end of each month, {_when(as_of, form.today)}",
    )
    context = _common(
        form,
        membership,
        chart=chart,
        table=table,
        months=months,
        stage_names=stage_names().items(),
        query=form.query(),
        counted=queries.counted_words(status, table[-1]["total"]),
    )
    return respond(request, "dashboard/flow.html", context, partial="results")


@require_GET
@login_required
def compare(request: HttpRequest):
    membership = organisation_for(request)
    organisation = membership.organisation
    form = CompareForm(request.GET)
    first, second = form.dates()
    status = form.status()
    seen = visible_innovations(membership)
    counted = queries.counted_parts(organisation, second, status=status, innovations=seen)
    (_, before), (_, after) = queries.flow(
        organisation, [first, second], status=status, innovations=seen
    )
    moves = queries.moves_between(organisation, first, second, counted=counted)
    voided = {m.voids_id for m in moves if m.voids_id}
    rows = []
    for n, name in stage_names().items():
        was, now = before[n], after[n]
        rows.append(
            {
                "number": n,
                "name": name,
                "before": was,
                "after": now,
                "change": sum(now.values()) - sum(was.values()),
            }
        )
    context = {
        "form": form,
        "organisation": organisation,
        "first": first,
        "second": second,
        "rows": rows,
        "moves": [(m, data.is_voided(m) or m.pk in voided) for m in moves],
        "query": f"from={first.isoformat()}&to={second.isoformat()}"
        + (f"&status={status}" if status != "open" else ""),
        "counted": queries.counted_words(status, sum(sum(c.values()) for c in after.values())),
        "as_of_query": f"as_of={second.isoformat()}" if second != form.today else "",
    }
    return respond(request, "dashboard/compare.html", context, partial="results")


def _report_context(form, membership):
    """The board report: a one-page summary of the portfolio (the wheel, the counts, Needs
    attention and what changed since the previous report), then a page per innovation."""
    organisation = membership.organisation
    as_of, since = form.as_of_date, form.since_date
    status = form.value_of("status")
    seen = visible_innovations(membership)
    pages = data.report(
        organisation, as_of, status=status, decisions=REPORT_DECISIONS, innovations=seen
    )
    when = _when(as_of, form.today)
    for page in pages:
        title = page.innovation.title
        page.wheel = wheel_svg(
            page.markers,
            title=f"Where the parts of {title} stand, {when}",
            uid=f"report-{page.innovation.pk}-wheel",
        )
        page.timeline = (
            relabel(
                timeline_svg(
                    page.lanes,
                    start=page.start,
                    end=as_of,
                    title=f"Journey of each part of {title}",
                    width=REPORT_TIMELINE_WIDTH,
                    fixed=False,
                ),
                f"report-{page.innovation.pk}",
            )
            if page.lanes
            else None
        )
    found = data.portfolio(
        organisation, as_of, data.Filters(status=status), today=form.today, innovations=seen
    )
    counted = queries.counted_parts(organisation, as_of, status=status, innovations=seen)
    changes = [
        (move, data.is_voided(move))
        for move in queries.moves_between(organisation, since, as_of, counted=counted)
    ]
    counts = found.counts
    attention = data.attention_items(found.alerts)
    return _common(
        form,
        membership,
        pages=pages,
        since=since,
        stage_names=stage_names().items(),
        summary_wheel=aggregate_wheel_svg(
            counts,
            title=f"Where the parts of {organisation.name} stand on the wheel, {when}",
            id_prefix="report-portfolio-wheel",
        ),
        wheel_rows=[(n, name, counts[n]) for n, name in stage_names().items()],
        totals={state: sum(counts[n][state] for n in counts) for state in State.values},
        parts_total=sum(sum(c.values()) for c in counts.values()),
        attention=attention[:REPORT_ATTENTION],
        more_attention=max(len(attention) - REPORT_ATTENTION, 0),
        attention_count=found.alerts.count,
        changes=changes[:REPORT_CHANGES],
        more_changes=max(len(changes) - REPORT_CHANGES, 0),
        query=form.query(),
        counted=queries.counted_words(status, sum(len(page.markers) for page in pages)),
    )


@require_GET
@login_required
def board_report(request: HttpRequest):
    membership = organisation_for(request)
    form = ReportForm(request.GET)
    context = _report_context(form, membership)
    return respond(request, "dashboard/report.html", context, partial="results")


@require_GET
@login_required
def board_report_pdf(request: HttpRequest):
    membership = organisation_for(request)
    form = ReportForm(request.GET)
    context = _report_context(form, membership)
    name = f"board report {membership.organisation.name} {form.as_of_date:%Y-%m-%d}"
    return pdf_response(request, "dashboard/report.html", context, filename=name)
