"""Access helpers: the first line of every view. An object of an organisation the person is
not in is a 404 (as if it did not exist); a role that may not act is a 403 naming the role.

Who sees which innovation is decided here alone (visible_innovations): a manager sees every
innovation of the organisation; a member every one that is not restricted, and the restricted
ones they lead or are on the team of; a guest only those shared with them, until the day
their access ends. An object of an innovation the person may not see is a 404 too. On one
innovation, its lead and contributors may do what a leader and a facilitator may, whatever
their role in the organisation; a guest may do what their place on it allows."""

import copy
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404

from apitokens.models import ApiToken
from apitokens.services import find_token, note_use
from assessments.models import Action, Check, Measure, Reading, ReflectionSession
from attachments.models import Attachment
from networks.models import (
    Adoption,
    Network,
    NetworkMember,
    Observer,
    PlatformAdministrator,
    SharedModel,
)
from stages import clock
from stages.models import (
    Innovation,
    Invitation,
    Membership,
    Move,
    Part,
    Role,
    TeamMember,
    TeamRole,
)

GUEST_REFUSED = (
    "As a guest of {organisation} you see only the innovations shared with you, not the "
    "organisation's dashboards, people or exports."
)

SESSION_KEY = "organisation_id"

_answering = ContextVar("answering", default=None)


@contextmanager
def answering(request):
    """Within the block, `request` is the one being answered (CurrentRequestMiddleware)."""
    token = _answering.set(request)
    try:
        yield
    finally:
        _answering.reset(token)


def guest_ids(request=None):
    """{user id} of the guests of the organisation the person is working in. No query unless
    that organisation has ever had a guest (Organisation.has_guests); then one, kept on the
    request."""
    request = request or _answering.get()
    if request is None or not getattr(request, "user", None) or not request.user.is_authenticated:
        return frozenset()
    if not hasattr(request, "_guest_ids"):
        membership = getattr(request, "membership", None) or current_membership(request)
        if membership is None or not membership.organisation.has_guests:
            request._guest_ids = frozenset()
        else:
            request._guest_ids = frozenset(
                Membership.objects.filter(
                    organisation_id=membership.organisation_id, is_guest=True
                ).values_list("user_id", flat=True)
            )
    return request._guest_ids


