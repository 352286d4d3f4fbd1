"""A small network for tests: Northshire (the `organisation` fixture) owns "Family
Safeguarding spread"; Southdale is a member; Eastmere left; Westvale is invited. Each
organisation has a manager and a leader; an observer and a platform administrator stand
outside every organisation."""

from dataclasses import dataclass, field
from datetime import timedelta

from networks import services
from networks.models import Network, NetworkMember, Observer, PlatformAdministrator
from stages import clock
from stages.models import Role
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


@dataclass
class World:
    network: Network
    owner: object
    member: object
    left: object
    invited: object
    people: dict = field(default_factory=dict)


def member(organisation, role, username, **fields):
    return MembershipFactory(
        organisation=organisation, role=role, user=UserFactory(username=username), **fields
    ).user


def make_world(owner, owner_manager):
    """The world above, around `owner` and its manager. Written through the services where
    they exist, so the rows are as the product writes them."""
    southdale = OrganisationFactory(name="Southdale Children's Trust", slug="southdale-net")
    eastmere = OrganisationFactory(name="Eastmere Council", slug="eastmere")
    westvale = OrganisationFactory(name="Westvale Council", slug="westvale")
    admin = UserFactory(username="platform-admin")
    PlatformAdministrator.objects.create(user=admin)
    network = services.create_network(owner=owner, name="Family Safeguarding spread", by=admin)
    people = {
        "platform_admin": admin,
        "network_owner_manager": owner_manager,
        "owner_leader": member(owner, Role.LEADER, "owner-leader"),
        "member_manager": member(southdale, Role.MANAGER, "member-manager"),
        "member_leader": member(southdale, Role.LEADER, "member-leader"),
        "member_guest": member(southdale, Role.VIEWER, "member-guest", is_guest=True),
        "left_manager": member(eastmere, Role.MANAGER, "left-manager"),
        "invited_manager": member(westvale, Role.MANAGER, "invited-manager"),
        "invited_viewer": member(westvale, Role.VIEWER, "invited-viewer"),
        "observer": UserFactory(username="observer"),
        "ended_observer": UserFactory(username="ended-observer"),
    }
    now = clock.now()
    NetworkMember.objects.create(
        network=network,
        organisation=southdale,
        invited_by=owner_manager,
        joined_by=people["member_manager"],
        joined_at=now,
    )
    NetworkMember.objects.create(
        network=network,
        organisation=eastmere,
        invited_by=owner_manager,
        joined_by=people["left_manager"],
        joined_at=now,
        left_by=people["left_manager"],
        left_at=now,
    )
    NetworkMember.objects.create(network=network, organisation=westvale, invited_by=owner_manager)
    for name, ended in (("observer", None), ("ended_observer", now)):
        Observer.objects.create(
            network=network,
            user=people[name],
            email=f"{name}@example.org",
            invited_by=owner_manager,
            token_hash=f"hash-{name}",
            expires_at=now + timedelta(days=7),
            accepted_at=now,
            ended_at=ended,
            ended_by=owner_manager if ended else None,
        )
    return World(network, owner, southdale, eastmere, westvale, people)
