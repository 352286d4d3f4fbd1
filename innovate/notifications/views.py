"""Notifications: each person's choices of email, the organisation's defaults (managers), the
one-click unsubscribe page of every email (no sign-in needed) and the emails that could not
be sent (managers)."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from innovate.access import name_of, organisation_for
from innovate.http import HttpRequest, posted, respond, see_other
from innovate.notifications.forms import ChoicesForm
from notifications import queries, services, tokens
from notifications.models import CHOICES
from stages.models import Role

TOKEN_LIMIT = 300


def _choices_page(request, template, form, context, *, saved, target, message, save):
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as refusal:
            form.refuse(refusal)
        else:
            messages.success(request, message)
            return see_other(target)
    return respond(
        request,
        template,
        {**context, "form": form, "saved": saved},
        status=422 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def preferences(request: HttpRequest):
    """The person's own choices: each kind daily, weekly or off."""
    membership = organisation_for(request, guests=True)
    chosen = services.frequencies(request.user, membership.organisation)
    form = ChoicesForm(posted(request), initial={k.value: v.value for k, v in chosen.items()})
    return _choices_page(
        request,
        "notifications/preferences.html",
        form,
        {"organisation": membership.organisation},
        saved=chosen,
        target="notifications:preferences",
        message="Your email choices are saved.",
        save=lambda data: services.set_preferences(request.user, data, by=request.user),
    )


@require_http_methods(["GET", "POST"])
@login_required
def organisation_defaults(request: HttpRequest):
    """Managers: what everyone in the organisation receives until they choose for
    themselves."""
    membership = organisation_for(request, need=Role.MANAGER)
    organisation = membership.organisation
    chosen = services.organisation_defaults(organisation)
    form = ChoicesForm(posted(request), initial={k.value: v.value for k, v in chosen.items()})
    return _choices_page(
        request,
        "notifications/organisation.html",
        form,
        {"organisation": organisation},
        saved=chosen,
        target="notifications:organisation",
        message="The organisation's email defaults are saved.",
        save=lambda data: services.set_organisation_defaults(organisation, data, by=request.user),
    )


@require_GET
@login_required
def failed(request: HttpRequest):
    """Managers: the emails that could not be sent after every try."""
    membership = organisation_for(request, need=Role.MANAGER)
    organisation = membership.organisation
    deliveries, total = queries.failed_deliveries(organisation)
    return respond(
        request,
        "notifications/failed.html",
        {
            "organisation": organisation,
            "deliveries": [(delivery, name_of(delivery.user)) for delivery in deliveries],
            "total": total,
        },
    )


# A mail program sends the one-click POST (RFC 8058) with no CSRF token: the signed token in
# the address is what proves the link came from the email.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token):
    """One click from an email: GET asks to confirm, POST turns the email's kinds off. Works
    without signing in; the token names the person and expires."""
    try:
        if len(token) > TOKEN_LIMIT:
            raise tokens.BadToken("This link is not valid.")
        user_id, kinds = tokens.read(token)
        person = get_user_model().objects.get(pk=user_id)
    except (tokens.BadToken, get_user_model().DoesNotExist) as error:
        problem = str(error) if isinstance(error, tokens.BadToken) else "This link is not valid."
        return respond(request, "notifications/unsubscribe.html", {"problem": problem}, status=404)
    done = False
    if request.method == "POST":
        services.unsubscribe(person, kinds)
        done = True
    return respond(
        request,
        "notifications/unsubscribe.html",
        {
            "kinds": [kind.label for kind in kinds if kind in CHOICES],
            "done": done,
            "token": token,
        },
    )
