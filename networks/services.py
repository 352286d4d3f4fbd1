"""The one write path for networks. Every change runs in a transaction, locks the row it
changes (select_for_update) and writes only the fields it changes, recording who did it in
the history. Every change to what a network's pages show bumps the network's version, so no
cached network page outlives it; a change to what an organisation's own pages show (the
sharing line on an innovation) bumps the organisation's version too."""

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Max

from networks.models import (
    SHARE_RANK,
    Adoption,
    Component,
    ComponentKind,
    Fidelity,
    FidelityState,
    Network,
    NetworkMember,
    Observer,
    SharedModel,
    ShareLevel,
    Sharing,
    SummaryState,
    new_summary_token,
)
from stages import clock
from stages.models import Membership
from stages.people import name_of, new_account
from stages.services import bump_version, save_with_history

OBSERVER_INVITATION_DAYS = 14


class ObserverInvitationUnusable(Exception):
    def __init__(self, observer, why):
        self.observer = observer
        self.why = why
        super().__init__(f"This invitation is {why}.")


def bump_network(network_id):
    """Mark the network's pages as changed, so every cached page of it is rebuilt."""
    Network.objects.filter(pk=network_id).update(version=F("version") + 1)


def _lock_network(network_id):
    """Serialise the changes to one network's members, observers and models."""
    return Network.objects.select_for_update().get(pk=network_id)


def _clean(text, limit=None):
    text = " ".join((text or "").split())
    return text[:limit] if limit else text


# Networks ---------------------------------------------------------------------------------


@transaction.atomic
def create_network(*, owner, name, description="", by):
    """A new network owned by `owner`, which is its first member."""
    name = _clean(name)
    if not name:
        raise ValidationError({"name": "Enter the network's name"})
    if len(name) > 200:
        raise ValidationError({"name": "The network's name can be 200 characters at most"})
    if owner is None:
        raise ValidationError({"owner": "Choose the organisation that owns the network"})
    if Network.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": f"A network called {name} already exists"})
    network = Network(
        owner=owner, name=name, description=(description or "").strip(), created_by=by
    )
    network._history_user = by
    network._change_reason = "Created"
    try:
        with transaction.atomic():
            network.save()
    except IntegrityError:
        raise ValidationError({"name": f"A network called {name} already exists"}) from None
    now = clock.now()
    member = NetworkMember(
        network=network,
        organisation=owner,
        invited_by=by,
        invited_at=now,
        joined_by=by,
        joined_at=now,
    )
    save_with_history(member, by=by, reason="Owner of the network")
    return network


@transaction.atomic
def invite_organisation(network, organisation, *, by):
    """Invite `organisation` to join `network`; its managers accept or decline."""
    _lock_network(network.pk)
    open_place = (
        NetworkMember.objects.filter(network=network, organisation=organisation)
        .filter(left_at__isnull=True, declined_at__isnull=True)
        .first()
    )
    if open_place is not None:
        already = "a member of" if open_place.is_current else "already invited to"
        raise ValidationError({"organisation": f"{organisation} is {already} {network}"})
    place = NetworkMember(
        network=network, organisation=organisation, invited_by=by, invited_at=clock.now()
    )
    save_with_history(place, by=by, reason=f"Invited by {name_of(by)}")
    bump_network(network.pk)
    return place


def _locked_place(place):
    return (
        NetworkMember.objects.select_for_update()
        .select_related("network", "organisation")
        .get(pk=place.pk)
    )


def _refuse_unless_pending(place):
    if not place.is_pending:
        raise ValidationError(
            f"The invitation of {place.organisation} to {place.network} is no longer open: "
            f"it was {place.status()}"
        )


