"""Who is told what, on a given day: the rules of the daily reminder.

Each rule returns Items, each with the day it fell due. A reminder looks back LOOKBACK_DAYS,
so a day the worker did not run is caught up the next, and the sent-log (Delivery, unique on
person, kind, item and day) makes sure each item is sent once. What a person is told is kept
to the innovations they may see: the caller passes `seen(membership)`, the one access core's
queryset of them (innovate.access.visible_innovations). Items carry titles, names and stages
only: never a note's or an action's text, never anything about a child."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q
from django.urls import reverse

from assessments.models import Action, Attendee, ReflectionSession, SessionStatus
from assessments.queries import organisation as org_queries
from notifications.models import Kind
from stages.models import Innovation, Membership, Role, State, TeamMember
from stages.queries import counted_parts

LOOKBACK_DAYS = 6
GUEST_NOTICE_DAYS = 7


@dataclass(frozen=True)
class Item:
    kind: str
    key: str
    day: date
    text: str
    path: str

    @property
    def label(self):
        return Kind(self.kind).label


def window(today):
    return today - timedelta(days=LOOKBACK_DAYS), today


def due_items(membership, today, *, seen):
    """Every item due for the membership's person on `today`, in the order of the kinds; a
    handful of queries, whatever the organisation holds."""
    innovations = seen(membership)
    return [
        *_parts(membership, today, innovations),
        *_actions(membership, today, innovations),
        *_sessions(membership, today, innovations),
        *_decisions(membership, today, innovations),
        *_guests(membership, today, innovations),
    ]


def _parts(membership, today, innovations):
    since, until = window(today)
    parts = (
        counted_parts(membership.organisation, today, innovations=innovations)
        .filter(lead_id=membership.user_id)
        .filter(
            Q(next_review_on__range=(since, until))
            | Q(state=State.PAUSED, review_on__range=(since, until))
        )
        .select_related("innovation", "stage")
        .order_by("innovation__title", "name", "pk")
    )
    reviews, pauses = [], []
    for part in parts:
        where = f"{part.name} of {part.innovation.title} ({part.stage.name})"
        # A paused part's date to revisit stands for its review, as on My work.
        if part.state == State.PAUSED and part.review_on:
            if since <= part.review_on <= until:
                pauses.append(
                    Item(
                        Kind.PAUSE,
                        f"part:{part.pk}",
                        part.review_on,
                        f"{where}: paused, to revisit on {part.review_on:%-d %B %Y}",
                        part.get_absolute_url(),
                    )
                )
        elif part.next_review_on:
            reviews.append(
                Item(
                    Kind.REVIEW,
                    f"part:{part.pk}",
                    part.next_review_on,
                    f"{where}: review due on {part.next_review_on:%-d %B %Y}",
                    part.get_absolute_url(),
                )
            )
    return reviews + pauses


def _actions(membership, today, innovations):
    since, until = window(today)
    actions = (
        Action.objects.open()
        .filter(
            organisation_id=membership.organisation_id,
            owner_id=membership.user_id,
            due_on__range=(since, until),
            session__innovation__in=innovations.values("pk"),
        )
        .filter(session__innovation__in=Innovation.objects.values("pk"))
        .select_related("session__innovation")
        .order_by("due_on", "pk")
    )
    items = []
    for action in actions:
        when = "due today" if action.due_on == today else f"overdue since {action.due_on:%-d %B}"
        session = action.session
        items.append(
            Item(
                Kind.ACTION,
                f"action:{action.pk}",
                action.due_on,
                f"An action from “{session.title}” ({session.innovation.title}): {when}",
                session.get_absolute_url(),
            )
        )
    return items


def _sessions(membership, today, innovations):
    tomorrow = today + timedelta(days=1)
    attending = Attendee.objects.filter(person_id=membership.user_id).values("session_id")
    sessions = (
        ReflectionSession.objects.filter(
            organisation_id=membership.organisation_id,
            status=SessionStatus.PLANNED,
            held_on__range=(today, tomorrow),
            innovation__in=innovations.values("pk"),
        )
        .filter(innovation__in=Innovation.objects.values("pk"))
        .filter(Q(facilitator_id=membership.user_id) | Q(pk__in=attending))
        .select_related("innovation")
        .order_by("held_on", "starts_at", "pk")
    )
    items = []
    for session in sessions:
        when = session.when()
        place = f", {session.where()}" if session.where() else ""
        items.append(
            Item(
                Kind.SESSION,
                f"session:{session.pk}",
                session.held_on - timedelta(days=1),
                f"{session.title} ({session.innovation.title}): {when}{place}. The agenda",
                reverse("sessions:agenda", args=[session.pk]),
            )
        )
    return items


def _decisions(membership, today, innovations):
    since, _ = window(today)
    waiting = org_queries.pending_decisions(
        membership.organisation,
        today,
        parts=counted_parts(membership.organisation, today, innovations=innovations),
        user=membership.user,
    )
    by_session = {}
    for decision in waiting:
        if decision.decided_on >= since:
            by_session.setdefault((decision.session, decision.decided_on), []).append(decision)
    items = []
    for (session, day), decisions in by_session.items():
        count = len(decisions)
        items.append(
            Item(
                Kind.DECISION,
                f"session:{session.pk}",
                day,
                f"{count} decision{'' if count == 1 else 's'} of “{session.title}” "
                f"({session.innovation.title}) waiting to be applied",
                reverse("sessions:apply", args=[session.pk]),
            )
        )
    return items


def _guests(membership, today, innovations):
    if membership.is_guest or not membership.may(Role.MANAGER):
        return []
    guests = Membership.objects.active().filter(
        organisation_id=membership.organisation_id, is_guest=True
    )
    places = (
        TeamMember.objects.current(today)
        .filter(
            organisation_id=membership.organisation_id,
            user_id__in=guests.values("user_id"),
            until__range=(today, today + timedelta(days=GUEST_NOTICE_DAYS)),
            innovation__in=innovations.values("pk"),
        )
        .select_related("user", "innovation")
        .order_by("until", "pk")
    )
    return [
        Item(
            Kind.GUEST,
            f"place:{place.pk}",
            place.until,
            f"{place.user.get_full_name() or place.user.get_username()}'s access to "
            f"{place.innovation.title} ends on {place.until:%-d %B %Y}",
            reverse("innovations:team", args=[place.innovation_id]),
        )
        for place in places
    ]
