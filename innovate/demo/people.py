"""The demo's organisations and people: accounts with the published demo password, each
organisation created with its members, then an open invitation and a leaver who joined by
invitation and has left. Everything of an organisation is written through stages.organisations
and stages.people, each step on its day (see innovate.demo.story)."""

import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model

from stages import clock, people
from stages.models import Innovation, Membership, Role, TeamRole
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
                "date_joined": clock.now(),
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


# A police partner invited as a guest to one innovation: signing in as them shows exactly one.
GUEST = {
    "username": "police-guest",
    "first_name": "Kate",
    "last_name": "Morgan",
    "email": "kate.morgan@northshire-police.example",
    "innovation": "Contextual safeguarding of extra-familial harm",
    "role": TeamRole.VIEWER,
    "days": 180,
}


def load_guest(story, organisation, people_by_username, today):
    """Add to `story` a police partner shared one innovation as a guest viewer three weeks
    ago, until six months from today, who accepted the next day."""
    link = {}
    story.on(
        today - timedelta(days=21),
        _invite_the_guest,
        link,
        organisation,
        people_by_username,
        today + timedelta(days=GUEST["days"]),
    )
    story.on(today - timedelta(days=20), _the_guest_joins, link)


def _invite_the_guest(link, organisation, people_by_username, until):
    innovation = Innovation.objects.get(organisation=organisation, title=GUEST["innovation"])
    _invitation, link["token"] = people.invite_guest(
        organisation,
        by=_manager(organisation, people_by_username),
        email=GUEST["email"],
        role=GUEST["role"],
        until=until,
        innovations=[innovation],
    )


def _the_guest_joins(link):
    people.accept_invitation(
        link.pop("token"),
        username=GUEST["username"],
        first_name=GUEST["first_name"],
        last_name=GUEST["last_name"],
        password=DEMO_PASSWORD,
    )


def load_people(story, organisation, people_by_username, today):
    """Add to `story` an open invitation sent two days ago, and a leaver who was invited
    eight months ago, joined two days later and left six weeks ago."""
    link = {}  # the leaver's invitation link, from the invitation to its acceptance
    story.on(
        today - timedelta(days=240), _invite_the_leaver, link, organisation, people_by_username
    )
    story.on(today - timedelta(days=238), _the_leaver_joins, link, organisation)
    story.on(today - timedelta(days=45), _the_leaver_leaves, organisation, people_by_username)
    story.on(today - timedelta(days=2), _invite, organisation, people_by_username)


def _manager(organisation, people_by_username):
    return next(
        m.user
        for m in Membership.objects.filter(
            organisation=organisation,
            role=Role.MANAGER,
            user__in=list(people_by_username.values()),
        ).select_related("user")
    )


def _address(organisation, people_by_username, name):
    domain = _manager(organisation, people_by_username).email.rpartition("@")[2]
    return f"{name}@{domain}"


def _invite(organisation, people_by_username):
    manager = _manager(organisation, people_by_username)
    email = _address(organisation, people_by_username, "sam.carter")
    people.invite(organisation, by=manager, email=email, role=Role.LEADER)


def _invite_the_leaver(link, organisation, people_by_username):
    manager = _manager(organisation, people_by_username)
    email = _address(organisation, people_by_username, "jo.bailey")
    _invitation, token = people.invite(organisation, by=manager, email=email, role=Role.LEADER)
    link["token"] = token


def _the_leaver_joins(link, organisation):
    prefix = "" if organisation.slug == DEMO_SLUG else f"{organisation.slug}-"
    people.accept_invitation(
        link.pop("token"),
        username=f"{prefix}jo-bailey",
        first_name="Jo",
        last_name="Bailey",
        password=secrets.token_urlsafe(24),
    )


def _the_leaver_leaves(organisation, people_by_username):
    leaver = Membership.objects.get(
        organisation=organisation,
        user__email=_address(organisation, people_by_username, "jo.bailey"),
    )
    people.deactivate(leaver, by=_manager(organisation, people_by_username))


def logins():
    """[(organisation, username, role)] of the published demo logins."""
    return [
        *(
            (spec["name"], username, role.label)
            for spec in (NORTHSHIRE, SOUTHDALE)
            for username, _first, _last, role in spec["users"]
        ),
        (NORTHSHIRE["name"], GUEST["username"], "Guest (one innovation)"),
    ]
