"""Reads of reflection sessions: the generated agenda and the record of what a session said,
decided and agreed. Each runs a fixed number of queries, whatever the number of parts, moves,
notes, decisions or actions, on PostgreSQL and SQLite alike."""

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db.models import CharField, Count, F, Q, TextField, Value
from django.db.models.functions import Cast
from django.utils import timezone

from assessments.models import (
    Action,
    Attendee,
    AttendeeLevel,
    Check,
    Decision,
    DecisionStatus,
    Note,
    ReflectionSession,
    SessionPart,
)
from assessments.queries.evidence import readiness_for_parts
from stages.models import Membership, Move, Part, Role, TeamMember


def previous_session(session):
    """The latest session of the same innovation held before `session` (on an earlier day, or
    earlier the same day), or None. Planned sessions that never took place do not count. One
    query."""
    return (
        ReflectionSession.objects.held()
        .filter(innovation_id=session.innovation_id)
        .filter(Q(held_on__lt=session.held_on) | Q(held_on=session.held_on, pk__lt=session.pk))
        .select_related("facilitator")
        .order_by("-held_on", "-pk")
        .first()
    )


def moved_since(part_ids, since):
    """Moves of the parts since the day `since`: those recorded after that day as well as those
    dated after it, so a move recorded later but dated back before the day is not missed, nor
    one dated later but recorded early. Oldest first by date; voids and voided moves included
    (`voided_by` selected, so `is_live` needs no query). One query."""
    boundary = timezone.make_aware(datetime.combine(since + timedelta(days=1), time.min))
    return list(
        Move.objects.filter(part_id__in=part_ids)
        .filter(Q(effective_on__gt=since) | Q(recorded_at__gte=boundary))
        .select_related("part", "to_stage", "voids", "voided_by", "recorded_by")
        .order_by("effective_on", "recorded_at", "id")
    )


def sessions_of(innovation, *, waiting_only=False):
    """The innovation's sessions, latest first (facilitator selected), each with `waiting`:
    the number of its decisions waiting to be applied. With `waiting_only`, only the sessions
    that have such decisions. One query."""
    found = ReflectionSession.objects.filter(innovation=innovation).annotate(
        waiting=Count(
            "decisions",
            filter=Q(
                decisions__status=DecisionStatus.PENDING,
                # A withdrawn part's decision waits for nothing.
                decisions__part__in=Part.objects.values("pk"),
            ),
        )
    )
    if waiting_only:
        found = found.filter(waiting__gt=0)
    return list(found.select_related("facilitator").order_by("-held_on", "-pk"))


def scope_ids(session):
    """Ids of the parts in the session's scope. One query."""
    return set(SessionPart.objects.filter(session=session).values_list("part_id", flat=True))


def open_actions(innovation_id):
    """The innovation's open actions from all its sessions, soonest due first (no due date
    last). One query (owner and session selected)."""
    return list(
        Action.objects.open()
        .filter(session__innovation_id=innovation_id)
        .select_related("owner", "session")
        .order_by(F("due_on").asc(nulls_last=True), "id")
    )


def agenda(session, today):
    """The session's agenda, generated. Nine queries (eight when there is no previous session).
    `session.innovation` must be loaded. A dict:

    - `session`; `previous`: the previous session (see `previous_session`) or None;
    - `parts`: for each part in scope, in name order, a dict with `part`, `stage` (its focus,
      key question, criterion and prompts), `readiness` (as `assessments.queries.readiness`:
      measures with latest readings and statuses, the latest check answer, the latest
      involvement record, a summary in plain words) and `moved` (moves since the previous
      session, as `moved_since`; empty without one), split into `dated_since` (dated after
      it) and `recorded_since` (recorded after it but dated on or before its day);
    - `open_actions`: the innovation's open actions, from this session and earlier ones."""
    previous = previous_session(session)
    in_scope = scope_ids(session)
    readiness = readiness_for_parts(session.innovation, today)
    moves = moved_since(in_scope, previous.held_on) if previous else []
    moved = {}
    for move in moves:
        moved.setdefault(move.part_id, []).append(move)
    parts = []
    for part_id, entry in readiness.items():
        if part_id not in in_scope:
            continue
        since = moved.get(part_id, [])
        parts.append(
            {
                "part": entry["part"],
                "stage": entry["stage"],
                "readiness": entry,
                "moved": since,
                "dated_since": [m for m in since if m.effective_on > previous.held_on],
                "recorded_since": [m for m in since if m.effective_on <= previous.held_on],
            }
        )
    return {
        "session": session,
        "previous": previous,
        "parts": parts,
        "open_actions": open_actions(session.innovation_id),
        "today": today,
    }


LEVEL_ORDER = {level: n for n, level in enumerate(AttendeeLevel.values)}