@transaction.atomic
def accept_network_invitation(place, *, by):
    """The invited organisation's manager accepts: it is a member from now."""
    _lock_network(place.network_id)
    place = _locked_place(place)
    _refuse_unless_pending(place)
    place.joined_by = by
    place.joined_at = clock.now()
    save_with_history(
        place,
        by=by,
        reason=f"Joined, accepted by {name_of(by)}",
        update_fields=["joined_by", "joined_at"],
    )
    bump_network(place.network_id)
    return place


@transaction.atomic
def decline_network_invitation(place, *, by):
    _lock_network(place.network_id)
    place = _locked_place(place)
    _refuse_unless_pending(place)
    place.declined_by = by
    place.declined_at = clock.now()
    save_with_history(
        place,
        by=by,
        reason=f"Declined by {name_of(by)}",
        update_fields=["declined_by", "declined_at"],
    )
    bump_network(place.network_id)
    return place


@transaction.atomic
def withdraw_network_invitation(place, *, by):
    """The owner's manager withdraws an invitation not yet accepted."""
    _lock_network(place.network_id)
    place = _locked_place(place)
    _refuse_unless_pending(place)
    place.left_by = by
    place.left_at = clock.now()
    save_with_history(
        place,
        by=by,
        reason=f"Invitation withdrawn by {name_of(by)}",
        update_fields=["left_by", "left_at"],
    )
    bump_network(place.network_id)
    return place


@transaction.atomic
def leave_network(network, organisation, *, by):
    """`organisation` leaves `network` at once: nothing of it is shown there any more. Its
    sharing choices for the network return to "nothing" (joining again asks again), its
    adoptions there end and the models it published are withdrawn."""
    network = _lock_network(network.pk)
    if organisation.pk == network.owner_id:
        raise ValidationError(f"{organisation} owns {network} and cannot leave it")
    place = (
        NetworkMember.objects.select_for_update()
        .filter(network=network, organisation=organisation)
        .current()
        .first()
    )
    if place is None:
        raise ValidationError(f"{organisation} is not a member of {network}")
    now = clock.now()
    place.left_by = by
    place.left_at = now
    save_with_history(
        place, by=by, reason=f"Left, by {name_of(by)}", update_fields=["left_by", "left_at"]
    )
    for sharing in (
        Sharing.objects.select_for_update()
        .filter(network=network, organisation=organisation)
        .exclude(level=ShareLevel.NOTHING)
    ):
        sharing.level = ShareLevel.NOTHING
        sharing.set_by = by
        sharing.set_at = now
        save_with_history(
            sharing,
            by=by,
            reason="Nothing shared: the organisation left the network",
            update_fields=["level", "set_by", "set_at"],
        )
    for adoption in Adoption.objects.select_for_update().filter(
        model__network=network, organisation=organisation, ended_at__isnull=True
    ):
        adoption.ended_by = by
        adoption.ended_at = now
        save_with_history(
            adoption,
            by=by,
            reason="Ended: the organisation left the network",
            update_fields=["ended_by", "ended_at"],
        )
    for model in SharedModel.objects.select_for_update().filter(
        network=network, organisation=organisation, withdrawn_at__isnull=True
    ):
        model.withdrawn_by = by
        model.withdrawn_at = now
        save_with_history(
            model,
            by=by,
            reason="Withdrawn: the organisation left the network",
            update_fields=["withdrawn_by", "withdrawn_at"],
        )
    bump_network(network.pk)
    bump_version(organisation.pk)
    return place


# Consent ----------------------------------------------------------------------------------


def is_current_member(network_id, organisation_id):
    """Whether the organisation is a current member of the network. One query."""
    return (
        NetworkMember.objects.current()
        .filter(network_id=network_id, organisation_id=organisation_id)
        .exists()
    )


