"""The one write path for reflection sessions: planning, attendees, notes, decisions, applying
them as moves, and actions.

Every function takes `by=` the acting user, validates, and commits everything it writes (rows,
their history with the acting user and a change reason, the organisation's version) or
nothing; `apply_decisions` commits each decision on its own. A refusal raises Django's
ValidationError with each message at the name of the field it belongs to; a decision the rules
of the wheel do not allow raises their MoveRefused, as the move itself would."""

from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from assessments.models import (
    Action,
    Attendee,
    AttendeeLevel,
    Decision,
    DecisionKind,
    DecisionStatus,
    Note,
    ReflectionSession,
    SessionPart,
    SessionStatus,
)
from assessments.services.evidence import answer_check
from stages import clock, rules, teams
from stages.dates import check_date
from stages.models import Membership, Move, Part, Reason, Stage, stage_names
from stages.rules import MoveRefused
from stages.services import MoveConflict, bump_version, move_part, save_with_history

__all__ = [
    "Outcome",
    "add_action",
    "add_attendee",
    "add_note",
    "answer_check_in_session",
    "apply_decisions",
    "complete_action",
    "invite_people",
    "plan_session",
    "record_decision",
    "remove_attendee",
    "remove_note",
    "reopen_action",
    "update_session",
]


def _text(value, field, what, *, limit=None, required=True):
    text = (value or "").strip()
    if "\x00" in text:
        raise ValidationError({field: "Remove the unprintable characters from this text."})
    if required and not text:
        raise ValidationError({field: f"Enter the {what}."})
    if limit and len(text) > limit:
        raise ValidationError({field: f"Keep the {what} to {limit} characters."})
    return text


def _member(organisation_id, user, *, roles=None):
    members = Membership.objects.active().filter(organisation_id=organisation_id, user=user)
    if roles is not None:
        members = members.filter(role__in=roles)
    return user is not None and members.exists()


def _check_facilitator(session):
    if (
        session.facilitator_id is None
        or not teams.facilitators(session.organisation_id, session.innovation_id)
        .filter(pk=session.facilitator_id)
        .exists()
    ):
        raise ValidationError(
            {
                "facilitator": "Choose a facilitator or a manager of the organisation, or a "
                "member of the innovation's team, to facilitate."
            }
        )


def _scope(innovation, parts):
    parts = list(parts)
    if not parts:
        raise ValidationError({"parts": "Choose at least one part to reflect on."})
    for part in parts:
        if part.innovation_id != innovation.pk:
            raise ValidationError({"parts": f"{part.name} is not a part of {innovation.title}."})
    return parts


def _mark_held(session, *, by, today):
    """A planned session becomes held once something is recorded in it on or after its day."""
    if session.status == SessionStatus.PLANNED and session.held_on <= today:
        session.status = SessionStatus.HELD
        save_with_history(session, by=by, reason="Session held")


def _set_scope(session, parts, *, by):
    wanted = {p.pk: p for p in parts}
    # A withdrawn part stays in the scope it had, out of sight, so restoring it restores that.
    current = {
        sp.part_id: sp
        for sp in SessionPart.objects.filter(session=session, part__in=Part.objects.values("pk"))
    }
    decided = set(
        Decision.objects.filter(session=session)
        .exclude(status=DecisionStatus.REPLACED)
        .values_list("part_id", flat=True)
    )
    for part_id, scoped in current.items():
        if part_id not in wanted:
            if part_id in decided:
                name = Part.objects.get(pk=part_id).name
                raise ValidationError(
                    {"parts": f"{name} has a decision in this session, so it stays in scope."}
                )
            scoped._history_user = by
            scoped._change_reason = "Taken out of scope"
            scoped.delete()
    for part_id, part in wanted.items():
        if part_id not in current:
            scoped = SessionPart(
                organisation_id=session.organisation_id, session=session, part=part
            )
            save_with_history(scoped, by=by, reason="Put in scope")


CALENDAR_FIELDS = ("held_on", "starts_at", "ends_at", "place", "online_link")


