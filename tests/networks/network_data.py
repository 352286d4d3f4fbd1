"""Networks built for the reading tests: rows written as the management pages leave them
(joined members, sharing levels, a model with its adoptions), so that each test sets only what
it reads."""

from django.utils import timezone

from networks.models import (
    Adoption,
    Component,
    Fidelity,
    Network,
    NetworkMember,
    Observer,
    SharedModel,
    Sharing,
)
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


def network_of(owner, *organisations, by, name="Family Safeguarding spread"):
    """A network owned by `owner` with `owner` and `organisations` as current members."""
    network = Network.objects.create(name=name, owner=owner, created_by=by)
    for organisation in (owner, *organisations):
        join(network, organisation, by=by)
    return network


def join(network, organisation, *, by):
    now = timezone.now()
    return NetworkMember.objects.create(
        network=network,
        organisation=organisation,
        invited_by=by,
        invited_at=now,
        joined_by=by,
        joined_at=now,
    )


def leave(network, organisation, *, by):
    NetworkMember.objects.filter(
        network=network, organisation=organisation, left_at__isnull=True
    ).update(left_at=timezone.now(), left_by=by)


def share(network, innovation, level, *, by):
    sharing, _ = Sharing.objects.update_or_create(
        network=network,
        innovation=innovation,
        defaults={"organisation_id": innovation.organisation_id, "level": level, "set_by": by},
    )
    return sharing


def observer_of(network, *, by, username="observer"):
    user = UserFactory(username=username)
    Observer.objects.create(
        network=network,
        user=user,
        email=user.email,
        name="Olive Observer",
        invited_by=by,
        token_hash=f"hash-{username}",
        expires_at=timezone.now() + timezone.timedelta(days=7),
        accepted_at=timezone.now(),
    )
    return user


def model_of(network, innovation, *, by, name="Family Safeguarding", core=("Group supervision",)):
    model = SharedModel.objects.create(
        network=network,
        organisation_id=innovation.organisation_id,
        innovation=innovation,
        name=name,
        summary="Whole-family working.",
        published_by=by,
    )
    for position, component in enumerate(core):
        Component.objects.create(model=model, kind="core", name=component, position=position)
    Component.objects.create(model=model, kind="adaptable", name="Team size", position=0)
    return model


def adopt(model, innovation, *, by, states=()):
    adoption = Adoption.objects.create(
        model=model, organisation_id=innovation.organisation_id, innovation=innovation, linked_by=by
    )
    for component, (state, how_why) in zip(
        model.components.filter(kind="core").order_by("position"), states, strict=False
    ):
        Fidelity.objects.create(
            adoption=adoption, component=component, state=state, how_why=how_why, recorded_by=by
        )
    return adoption


def member_of(organisation, role="leader", username=None):
    kwargs = {"username": username} if username else {}
    return MembershipFactory(organisation=organisation, role=role, user=UserFactory(**kwargs)).user


def organisation(name):
    return OrganisationFactory(name=name)