@transaction.atomic
def set_sharing(innovation, network, level, *, by):
    """What `network` may see of `innovation` from now: a ShareLevel. "nothing" withdraws it at
    once. Returns the Sharing row (None when nothing was ever shared and nothing is chosen).
    Writes nothing when the level is unchanged."""
    if level not in ShareLevel.values:
        raise ValidationError({"level": "Choose what the network may see"})
    if not is_current_member(network.pk, innovation.organisation_id):
        raise ValidationError({"level": f"{innovation.organisation} is not a member of {network}"})
    sharing = (
        Sharing.objects.select_for_update().filter(network=network, innovation=innovation).first()
    )
    if sharing is None and level == ShareLevel.NOTHING:
        return None
    if sharing is not None and sharing.level == level:
        return sharing
    now = clock.now()
    words = ShareLevel(level).label.lower()
    if sharing is None:
        sharing = Sharing(
            network=network,
            organisation_id=innovation.organisation_id,
            innovation=innovation,
            level=level,
            set_by=by,
            set_at=now,
        )
        try:
            with transaction.atomic():
                save_with_history(sharing, by=by, reason=f"Shared: {words}")
        except IntegrityError:
            # Someone chose at the same moment: choose again over theirs.
            return set_sharing(innovation, network, level, by=by)
    else:
        was = SHARE_RANK[ShareLevel(sharing.level)]
        sharing.level = level
        sharing.set_by = by
        sharing.set_at = now
        reason = "Withdrawn: nothing shared" if level == ShareLevel.NOTHING else f"Shared: {words}"
        if 0 < SHARE_RANK[ShareLevel(level)] < was:
            reason = f"Shared less: {words}"
        save_with_history(
            sharing, by=by, reason=reason, update_fields=["level", "set_by", "set_at"]
        )
    bump_network(network.pk)
    bump_version(innovation.organisation_id, innovation_id=innovation.pk)
    return sharing


# Shared models ----------------------------------------------------------------------------


def _checked_components(components):
    """[(kind, name, description)] cleaned; a ValidationError names the field."""
    cleaned = []
    seen = set()
    for kind, name, description in components:
        name = _clean(name, 200)
        if not name:
            continue
        if kind not in ComponentKind.values:
            raise ValidationError({"components": "Choose whether each is core or adaptable"})
        if name.lower() in seen:
            raise ValidationError({"components": f"{name} is listed twice"})
        seen.add(name.lower())
        cleaned.append((kind, name, (description or "").strip()))
    if not any(kind == ComponentKind.CORE for kind, _n, _d in cleaned):
        raise ValidationError(
            {"components": "Name at least one core component: what must stay the same"}
        )
    return cleaned


@transaction.atomic
def publish_model(network, innovation, *, by, name, summary="", components=()):
    """Publish `innovation` to `network` as a model, with its core components and adaptable
    elements ([(kind, name, description)])."""
    name = _clean(name)
    if not name:
        raise ValidationError({"name": "Enter the model's name"})
    if len(name) > 200:
        raise ValidationError({"name": "The model's name can be 200 characters at most"})
    cleaned = _checked_components(components)
    _lock_network(network.pk)
    if not is_current_member(network.pk, innovation.organisation_id):
        raise ValidationError(
            {"innovation": f"{innovation.organisation} is not a member of {network}"}
        )
    if SharedModel.objects.published().filter(network=network, name__iexact=name).exists():
        raise ValidationError({"name": f"{network} already has a model called {name}"})
    model = SharedModel(
        network=network,
        organisation_id=innovation.organisation_id,
        innovation=innovation,
        name=name,
        summary=(summary or "").strip(),
        published_by=by,
        published_at=clock.now(),
    )
    save_with_history(model, by=by, reason=f"Published by {name_of(by)}")
    for position, (kind, component_name, description) in enumerate(cleaned, start=1):
        component = Component(
            model=model,
            kind=kind,
            name=component_name,
            description=description,
            position=position,
        )
        save_with_history(component, by=by, reason="Published with the model")
    bump_network(network.pk)
    return model


