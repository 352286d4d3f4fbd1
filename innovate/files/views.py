"""Evidence documents: an innovation's files (and the form to attach one to it), the files of a
move, a reading, a check answer or a session (and the form to attach one there), the download,
withdrawing a file, and the history of who added and withdrew what.

Files are only ever served by `download`, which checks access on its first line, as a download
the browser does not open or guess the type of."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from attachments import queries
from attachments import services as files
from innovate.access import (
    get_attachment_for,
    get_check_for,
    get_innovation_for,
    get_move_for,
    get_reading_for,
    get_session_for,
)
from innovate.files.forms import AttachForm, WithdrawFileForm
from innovate.http import HttpRequest, closed, posted, respond, see_other, takes_files
from stages.models import Role


def _need(request):
    """Reading a page of files needs a viewer; attaching one needs a leader."""
    return Role.LEADER if request.method == "POST" else Role.VIEWER


def files_url(innovation):
    return reverse("files:list", args=[innovation.pk])


def described(attachment):
    """What the file is attached to, in words, and the address of its page of files. Needs the
    related rows attachments.queries.innovation_files selects."""
    if attachment.move_id:
        move = attachment.move
        return (
            f"Move: {move.describe()}, {move.effective_on:%-d %B %Y}",
            reverse("files:move", args=[move.pk]),
        )
    if attachment.reading_id:
        reading = attachment.reading
        where = f" ({reading.part.name})" if reading.part_id else ""
        return (
            f"Reading of {reading.measure.name}{where}, {reading.observed_on:%-d %B %Y}",
            reverse("files:reading", args=[reading.pk]),
        )
    if attachment.check_answer_id:
        check = attachment.check_answer
        return (
            f"Check answer of {check.part.name} at {check.stage.name}, "
            f"{check.answered_on:%-d %B %Y}",
            reverse("files:check", args=[check.pk]),
        )
    if attachment.session_id:
        session = attachment.session
        return (
            f"Reflection session: {session.title}, {session.held_on:%-d %B %Y}",
            reverse("files:session", args=[session.pk]),
        )
    return "The whole innovation", None


def _attach(request, innovation, form, target, back):
    """Attach the posted file; None when it was refused (the form then carries why)."""
    if innovation.is_closed:
        return closed(request, innovation, "attach a file", back=back)
    if not form.is_valid():
        return None
    try:
        attachment = files.add_attachment(
            innovation,
            form.cleaned_data["file"],
            by=request.user,
            target=target,
            description=form.cleaned_data["description"],
        )
    except ValidationError as refusal:
        form.refuse(refusal)
        return None
    messages.success(request, f"{attachment.original_name} attached.")
    return see_other(back)


@takes_files
@require_http_methods(["GET", "POST"])
@login_required
def file_list(request: HttpRequest, pk: int):
    """Every file of the innovation, in use and withdrawn, with the form to attach one to the
    innovation as a whole."""
    innovation, membership = get_innovation_for(request, pk, need=_need(request))
    form = AttachForm(posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST":
        answer = _attach(request, innovation, form, None, files_url(innovation))
        if answer is not None:
            return answer
    attachments = queries.innovation_files(innovation)
    rows = [(attachment, *described(attachment)) for attachment in attachments]
    context = {
        "innovation": innovation,
        "form": form,
        "current": [row for row in rows if not row[0].is_withdrawn],
        "withdrawn": [row for row in rows if row[0].is_withdrawn],
        "may_write": membership.may(Role.LEADER) and not innovation.is_closed,
        "may_open_withdrawn": membership.may(Role.MANAGER) and not membership.is_guest,
        "action": request.path,
    }
    status = 422 if request.method == "POST" else 200
    return respond(request, "files/list.html", context, partial="files-body", status=status)


def _target_page(request, target, membership, *, field, innovation, title, back, back_label):
    form = AttachForm(posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST":
        answer = _attach(request, innovation, form, target, request.path)
        if answer is not None:
            return answer
    context = {
        "innovation": innovation,
        "form": form,
        "title": title,
        "back": back,
        "back_label": back_label,
        "attachments": queries.files_on(field, target),
        "may_write": membership.may(Role.LEADER) and not innovation.is_closed,
        "may_open_withdrawn": membership.may(Role.MANAGER) and not membership.is_guest,
        "action": request.path,
    }
    status = 422 if request.method == "POST" else 200
    return respond(request, "files/target.html", context, partial="files-body", status=status)


@takes_files
@require_http_methods(["GET", "POST"])
@login_required
def move_files(request: HttpRequest, pk: int):
    move, membership = get_move_for(request, pk, need=_need(request))
    innovation = move.part.innovation
    return _target_page(
        request,
        move,
        membership,
        field="move",
        innovation=innovation,
        title=f"Files about a move: {move.describe()}, {move.effective_on:%-d %B %Y}",
        back=reverse("innovations:history", args=[innovation.pk]),
        back_label="Back to the history",
    )


@takes_files
@require_http_methods(["GET", "POST"])
@login_required
def reading_files(request: HttpRequest, pk: int):
    reading, membership = get_reading_for(request, pk, need=_need(request))
    measure = reading.measure
    where = f" ({reading.part.name})" if reading.part_id else ""
    return _target_page(
        request,
        reading,
        membership,
        field="reading",
        innovation=measure.innovation,
        title=f"Files about a reading of {measure.name}{where}, {reading.observed_on:%-d %B %Y}",
        back=measure.get_absolute_url(),
        back_label=f"Back to {measure.name}",
    )


@takes_files
@require_http_methods(["GET", "POST"])
@login_required
def check_files(request: HttpRequest, pk: int):
    check, membership = get_check_for(request, pk, need=_need(request))
    part = check.part
    return _target_page(
        request,
        check,
        membership,
        field="check_answer",
        innovation=part.innovation,
        title=f"Files about {part.name}'s check answer at {check.stage.name}, "
        f"{check.answered_on:%-d %B %Y}",
        back=reverse("evidence:check", args=[part.pk]),
        back_label=f"Back to {part.name}'s check",
    )


@takes_files
@require_http_methods(["GET", "POST"])
@login_required
def session_files(request: HttpRequest, pk: int):
    session, membership = get_session_for(request, pk, need=_need(request))
    return _target_page(
        request,
        session,
        membership,
        field="session",
        innovation=session.innovation,
        title=f"Files about the session {session.title}, {session.held_on:%-d %B %Y}",
        back=session.get_absolute_url(),
        back_label=f"Back to {session.title}",
    )


@require_GET
@login_required
def download(request: HttpRequest, pk: int):
    """The file, as a download under the name it was attached with: never shown in the
    browser, whose type is never guessed (nosniff). A withdrawn file is a 404 but to a
    manager."""
    attachment, membership = get_attachment_for(request, pk)
    try:
        handle = attachment.file.open("rb")
    except OSError:
        raise Http404("The file is missing from the store") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_http_methods(["GET", "POST"])
@login_required
def withdraw(request: HttpRequest, pk: int):
    """Withdraw a file, saying why: it is kept and listed as withdrawn, with who withdrew it."""
    attachment, membership = get_attachment_for(request, pk, need=Role.LEADER)
    innovation = attachment.innovation
    back = files_url(innovation)
    if innovation.is_closed:
        return closed(request, innovation, "withdraw a file", back=back)
    form = WithdrawFileForm(posted(request))
    context = {"innovation": innovation, "attachment": attachment, "form": form}
    if request.method == "GET":
        return respond(request, "files/withdraw.html", context, partial="withdraw-form")
    if form.is_valid():
        try:
            files.withdraw_attachment(
                attachment, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as refusal:
            form.refuse(refusal)
        else:
            messages.success(request, f"{attachment.original_name} withdrawn.")
            if request.htmx:
                return HttpResponseClientRedirect(back)
            return see_other(back)
    return respond(request, "files/withdraw.html", context, partial="withdraw-form", status=422)


@require_GET
@login_required
def history(request: HttpRequest, pk: int):
    """Who added and who withdrew each of the innovation's files, and when, newest first."""
    innovation, membership = get_innovation_for(request, pk)
    entries = []
    for record in queries.file_history(innovation):
        if record.history_type == "+":
            what = "added"
        elif record.withdrawn_at is not None:
            what = "withdrew"
        else:
            what = "changed"
        entries.append((record, what))
    context = {"innovation": innovation, "entries": entries}
    return respond(request, "files/history.html", context)
