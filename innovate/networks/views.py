"""Managing networks: creating one (platform administrators), inviting organisations and
observers (the owner's managers), accepting, declining and leaving (each member's managers),
choosing what each network may see of an innovation, publishing models, adopting them and
recording fidelity, and approving the public summary."""

import logging
import smtplib

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from innovate.access import (
    NETWORK_MANAGE,
    NETWORK_MEMBER_MANAGER,
    NETWORK_VIEW,
    get_adoption_for,
    get_innovation_for,
    get_network_for,
    get_network_invitation_for,
    get_shared_model_to_manage,
    is_platform_administrator,
    memberships,
    observed_networks,
    visible_innovations,
)
from innovate.forms import GovukForm
from innovate.http import HttpRequest, posted, respond, see_other
from innovate.networks.forms import (
    LEVEL_HINTS,
    AdoptForm,
    ComponentForm,
    FidelityForm,
    InviteOrganisationForm,
    NetworkForm,
    ObserverForm,
    PublishForm,
    SharingForm,
)
from innovate.networks.links import network_home
from innovate.people.forms import AcceptForm
from networks import directory, queries, services
from networks.models import NetworkMember, Observer, SummaryState
from stages.models import Organisation, Role
from stages.people import name_of

logger = logging.getLogger(__name__)

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _refused(request, refusal):
    messages.warning(request, " ".join(refusal.messages))


# The list and creating a network ----------------------------------------------------------