@transaction.atomic
def add_component(model, *, by, kind, name, description=""):
    """One more core component or adaptable element of a published model."""
    name = _clean(name, 200)
    if not name:
        raise ValidationError({"name": "Enter the component's name"})
    if kind not in ComponentKind.values:
        raise ValidationError({"kind": "Choose whether it is a core component or adaptable"})
    model = SharedModel.objects.select_for_update().get(pk=model.pk)
    if model.withdrawn_at:
        raise ValidationError(f"{model} was withdrawn")
    if model.components.filter(name__iexact=name).exists():
        raise ValidationError({"name": f"{model} already has {name}"})
    last = model.components.aggregate(last=Max("position"))["last"] or 0
    component = Component(
        model=model,
        kind=kind,
        name=name,
        description=(description or "").strip(),
        position=last + 1,
    )
    save_with_history(component, by=by, reason=f"Added by {name_of(by)}")
    bump_network(model.network_id)
    return component


@transaction.atomic
def withdraw_model(model, *, by):
    model = SharedModel.objects.select_for_update().get(pk=model.pk)
    if model.withdrawn_at:
        return model
    model.withdrawn_by = by
    model.withdrawn_at = clock.now()
    save_with_history(
        model,
        by=by,
        reason=f"Withdrawn by {name_of(by)}",
        update_fields=["withdrawn_by", "withdrawn_at"],
    )
    bump_network(model.network_id)
    return model


@transaction.atomic
def link_adoption(model, innovation, *, by):
    """Link `innovation` (of a current member organisation) to `model` as an adoption."""
    model = SharedModel.objects.select_for_update().select_related("network").get(pk=model.pk)
    if model.withdrawn_at:
        raise ValidationError({"model": f"{model} was withdrawn"})
    if model.innovation_id == innovation.pk:
        raise ValidationError({"model": f"{innovation} is the model's own innovation"})
    if not is_current_member(model.network_id, innovation.organisation_id):
        raise ValidationError(
            {"model": f"{innovation.organisation} is not a member of {model.network}"}
        )
    if model.adoptions.current().filter(innovation=innovation).exists():
        raise ValidationError({"model": f"{innovation} already adopts {model}"})
    adoption = Adoption(
        model=model,
        organisation_id=innovation.organisation_id,
        innovation=innovation,
        linked_by=by,
        linked_at=clock.now(),
    )
    save_with_history(adoption, by=by, reason=f"Linked by {name_of(by)}")
    bump_network(model.network_id)
    bump_version(innovation.organisation_id, innovation_id=innovation.pk)
    return adoption


@transaction.atomic
def end_adoption(adoption, *, by):
    adoption = Adoption.objects.select_for_update().select_related("model").get(pk=adoption.pk)
    if adoption.ended_at:
        return adoption
    adoption.ended_by = by
    adoption.ended_at = clock.now()
    save_with_history(
        adoption, by=by, reason=f"Ended by {name_of(by)}", update_fields=["ended_by", "ended_at"]
    )
    bump_network(adoption.model.network_id)
    bump_version(adoption.organisation_id, innovation_id=adoption.innovation_id)
    return adoption