def _when_and_where(session, starts_at, ends_at, place, online_link):
    """Set the session's times, place and online link, checked."""
    if ends_at is not None and starts_at is None:
        raise ValidationError({"starts_at": "Enter the start time as well as the end time."})
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        raise ValidationError({"ends_at": "The end time must be after the start time."})
    link = _text(online_link, "online_link", "online meeting link", limit=500, required=False)
    if link and not link.lower().startswith(("https://", "http://")):
        raise ValidationError(
            {"online_link": "Enter the online meeting link starting https://, or leave it empty."}
        )
    session.starts_at = starts_at
    session.ends_at = ends_at
    session.place = _text(place, "place", "place", limit=200, required=False)
    session.online_link = link


@transaction.atomic
def plan_session(
    innovation,
    *,
    by,
    held_on,
    title,
    facilitator,
    parts,
    notes="",
    starts_at=None,
    ends_at=None,
    place="",
    online_link="",
):
    """A planned reflection session on `innovation` for `parts` (parts of it), with its times,
    place and online link when known."""
    session = ReflectionSession(
        organisation_id=innovation.organisation_id,
        innovation=innovation,
        held_on=check_date(held_on, "held_on", "date of the session"),
        title=_text(title, "title", "title", limit=200),
        facilitator=facilitator,
        notes=_text(notes, "notes", "notes", required=False),
        created_by=by,
    )
    _when_and_where(session, starts_at, ends_at, place, online_link)
    if innovation.is_closed:
        raise ValidationError(
            {"held_on": "This innovation is closed: reopen it to plan a session."}
        )
    _check_facilitator(session)
    parts = _scope(innovation, parts)
    save_with_history(session, by=by, reason="Session planned")
    _set_scope(session, parts, by=by)
    bump_version(innovation.organisation_id, innovation_id=innovation.pk)
    return session


@transaction.atomic
def update_session(
    session,
    *,
    by,
    held_on,
    title,
    facilitator,
    parts,
    notes="",
    starts_at=None,
    ends_at=None,
    place="",
    online_link="",
):
    """Change a session's date, times, place, title, facilitator, scope or notes. Once any of
    its decisions has been applied its date stays: the moves are dated on it. When the date,
    times or place change, the calendar sequence rises (`session.calendar_changed`), so the
    invitations sent again replace the ones calendars hold."""
    locked = ReflectionSession.objects.select_for_update().get(pk=session.pk)
    before = [getattr(locked, name) for name in CALENDAR_FIELDS]
    held_on = check_date(held_on, "held_on", "date of the session")
    if held_on != locked.held_on and (
        Decision.objects.filter(session=locked, status=DecisionStatus.APPLIED).exists()
    ):
        raise ValidationError(
            {
                "held_on": "Decisions of this session were applied as moves dated "
                f"{locked.held_on:%-d %B %Y}, so its date cannot change."
            }
        )
    locked.held_on = held_on
    locked.title = _text(title, "title", "title", limit=200)
    locked.facilitator = facilitator
    locked.notes = _text(notes, "notes", "notes", required=False)
    _when_and_where(locked, starts_at, ends_at, place, online_link)
    _check_facilitator(locked)
    parts = _scope(session.innovation, parts)
    changed = before != [getattr(locked, name) for name in CALENDAR_FIELDS]
    if changed:
        locked.calendar_sequence += 1
    save_with_history(locked, by=by, reason="Session edited")
    _set_scope(locked, parts, by=by)
    bump_version(locked.organisation_id)
    session.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    session.calendar_changed = changed
    return session


@transaction.atomic
def invite_people(session, *, by, people, level):
    """Add members and guests of the organisation who may see the innovation as attendees
    by name; returns the attendees added (those already invited are left as they are)."""
    from assessments.queries.sessions import invitable

    if level not in AttendeeLevel.values:
        raise ValidationError({"level": "Choose the level they work at."})
    if not people:
        raise ValidationError({"people": "Choose at least one person to invite."})
    locked = ReflectionSession.objects.select_for_update().get(pk=session.pk)
    if locked.status != SessionStatus.PLANNED:
        raise ValidationError({"people": "Only a planned session's invitations can be sent."})
    allowed = set(invitable(session).values_list("pk", flat=True))
    if any(person.pk not in allowed for person in people):
        raise ValidationError(
            {"people": "Choose people of the organisation who may see this innovation."}
        )
    there = set(
        Attendee.objects.filter(session=session, person__in=people).values_list(
            "person_id", flat=True
        )
    )
    added = []
    for person in people:
        if person.pk in there:
            continue
        attendee = Attendee(
            organisation_id=session.organisation_id,
            session=session,
            name_or_role=(person.get_full_name() or person.get_username())[:120],
            level=level,
            person=person,
        )
        save_with_history(attendee, by=by, reason="Invited")
        added.append(attendee)
    bump_version(session.organisation_id)
    return added


