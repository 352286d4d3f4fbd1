"""My work: what the signed-in person has to do in the organisation they are working in."""

from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.utils import timezone
from django.views.decorators.http import require_GET

from assessments.queries import organisation as org_queries
from innovate.access import organisation_for, visible_innovations
from innovate.http import HttpRequest, respond
from stages.models import Role, State
from stages.queries import counted_parts

SOON_DAYS = 14
SESSIONS_AHEAD_DAYS = 60


@require_GET
@login_required
def my_work(request: HttpRequest):
    membership = organisation_for(request)
    organisation = membership.organisation
    today = timezone.localdate()
    soon = today + timedelta(days=SOON_DAYS)
    seen = visible_innovations(membership)
    parts = list(
        counted_parts(organisation, today, innovations=seen)
        .filter(lead=request.user)
        .select_related("innovation", "stage")
        .order_by("innovation__title", "name")
    )
    # While a part is paused with a date to revisit, that date is the one to look at: the
    # part is listed under pauses, and its own next review does not stand as a second alert.
    reviews = sorted(
        (
            p
            for p in parts
            if p.next_review_on
            and p.next_review_on <= soon
            and not (p.state == State.PAUSED and p.review_on)
        ),
        key=lambda p: (p.next_review_on, p.innovation.title, p.name),
    )
    pauses = sorted(
        (
            p
            for p in parts
            if p.state == State.PAUSED and (p.review_on is None or p.review_on <= soon)
        ),
        key=lambda p: (p.review_on or date.max, p.innovation.title, p.name),
    )
    context = {
        "today": today,
        "soon": soon,
        "soon_days": SOON_DAYS,
        "parts": parts,
        "reviews": reviews,
        "pauses": pauses,
        "actions": org_queries.actions_owned_by(request.user, organisation, innovations=seen),
        "sessions": org_queries.upcoming_sessions(
            organisation,
            today,
            until=today + timedelta(days=SESSIONS_AHEAD_DAYS),
            user=request.user,
            innovations=seen,
        ),
        "sessions_ahead_days": SESSIONS_AHEAD_DAYS,
        # A manager answers for every session; anyone else for the sessions they facilitate
        # and the innovations they lead.
        "decisions": org_queries.pending_decisions(
            organisation,
            today,
            parts=counted_parts(organisation, today, innovations=seen),
            user=None if membership.may(Role.MANAGER) else request.user,
        ),
        "every_decision": membership.may(Role.MANAGER),
        "may_apply": membership.may(Role.FACILITATOR),
    }
    return respond(request, "dashboard/my_work.html", context)