@transaction.atomic
def record_fidelity(adoption, component, *, by, state, how_why=""):
    """Where the adoption stands on one core component: in place, adapted (how and why,
    required) or not yet. Earlier answers stay in the history."""
    if state not in FidelityState.values:
        raise ValidationError(
            {"state": f"Choose whether {component} is in place, adapted or not yet"}
        )
    how_why = (how_why or "").strip()
    if state == FidelityState.ADAPTED and not how_why:
        raise ValidationError({"how_why": f"Say how {component} was adapted, and why"})
    if state != FidelityState.ADAPTED:
        how_why = ""
    adoption = Adoption.objects.select_for_update().select_related("model").get(pk=adoption.pk)
    if adoption.ended_at:
        raise ValidationError(f"The adoption of {adoption.model} has ended")
    if component.model_id != adoption.model_id or component.kind != ComponentKind.CORE:
        raise ValidationError({"state": f"{component} is not a core component of {adoption.model}"})
    fidelity = (
        Fidelity.objects.select_for_update().filter(adoption=adoption, component=component).first()
    )
    now = clock.now()
    words = FidelityState(state).label.lower()
    if fidelity is None:
        fidelity = Fidelity(
            adoption=adoption,
            component=component,
            state=state,
            how_why=how_why,
            recorded_by=by,
            recorded_at=now,
        )
        save_with_history(fidelity, by=by, reason=f"Recorded: {words}")
    else:
        if fidelity.state == state and fidelity.how_why == how_why:
            return fidelity
        fidelity.state = state
        fidelity.how_why = how_why
        fidelity.recorded_by = by
        fidelity.recorded_at = now
        save_with_history(
            fidelity,
            by=by,
            reason=f"Now {words}",
            update_fields=["state", "how_why", "recorded_by", "recorded_at"],
        )
    bump_network(adoption.model.network_id)
    bump_version(adoption.organisation_id, innovation_id=adoption.innovation_id)
    return fidelity


# Observers --------------------------------------------------------------------------------