@transaction.atomic
def add_attendee(session, *, by, name_or_role, level, part=None):
    """Someone who came, by their role (never a child's or family's name), their level and the
    part they come from."""
    name_or_role = _text(name_or_role, "name_or_role", "role", limit=120)
    if level not in AttendeeLevel.values:
        raise ValidationError({"level": "Choose the level they work at."})
    if part is not None and part.innovation_id != session.innovation_id:
        raise ValidationError({"part": f"{part.name} is not a part of this innovation."})
    attendee = Attendee(
        organisation_id=session.organisation_id,
        session=session,
        name_or_role=name_or_role,
        level=level,
        part=part,
    )
    save_with_history(attendee, by=by, reason="Attendee added")
    bump_version(session.organisation_id, innovation_id=session.innovation_id)
    return attendee


def _refuse_removal_once_applied(session, what):
    """Once a session's decisions are applied its record stands: the moves cite it."""
    locked = ReflectionSession.objects.select_for_update().get(pk=session.pk)
    if locked.status == SessionStatus.APPLIED:
        raise ValidationError(
            f"The decisions of this session have been applied as moves, so its {what} are part "
            "of the record and cannot be removed."
        )


@transaction.atomic
def remove_attendee(attendee, *, by):
    """Take an attendee off a session whose decisions are not yet applied; the history keeps
    who removed them and when."""
    _refuse_removal_once_applied(attendee.session, "attendees")
    attendee._history_user = by
    attendee._change_reason = f"Attendee removed: {attendee.name_or_role}"
    attendee.delete()
    bump_version(attendee.organisation_id)


def waits_for_the_day(session, today):
    """True while the session's date is still to come: notes and attendees can be recorded
    before it, the check's answers and the decisions only on the day or after."""
    return session.held_on > today


def answer_check_in_session(session, part, *, by, answer, evidence, today=None):
    """The session's answer to the check of `part` (in its scope), dated the session's date, so
    that the summary finds it. Refused before the session's date, as decisions are."""
    today = today or clock.localdate()
    _in_scope(session, part)
    if waits_for_the_day(session, today):
        raise ValidationError(
            {
                "answer": f"This session is planned for {session.held_on:%-d %B %Y}: record the "
                "answers to the check on the day or after."
            }
        )
    return answer_check(part, by=by, answer=answer, evidence=evidence, answered_on=session.held_on)


def _in_scope(session, part):
    if part is not None and not SessionPart.objects.filter(session=session, part=part).exists():
        raise ValidationError({"part": f"{part.name} is not in this session's scope."})


@transaction.atomic
def add_note(session, *, by, text, part=None, prompt="", today=None):
    """A note of what was said about `part` (or the whole session), answering `prompt` (the
    prompt's words, or "" for a general note)."""
    today = today or clock.localdate()
    text = _text(text, "text", "note")
    prompt = _text(prompt, "prompt", "prompt", limit=500, required=False)
    _in_scope(session, part)
    note = Note(
        organisation_id=session.organisation_id,
        session=session,
        part=part,
        prompt=prompt,
        text=text,
        recorded_by=by,
    )
    save_with_history(note, by=by, reason="Note taken")
    _mark_held(session, by=by, today=today)
    bump_version(session.organisation_id, innovation_id=session.innovation_id)
    return note


@transaction.atomic
def remove_note(note, *, by):
    """Remove a note from a session whose decisions are not yet applied; the history keeps its
    words, who removed it and when."""
    _refuse_removal_once_applied(note.session, "notes")
    note._history_user = by
    note._change_reason = "Note removed"
    note.delete()
    bump_version(note.organisation_id)


def allowed_decisions(part):
    """The decision kinds open to `part` now: stay, and the moves the rules allow. No query."""
    position = part.position
    kinds = [DecisionKind.STAY]
    kinds += [DecisionKind(k) for k in rules.allowed_kinds(position) if k in DecisionKind.values]
    return kinds


