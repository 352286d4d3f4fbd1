"""API tokens: a manager creates one for their organisation (the secret is shown once), sees
when each was last used, and revokes one. The API itself (innovate.api.api) takes tokens, not
signed-in sessions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apitokens import services
from apitokens.models import ApiToken
from innovate.access import get_api_token_for, organisation_for
from innovate.api.forms import TokenForm
from innovate.forms import organisation_changed
from innovate.http import HttpRequest, posted, respond, see_other
from stages import clock
from stages.models import Role


@require_GET
@login_required
def token_list(request: HttpRequest):
    membership = organisation_for(request, need=Role.MANAGER)
    organisation = membership.organisation
    today = clock.localdate()
    tokens = list(
        ApiToken.objects.filter(organisation=organisation)
        .select_related("created_by", "revoked_by")
        .order_by("-created_at", "-pk")
    )
    return respond(
        request,
        "api/tokens.html",
        {
            "organisation": organisation,
            "usable": [t for t in tokens if not t.is_revoked and not t.is_expired(today)],
            "ended": [t for t in tokens if t.is_revoked or t.is_expired(today)],
            "docs": request.build_absolute_uri("/api/docs"),
            "base": request.build_absolute_uri("/api/"),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def create_token(request: HttpRequest):
    membership = organisation_for(request, need=Role.MANAGER)
    organisation = membership.organisation
    form = TokenForm(posted(request))
    context = {"form": form, "organisation": organisation}
    if request.method == "POST":
        if changed := organisation_changed(request, membership):
            form.add_error(None, changed)
            return respond(request, "api/create.html", context, status=409)
        if form.is_valid():
            try:
                token, secret = services.create_token(
                    organisation,
                    by=request.user,
                    name=form.cleaned_data["name"],
                    expires_on=form.cleaned_data["expires_on"],
                    reads_restricted=form.cleaned_data["reads_restricted"],
                )
            except ValidationError as refusal:
                form.refuse(refusal)
            else:
                # Shown once, on this answer alone: never kept, never in a link.
                return respond(
                    request,
                    "api/created.html",
                    {
                        "organisation": organisation,
                        "token": token,
                        "secret": secret,
                        "base": request.build_absolute_uri("/api/"),
                    },
                    status=201,
                )
        return respond(request, "api/create.html", context, status=422)
    return respond(request, "api/create.html", context)


@require_POST
@login_required
def revoke_token(request: HttpRequest, pk: int):
    token, _membership = get_api_token_for(request, pk)
    services.revoke_token(token, by=request.user)
    messages.success(request, f"The token “{token.name}” is revoked: it no longer works.")
    return see_other("tokens:list")