def session_record(session):
    """What the session recorded. Four queries. A dict:

    - `attendees`: every attendee (part selected); `by_level`: [(level label, [attendees])]
      for the levels present, in the levels' order;
    - `notes`: every note, oldest first (part and recorded_by selected); `notes_by_part`:
      {part id or None: [notes]};
    - `decisions`: every decision, in part name order, oldest first (part, to_stage, the move
      it made and recorded_by selected); `current_decision`: {part id: the latest decision
      that was not replaced};
    - `actions`: the session's actions (owner selected), open ones first."""
    attendees = sorted(
        Attendee.objects.filter(session=session).select_related("part"),
        key=lambda a: (LEVEL_ORDER[a.level], a.name_or_role.lower(), a.pk),
    )
    by_level = []
    for attendee in attendees:
        label = attendee.get_level_display()
        if not by_level or by_level[-1][0] != label:
            by_level.append((label, []))
        by_level[-1][1].append(attendee)
    notes = list(
        Note.objects.filter(session=session)
        .select_related("part", "recorded_by")
        .order_by("recorded_at", "id")
    )
    notes_by_part = {}
    for note in notes:
        notes_by_part.setdefault(note.part_id, []).append(note)
    decisions = list(
        Decision.objects.filter(session=session)
        .select_related(
            "part", "to_stage", "move__part", "move__to_stage", "move__voids", "recorded_by"
        )
        .order_by("part__name", "recorded_at", "id")
    )
    current = {}
    for decision in decisions:
        if decision.status != DecisionStatus.REPLACED:
            current[decision.part_id] = decision
    actions = list(
        Action.objects.filter(session=session)
        .select_related("owner")
        .order_by("done", F("due_on").asc(nulls_last=True), "id")
    )
    return {
        "attendees": attendees,
        "by_level": by_level,
        "notes": notes,
        "notes_by_part": notes_by_part,
        "decisions": decisions,
        "current_decision": current,
        "actions": actions,
    }


def session_checks(session):
    """The answers to the checks (and reflections on the prompts) of the parts in the session's
    scope given on the session's date: those recorded in facilitator mode, which dates them so,
    and any given on the check pages that day. By part name, oldest first. One query."""
    return list(
        Check.objects.filter(
            part__in=SessionPart.objects.filter(session=session).values("part_id"),
            answered_on=session.held_on,
        )
        .select_related("part", "stage", "answered_by")
        .order_by("part__name", "part_id", "recorded_at", "id")
    )


def parts_in_scope(session):
    """The parts in the session's scope, in name order (stage selected). One query."""
    return list(
        Part.objects.filter(pk__in=SessionPart.objects.filter(session=session).values("part_id"))
        .select_related("stage")
        .order_by("name", "id")
    )


def your_open_actions(user, organisation_id, *, innovations=None):
    """The person's open actions in the organisation, soonest due first; of `innovations` (a
    queryset of those the person may see) only, where it is given. One query."""
    actions = Action.objects.open()
    if innovations is not None:
        actions = actions.filter(session__innovation__in=innovations.values("pk"))
    return list(
        actions.filter(owner=user, organisation_id=organisation_id)
        .select_related("session__innovation")
        .order_by(F("due_on").asc(nulls_last=True), "id")
    )


def removals(innovation_id):
    """Every note and attendee removed from the innovation's reflection sessions, from their
    history: dicts of when, who (first name, last name, username), what ("note" or
    "attendee"), the session's title and the words removed. One query."""

    def removed(model, words, what):
        # Unordered: SQLite refuses an ORDER BY inside a part of a UNION.
        rows = model.history.filter(history_type="-", session__innovation_id=innovation_id)
        return rows.order_by().values(
            removed_on=F("history_date"),
            first_name=F("history_user__first_name"),
            last_name=F("history_user__last_name"),
            username=F("history_user__username"),
            what=Value(what, output_field=CharField()),
            session_title=F("session__title"),
            words=Cast(words, output_field=TextField()),
        )

    return list(removed(Note, "text", "note").union(removed(Attendee, "name_or_role", "attendee")))


def invitable(session):
    """The people who may be invited to a session: members of its organisation who see its
    innovation (every member for an open innovation; for a restricted one its managers, lead
    and team) and the guests with a current place on it. A lazy queryset of users, by name."""
    innovation = session.innovation
    members = Membership.objects.active().filter(organisation_id=session.organisation_id)
    places = TeamMember.objects.current().filter(innovation_id=innovation.pk).values("user_id")
    staff = members.filter(is_guest=False)
    if innovation.restricted:
        staff = staff.filter(
            Q(role=Role.MANAGER) | Q(user_id=innovation.lead_id) | Q(user_id__in=places)
        )
    guests = members.filter(is_guest=True, user_id__in=places)
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(pk__in=staff.values("user_id")) | Q(pk__in=guests.values("user_id")))
        .exclude(email="")
        .order_by("first_name", "last_name", "username")
    )
