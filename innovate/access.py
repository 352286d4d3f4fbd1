"""Access helpers: the first line of every view. An object of an organisation the person is
not in is a 404 (as if it did not exist); a role that may not act is a 403 naming the role."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from assessments.models import Action, Measure, ReflectionSession
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


def get_innovation_for(request, pk, need=Role.VIEWER):
    """(innovation, membership) for an innovation in one of the person's organisations."""
    ids = [m.organisation_id for m in memberships(request)]
    innovation = get_object_or_404(
        Innovation.objects.select_related("organisation", "lead"), pk=pk, organisation_id__in=ids
    )
    membership = membership_for(request, innovation.organisation_id, need)
    _follow(request, membership)
    return innovation, membership


def get_part_for(request, pk, need=Role.VIEWER):
    """(part, membership) for a part in one of the person's organisations."""
    ids = [m.organisation_id for m in memberships(request)]
    part = get_object_or_404(
        Part.objects.select_related("innovation", "stage", "lead", "organisation"),
        pk=pk,
        organisation_id__in=ids,
    )
    membership = membership_for(request, part.organisation_id, need)
    _follow(request, membership)
    return part, membership


def get_measure_for(request, pk, need=Role.VIEWER):
    """(measure, membership) for a measure of an innovation in one of the person's
    organisations; its innovation, stage and part are selected."""
    ids = [m.organisation_id for m in memberships(request)]
    measure = get_object_or_404(
        Measure.objects.select_related("innovation__organisation", "stage", "part"),
        pk=pk,
        organisation_id__in=ids,
    )
    membership = membership_for(request, measure.organisation_id, need)
    _follow(request, membership)
    return measure, membership


def get_membership_for(request, pk, need=Role.MANAGER):
    """(their membership, the person's own) for a member of one of the person's organisations,
    whether the member is active or has left."""
    ids = [m.organisation_id for m in memberships(request)]
    found = get_object_or_404(
        Membership.objects.select_related("user", "organisation"), pk=pk, organisation_id__in=ids
    )
    membership = membership_for(request, found.organisation_id, need)
    _follow(request, membership)
    return found, membership


def get_invitation_for(request, pk, need=Role.MANAGER):
    """(invitation, membership) for an invitation to one of the person's organisations."""
    ids = [m.organisation_id for m in memberships(request)]
    invitation = get_object_or_404(
        Invitation.objects.select_related("organisation", "invited_by"),
        pk=pk,
        organisation_id__in=ids,
    )
    membership = membership_for(request, invitation.organisation_id, need)
    _follow(request, membership)
    return invitation, membership


def _follow(request, membership):
    """Opening an object of another of the person's organisations switches to it."""
    if request.session.get(SESSION_KEY) != membership.organisation_id:
        request.session[SESSION_KEY] = membership.organisation_id
    request.membership = membership


def get_session_for(request, pk, need=Role.VIEWER):
    """(reflection session, membership) for a session in one of the person's organisations;
    its innovation, organisation and facilitator are selected."""
    ids = [m.organisation_id for m in memberships(request)]
    session = get_object_or_404(
        ReflectionSession.objects.select_related("innovation", "organisation", "facilitator"),
        pk=pk,
        organisation_id__in=ids,
    )
    membership = membership_for(request, session.organisation_id, need)
    _follow(request, membership)
    return session, membership


def get_action_for(request, pk):
    """(action, membership) for a session's action that the person may mark done or not done:
    its owner, a facilitator or a manager."""
    ids = [m.organisation_id for m in memberships(request)]
    action = get_object_or_404(
        Action.objects.select_related("session__innovation", "owner"),
        pk=pk,
        organisation_id__in=ids,
    )
    membership = membership_for(request, action.organisation_id)
    if action.owner_id != request.user.pk and not membership.may(Role.FACILITATOR):
        raise PermissionDenied(
            "Only the action's owner, a facilitator or a manager may mark it done. Your role at "
            f"{membership.organisation} is {membership.get_role_display().lower()}."
        )
    _follow(request, membership)
    return action, membership
