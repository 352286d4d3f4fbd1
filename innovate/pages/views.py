"""The pages that belong to no area: home, health, the framework, the notices, signing in
and the error pages."""

from allauth.account.internal.flows.login import perform_password_login
from allauth.account.models import Login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments.queries import organisation as org_queries
from innovate.access import (
    SESSION_KEY,
    current_membership,
    memberships,
    observed_networks,
    visible_innovations,
)
from innovate.accounts.forms import WorkAccountForm
from innovate.http import HttpRequest, respond, see_other
from innovate.networks.links import network_home
from innovate.pages.forms import SignInForm
from stages.models import Role, Stage, stage_names


@require_GET
@never_cache
def health(request: HttpRequest):
    """200 when the database answers, 503 when it does not. No login, no session."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@require_GET
@login_required
def home(request: HttpRequest):
    """Each role starts where its work is: a manager on the dashboard, a facilitator on the
    next session they facilitate (My work when none is planned), anyone else on the
    innovations."""
    membership = current_membership(request)
    if membership is None:
        # An observer belongs to no organisation: they start on the network they observe.
        observed = observed_networks(request)
        if len(observed) == 1:
            return redirect(network_home(observed[0]))
        return redirect("networks:list")
    if membership.role == Role.MANAGER:
        return redirect("dashboard:portfolio")
    if membership.role == Role.FACILITATOR:
        session = org_queries.next_session_facilitated(
            membership.organisation,
            timezone.localdate(),
            request.user,
            innovations=visible_innovations(membership),
        )
        return redirect(session or "dashboard:my-work")
    return redirect("innovations:list")


@require_http_methods(["GET", "POST"])
@login_required
def switch_organisation(request: HttpRequest):
    found = memberships(request)
    if request.method == "POST":
        try:
            chosen = int(request.POST.get("organisation", ""))
        except ValueError:
            chosen = None
        if chosen in {m.organisation_id for m in found}:
            request.session[SESSION_KEY] = chosen
            return see_other("innovations:list")
        return respond(
            request,
            "switch_organisation.html",
            {"choices": found, "error": "Choose one of your organisations."},
            status=422,
        )
    return respond(request, "switch_organisation.html", {"choices": found})


def bad_request(request, exception=None):
    return render(request, "errors/400.html", status=400)


def permission_denied(request, exception=None):
    message = str(exception) if exception else ""
    return render(request, "errors/403.html", {"message": message}, status=403)


def csrf_failure(request, reason=""):
    """A form refused by the CSRF check: the product's own page, saying what to do."""
    return render(request, "errors/csrf.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    return render(request, "errors/500.html", status=500)


class LoginView(auth_views.LoginView):
    """Signing in with a username or an email address and a password, answering 422 when
    either is wrong or missing. A right password goes on through allauth's sign-in steps, so
    a person with two-step sign-in is asked for a code next. The page also offers signing in
    with a work account (innovate.accounts)."""

    redirect_authenticated_user = True
    authentication_form = SignInForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("work_form", WorkAccountForm())
        return context

    def form_valid(self, form):
        typed = form.cleaned_data["username"]
        login = Login(
            user=form.get_user(),
            redirect_url=self.get_success_url(),
            email=typed if "@" in typed else None,
        )
        return perform_password_login(self.request, {"username": typed}, login)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 422
        return response


@require_GET
def framework(request: HttpRequest):
    """The six stages in the framework's words. Public: it is the framework's own text."""
    return respond(request, "framework.html", {"stages": list(Stage.objects.all())})


@require_GET
def glossary(request: HttpRequest):
    """The framework's words and the service's, explained. Public, as the framework is."""
    return respond(request, "glossary.html", {"stage_names": stage_names().items()})


@require_GET
def accessibility(request: HttpRequest):
    return respond(request, "notices/accessibility.html", {})


@require_GET
def privacy(request: HttpRequest):
    return respond(request, "notices/privacy.html", {})


@require_GET
def cookies(request: HttpRequest):
    return respond(request, "notices/cookies.html", {})


@require_POST
@login_required
@never_cache
def keepalive(request: HttpRequest):
    """Extends an idle session (the warning before it ends offers this)."""
    request.session.modified = True
    return HttpResponse(status=204)