def name_of(user, empty="–", *, guests=None):
    """A person's name as the product shows it (full name, else username), marked "(guest)"
    for a guest of the organisation the person is working in. A streamed response writes its
    rows after the view has returned: it passes `guests` (guest_ids(request)) read before."""
    if user is None or user == "":
        return empty
    name = user.get_full_name() or user.get_username()
    return f"{name} (guest)" if user.pk in (guest_ids() if guests is None else guests) else name


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
        team = (
            " The innovation's lead and contributors may too."
            if hasattr(membership, "on_team") and Role(need) != Role.MANAGER
            else ""
        )
        who = "a guest" if membership.is_guest else membership.get_role_display().lower()
        raise PermissionDenied(
            f"Only a {label} or a role above it ({roles_from(need)}) may do this. "
            f"Your role at {membership.organisation} is {who}.{team}"
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


def organisation_for(request, need=Role.VIEWER, *, guests=False):
    """The current organisation's membership; 404 for a person with none, 403 for a guest
    unless the page is one a guest may see (`guests=True`: it then lists only what
    visible_innovations allows)."""
    membership = current_membership(request)
    if membership is None:
        raise Http404("You are not a member of any organisation")
    if membership.is_guest and not guests:
        raise PermissionDenied(GUEST_REFUSED.format(organisation=membership.organisation))
    require_role(membership, need)
    return membership


def _seen(membership, prefix="", on=None):
    """The condition (a Q on innovations, or on objects reaching one through `prefix`, such
    as "innovation__") for the innovations `membership` may see at the end of `on` (today)."""
    if membership.may(Role.MANAGER) and not membership.is_guest:
        return Q()
    places = (
        TeamMember.objects.current(on).filter(user_id=membership.user_id).values("innovation_id")
    )
    shared = Q(**{f"{prefix}pk__in": places})
    if membership.is_guest:
        return shared
    return (
        Q(**{f"{prefix}restricted": False}) | Q(**{f"{prefix}lead_id": membership.user_id}) | shared
    )


def visible_innovations(membership, on=None):
    """The innovations of the membership's organisation the person may see, as a lazy
    queryset: use it as a subquery (`innovation__in=...`), which adds no query. Every list,
    count, picture and export of the organisation is kept to it."""
    return Innovation.objects.filter(organisation_id=membership.organisation_id).filter(
        _seen(membership, on=on)
    )


def sees_everything(membership):
    """Whether the person sees every innovation of the organisation (a manager): a cached
    page of theirs may be shared with other managers."""
    return membership.may(Role.MANAGER) and not membership.is_guest


def scope_key(membership):
    """The part of a cache key that keeps one person's view of the organisation apart from
    another's: managers share one, everyone else has their own."""
    return "everything" if sees_everything(membership) else f"person-{membership.user_id}"


def on_innovation(membership, team_role, lead_id):
    """The membership as it acts on one innovation: its lead and contributors act as a
    facilitator there (a manager stays a manager); a guest as their place allows (a
    contributor as a facilitator, a viewer as a viewer). `team_role` is the person's current
    place on the innovation (TeamRole or None). No query."""
    contributor = team_role == TeamRole.CONTRIBUTOR or (
        lead_id is not None and lead_id == membership.user_id and not membership.is_guest
    )
    if membership.is_guest:
        role = Role.FACILITATOR if contributor else Role.VIEWER
    elif contributor and not membership.may(Role.FACILITATOR):
        role = Role.FACILITATOR
    else:
        role = membership.role
    acting = membership
    if role != membership.role:
        acting = copy.copy(membership)
        acting.role = role
    acting.on_team = contributor
    acting.leads_innovation = lead_id is not None and lead_id == membership.user_id
    return acting


def may_change_team(membership):
    """A manager or the innovation's lead may change its team and share it with guests;
    `membership` as get_innovation_for returns it."""
    return (membership.may(Role.MANAGER) and not membership.is_guest) or getattr(
        membership, "leads_innovation", False
    )


def require_team_lead(membership):
    if not may_change_team(membership):
        raise PermissionDenied(
            "Only a manager or the innovation's lead may change its team or share it with "
            f"guests. Your role at {membership.organisation} is "
            f"{membership.get_role_display().lower()}."
        )


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


def _get_on_innovation(request, queryset, pk, need, prefix, also=None, withdrawn=None):
    """As _get_for, for an object of an innovation (reached through `prefix`): a 404 too when
    the person may not see the innovation, and the membership returned acts as the person's
    place on it allows (on_innovation). The same one query: the visibility is a condition of
    it and the person's place a subquery. `withdrawn` as for _get_for."""
    found_in = memberships(request)
    seen = Q(pk__in=[])
    for membership in found_in:
        seen |= Q(organisation_id=membership.organisation_id) & _seen(membership, prefix)
    place = TeamMember.objects.current(clock.localdate()).filter(
        user_id=request.user.pk, innovation_id=OuterRef(f"{prefix}pk" if prefix else "pk")
    )
    queryset = queryset.annotate(
        _team_role=Subquery(place.values("role")[:1]), _lead_id=F(f"{prefix}lead_id")
    )
    found = get_object_or_404(queryset.filter(seen), pk=pk)
    membership = next(m for m in found_in if m.organisation_id == found.organisation_id)
    if withdrawn is not None and withdrawn(found) and not membership.may(Role.MANAGER):
        raise Http404("No such page")
    acting = on_innovation(membership, found._team_role, found._lead_id)
    require_role(acting, need)
    if also is not None:
        also(found, acting)
    _follow(request, membership)
    return found, acting


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
        return _get_on_innovation(
            request, innovations, pk, need, "", withdrawn=lambda found: found.is_withdrawn
        )
    innovations = Innovation.objects.select_related("organisation", "lead")
    return _get_on_innovation(request, innovations, pk, need, "")


def get_part_for(request, pk, need=Role.VIEWER, *, withdrawn=False):
    """(part, membership); its innovation, stage, lead and organisation are selected. A
    withdrawn part, or a part of a withdrawn innovation, is a 404, or with `withdrawn=True`
    found for a manager only (to see it and restore it)."""
    if withdrawn:
        parts = Part.all_objects.select_related("innovation", "stage", "lead", "organisation")
        return _get_on_innovation(
            request,
            parts,
            pk,
            need,
            "innovation__",
            withdrawn=lambda found: found.withdrawal is not None,
        )
    parts = Part.objects.select_related("innovation", "stage", "lead", "organisation")
    return _get_on_innovation(request, parts, pk, need, "innovation__")


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
    return _get_on_innovation(request, measures, pk, need, "innovation__")


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
    return _get_on_innovation(request, readings, pk, need, "measure__innovation__")


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
    return _get_on_innovation(request, sessions, pk, need, "innovation__")


def get_action_for(request, pk):
    """(action, membership) for a session's action that the person may mark done or not done:
    its owner, a facilitator or a manager; its session's innovation and owner are selected."""
    actions = Action.objects.select_related("session__innovation", "owner").filter(
        session__innovation__in=Innovation.objects.values("pk")
    )
    return _get_on_innovation(
        request, actions, pk, Role.VIEWER, "session__innovation__", also=_owner_or_facilitator
    )


def _owner_or_facilitator(action, membership):
    if action.owner_id != membership.user_id and not membership.may(Role.FACILITATOR):
        raise PermissionDenied(
            "Only the action's owner, a facilitator or a manager may mark it done. Your role at "
            f"{membership.organisation} is {membership.get_role_display().lower()}."
        )


def get_move_for(request, pk, need=Role.VIEWER):
    """(move, membership); its part (with the part's innovation) and stages are selected. A
    move of a withdrawn innovation or part is a 404."""
    moves = Move.all_objects.select_related(
        "part__innovation__organisation", "to_stage", "from_stage", "recorded_by"
    ).filter(
        part__in=Part.objects.values("pk"), part__innovation__in=Innovation.objects.values("pk")
    )
    return _get_on_innovation(request, moves, pk, need, "part__innovation__")


def get_check_for(request, pk, need=Role.VIEWER):
    """(check answer, membership); its part (with the part's innovation), stage and who
    answered are selected. An answer of a withdrawn innovation or part is a 404."""
    checks = Check.objects.select_related(
        "part__innovation__organisation", "stage", "answered_by"
    ).filter(
        part__in=Part.objects.values("pk"), part__innovation__in=Innovation.objects.values("pk")
    )
    return _get_on_innovation(request, checks, pk, need, "part__innovation__")


def get_attachment_for(request, pk, need=Role.VIEWER):
    """(evidence document, membership); its innovation and who added and withdrew it are
    selected. A file of a withdrawn innovation is a 404, and so is a withdrawn file to everyone
    but a manager (who may still download it)."""
    files = Attachment.objects.select_related(
        "innovation__organisation", "added_by", "withdrawn_by"
    ).filter(innovation__in=Innovation.objects.values("pk"))
    return _get_on_innovation(
        request, files, pk, need, "innovation__", withdrawn=lambda found: found.is_withdrawn
    )


# Networks. Who may know a network exists: platform administrators, its current observers,
# the members of its current member organisations and the managers of an organisation it has
# invited. Anyone else gets a 404; of those, whoever lacks the need gets a 403.
NETWORK_VIEW = "view"  # members of a current member organisation (any role), observers
NETWORK_PARTS = "parts"  # members of a current member organisation (any role): the parts
NETWORK_MANAGE = "manage"  # the owner organisation's managers
NETWORK_MEMBER_MANAGER = "member_manager"  # a current member organisation's manager
NETWORK_PLATFORM = "platform"  # platform administrators

NETWORK_REFUSED = {
    NETWORK_VIEW: (
        "Only the people of the network's member organisations and its observers may see "
        "the network's pages."
    ),
    NETWORK_PARTS: (
        "Only the people of the network's member organisations may see the shared parts "
        "themselves; observers see how many parts are in each stage."
    ),
    NETWORK_MANAGE: "Only a manager of {owner}, which owns the network, may do this.",
    NETWORK_MEMBER_MANAGER: (
        "Only a manager of one of the network's member organisations may do this."
    ),
    NETWORK_PLATFORM: "Only a platform administrator may do this.",
}


@dataclass
class NetworkStanding:
    """What the person is to one network. `membership` is the membership they act as
    (of a current member organisation: the one they are working in when it is a member);
    `observer` their current Observer row; `platform` whether they administer the
    platform; `invited` the memberships whose organisation the network has invited and
    they manage."""

    network: Network
    membership: Membership | None = None
    memberships: list = field(default_factory=list)
    observer: Observer | None = None
    platform: bool = False
    invited: list = field(default_factory=list)

    @property
    def is_member(self):
        return self.membership is not None

    @property
    def is_observer(self):
        """Seen as an observer: counts that would single out an organisation's part are
        suppressed on the pages they read."""
        return self.observer is not None and self.membership is None

    @property
    def is_owner_manager(self):
        return any(
            m.organisation_id == self.network.owner_id and m.may(Role.MANAGER)
            for m in self.memberships
        )

    @property
    def managed_memberships(self):
        """The person's manager memberships of current member organisations."""
        return [m for m in self.memberships if m.may(Role.MANAGER)]

    def may(self, need):
        if need == NETWORK_VIEW:
            return self.is_member or self.observer is not None
        if need == NETWORK_PARTS:
            return self.is_member
        if need == NETWORK_MANAGE:
            return self.is_owner_manager
        if need == NETWORK_MEMBER_MANAGER:
            return bool(self.managed_memberships)
        if need == NETWORK_PLATFORM:
            return self.platform
        raise ValueError(f"Unknown need {need!r}")

    @property
    def knows(self):
        return self.platform or self.observer is not None or self.is_member or bool(self.invited)


def _real_memberships(request):
    """The person's memberships that may act for an organisation in a network: not as a
    guest (a guest sees only the innovations shared with them)."""
    return [m for m in memberships(request) if not m.is_guest]


def is_platform_administrator(request):
    """Whether the person administers the platform (creates networks). One query, kept on
    the request."""
    if not request.user.is_authenticated:
        return False
    if not hasattr(request, "_platform_administrator"):
        request._platform_administrator = PlatformAdministrator.objects.filter(
            user_id=request.user.pk, user__is_active=True
        ).exists()
    return request._platform_administrator


def observed_networks(request):
    """The networks the person currently observes, by name. One query, kept on the request."""
    if not request.user.is_authenticated:
        return []
    if not hasattr(request, "_observed_networks"):
        request._observed_networks = list(
            Network.objects.filter(
                observers__in=Observer.objects.current().filter(user_id=request.user.pk)
            )
            .distinct()
            .order_by("name")
        )
    return request._observed_networks


def network_standing(request, network, observer=None):
    """What the person is to `network` (a NetworkStanding), given their current Observer row
    of it (if any). One query, plus the person's memberships and the platform check (both
    kept on the request)."""
    mine = {m.organisation_id: m for m in _real_memberships(request)}
    places = []
    if mine:
        places = list(
            NetworkMember.objects.filter(network=network, organisation_id__in=list(mine))
            .filter(left_at__isnull=True, declined_at__isnull=True)
            .values_list("organisation_id", "joined_at")
        )
    current = [mine[org] for org, joined in places if joined is not None]
    invited = [
        mine[org] for org, joined in places if joined is None and mine[org].may(Role.MANAGER)
    ]
    chosen = request.session.get(SESSION_KEY)
    acting = next((m for m in current if m.organisation_id == chosen), None)
    if acting is None and current:
        acting = current[0]
    return NetworkStanding(
        network=network,
        membership=acting,
        memberships=current,
        observer=observer,
        platform=is_platform_administrator(request),
        invited=invited,
    )


def get_network_for(request, pk, need=NETWORK_VIEW):
    """(network, NetworkStanding) for the network `pk`; its owner is selected. A 404 for a
    person who may not know the network exists (see above), a 403 for one who may but lacks
    `need`: "view", "manage", "member_manager" or "platform". Two queries besides the
    person's memberships (kept on the request)."""
    if need not in NETWORK_REFUSED:
        raise ValueError(f"Unknown need {need!r}")
    user_id = request.user.pk
    observing = Observer.objects.current().filter(network=OuterRef("pk"), user_id=user_id)
    networks = Network.objects.select_related("owner").annotate(
        _observing=Subquery(observing.values("pk")[:1]),
        _platform=Exists(
            PlatformAdministrator.objects.filter(user_id=user_id, user__is_active=True)
        ),
    )
    network = get_object_or_404(networks, pk=pk)
    request._platform_administrator = network._platform
    observer = None
    if network._observing is not None:
        observer = Observer.objects.filter(pk=network._observing).first()
    standing = network_standing(request, network, observer)
    if not standing.knows:
        raise Http404("No such page")
    if not standing.may(need):
        raise PermissionDenied(NETWORK_REFUSED[need].format(owner=network.owner))
    request.network_standing = standing
    return network, standing


def get_shared_model_for(request, network_pk, pk, need=NETWORK_VIEW):
    """(model, network, NetworkStanding) for a model published to the network, withdrawn or
    not; a 404 for a model of another network."""
    network, standing = get_network_for(request, network_pk, need)
    model = get_object_or_404(
        SharedModel.objects.select_related("innovation", "organisation", "published_by"),
        pk=pk,
        network=network,
    )
    return model, network, standing


def may_manage_model(standing, model):
    """Whether the person manages the organisation that published `model`, as a current
    member of its network. No query."""
    return any(m.organisation_id == model.organisation_id for m in standing.managed_memberships)


def get_shared_model_to_manage(request, network_pk, pk):
    """(model, network, NetworkStanding) for a published model that the person may change
    (add components to, withdraw): they manage the organisation that published it. Who may
    see the network but not this gets a 403; a withdrawn model, or one of another network, is
    a 404."""
    model, network, standing = get_shared_model_for(request, network_pk, pk)
    if model.withdrawn_at is not None:
        raise Http404("No such page")
    if not may_manage_model(standing, model):
        raise PermissionDenied(
            f"Only a manager of {model.organisation.name}, which published {model.name}, "
            "may do this."
        )
    return model, network, standing


def get_adoption_for(request, pk, need=Role.LEADER):
    """(adoption, membership) for an adoption by one of the person's organisations, as
    get_innovation_for finds its innovation: a 404 when the person may not see the
    innovation, a 403 for a role below `need` on it. Its model and network are selected."""
    adoptions = Adoption.objects.select_related(
        "model__network", "innovation", "organisation"
    ).filter(innovation__in=Innovation.objects.values("pk"))
    return _get_on_innovation(request, adoptions, pk, need, "innovation__")


def get_network_invitation_for(request, pk):
    """(NetworkMember, membership) for an invitation of one of the person's organisations to
    a network, pending or not: a 404 for anyone else's, a 403 for a role below manager."""
    places = NetworkMember.objects.select_related("network__owner", "organisation", "invited_by")
    ids = [m.organisation_id for m in _real_memberships(request)]
    found = get_object_or_404(places, pk=pk, organisation_id__in=ids)
    membership = membership_for(request, found.organisation_id, Role.MANAGER)
    _follow(request, membership)
    return found, membership


# --- The API: a token, not a person, reads ------------------------------------------------


class ApiRefused(Exception):
    """A request to the API that is refused: its status, a message for the person who set
    up the connection, and for a 429 the seconds until a request will be answered again."""

    def __init__(self, status, message, retry_after=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after = retry_after


def api_token_for(secret):
    """The usable token whose secret is `secret`, its organisation selected: a 401 naming
    why for an unknown, revoked or expired one, a 429 past the token's requests a minute.
    Notes when the token was last used (at most one write a minute). One query, two at most."""
    token = find_token(secret)
    if token is None:
        raise ApiRefused(401, "This API token is not known. Check that it was copied whole.")
    if token.is_revoked:
        raise ApiRefused(
            401,
            f"This API token was revoked on {token.revoked_at:%-d %B %Y}. "
            "A manager can create a new one on the API tokens page.",
        )
    if token.is_expired():
        raise ApiRefused(
            401,
            f"This API token expired at the end of {token.expires_on:%-d %B %Y}. "
            "A manager can create a new one on the API tokens page.",
        )
    _within_rate(token)
    note_use(token)
    return token


def _within_rate(token):
    """Count the request in the token's current minute; refuse it past the limit."""
    limit = settings.API_REQUESTS_PER_MINUTE
    now = time.time()
    minute = int(now // 60)
    key = f"api-rate:{token.pk}:{minute}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr: count afresh
        cache.set(key, 1, timeout=120)
        count = 1
    if count > limit:
        wait = max(1, 60 - int(now % 60))
        raise ApiRefused(
            429,
            f"Too many requests with this token: at most {limit} a minute. "
            f"Try again in {wait} seconds.",
            retry_after=wait,
        )


def token_innovations(token):
    """The innovations an API token reads, as a lazy queryset (use it as a subquery): those
    of its organisation, never a withdrawn one, and a restricted one only when the token was
    granted them. The API's every read is kept to it."""
    innovations = Innovation.objects.filter(organisation_id=token.organisation_id)
    if not token.reads_restricted:
        innovations = innovations.filter(restricted=False)
    return innovations


def get_api_token_for(request, pk):
    """(API token, membership) of the person's organisation, for a manager: revoking it."""
    return _get_for(request, ApiToken.objects.select_related("organisation"), pk, Role.MANAGER)
