"""The people of an organisation. Managers invite people by email, change their roles and
deactivate leavers (and bring them back); the person invited opens the link to set up their
account; anyone may reset a forgotten password by email."""

import logging
import smtplib

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from innovate.access import (
    SESSION_KEY,
    get_invitation_for,
    get_membership_for,
    organisation_for,
    sees_everything,
    visible_innovations,
)
from innovate.clients import client_address
from innovate.forms import GovukForm, organisation_changed
from innovate.http import HttpRequest, posted, respond, see_other
from innovate.lockout import forget_failures
from innovate.people.forms import (
    AcceptForm,
    GovukPasswordResetForm,
    GovukSetPasswordForm,
    GuestForm,
    InviteForm,
    RoleForm,
)
from stages import people, resets
from stages.models import Invitation, Membership, Role
from stages.people import InvitationUnusable, name_of

logger = logging.getLogger(__name__)

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@require_GET
@login_required
def people_list(request: HttpRequest):
    membership = organisation_for(request, need=Role.MANAGER)
    organisation = membership.organisation
    members = list(
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user__username")
    )
    current = [m for m in members if m.is_active and m.user.is_active]
    left = [m for m in members if not (m.is_active and m.user.is_active)]
    now = timezone.now()
    pending = list(
        Invitation.objects.pending()
        .filter(organisation=organisation)
        .select_related("invited_by")
        .order_by("-created_at", "-pk")
    )
    return respond(
        request,
        "people/list.html",
        {
            "organisation": organisation,
            "current": current,
            "left": left,
            "open_invitations": [i for i in pending if i.expires_at > now],
            "expired_invitations": [i for i in pending if i.expires_at <= now],
        },
    )


