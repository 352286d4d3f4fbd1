"""Reflection sessions: plan one, run it from the product in the room (facilitator mode), apply
its decisions as moves, and hand round the printed summary. Facilitators and managers plan and
run sessions; every member reads them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments.models import (
    Action,
    Attendee,
    DecisionStatus,
    Note,
    SessionPart,
    SessionStatus,
)
from assessments.queries import sessions as session_queries
from assessments.services import sessions as session_services
from innovate.access import (
    get_action_for,
    get_innovation_for,
    get_session_for,
    guest_ids,
    name_of,
)
from innovate.csv import csv_lines
from innovate.forms import CheckForm, GovukForm
from innovate.http import HttpRequest, closed, posted, respond, see_other
from innovate.notifications import invitations
from innovate.pdf import pdf_response
from innovate.pictures.wheel import Marker, wheel_svg
from innovate.sessions.forms import (
    ActionForm,
    AttendeeForm,
    DecisionForm,
    InviteForm,
    NoteForm,
    SessionForm,
    prompt_choices,
)
from notifications.calendar import event_calendar
from stages.models import Part, Role
from stages.rules import MoveRefused

RUNS = Role.FACILITATOR


# Planning


@require_GET
@login_required
def session_list(request: HttpRequest, pk: int):
    innovation, membership = get_innovation_for(request, pk)
    # Anything but "1" shows every session, as the plain list always did.
    waiting_only = request.GET.get("waiting") == "1"
    found = session_queries.sessions_of(innovation, waiting_only=waiting_only)
    today = timezone.localdate()
    return respond(
        request,
        "sessions/list.html",
        {
            "innovation": innovation,
            "upcoming": [s for s in found if s.status == SessionStatus.PLANNED],
            "past": [s for s in found if s.status != SessionStatus.PLANNED],
            "waiting_only": waiting_only,
            "may_run": membership.may(RUNS) and not innovation.is_closed,
            "today": today,
        },
    )


def _session_fields(data):
    return {
        "held_on": data["held_on"],
        "title": data["title"],
        "facilitator": data["facilitator"],
        "parts": list(data["parts"]),
        "notes": data["notes"],
        "starts_at": data["starts_at"],
        "ends_at": data["ends_at"],
        "place": data["place"],
        "online_link": data["online_link"],
    }


@require_http_methods(["GET", "POST"])
@login_required
def session_plan(request: HttpRequest, pk: int):
    innovation, membership = get_innovation_for(request, pk, need=RUNS)
    if innovation.is_closed:
        back = reverse("sessions:list", args=[innovation.pk])
        return closed(request, innovation, "plan a session", back=back)
    form = SessionForm(
        posted(request),
        innovation=innovation,
        initial={
            "held_on": timezone.localdate(),
            "facilitator": request.user.pk,
            "parts": list(Part.objects.filter(innovation=innovation).values_list("pk", flat=True)),
        },
    )
    context = {"form": form, "innovation": innovation}
    if request.method == "POST":
        if form.is_valid():
            try:
                session = session_services.plan_session(
                    innovation, by=request.user, **_session_fields(form.cleaned_data)
                )
            except ValidationError as refusal:
                form.refuse(refusal)
            else:
                messages.success(request, f"{session.title} planned. Now add who will come.")
                return see_other(session.get_absolute_url())
        return respond(request, "sessions/form.html", context, status=422)
    return respond(request, "sessions/form.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def session_edit(request: HttpRequest, pk: int):
    session, membership = get_session_for(request, pk, need=RUNS)
    innovation = session.innovation
    form = SessionForm(
        posted(request),
        innovation=innovation,
        initial={
            "held_on": session.held_on,
            "title": session.title,
            "facilitator": session.facilitator_id,
            "parts": list(
                SessionPart.objects.filter(session=session).values_list("part_id", flat=True)
            ),
            "notes": session.notes,
            "starts_at": session.starts_at,
            "ends_at": session.ends_at,
            "place": session.place,
            "online_link": session.online_link,
        },
    )
    context = {"form": form, "innovation": innovation, "session": session}
    if request.method == "POST":
        if form.is_valid():
            try:
                session_services.update_session(
                    session, by=request.user, **_session_fields(form.cleaned_data)
                )
            except ValidationError as refusal:
                form.refuse(refusal)
            else:
                if session.calendar_changed:
                    invitations.send_later(session, invitations.invited(session), "REQUEST")
                messages.success(request, "Changes saved.")
                return see_other(session.get_absolute_url())
        return respond(request, "sessions/form.html", context, status=422)
    return respond(request, "sessions/form.html", context)


def _detail_context(session, membership, *, attendee_form=None, action_form=None, refused=""):
    """The session page: its scope, attendees and actions. Five queries."""
    innovation = session.innovation
    record = session_queries.session_record(session)
    return {
        "session": session,
        "innovation": innovation,
        "parts": session_queries.parts_in_scope(session),
        "record": record,
        "waiting": sum(1 for d in record["decisions"] if d.status == DecisionStatus.PENDING),
        "attendee_form": attendee_form or AttendeeForm(innovation=innovation),
        "action_form": action_form or ActionForm(organisation=session.organisation),
        "may_run": membership.may(RUNS),
        "refused": refused,
        "today": timezone.localdate(),
    }


@require_GET
@login_required
def session_detail(request: HttpRequest, pk: int):
    session, membership = get_session_for(request, pk)
    return respond(request, "sessions/detail.html", _detail_context(session, membership))


def _detail_answer(request, session, membership, partial, *, done, status=200, **forms):
    """After a write on the session page: the fragment for htmx, else 303 to the page."""
    if request.htmx or status != 200:
        context = _detail_context(session, membership, **forms)
        return respond(request, "sessions/detail.html", context, partial=partial, status=status)
    messages.success(request, done)
    return see_other(session.get_absolute_url() + f"#{partial}")


@require_POST
@login_required
def attendee_add(request: HttpRequest, pk: int):
    session, membership = get_session_for(request, pk, need=RUNS)
    form = AttendeeForm(request.POST, innovation=session.innovation)
    if form.is_valid():
        data = form.cleaned_data
        try:
            attendee = session_services.add_attendee(
                session,
                by=request.user,
                name_or_role=data["name_or_role"],
                level=data["level"],
                part=data["part"],
            )
        except ValidationError as refusal:
            form.refuse(refusal)
        else:
            return _detail_answer(
                request, session, membership, "attendees", done=f"{attendee} added."
            )
    return _detail_answer(
        request, session, membership, "attendees", done="", status=422, attendee_form=form
    )


@require_POST
@login_required
def attendee_remove(request: HttpRequest, pk: int, attendee_pk: int):
    session, membership = get_session_for(request, pk, need=RUNS)
    attendee = get_object_or_404(Attendee, pk=attendee_pk, session=session)
    person_id = attendee.person_id
    try:
        session_services.remove_attendee(attendee, by=request.user)
        if person_id:
            invitations.send_later(session, [person_id], "CANCEL")
    except ValidationError as refusal:
        return _detail_answer(
            request,
            session,
            membership,
            "attendees",
            done="",
            status=409,
            refused=" ".join(refusal.messages),
        )
    return _detail_answer(request, session, membership, "attendees", done=f"{attendee} removed.")


@require_POST
@login_required
def action_add(request: HttpRequest, pk: int):
    session, membership = get_session_for(request, pk, need=RUNS)
    form = ActionForm(request.POST, organisation=session.organisation)
    if form.is_valid():
        data = form.cleaned_data
        try:
            session_services.add_action(
                session,
                by=request.user,
                text=data["text"],
                owner=data["owner"],
                due_on=data["due_on"],
            )
        except ValidationError as refusal:
            form.refuse(refusal)
        else:
            return _detail_answer(request, session, membership, "actions", done="Action added.")
    return _detail_answer(
        request, session, membership, "actions", done="", status=422, action_form=form
    )


def _back(request, action):
    """Where to go after marking an action: the page it was marked on, else its session."""
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return back
    return action.session.get_absolute_url() + "#actions"


@require_POST
@login_required
def action_complete(request: HttpRequest, pk: int):
    action, membership = get_action_for(request, pk)
    session_services.complete_action(action, by=request.user)
    messages.success(request, f"Done: {action.text}")
    return see_other(_back(request, action))


@require_POST
@login_required
def action_reopen(request: HttpRequest, pk: int):
    action, membership = get_action_for(request, pk)
    session_services.reopen_action(action, by=request.user)
    messages.success(request, f"Still to do: {action.text}")
    return see_other(_back(request, action))


# The agenda and facilitator mode


@require_GET
@login_required
def agenda(request: HttpRequest, pk: int):
    session, membership = get_session_for(request, pk)
    return respond(
        request,
        "sessions/agenda.html",
        {
            "session": session,
            "innovation": session.innovation,
            "agenda": session_queries.agenda(session, timezone.localdate()),
            "may_run": membership.may(RUNS),
        },
    )


@require_GET
@login_required
def run(request: HttpRequest, pk: int):
    session, membership = get_session_for(request, pk, need=RUNS)
    first = session_queries.parts_in_scope(session)[:1]
    if not first:
        messages.info(request, "Choose the parts in scope before running the session.")
        return redirect("sessions:edit", session.pk)
    return redirect("sessions:run-part", session.pk, first[0].pk)


def _by_prompt(stage, notes):
    """[(prompt, label, [notes])] for the key question and each prompt, then the general notes,
    then notes on prompts the stage no longer has (reworded since, or of an earlier stage)."""
    groups = {value: (value, label, []) for value, label in prompt_choices(stage)}
    for note in notes:
        if note.prompt not in groups:
            groups[note.prompt] = (note.prompt, note.prompt, [])
        groups[note.prompt][2].append(note)
    return list(groups.values())


def _run_context(session, part_pk, **forms):
    """Facilitator mode for one part in scope: the agenda's view of it, its notes and decision,
    and the way to the previous and next parts. Thirteen queries."""
    today = timezone.localdate()
    agenda = session_queries.agenda(session, today)
    entries = agenda["parts"]
    index = next((i for i, e in enumerate(entries) if e["part"].pk == part_pk), None)
    if index is None:
        raise Http404("That part is not in this session's scope")
    entry = entries[index]
    part, stage = entry["part"], entry["stage"]
    record = session_queries.session_record(session)
    kinds = session_services.allowed_decisions(part)
    return {
        "session": session,
        "innovation": session.innovation,
        "agenda": agenda,
        "entry": entry,
        "part": part,
        "stage": stage,
        "number": index + 1,
        "total": len(entries),
        "previous": entries[index - 1]["part"] if index > 0 else None,
        "next": entries[index + 1]["part"] if index + 1 < len(entries) else None,
        "notes": _by_prompt(stage, record["notes_by_part"].get(part.pk, [])),
        "decisions": [d for d in record["decisions"] if d.part_id == part.pk],
        "current": record["current_decision"].get(part.pk),
        "decided": len(record["current_decision"]),
        "note_form": forms.get("note_form") or NoteForm(stage=stage),
        "check_form": forms.get("check_form") or CheckForm(stage=stage),
        "decision_form": forms.get("decision_form") or DecisionForm(kinds=kinds),
        "just_done": forms.get("just_done", ""),
        "refused": forms.get("refused", ""),
        "today": today,
        "waits": session_services.waits_for_the_day(session, today),
    }


@require_GET
@login_required
def run_part(request: HttpRequest, pk: int, part_pk: int):
    session, membership = get_session_for(request, pk, need=RUNS)
    return respond(request, "sessions/run.html", _run_context(session, part_pk))


def _scoped_part(session, part_pk):
    return get_object_or_404(
        Part.objects.select_related("stage", "innovation"),
        pk=part_pk,
        pk__in=SessionPart.objects.filter(session=session).values("part_id"),
    )


def _run_answer(request, session, part, partial, *, done, status=200, **forms):
    """After a write in facilitator mode: the fragment for htmx, else 303 to the part."""
    if request.htmx or status != 200:
        if status == 200:
            forms["just_done"] = done
        context = _run_context(session, part.pk, **forms)
        return respond(request, "sessions/run.html", context, partial=partial, status=status)
    messages.success(request, done)
    return see_other(reverse("sessions:run-part", args=[session.pk, part.pk]) + f"#{partial}")


@require_POST
@login_required
def note_add(request: HttpRequest, pk: int, part_pk: int):
    session, membership = get_session_for(request, pk, need=RUNS)
    part = _scoped_part(session, part_pk)
    form = NoteForm(request.POST, stage=part.stage)
    if form.is_valid():
        try:
            session_services.add_note(
                session,
                by=request.user,
                part=part,
                prompt=form.cleaned_data["prompt"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as refusal:
            form.refuse(refusal)
        else:
            return _run_answer(request, session, part, "notes", done="Note added.")
    return _run_answer(request, session, part, "notes", done="", status=422, note_form=form)


@require_POST
@login_required
def note_remove(request: HttpRequest, pk: int, note_pk: int):
    session, membership = get_session_for(request, pk, need=RUNS)
    note = get_object_or_404(
        Note.objects.select_related("part__stage"), pk=note_pk, session=session
    )
    try:
        session_services.remove_note(note, by=request.user)
    except ValidationError as refusal:
        if note.part_id is None:
            return _detail_answer(
                request,
                session,
                membership,
                "attendees",
                done="",
                status=409,
                refused=" ".join(refusal.messages),
            )
        return _run_answer(
            request,
            session,
            note.part,
            "notes",
            done="",
            status=409,
            refused=" ".join(refusal.messages),
        )
    if note.part_id is None:
        messages.success(request, "Note removed.")
        return see_other(reverse("sessions:summary", args=[session.pk]))
    return _run_answer(request, session, note.part, "notes", done="Note removed.")


@require_POST
@login_required
def check_answer(request: HttpRequest, pk: int, part_pk: int):
    session, membership = get_session_for(request, pk, need=RUNS)
    part = _scoped_part(session, part_pk)
    if not part.stage.key_question:
        # Nothing to answer yes or no to: the stage's prompts are answered by notes.
        refused = GovukForm(request.POST)
        refused.is_valid()
        refused.add_error(
            None,
            f"The framework states no key question for {part.stage.name}: record what is said "
            "about its reflection prompts as notes.",
        )
        return _run_answer(request, session, part, "check", done="", status=422, check_form=refused)
    form = CheckForm(request.POST, stage=part.stage)
    if form.is_valid():
        try:
            session_services.answer_check_in_session(
                session,
                part,
                by=request.user,
                answer=form.cleaned_data["answer"],
                evidence=form.cleaned_data["evidence"],
            )
        except ValidationError as refusal:
            form.refuse(refusal)
        else:
            return _run_answer(request, session, part, "check", done="Answer recorded.")
    return _run_answer(request, session, part, "check", done="", status=422, check_form=form)


@require_POST
@login_required
def decide(request: HttpRequest, pk: int, part_pk: int):
    session, membership = get_session_for(request, pk, need=RUNS)
    part = _scoped_part(session, part_pk)
    form = DecisionForm(request.POST, kinds=session_services.allowed_decisions(part))
    if form.is_valid():
        data = form.cleaned_data
        try:
            decision = session_services.record_decision(
                session,
                part,
                by=request.user,
                kind=data["kind"],
                to_stage=data["to_stage"],
                reason=data["reason"],
                rationale=data["rationale"],
                minority_view=data["minority_view"],
                review_on=data["review_on"],
            )
        except (ValidationError, MoveRefused) as refusal:
            form.refuse(refusal)
        else:
            done = f"Decision recorded: {decision.describe()}. It is applied at the end."
            return _run_answer(request, session, part, "decision", done=done)
    return _run_answer(request, session, part, "decision", done="", status=422, decision_form=form)


# Applying the decisions


@require_http_methods(["GET", "POST"])
@login_required
def apply(request: HttpRequest, pk: int):
    session, membership = get_session_for(request, pk, need=RUNS)
    if request.method == "POST":
        report = session_services.apply_decisions(session, by=request.user)
        if not report:
            messages.info(request, "There were no decisions waiting to be applied.")
        applied = [o for o in report if o.status != DecisionStatus.NOT_APPLIED]
        if applied:
            messages.success(request, "Applied: " + " ".join(o.message for o in applied))
        for outcome in report:
            if outcome.status == DecisionStatus.NOT_APPLIED:
                messages.warning(request, f"Not applied: {outcome.message} Re-decide it.")
        return see_other("sessions:apply", session.pk)
    record = session_queries.session_record(session)
    current = record["current_decision"]
    done = [
        d
        for d in record["decisions"]
        if d.status not in (DecisionStatus.PENDING, DecisionStatus.REPLACED)
    ]
    for decision in done:
        decision.redecide = (
            decision.status == DecisionStatus.NOT_APPLIED
            and current.get(decision.part_id) == decision
        )
    parts = list(
        Part.objects.filter(innovation=session.innovation).select_related("stage").order_by("name")
    )
    markers = [
        Marker(n, p.name, p.stage.number, p.state, p.cycle) for n, p in enumerate(parts, start=1)
    ]
    return respond(
        request,
        "sessions/apply.html",
        {
            "session": session,
            "innovation": session.innovation,
            "waiting": [d for d in record["decisions"] if d.status == DecisionStatus.PENDING],
            "done": done,
            "markers": markers,
            "wheel": wheel_svg(
                markers, title=f"Where the parts of {session.innovation.title} stand now"
            ),
        },
    )


# The summary


@require_GET
@login_required
def summary(request: HttpRequest, pk: int):
    session, membership = get_session_for(request, pk)
    return respond(request, "sessions/summary.html", _summary_context(session, membership))


@require_GET
@login_required
def summary_pdf(request: HttpRequest, pk: int):
    session, membership = get_session_for(request, pk)
    context = _summary_context(session, membership)
    name = f"session summary {session.title} {session.held_on or ''}"
    return pdf_response(request, "sessions/summary.html", context, filename=name)


def _summary_context(session, membership):
    parts = session_queries.parts_in_scope(session)
    record = session_queries.session_record(session)
    shown = [d for d in record["decisions"] if d.status != DecisionStatus.REPLACED]
    notes = [
        (part, _by_prompt_as_taken(record["notes_by_part"].get(part.pk, []))) for part in parts
    ]
    return {
        "session": session,
        "innovation": session.innovation,
        "parts": parts,
        "record": record,
        "notes": [(part, groups) for part, groups in notes if groups],
        "general_notes": _by_prompt_as_taken(record["notes_by_part"].get(None, [])),
        "decisions": shown,
        "checks": session_queries.session_checks(session),
        "minority_views": [d for d in shown if d.minority_view],
        "may_run": membership.may(RUNS),
        "today": timezone.localdate(),
    }


def _by_prompt_as_taken(notes):
    """[(prompt, [notes])] in the order the prompts were first answered."""
    groups = {}
    for note in notes:
        groups.setdefault(note.prompt, []).append(note)
    return list(groups.items())


@require_GET
@login_required
def actions_csv(request: HttpRequest, pk: int):
    session, membership = get_session_for(request, pk)
    actions = (
        Action.objects.filter(session=session)
        .select_related("owner")
        .order_by("done", "due_on", "pk")
    )
    header = ["Action", "Owner", "Due", "Done", "Done on", "Session", "Session date", "Innovation"]
    guests = guest_ids(request)
    rows = (
        [
            action.text,
            name_of(action.owner, guests=guests),
            action.due_on,
            action.done,
            action.done_on,
            session.title,
            session.held_on,
            session.innovation.title,
        ]
        for action in actions.iterator()
    )
    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="session-{session.pk}-actions.csv"'
    return response


@require_http_methods(["GET", "POST"])
@login_required
def invite(request: HttpRequest, pk: int):
    """Invite members and guests by name: each receives the session in a calendar file."""
    session, membership = get_session_for(request, pk, need=RUNS)
    people = session_queries.invitable(session)
    form = InviteForm(posted(request), people=people)
    context = {"session": session, "innovation": session.innovation, "form": form}
    if request.method == "POST":
        if form.is_valid():
            try:
                added = session_services.invite_people(
                    session,
                    by=request.user,
                    people=list(form.cleaned_data["people"]),
                    level=form.cleaned_data["level"],
                )
            except ValidationError as refusal:
                form.refuse(refusal)
            else:
                invitations.send_later(session, [a.person_id for a in added], "REQUEST")
                count = len(added)
                messages.success(
                    request,
                    f"{count} invitation{'' if count == 1 else 's'} on the way."
                    if count
                    else "Everyone chosen was already invited.",
                )
                return see_other(session.get_absolute_url() + "#attendees")
        return respond(request, "sessions/invite.html", context, status=422)
    return respond(request, "sessions/invite.html", context)


@require_GET
@login_required
def calendar_file(request: HttpRequest, pk: int):
    """The session as an iCalendar file, to add to any calendar."""
    session, membership = get_session_for(request, pk)
    response = HttpResponse(event_calendar(session), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="session-{session.pk}.ics"'
    return response
