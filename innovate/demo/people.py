"""The demo's organisations and people: accounts with the published demo password, each
organisation created with its members, then an open invitation and a leaver who joined by
invitation and has left. Everything of an organisation is written through stages.organisations
and stages.people."""

import secrets

from django.contrib.auth import get_user_model

from stages import people
from stages.models import Membership, Role
from stages.organisations import add_member, create_organisation

DEMO_PASSWORD = "innovate-demo-2026"
DEMO_SLUG = "northshire"

NORTHSHIRE = {
    "name": "Northshire County Council",
    "slug": DEMO_SLUG,
    "domain": "northshire.example",
    "users": [
        ("leader", "Priya", "Shah", Role.LEADER),
        ("manager", "Tom", "Okafor", Role.MANAGER),
        ("facilitator", "Hannah", "Doyle", Role.FACILITATOR),
        ("viewer", "David", "Lewis", Role.VIEWER),
    ],
}
SOUTHDALE = {
    "name": "Southdale Children's Trust",
    "slug": "southdale",
    "domain": "southdale.example",
    "users": [
        ("southdale-leader", "Aisha", "Rahman", Role.LEADER),
        ("southdale-manager", "Gareth", "Evans", Role.MANAGER),
    ],
}


def load_organisation(spec):
    """The organisation of `spec` with its members, and {username: user} of them. An account
    that already exists is used as it is."""
    users = {}
    for username, first, last, role in spec["users"]:
        user, created = get_user_model().objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{first}.{last}@{spec['domain']}".lower(),
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        users[username] = (user, role)
    by = next(user for user, role in users.values() if role == Role.MANAGER)
    organisation = create_organisation(name=spec["name"], slug=spec["slug"], by=by)
    for user, role in users.values():
        add_member(organisation, user, role=role, by=by)
    return organisation, {username: user for username, (user, _role) in users.items()}


def load_people(organisation, people_by_username, today):
    """An open invitation, and a leaver who joined by invitation and has left."""
    manager = next(
        m.user
        for m in Membership.objects.filter(
            organisation=organisation,
            role=Role.MANAGER,
            user__in=list(people_by_username.values()),
        ).select_related("user")
    )
    domain = manager.email.rpartition("@")[2]
    people.invite(organisation, by=manager, email=f"sam.carter@{domain}", role=Role.LEADER)
    _invitation, token = people.invite(
        organisation, by=manager, email=f"jo.bailey@{domain}", role=Role.LEADER
    )
    prefix = "" if organisation.slug == DEMO_SLUG else f"{organisation.slug}-"
    leaver = people.accept_invitation(
        token,
        username=f"{prefix}jo-bailey",
        first_name="Jo",
        last_name="Bailey",
        password=secrets.token_urlsafe(24),
    )
    people.deactivate(Membership.objects.get(user=leaver, organisation=organisation), by=manager)


def logins():
    """[(organisation, username, role)] of the published demo logins."""
    return [
        (spec["name"], username, role.label)
        for spec in (NORTHSHIRE, SOUTHDALE)
        for username, _first, _last, role in spec["users"]
    ]