def _done(request, url):
    """303 to `url`; for htmx, a client redirect there."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return see_other(url)


def _send_invitation(request, invitation, token):
    """Email the link; True when the mail server took it. The invitation stands either way:
    the list offers to send it again."""
    expires = timezone.localtime(invitation.expires_at)
    context = {
        "invitation": invitation,
        "organisation": invitation.organisation,
        "inviter": name_of(invitation.invited_by),
        "role": "guest" if invitation.guest_role else invitation.get_role_display().lower(),
        "link": request.build_absolute_uri(reverse("people:accept", args=[token])),
        "expires": expires,
    }
    subject = " ".join(render_to_string("people/invitation_subject.txt", context).split())
    body = render_to_string("people/invitation_email.txt", context)
    try:
        send_mail(subject, body, None, [invitation.email])
    except (smtplib.SMTPException, OSError):
        logger.exception("The invitation to %s could not be sent", invitation.email)
        messages.warning(
            request,
            f"The invitation to {invitation.email} is saved, but the email could not be sent. "
            "Use “Send again” in a few minutes.",
        )
        return False
    messages.success(
        request,
        f"Invitation sent to {invitation.email}. The link works once and expires on "
        f"{expires:%-d %B %Y at %H:%M}.",
    )
    return True


@require_http_methods(["GET", "POST"])
@login_required
def invite(request: HttpRequest):
    membership = organisation_for(request, need=Role.MANAGER)
    organisation = membership.organisation
    form = InviteForm(posted(request), initial={"role": Role.LEADER})
    context = {"form": form, "organisation": organisation}
    if request.method == "POST":
        if changed := organisation_changed(request, membership):
            form.add_error(None, changed)
            return respond(
                request, "people/invite.html", context, partial="invite-form", status=409
            )
        if form.is_valid():
            try:
                invitation, token = people.invite(
                    organisation,
                    by=request.user,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                )
            except ValidationError as refusal:
                form.refuse(refusal)
            else:
                _send_invitation(request, invitation, token)
                return _done(request, reverse("people:list"))
        return respond(request, "people/invite.html", context, partial="invite-form", status=422)
    return respond(request, "people/invite.html", context, partial="invite-form")


@require_http_methods(["GET", "POST"])
@login_required
def invite_guest(request: HttpRequest):
    """Share innovations with a person from a partner agency until a date: a manager shares
    any of the organisation's, an innovation's lead those they lead."""
    membership = organisation_for(request)
    organisation = membership.organisation
    shareable = visible_innovations(membership)
    if not sees_everything(membership):
        shareable = shareable.filter(lead=request.user)
    shareable = shareable.order_by("title")
    if not shareable.exists():
        raise PermissionDenied(
            "Only a manager or an innovation's lead may share an innovation with a guest. "
            f"Your role at {organisation} is {membership.get_role_display().lower()}."
        )
    initial = {"role": "viewer"}
    if request.GET.get("innovation", "").isdigit():
        initial["innovations"] = [int(request.GET["innovation"])]
    form = GuestForm(posted(request), innovations=shareable, initial=initial)
    context = {"form": form, "organisation": organisation}
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                invitation, token = people.invite_guest(
                    organisation,
                    by=request.user,
                    email=data["email"],
                    role=data["role"],
                    until=data["until"],
                    innovations=list(data["innovations"]),
                )
            except ValidationError as refusal:
                form.refuse(refusal)
            else:
                if invitation is None:
                    messages.success(
                        request,
                        f"Shared with {data['email']}, a guest already, until "
                        f"{data['until']:%-d %B %Y}.",
                    )
                else:
                    _send_invitation(request, invitation, token)
                innovation = data["innovations"][0]
                return see_other("innovations:team", innovation.pk)
        return respond(request, "people/invite_guest.html", context, status=422)
    return respond(request, "people/invite_guest.html", context)


@require_POST
@login_required
def resend(request: HttpRequest, pk: int):
    """A new link for an invitation not yet used; the old link stops working."""
    invitation, membership = get_invitation_for(request, pk)
    if invitation.accepted_at:
        messages.info(request, f"{invitation.email} has already accepted the invitation.")
        return see_other("people:list")
    try:
        if invitation.guest_role:
            renewed, token = people.invite_guest(
                invitation.organisation,
                by=request.user,
                email=invitation.email,
                role=invitation.guest_role,
                until=invitation.guest_until,
                innovations=list(invitation.guest_innovations.all()),
            )
        else:
            renewed, token = people.invite(
                invitation.organisation,
                by=request.user,
                email=invitation.email,
                role=invitation.role,
            )
    except ValidationError as refusal:
        messages.warning(request, " ".join(refusal.messages))
    else:
        _send_invitation(request, renewed, token)
    return see_other("people:list")


@require_POST
@login_required
def revoke(request: HttpRequest, pk: int):
    invitation, membership = get_invitation_for(request, pk)
    try:
        people.revoke_invitation(invitation, by=request.user)
    except ValidationError as refusal:
        messages.warning(request, " ".join(refusal.messages))
    else:
        messages.success(
            request, f"The invitation to {invitation.email} is withdrawn. Its link no longer works."
        )
    return see_other("people:list")


@require_http_methods(["GET", "POST"])
@login_required
def change_role(request: HttpRequest, pk: int):
    member, membership = get_membership_for(request, pk)
    if not (member.is_active and member.user.is_active):
        messages.info(request, f"{name_of(member.user)} has left. Reactivate them first.")
        return see_other("people:list")
    form = RoleForm(posted(request), initial={"role": member.role})
    context = {"form": form, "member": member}
    if request.method == "POST":
        if form.is_valid():
            try:
                changed = people.change_role(
                    member, by=request.user, role=form.cleaned_data["role"]
                )
            except ValidationError as refusal:
                form.refuse(refusal)
            else:
                role = changed.get_role_display().lower()
                if changed.user_id == request.user.pk:
                    messages.success(request, f"You are now a {role}.")
                    if changed.role != Role.MANAGER:
                        return see_other("home")
                else:
                    messages.success(request, f"{name_of(changed.user)} is now a {role}.")
                return see_other("people:list")
        return respond(request, "people/role.html", context, status=422)
    return respond(request, "people/role.html", context)


class ConfirmForm(GovukForm):
    """No fields: the page asks for a confirmation, and shows a refusal at the top."""


@require_http_methods(["GET", "POST"])
@login_required
def deactivate(request: HttpRequest, pk: int):
    member, membership = get_membership_for(request, pk)
    if not (member.is_active and member.user.is_active):
        messages.info(request, f"{name_of(member.user)} has already left.")
        return see_other("people:list")
    form = ConfirmForm(posted(request))
    context = {"form": form, "member": member, "is_self": member.user_id == request.user.pk}
    if request.method == "POST" and form.is_valid():
        try:
            people.deactivate(member, by=request.user)
        except ValidationError as refusal:
            form.refuse(refusal)
            return respond(request, "people/deactivate.html", context, status=422)
        messages.success(
            request,
            f"{name_of(member.user)} is deactivated and can no longer open "
            f"{member.organisation}. Their name stays on their moves and in the history.",
        )
        return see_other("people:list")
    return respond(request, "people/deactivate.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def reactivate(request: HttpRequest, pk: int):
    member, membership = get_membership_for(request, pk)
    if member.is_active and member.user.is_active:
        messages.info(request, f"{name_of(member.user)} is already a member.")
        return see_other("people:list")
    form = ConfirmForm(posted(request))
    context = {"form": form, "member": member}
    if request.method == "POST" and form.is_valid():
        try:
            people.reactivate(member, by=request.user)
        except ValidationError as refusal:
            form.refuse(refusal)
            return respond(request, "people/reactivate.html", context, status=422)
        messages.success(
            request,
            f"{name_of(member.user)} is back as a {member.get_role_display().lower()}.",
        )
        return see_other("people:list")
    return respond(request, "people/reactivate.html", context)


def _unusable(request, unusable):
    return respond(
        request,
        "people/unusable.html",
        {"invitation": unusable.invitation, "why": unusable.why},
        status=410,
    )


@require_http_methods(["GET", "POST"])
@never_cache
def accept(request: HttpRequest, token: str):
    """The invitation link. Public: the token is the proof. A new person sets a username, their
    name and a password and is signed in; a person whose account already uses the address
    joins, then signs in as themselves."""
    try:
        invitation = people.find_invitation(token)
        existing = people.account_for(invitation)
    except Invitation.DoesNotExist:
        raise Http404("No such invitation") from None
    except InvitationUnusable as unusable:
        return _unusable(request, unusable)
    except ValidationError as refusal:
        return respond(
            request,
            "people/unusable.html",
            {"why": "ambiguous", "message": " ".join(refusal.messages)},
            status=409,
        )
    data = posted(request)
    form = AcceptForm(data) if existing is None else ConfirmForm(data)
    signed_in_as_other = request.user.is_authenticated and (
        existing is None or request.user.pk != existing.pk
    )
    context = {
        "invitation": invitation,
        "organisation": invitation.organisation,
        "role": "guest" if invitation.guest_role else invitation.get_role_display().lower(),
        "inviter": name_of(invitation.invited_by),
        "existing": existing,
        "signed_in_as_other": signed_in_as_other,
        "form": form,
    }
    if request.method == "GET":
        return respond(request, "people/accept.html", context)
    if not form.is_valid():
        return respond(request, "people/accept.html", context, status=422)
    fields = {}
    if existing is None:
        fields = {
            name: form.cleaned_data[name]
            for name in ("username", "first_name", "last_name", "password")
        }
    try:
        user = people.accept_invitation(token, **fields)
    except Invitation.DoesNotExist:
        raise Http404("No such invitation") from None
    except InvitationUnusable as unusable:
        return _unusable(request, unusable)
    except ValidationError as refusal:
        form.refuse(refusal)
        return respond(request, "people/accept.html", context, status=422)
    organisation = invitation.organisation
    joined = f"You have joined {organisation} as a {context['role']}."
    if existing is None:
        login(request, user, backend=MODEL_BACKEND)
        request.session[SESSION_KEY] = organisation.pk
        messages.success(request, f"Welcome to Innovate, {user.first_name}. {joined}")
        return see_other("home")
    if request.user.is_authenticated and request.user.pk == user.pk:
        request.session[SESSION_KEY] = organisation.pk
        messages.success(request, joined)
        return see_other("home")
    if request.user.is_authenticated:
        logout(request)
    request.session[SESSION_KEY] = organisation.pk
    messages.success(
        request,
        f"{joined} Sign in with your account to start. If you have forgotten its password, "
        "reset it by email.",
    )
    return see_other("login")


class AnswerAsTheProductDoes:
    """Django's auth views answer an invalid form with 200 and a success with 302; this
    product answers 422 and 303."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 422
        return response

    def form_valid(self, form):
        response = super().form_valid(form)
        if response.status_code == 302:
            response.status_code = 303
        return response