def hash_token(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _member_organisations_of(network_id, email):
    """The member organisations of the network the person with `email` is an active member
    of (by their account's address), by name."""
    current = NetworkMember.objects.current().filter(network_id=network_id)
    return sorted(
        {
            m.organisation.name
            for m in Membership.objects.active()
            .filter(
                user__email__iexact=email,
                organisation_id__in=current.values("organisation_id"),
            )
            .select_related("organisation")
        }
    )


def _refuse_a_member(network, email, field="email"):
    found = _member_organisations_of(network.pk, email)
    if found:
        raise ValidationError(
            {
                field: f"{email} belongs to {', '.join(found)}, a member of {network}: an "
                "observer belongs to none of its member organisations"
            }
        )


@transaction.atomic
def invite_observer(network, *, by, email, name=""):
    """Invite `email` to observe `network`; returns (observer, token). The token is the
    secret for the link and is not stored. An older invitation of the same address that was
    not used is ended."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            {"email": "Enter an email address in the right format, like name@example.org"}
        ) from None
    network = _lock_network(network.pk)
    _refuse_a_member(network, email)
    now = clock.now()
    for older in Observer.objects.select_for_update().filter(
        network=network, email=email, ended_at__isnull=True
    ):
        if older.accepted_at:
            raise ValidationError({"email": f"{email} already observes {network}"})
        older.ended_by = by
        older.ended_at = now
        save_with_history(
            older, by=by, reason="Invited again", update_fields=["ended_by", "ended_at"]
        )
    token = secrets.token_urlsafe(32)
    observer = Observer(
        network=network,
        email=email,
        name=_clean(name, 200),
        invited_by=by,
        invited_at=now,
        token_hash=hash_token(token),
        expires_at=now + timedelta(days=OBSERVER_INVITATION_DAYS),
    )
    save_with_history(observer, by=by, reason=f"Invited by {name_of(by)}")
    return observer, token


def find_observer_invitation(token):
    """The observer's invitation whose link holds `token`, with its network. Raises
    Observer.DoesNotExist for an unknown token and ObserverInvitationUnusable for one that
    was used, ended or has expired."""
    if not token or len(token) > 100:
        raise Observer.DoesNotExist
    observer = Observer.objects.select_related("network", "invited_by").get(
        token_hash=hash_token(token)
    )
    why = observer.status()
    if why != "invited":
        raise ObserverInvitationUnusable(observer, "used" if why == "observing" else why)
    return observer


def observer_account_for(observer):
    """The account that already uses the invitation's address, or None; a ValidationError
    when several do."""
    found = list(get_user_model().objects.filter(email__iexact=observer.email)[:2])
    if len(found) > 1:
        raise ValidationError(
            "More than one account uses this email address, so the invitation cannot tell "
            "which one to add. Ask the manager who invited you to contact support."
        )
    return found[0] if found else None


def accept_observer_invitation(token, *, username="", first_name="", last_name="", password=""):
    """Use the observer's invitation whose link holds `token`; returns the person's account,
    new (with the username, name and password given) or the existing one using the address,
    which must belong to none of the network's member organisations."""
    with transaction.atomic():
        found = find_observer_invitation(token)
        _lock_network(found.network_id)
        observer = Observer.objects.select_for_update().select_related("network").get(pk=found.pk)
        why = observer.status()
        if why != "invited":
            raise ObserverInvitationUnusable(observer, why)
        _refuse_a_member(observer.network, observer.email, field=None)
        user = observer_account_for(observer)
        created = user is None
        if created:
            user = new_account(
                observer,
                username=username,
                first_name=first_name,
                last_name=last_name,
                password=password,
            )
        elif not user.is_active:
            raise ValidationError(
                "The account that uses this address is disabled. Ask the manager who invited "
                "you to contact support."
            )
        if Observer.objects.current().filter(network=observer.network, user=user).exists():
            raise ObserverInvitationUnusable(observer, "used")
        observer.user = user
        observer.accepted_at = clock.now()
        if not observer.name:
            observer.name = user.get_full_name()
        save_with_history(
            observer,
            by=user,
            reason="Accepted: a new account" if created else "Accepted by an existing account",
            update_fields=["user", "accepted_at", "name"],
        )
        bump_network(observer.network_id)
    return user


@transaction.atomic
def end_observer(observer, *, by):
    """End an observer's access (or an invitation not yet used) at once."""
    observer = Observer.objects.select_for_update().get(pk=observer.pk)
    if observer.ended_at:
        return observer
    observer.ended_by = by
    observer.ended_at = clock.now()
    save_with_history(
        observer, by=by, reason=f"Ended by {name_of(by)}", update_fields=["ended_by", "ended_at"]
    )
    bump_network(observer.network_id)
    return observer


# The public summary -----------------------------------------------------------------------

SUMMARY_MOVES = {
    # verb: (states it may start from, state it ends in)
    "request": ((SummaryState.DRAFT, SummaryState.WITHDRAWN), SummaryState.AWAITING),
    "approve": ((SummaryState.AWAITING,), SummaryState.LIVE),
    "withdraw": ((SummaryState.AWAITING, SummaryState.LIVE), SummaryState.WITHDRAWN),
}
SUMMARY_REFUSED = {
    "request": "The summary is already awaiting approval or live",
    "approve": "Only a summary awaiting approval can be approved",
    "withdraw": "Only a summary awaiting approval or live can be withdrawn",
}


@transaction.atomic
def change_summary(network, verb, *, by):
    """Ask for the public summary ("request"), approve it ("approve": live from now, at its
    link) or withdraw it ("withdraw": the link shows nothing). Withdrawing gives the summary
    a new link, so the old one never works again."""
    if verb not in SUMMARY_MOVES:
        raise ValidationError("Choose what to do with the summary")
    network = _lock_network(network.pk)
    starts, ends = SUMMARY_MOVES[verb]
    if network.summary_state not in starts:
        raise ValidationError(SUMMARY_REFUSED[verb])
    fields = ["summary_state"]
    network.summary_state = ends
    now = clock.now()
    if verb == "request":
        network.summary_requested_by = by
        network.summary_requested_at = now
        fields += ["summary_requested_by", "summary_requested_at"]
    elif verb == "approve":
        network.summary_approved_by = by
        network.summary_approved_at = now
        fields += ["summary_approved_by", "summary_approved_at"]
    else:
        network.summary_token = new_summary_token()
        fields.append("summary_token")
    words = {
        "request": "Summary asked for",
        "approve": "Summary approved",
        "withdraw": "Summary withdrawn",
    }
    save_with_history(
        network, by=by, reason=f"{words[verb]} by {name_of(by)}", update_fields=fields
    )
    bump_network(network.pk)
    return network