@require_GET
@login_required
def network_list(request: HttpRequest):
    """The person's networks: those of their organisations, those they observe, the
    invitations waiting for the organisations they manage, and for a platform administrator
    every network."""
    mine = [m for m in memberships(request) if not m.is_guest]
    managed = [m.organisation_id for m in mine if m.may(Role.MANAGER)]
    platform = is_platform_administrator(request)
    context = {
        "places": directory.networks_of(m.organisation_id for m in mine) if mine else [],
        "invitations": directory.invitations_for(managed) if managed else [],
        "observed": observed_networks(request),
        "platform": platform,
        "all_networks": directory.all_networks() if platform else [],
    }
    return respond(request, "networks/list.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def network_create(request: HttpRequest):
    if not is_platform_administrator(request):
        raise PermissionDenied("Only a platform administrator may create a network.")
    form = NetworkForm(posted(request), organisations=Organisation.objects.order_by("name", "pk"))
    context = {"form": form}
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                network = services.create_network(
                    owner=data["owner"],
                    name=data["name"],
                    description=data["description"],
                    by=request.user,
                )
            except ValidationError as refusal:
                form.refuse(refusal)
            else:
                messages.success(
                    request,
                    f"{network.name} is created. The managers of {network.owner.name} can now "
                    "invite organisations and observers.",
                )
                return see_other("networks:list")
        return respond(request, "networks/create.html", context, status=422)
    return respond(request, "networks/create.html", context)


# Members ----------------------------------------------------------------------------------


def _invitable(network):
    """Organisations that are neither members nor invited."""
    open_places = NetworkMember.objects.filter(
        network=network, left_at__isnull=True, declined_at__isnull=True
    )
    return Organisation.objects.exclude(pk__in=open_places.values("organisation_id")).order_by(
        "name", "pk"
    )


def _members_page(request, network, standing, form=None, status=200):
    places = directory.places_in(network)
    context = {
        "network": network,
        "standing": standing,
        "current": [p for p in places if p.is_current],
        "pending": [p for p in places if p.is_pending],
        "past": [p for p in places if not p.is_current and not p.is_pending],
        "form": form,
        "network_home": network_home(network),
        "may_leave": any(
            m.organisation_id != network.owner_id for m in standing.managed_memberships
        ),
    }
    if standing.is_owner_manager and form is None:
        context["form"] = InviteOrganisationForm(organisations=_invitable(network))
    return respond(request, "networks/members.html", context, status=status)


@require_GET
@login_required
def members(request: HttpRequest, pk: int):
    network, standing = get_network_for(request, pk, NETWORK_VIEW)
    return _members_page(request, network, standing)


@require_POST
@login_required
def invite_organisation(request: HttpRequest, pk: int):
    network, standing = get_network_for(request, pk, NETWORK_MANAGE)
    form = InviteOrganisationForm(request.POST, organisations=_invitable(network))
    if form.is_valid():
        organisation = form.cleaned_data["organisation"]
        try:
            services.invite_organisation(network, organisation, by=request.user)
        except ValidationError as refusal:
            form.refuse(refusal)
        else:
            messages.success(
                request,
                f"{organisation.name} is invited. Its managers see the invitation on their "
                "Networks page.",
            )
            return see_other("networks:members", network.pk)
    return _members_page(request, network, standing, form=form, status=422)


@require_POST
@login_required
def withdraw_invitation(request: HttpRequest, pk: int, place_pk: int):
    network, standing = get_network_for(request, pk, NETWORK_MANAGE)
    try:
        place = NetworkMember.objects.select_related("organisation", "network").get(
            pk=place_pk, network=network
        )
    except NetworkMember.DoesNotExist:
        raise Http404("No such invitation") from None
    try:
        services.withdraw_network_invitation(place, by=request.user)
    except ValidationError as refusal:
        _refused(request, refusal)
    else:
        messages.success(request, f"The invitation of {place.organisation.name} is withdrawn.")
    return see_other("networks:members", network.pk)


@require_POST
@login_required
def accept_invitation(request: HttpRequest, pk: int):
    place, membership = get_network_invitation_for(request, pk)
    try:
        services.accept_network_invitation(place, by=request.user)
    except ValidationError as refusal:
        _refused(request, refusal)
        return see_other("networks:list")
    messages.success(
        request,
        f"{place.organisation.name} has joined {place.network.name}. The network sees nothing "
        "of your innovations until you choose, innovation by innovation, what it may see.",
    )
    return see_other(network_home(place.network))


@require_POST
@login_required
def decline_invitation(request: HttpRequest, pk: int):
    place, membership = get_network_invitation_for(request, pk)
    try:
        services.decline_network_invitation(place, by=request.user)
    except ValidationError as refusal:
        _refused(request, refusal)
    else:
        messages.success(request, f"You declined to join {place.network.name}.")
    return see_other("networks:list")


@require_http_methods(["GET", "POST"])
@login_required
def leave(request: HttpRequest, pk: int):
    network, standing = get_network_for(request, pk, NETWORK_MEMBER_MANAGER)
    leaving = [m for m in standing.managed_memberships if m.organisation_id != network.owner_id]
    if not leaving:
        raise PermissionDenied(f"{network.owner.name} owns {network.name} and cannot leave it.")
    acting = next((m for m in leaving if m == standing.membership), leaving[0])
    organisation = acting.organisation
    if request.method == "POST":
        try:
            services.leave_network(network, organisation, by=request.user)
        except ValidationError as refusal:
            _refused(request, refusal)
            return see_other("networks:members", network.pk)
        messages.success(
            request,
            f"{organisation.name} has left {network.name}. Nothing of it is shown there any more.",
        )
        return see_other("networks:list")
    return respond(
        request, "networks/leave.html", {"network": network, "organisation": organisation}
    )


# Observers --------------------------------------------------------------------------------


def _observers_page(request, network, form, status=200):
    found = directory.observers_of(network)
    now = timezone.now()
    context = {
        "network": network,
        "form": form,
        "observing": [o for o in found if o.status(now) == "observing"],
        "invited": [o for o in found if o.status(now) == "invited"],
        "past": [o for o in found if o.status(now) in {"ended", "expired"}],
        "network_home": network_home(network),
    }
    return respond(request, "networks/observers.html", context, status=status)


@require_GET
@login_required
def observers(request: HttpRequest, pk: int):
    network, standing = get_network_for(request, pk, NETWORK_MANAGE)
    return _observers_page(request, network, ObserverForm())


def _send_observer_invitation(request, observer, token):
    context = {
        "network": observer.network,
        "inviter": name_of(observer.invited_by),
        "link": request.build_absolute_uri(reverse("networks:observe", args=[token])),
        "expires": timezone.localtime(observer.expires_at),
    }
    subject = f"You are invited to observe {observer.network.name} on Innovate"
    body = render_to_string("networks/observer_email.txt", context)
    try:
        send_mail(subject, body, None, [observer.email])
    except (smtplib.SMTPException, OSError):
        logger.exception("The invitation to %s could not be sent", observer.email)
        messages.warning(
            request,
            f"The invitation to {observer.email} is saved, but the email could not be sent. "
            "Invite them again in a few minutes.",
        )
        return
    messages.success(request, f"Invitation sent to {observer.email}.")


@require_POST
@login_required
def invite_observer(request: HttpRequest, pk: int):
    network, standing = get_network_for(request, pk, NETWORK_MANAGE)
    form = ObserverForm(request.POST)
    if form.is_valid():
        try:
            observer, token = services.invite_observer(
                network,
                by=request.user,
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
            )
        except ValidationError as refusal:
            form.refuse(refusal)
        else:
            _send_observer_invitation(request, observer, token)
            return see_other("networks:observers", network.pk)
    return _observers_page(request, network, form, status=422)


@require_POST
@login_required
def end_observer(request: HttpRequest, pk: int, observer_pk: int):
    network, standing = get_network_for(request, pk, NETWORK_MANAGE)
    try:
        observer = Observer.objects.get(pk=observer_pk, network=network)
    except Observer.DoesNotExist:
        raise Http404("No such observer") from None
    services.end_observer(observer, by=request.user)
    messages.success(
        request, f"{observer.name or observer.email} no longer observes {network.name}."
    )
    return see_other("networks:observers", network.pk)


class ConfirmForm(GovukForm):
    pass


@require_http_methods(["GET", "POST"])
def observe(request: HttpRequest, token: str):
    """The observer's invitation link. Public: the token is the proof."""
    try:
        observer = services.find_observer_invitation(token)
        existing = services.observer_account_for(observer)
    except Observer.DoesNotExist:
        raise Http404("No such invitation") from None
    except services.ObserverInvitationUnusable as unusable:
        return respond(
            request,
            "networks/observe_unusable.html",
            {"why": unusable.why, "network": unusable.observer.network},
            status=410,
        )
    except ValidationError as refusal:
        return respond(
            request,
            "networks/observe_unusable.html",
            {"why": "ambiguous", "message": " ".join(refusal.messages)},
            status=409,
        )
    data = posted(request)
    form = AcceptForm(data) if existing is None else ConfirmForm(data)
    context = {
        "observer": observer,
        "network": observer.network,
        "inviter": name_of(observer.invited_by),
        "existing": existing,
        "signed_in_as_other": request.user.is_authenticated
        and (existing is None or request.user.pk != existing.pk),
        "form": form,
    }
    if request.method == "GET":
        return respond(request, "networks/observe.html", context)
    if not form.is_valid():
        return respond(request, "networks/observe.html", context, status=422)
    fields = {}
    if existing is None:
        fields = {
            name: form.cleaned_data[name]
            for name in ("username", "first_name", "last_name", "password")
        }
    try:
        user = services.accept_observer_invitation(token, **fields)
    except Observer.DoesNotExist:
        raise Http404("No such invitation") from None
    except services.ObserverInvitationUnusable as unusable:
        return respond(
            request,
            "networks/observe_unusable.html",
            {"why": unusable.why, "network": observer.network},
            status=410,
        )
    except ValidationError as refusal:
        form.refuse(refusal)
        return respond(request, "networks/observe.html", context, status=422)
    network = observer.network
    if existing is None:
        if request.user.is_authenticated:
            logout(request)
        login(request, user, backend=MODEL_BACKEND)
        messages.success(request, f"Welcome to Innovate. You now observe {network.name}.")
        return see_other(network_home(network))
    if request.user.is_authenticated and request.user.pk == user.pk:
        messages.success(request, f"You now observe {network.name}.")
        return see_other(network_home(network))
    if request.user.is_authenticated:
        logout(request)
    messages.success(
        request, f"You now observe {network.name}. Sign in with your account to see it."
    )
    return see_other("login")


# The public summary -----------------------------------------------------------------------

SUMMARY_VERBS = {
    SummaryState.DRAFT: ["request"],
    SummaryState.AWAITING: ["approve", "withdraw"],
    SummaryState.LIVE: ["withdraw"],
    SummaryState.WITHDRAWN: ["request"],
}
SUMMARY_DONE = {
    "request": "The summary is waiting for approval. Read it before approving it.",
    "approve": "The summary is live: anyone with its link can read it.",
    "withdraw": "The summary is withdrawn: its link no longer works.",
}


@require_http_methods(["GET", "POST"])
@login_required
def summary(request: HttpRequest, pk: int):
    network, standing = get_network_for(request, pk, NETWORK_MANAGE)
    if request.method == "POST":
        verb = request.POST.get("verb", "")
        try:
            services.change_summary(network, verb, by=request.user)
        except ValidationError as refusal:
            _refused(request, refusal)
        else:
            messages.success(request, SUMMARY_DONE[verb])
        return see_other("networks:summary", network.pk)
    try:
        public = reverse("networks:public-summary", args=[network.summary_token])
    except NoReverseMatch:
        public = None
    context = {
        "network": network,
        "verbs": SUMMARY_VERBS[SummaryState(network.summary_state)],
        "public": request.build_absolute_uri(public) if public else None,
        "network_home": network_home(network),
    }
    return respond(request, "networks/summary.html", context)


# Sharing, models and adoptions of an innovation --------------------------------------------


def _innovation_networks(innovation):
    return [network for network, _place in directory.networks_of([innovation.organisation_id])]


@require_http_methods(["GET", "POST"])
@login_required
def sharing(request: HttpRequest, pk: int):
    """What each network the organisation belongs to may see of the innovation."""
    innovation, membership = get_innovation_for(request, pk, Role.MANAGER)
    networks = _innovation_networks(innovation)
    sharings = directory.sharings_of(innovation)
    form = SharingForm(posted(request), networks=networks, sharings=sharings)
    if request.method == "POST" and networks:
        if form.is_valid():
            try:
                with transaction.atomic():
                    for network, level in form.chosen():
                        services.set_sharing(innovation, network, level, by=request.user)
            except ValidationError as refusal:
                form.refuse(refusal)
            else:
                messages.success(request, f"What the networks see of {innovation.title} is saved.")
                return see_other(innovation.get_absolute_url())
        status = 422
    elif request.method == "POST":
        return see_other(innovation.get_absolute_url())
    else:
        status = 200
    context = {
        "innovation": innovation,
        "form": form,
        "networks": networks,
        "sharings": sharings,
        "hints": {level.value: hint for level, hint in LEVEL_HINTS.items()},
        "adoptions": directory.adoptions_of(innovation),
        "may_adopt": not innovation.is_closed,
    }
    return respond(request, "networks/sharing.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def publish(request: HttpRequest, pk: int):
    """Publish one of the organisation's innovations to the network as a model."""
    network, standing = get_network_for(request, pk, NETWORK_MEMBER_MANAGER)
    acting = standing.membership if standing.membership in standing.managed_memberships else None
    acting = acting or standing.managed_memberships[0]
    innovations = visible_innovations(acting).open().order_by("title")
    form = PublishForm(posted(request), innovations=innovations)
    context = {"network": network, "form": form, "organisation": acting.organisation}
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                model = services.publish_model(
                    network,
                    data["innovation"],
                    by=request.user,
                    name=data["name"],
                    summary=data["summary"],
                    components=form.components(),
                )
            except ValidationError as refusal:
                if "components" in getattr(refusal, "error_dict", {}):
                    refusal = ValidationError({"core": refusal.error_dict.pop("components")})
                form.refuse(refusal)
            else:
                messages.success(request, f"{model.name} is published to {network.name}.")
                try:
                    return see_other(model.get_absolute_url())
                except NoReverseMatch:
                    return see_other(network_home(network))
        return respond(request, "networks/publish.html", context, status=422)
    return respond(request, "networks/publish.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def add_component(request: HttpRequest, pk: int, model_pk: int):
    """One more core component or adaptable element of a published model, by a manager of the
    organisation that published it. The model's page holds the same form."""
    model, network, standing = get_shared_model_to_manage(request, pk, model_pk)
    form = ComponentForm(posted(request))
    context = {
        "network": network,
        "model": model,
        "form": form,
        "components": directory.components_of(model),
    }
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                component = services.add_component(
                    model,
                    by=request.user,
                    kind=data["kind"],
                    name=data["name"],
                    description=data["description"],
                )
            except ValidationError as refusal:
                form.refuse(refusal)
            else:
                kind = "core component" if component.is_core else "adaptable element"
                messages.success(request, f"{component.name} is added to {model.name} as a {kind}.")
                return see_other(model.get_absolute_url())
        return respond(request, "networks/add_component.html", context, status=422)
    return respond(request, "networks/add_component.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def withdraw_model(request: HttpRequest, pk: int, model_pk: int):
    """Withdraw a published model, by a manager of the organisation that published it: a
    confirmation page, the POST is the confirmation."""
    model, network, standing = get_shared_model_to_manage(request, pk, model_pk)
    if request.method == "POST":
        services.withdraw_model(model, by=request.user)
        messages.success(
            request,
            f"{model.name} is withdrawn from {network.name}. Its adoptions and their answers "
            "are kept.",
        )
        return see_other("networks:fidelity", network.pk)
    # Only the adoptions the network may see are counted: the others are their own
    # organisations' business.
    (found,) = queries.fidelity(network, model=model)
    context = {"network": network, "model": model, "adoptions": len(found.adoptions)}
    return respond(request, "networks/withdraw_model.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def adopt(request: HttpRequest, pk: int):
    """Link the innovation to a model published in one of its organisation's networks."""
    innovation, membership = get_innovation_for(request, pk, Role.MANAGER)
    models = directory.models_to_adopt(innovation)
    form = AdoptForm(posted(request), models=models)
    context = {"innovation": innovation, "form": form, "models": models}
    if request.method == "POST":
        if form.is_valid():
            try:
                adoption = services.link_adoption(
                    form.cleaned_data["model"], innovation, by=request.user
                )
            except ValidationError as refusal:
                form.refuse(refusal)
            else:
                messages.success(
                    request,
                    f"{innovation.title} adopts {adoption.model.name}. Record where it stands "
                    "on each core component.",
                )
                return see_other("networks:adoption", adoption.pk)
        return respond(request, "networks/adopt.html", context, status=422)
    return respond(request, "networks/adopt.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def adoption(request: HttpRequest, pk: int):
    """An adoption's fidelity: per core component, in place, adapted (how and why) or not
    yet, with every earlier answer."""
    need = Role.LEADER if request.method == "POST" else Role.VIEWER
    found, membership = get_adoption_for(request, pk, need)
    components = directory.adoption_components(found)
    core = [c for c in components if c.is_core]
    form = FidelityForm(posted(request), components=core)
    context = {
        "adoption": found,
        "innovation": found.innovation,
        "model": found.model,
        "core": core,
        "adaptable": [c for c in components if not c.is_core],
        "form": form,
        "history": directory.fidelity_history(found),
        "may_write": membership.may(Role.LEADER) and found.ended_at is None,
        "may_end": membership.may(Role.MANAGER) and found.ended_at is None,
    }
    if request.method == "POST":
        if found.ended_at is not None:
            messages.info(request, "This adoption has ended: its answers are kept as they were.")
            return see_other("networks:adoption", found.pk)
        if form.is_valid():
            try:
                with transaction.atomic():
                    for component, state, how_why in form.answers():
                        try:
                            services.record_fidelity(
                                found, component, by=request.user, state=state, how_why=how_why
                            )
                        except ValidationError as refusal:
                            if "how_why" in getattr(refusal, "error_dict", {}):
                                form.add_error(
                                    f"how_why_{component.pk}", refusal.error_dict["how_why"]
                                )
                                continue
                            raise
                    if form.errors:
                        raise ValidationError("")
            except ValidationError as refusal:
                if any(refusal.messages):
                    form.refuse(refusal)
            else:
                messages.success(request, "Fidelity to the model is saved.")
                return see_other("networks:adoption", found.pk)
        return respond(request, "networks/adoption.html", context, status=422)
    return respond(request, "networks/adoption.html", context)


@require_POST
@login_required
def end_adoption(request: HttpRequest, pk: int):
    found, membership = get_adoption_for(request, pk, Role.MANAGER)
    services.end_adoption(found, by=request.user)
    messages.success(
        request,
        f"{found.innovation.title} no longer adopts {found.model.name}. Its answers are kept.",
    )
    return see_other("networks:sharing", found.innovation_id)