@transaction.atomic
def record_decision(
    session,
    part,
    *,
    by,
    kind,
    to_stage=None,
    reason="",
    rationale="",
    minority_view="",
    review_on=None,
    today=None,
):
    """What the session decides for `part`: stay, or a move the rules allow for the part now.
    The decision keeps the part's version and the session's date; it moves nothing until the
    decisions are applied. A decision still waiting for the same part is replaced by this one.
    `to_stage` is a stage number."""
    today = today or clock.localdate()
    if kind not in DecisionKind.values:
        raise ValidationError({"kind": "Choose what the session decided."})
    kind = DecisionKind(kind)
    _in_scope(session, part)
    if waits_for_the_day(session, today):
        raise ValidationError(
            {
                "kind": f"This session is planned for {session.held_on:%-d %B %Y}: record its "
                "decisions on the day or after."
            }
        )
    current = Part.objects.select_related("stage", "innovation").get(pk=part.pk)
    rationale = _text(rationale, "rationale", "rationale", required=False)
    minority_view = _text(minority_view, "minority_view", "minority view", required=False)
    if reason and reason not in Reason.values:
        raise ValidationError({"reason": "Choose one of the reasons."})
    if kind == DecisionKind.STAY:
        to_stage, reason, review_on = None, "", None
    else:
        if current.innovation.is_closed:
            raise ValidationError(
                {"kind": "This innovation is closed: reopen it to move its parts."}
            )
        if kind not in rules.NEEDS_TARGET:
            to_stage = None
        position = current.position
        names = stage_names()
        open_now = allowed_decisions(current)
        if kind not in open_now:
            labels = [k.label.lower() for k in open_now]
            raise MoveRefused(
                f"{current.name} is {position.describe(names)}, so the session can decide: "
                f"{', '.join(labels[:-1])} or {labels[-1]}.",
                "kind",
            )
        rules.next_position(
            position,
            kind,
            to_stage,
            names=names,
            reason=reason,
            rationale=rationale,
            review_on=review_on,
            effective_on=session.held_on,
        )
        latest = Move.objects.live().filter(part=current).order_by("-seq").first()
        try:
            rules.check_effective_on(
                session.held_on,
                today=today,
                latest=(latest.get_kind_display(), latest.effective_on) if latest else None,
            )
        except MoveRefused as refusal:
            raise MoveRefused(
                f"The session's date is before {current.name}'s latest move "
                f"({latest.get_kind_display().lower()} on {latest.effective_on:%-d %B %Y}), "
                "so this decision could not take effect on it.",
                "kind",
            ) from refusal
    waiting = Decision.objects.select_for_update().filter(
        session=session, part=current, status=DecisionStatus.PENDING
    )
    for earlier in waiting:
        earlier.status = DecisionStatus.REPLACED
        save_with_history(earlier, by=by, reason="Decision replaced")
    decision = Decision(
        organisation_id=session.organisation_id,
        session=session,
        part=current,
        kind=kind,
        to_stage=Stage.objects.get(number=to_stage) if to_stage else None,
        reason=reason or "",
        rationale=rationale,
        minority_view=minority_view,
        review_on=review_on,
        part_version=current.version,
        decided_on=session.held_on,
        recorded_by=by,
    )
    try:
        with transaction.atomic():
            save_with_history(decision, by=by, reason="Decision recorded")
    except IntegrityError:
        raise ValidationError(
            {
                "kind": f"Someone recorded a decision for {current.name} at the same moment; "
                "open the part again to see it."
            }
        ) from None
    _mark_held(session, by=by, today=today)
    bump_version(session.organisation_id, innovation_id=session.innovation_id)
    return decision


class Outcome(NamedTuple):
    """One decision's result when the decisions are applied."""

    decision: Decision
    status: str
    message: str