@method_decorator(require_http_methods(["GET", "POST"]), name="dispatch")
class PasswordResetView(AnswerAsTheProductDoes, auth_views.PasswordResetView):
    """Sends a link to every active account using the address; says the same whether or not
    one does, so the page does not tell who has an account. The links are sent outside the
    request, and the requests are limited per address and per client (stages.resets): over a
    limit the form says so with a 429 and nothing is sent, alike for any address."""

    form_class = GovukPasswordResetForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.html"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("people:password-reset-done")

    def form_valid(self, form):
        try:
            resets.record_reset_request(
                form.cleaned_data["email"], client=client_address(self.request)
            )
        except resets.ResetRefused as refusal:
            form.add_error("email", refusal.message)
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)


@method_decorator(require_GET, name="dispatch")
class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


@method_decorator(require_http_methods(["GET", "POST"]), name="dispatch")
class PasswordResetConfirmView(AnswerAsTheProductDoes, auth_views.PasswordResetConfirmView):
    """Sets the new password. Every session of the account ends (the sessions hold a hash of
    the old password), and a sign-in lockout of the account is lifted."""

    form_class = GovukSetPasswordForm
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("people:password-reset-complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        forget_failures(form.user.get_username())
        return response


@method_decorator(require_GET, name="dispatch")
class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"
