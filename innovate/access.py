"""Access helpers: the first line of every view. An object of an organisation the person is
not in is a 404 (as if it did not exist); a role that may not act is a 403 naming the role."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from assessments.models import Action, Measure, Reading, ReflectionSession
from stages.models import Innovation, Invitation, Membership, Part, Role

SESSION_KEY = "organisation_id"


def memberships(request):
    """The person's active memberships, with their organisations. One query, cached on the
    request."""
    if not hasattr(request, "_memberships"):
        request._memberships = list(
            Membership.objects.active()
            .filter(user=request.user)
            .select_related("organisation")
            .order_by("organisation__name")
        )
    return request._memberships


def current_membership(request):
    """The membership of the organisation the person is working in now (or None)."""
    found = memberships(request)
    if not found:
        return None
    chosen = request.session.get(SESSION_KEY)
    for membership in found:
        if membership.organisation_id == chosen:
            return membership
    return found[0]


def require_role(membership, need):
    if not membership.may(need):
        label = Role(need).label.lower()
        raise PermissionDenied(
            f"Only a {label} or a role above it ({roles_from(need)}) may do this. "
            f"Your role at {membership.organisation} is {membership.get_role_display().lower()}."
        )


def roles_from(need):
    order = [Role.VIEWER, Role.LEADER, Role.FACILITATOR, Role.MANAGER]
    return ", ".join(r.label.lower() for r in order[order.index(Role(need)) :])


def membership_for(request, organisation_id, need=Role.VIEWER):
    """The person's membership of `organisation_id`; 404 when they have none, 403 when their
    role is below `need`."""
    for membership in memberships(request):
        if membership.organisation_id == organisation_id:
            require_role(membership, need)
            return membership
    raise Http404("No such page")


def organisation_for(request, need=Role.VIEWER):
    """The current organisation's membership; 404 for a person with none."""
    membership = current_membership(request)
    if membership is None:
        raise Http404("You are not a member of any organisation")
    require_role(membership, need)
    return membership


def _get_for(request, queryset, pk, need, also=None, withdrawn=None):
    """(object, membership) for the object `pk` of `queryset` in one of the person's
    organisations: a 404 for anyone else's (or none), a 403 for a role below `need` or when
    `also(object, membership)` refuses. Opening it switches the person to its organisation.

    `queryset` leaves withdrawn innovations and parts out (the default managers do), so they
    are a 404. A page that shows a manager a withdrawn object, to restore it, passes an
    unfiltered `queryset` and `withdrawn(object)` (true when it is withdrawn): then it is a 404
    to everyone but a manager."""
    ids = [m.organisation_id for m in memberships(request)]
    found = get_object_or_404(queryset, pk=pk, organisation_id__in=ids)
    if (
        withdrawn is not None
        and withdrawn(found)
        and not _membership_of(request, found.organisation_id).may(Role.MANAGER)
    ):
        raise Http404("No such page")
    membership = membership_for(request, found.organisation_id, need)
    if also is not None:
        also(found, membership)
    _follow(request, membership)
    return found, membership


def _membership_of(request, organisation_id):
    return next(m for m in memberships(request) if m.organisation_id == organisation_id)


def _follow(request, membership):
    """Opening an object of another of the person's organisations switches to it."""
    if request.session.get(SESSION_KEY) != membership.organisation_id:
        request.session[SESSION_KEY] = membership.organisation_id
    request.membership = membership


def get_innovation_for(request, pk, need=Role.VIEWER, *, withdrawn=False):
    """(innovation, membership); its organisation and lead are selected. A withdrawn innovation
    is a 404, or with `withdrawn=True` found for a manager only (to see it and restore it)."""
    if withdrawn:
        innovations = Innovation.all_objects.select_related("organisation", "lead")
        return _get_for(request, innovations, pk, need, withdrawn=lambda found: found.is_withdrawn)
    return _get_for(request, Innovation.objects.select_related("organisation", "lead"), pk, need)


def get_part_for(request, pk, need=Role.VIEWER, *, withdrawn=False):
    """(part, membership); its innovation, stage, lead and organisation are selected. A
    withdrawn part, or a part of a withdrawn innovation, is a 404, or with `withdrawn=True`
    found for a manager only (to see it and restore it)."""
    if withdrawn:
        parts = Part.all_objects.select_related("innovation", "stage", "lead", "organisation")
        return _get_for(
            request, parts, pk, need, withdrawn=lambda found: found.withdrawal is not None
        )
    parts = Part.objects.select_related("innovation", "stage", "lead", "organisation")
    return _get_for(request, parts, pk, need)


def get_withdrawn_for(request, model, pk):
    """(innovation or part, membership) of the person's organisation, withdrawn or not, for a
    manager: the restore action. 404 for anyone else's, 403 for a role below manager."""
    found = model.all_objects.select_related("organisation")
    return _get_for(request, found, pk, Role.MANAGER)


def get_measure_for(request, pk, need=Role.VIEWER):
    """(measure, membership); its innovation, stage and part are selected. A measure of a
    withdrawn innovation or part is a 404."""
    measures = Measure.objects.select_related("innovation__organisation", "stage", "part").filter(
        innovation__in=Innovation.objects.values("pk")
    )
    measures = measures.filter(Q(part__isnull=True) | Q(part__in=Part.objects.values("pk")))
    return _get_for(request, measures, pk, need)


def get_reading_for(request, pk, need=Role.VIEWER):
    """(reading, membership); its measure (with the measure's innovation, stage and part), its
    part, who recorded it and who withdrew it are selected. A reading of a withdrawn innovation
    or part is a 404, as its measure is."""
    readings = Reading.objects.select_related(
        "measure__innovation__organisation",
        "measure__stage",
        "measure__part",
        "part",
        "recorded_by",
        "withdrawn_by",
    ).filter(measure__innovation__in=Innovation.objects.values("pk"))
    readings = readings.filter(
        Q(measure__part__isnull=True) | Q(measure__part__in=Part.objects.values("pk"))
    )
    return _get_for(request, readings, pk, need)


def get_membership_for(request, pk, need=Role.MANAGER):
    """(their membership, the person's own) for a member, whether active or gone."""
    members = Membership.objects.select_related("user", "organisation")
    return _get_for(request, members, pk, need)


def get_invitation_for(request, pk, need=Role.MANAGER):
    """(invitation, membership); its organisation and who sent it are selected."""
    invitations = Invitation.objects.select_related("organisation", "invited_by")
    return _get_for(request, invitations, pk, need)


def get_session_for(request, pk, need=Role.VIEWER):
    """(reflection session, membership); its innovation, organisation and facilitator are
    selected."""
    sessions = ReflectionSession.objects.select_related(
        "innovation", "organisation", "facilitator"
    ).filter(innovation__in=Innovation.objects.values("pk"))
    return _get_for(request, sessions, pk, need)


def get_action_for(request, pk):
    """(action, membership) for a session's action that the person may mark done or not done:
    its owner, a facilitator or a manager; its session's innovation and owner are selected."""
    actions = Action.objects.select_related("session__innovation", "owner").filter(
        session__innovation__in=Innovation.objects.values("pk")
    )
    return _get_for(request, actions, pk, Role.VIEWER, also=_owner_or_facilitator)


def _owner_or_facilitator(action, membership):
    if action.owner_id != membership.user_id and not membership.may(Role.FACILITATOR):
        raise PermissionDenied(
            "Only the action's owner, a facilitator or a manager may mark it done. Your role at "
            f"{membership.organisation} is {membership.get_role_display().lower()}."
        )