def apply_decisions(session, *, by, today=None):
    """Apply the session's waiting decisions, each in its own transaction, through
    `stages.services.move_part` with the version and date the decision stored. A decision whose
    part was moved meanwhile, or that the rules now refuse, is marked not applied with the
    reason, and the others are still applied; a stay writes no move. Returns [Outcome], in the
    parts' name order."""
    today = today or clock.localdate()
    waiting = list(
        Decision.objects.filter(session=session, status=DecisionStatus.PENDING)
        .order_by("part__name", "id")
        .values_list("pk", flat=True)
    )
    evidence = (
        f"Decided at the reflection session “{session.title}” on {session.held_on:%-d %B %Y}."
    )
    report = []
    for pk in waiting:
        with transaction.atomic():
            decision = Decision.objects.select_for_update().get(pk=pk)
            if decision.status != DecisionStatus.PENDING:
                continue
            part = Part.all_objects.select_related("stage", "innovation").get(pk=decision.part_id)
            decision.part = part
            if part.withdrawal is not None:
                decision.status = DecisionStatus.NOT_APPLIED
                decision.outcome = f"{part.name} was withdrawn: a manager may restore it."
            elif decision.kind == DecisionKind.STAY:
                decision.status = DecisionStatus.STAY
                where = part.position.describe()
                decision.outcome = f"{part.name} stays {where}."
            elif part.innovation.is_closed:
                decision.status = DecisionStatus.NOT_APPLIED
                decision.outcome = (
                    f"{part.innovation.title} is closed: reopen it to move its parts."
                )
            else:
                try:
                    move = move_part(
                        part,
                        kind=decision.kind,
                        by=by,
                        to_stage=decision.to_stage.number if decision.to_stage_id else None,
                        reason=decision.reason,
                        rationale=decision.rationale,
                        evidence=evidence,
                        effective_on=decision.decided_on,
                        review_on=decision.review_on,
                        expected_version=decision.part_version,
                        today=today,
                    )
                except (MoveConflict, MoveRefused) as refusal:
                    decision.status = DecisionStatus.NOT_APPLIED
                    decision.outcome = refusal.message
                else:
                    decision.status = DecisionStatus.APPLIED
                    decision.move = move
                    decision.outcome = move.describe() + "."
            save_with_history(
                decision, by=by, reason=f"Decision {decision.get_status_display().lower()}"
            )
            bump_version(session.organisation_id, innovation_id=session.innovation_id)
        report.append(Outcome(decision, decision.status, decision.outcome))
    if report:
        with transaction.atomic():
            locked = ReflectionSession.objects.select_for_update().get(pk=session.pk)
            if locked.status != SessionStatus.APPLIED:
                locked.status = SessionStatus.APPLIED
                save_with_history(locked, by=by, reason="Decisions applied")
                bump_version(session.organisation_id, innovation_id=session.innovation_id)
            session.status = locked.status
    return report


@transaction.atomic
def add_action(session, *, by, text, owner, due_on=None, today=None):
    """Something `owner` (an active member of the organisation) agreed to do."""
    today = today or clock.localdate()
    text = _text(text, "text", "action", limit=1000)
    if not _member(session.organisation_id, owner):
        raise ValidationError({"owner": "Choose a member of the organisation to own the action."})
    if due_on is not None:
        check_date(due_on, "due_on", "due date")
    action = Action(
        organisation_id=session.organisation_id,
        session=session,
        text=text,
        owner=owner,
        due_on=due_on,
        created_by=by,
    )
    save_with_history(action, by=by, reason="Action agreed")
    _mark_held(session, by=by, today=today)
    bump_version(session.organisation_id, innovation_id=session.innovation_id)
    return action


@transaction.atomic
def complete_action(action, *, by, done_on=None):
    """Mark the action done (on `done_on`, today by default). Done already: nothing changes."""
    locked = Action.objects.select_for_update().get(pk=action.pk)
    if not locked.done:
        done_on = done_on or clock.localdate()
        check_date(done_on, "done_on", "date it was done")
        locked.done, locked.done_on = True, done_on
        save_with_history(locked, by=by, reason="Action done")
        bump_version(locked.organisation_id)
    action.done, action.done_on = locked.done, locked.done_on
    return action


@transaction.atomic
def reopen_action(action, *, by):
    """Mark a done action as still to do."""
    locked = Action.objects.select_for_update().get(pk=action.pk)
    if locked.done:
        locked.done, locked.done_on = False, None
        save_with_history(locked, by=by, reason="Action reopened")
        bump_version(locked.organisation_id)
    action.done, action.done_on = locked.done, locked.done_on
    return action
