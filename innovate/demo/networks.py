"""The demo's network: "Family Safeguarding spread", owned by Northshire, whose Family
Safeguarding innovation is published to it as a model. Southdale and three more councils adopt
the model at different stages and share at different levels; an observer from a national
programme sees the network's pages, and a platform administrator created the network.
Everything is written through the services, each step on its day (see innovate.demo.story)."""

from datetime import timedelta

from django.contrib.auth import get_user_model

from assessments.models import Scale, ValueKind
from assessments.services import evidence
from innovate.demo.people import DEMO_PASSWORD
from innovate.demo.story import Story
from networks import services as networks
from networks.models import (
    ComponentKind,
    FidelityState,
    Network,
    NetworkMember,
    PlatformAdministrator,
    ShareLevel,
)
from stages import clock, services
from stages.models import Membership, MoveKind, Organisation, PartKind, Role
from stages.organisations import add_member, create_organisation

NETWORK_NAME = "Family Safeguarding spread"
MODEL_NAME = "Family Safeguarding"
TITLE = "Family Safeguarding"

PLATFORM_ADMIN = ("platform-admin", "Lena", "Brooks", "lena.brooks@innovate.example")
OBSERVER = ("observer", "Fiona", "Hale", "fiona.hale@national-programme.example")

# The three councils besides the demo's two, each with a manager who writes for it.
COUNCILS = [
    ("Westmoor County Council", "westmoor", ("westmoor-manager", "Ruth", "Ellis")),
    ("Eastbrook Borough Council", "eastbrook", ("eastbrook-manager", "Sunil", "Mehta")),
    ("Riverford City Council", "riverford", ("riverford-manager", "Claire", "Dunn")),
]

CORE = [
    (
        "Multi-disciplinary teams",
        "Social workers with adult mental health, substance use and "
        "domestic abuse workers in the same team",
    ),
    ("Group case supervision", "Weekly, with the whole team, using a shared recording tool"),
    ("Motivational interviewing", "Every practitioner trained, with observed practice"),
    ("Parental assessment workbook", "Used with every family from the first visit"),
]
ADAPTABLE = [
    ("Team size and names", "To fit the local structure"),
    ("Partner organisations", "Which local services second their workers"),
]

# slug: (its Family Safeguarding parts as (name, kind, [(days ago, kind, to stage)]), what
# the network may see, {core component: (state, how and why)}). The first step starts the
# part in Mobilising; "advance" moves it to the next stage.
A, P = MoveKind.ADVANCE, MoveKind.PAUSE
ADOPTERS = {
    "northshire": (
        [
            (
                "Central locality team",
                PartKind.TEAM,
                [(720, "start"), (620, A), (520, A), (380, A), (200, A)],
            ),
            ("North locality team", PartKind.TEAM, [(540, "start"), (460, A), (360, A), (150, A)]),
            ("Adult mental health partner", PartKind.PARTNER, [(420, "start"), (330, A), (210, A)]),
        ],
        ShareLevel.REASONS,
        None,
    ),
    "southdale": (
        [
            ("Southdale assessment team", PartKind.TEAM, [(260, "start"), (170, A), (60, A)]),
            ("Southdale partners", PartKind.PARTNER, [(200, "start"), (90, A)]),
        ],
        ShareLevel.STATUSES,
        {
            "Multi-disciplinary teams": (FidelityState.IN_PLACE, ""),
            "Group case supervision": (
                FidelityState.ADAPTED,
                "Fortnightly rather than weekly: two of our teams cover a rural area and meet "
                "in person every other week.",
            ),
            "Motivational interviewing": (FidelityState.NOT_YET, ""),
        },
    ),
    "westmoor": (
        [
            ("Westmoor east team", PartKind.TEAM, [(600, "start"), (500, A), (400, A), (250, A)]),
            ("Westmoor west team", PartKind.TEAM, [(480, "start"), (380, A), (230, A)]),
        ],
        ShareLevel.STAGES,
        {
            "Multi-disciplinary teams": (FidelityState.IN_PLACE, ""),
            "Group case supervision": (FidelityState.IN_PLACE, ""),
            "Motivational interviewing": (FidelityState.IN_PLACE, ""),
            "Parental assessment workbook": (
                FidelityState.ADAPTED,
                "Shortened to fit our existing assessment framework, agreed with the model's "
                "owners.",
            ),
        },
    ),
    "eastbrook": (
        [("Eastbrook pilot team", PartKind.TEAM, [(120, "start"), (40, A)])],
        ShareLevel.STATUSES,
        {"Multi-disciplinary teams": (FidelityState.NOT_YET, "")},
    ),
    "riverford": (
        [
            ("Riverford north team", PartKind.TEAM, [(400, "start"), (300, A), (190, A), (70, P)]),
            ("Riverford south team", PartKind.TEAM, [(330, "start"), (240, A)]),
        ],
        ShareLevel.REASONS,
        {
            "Multi-disciplinary teams": (
                FidelityState.ADAPTED,
                "Domestic abuse workers are shared with the neighbouring council.",
            ),
            "Group case supervision": (FidelityState.IN_PLACE, ""),
        },
    ),
}

# The measures of the innovations shared with their measures' statuses: slug: [(stage, name,
# numeric fields or None for a rated judgement, [(days ago, value or rating)])]. Numeric
# fields: (unit, direction, baseline, its days ago, target, its days ago (negative: ahead)).
# Each innovation's latest reading is recent, so the network reads a status for each.
PERCENT = "per cent"
MEASURES = {
    "northshire": [
        (
            5,
            "Children who stay safely at home",
            (PERCENT, "higher", 78, 700, 90, 100),
            [(540, 80), (360, 84), (180, 88), (25, 91)],
        ),
        (4, "Group case supervision held every week", None, [(210, "on_track"), (30, "on_track")]),
    ],
    "southdale": [
        (2, "Whole-family working in practice", None, [(150, "some_concern"), (15, "on_track")]),
        (
            3,
            "Families with a whole-family plan",
            (PERCENT, "higher", 20, 240, 70, -120),
            [(180, 28), (90, 35), (10, 38)],
        ),
    ],
    "eastbrook": [
        (
            1,
            "Multi-disciplinary team in place",
            None,
            [(100, "off_track"), (25, "some_concern")],
        ),
    ],
    "riverford": [
        (
            3,
            "Caseloads at a safe level",
            None,
            [(200, "on_track"), (80, "off_track"), (35, "off_track")],
        ),
    ],
}

NETWORK_CREATED = 560  # days ago
SUMMARY = (
    "Multi-disciplinary teams of social workers and adult specialists working with the whole "
    "family, first developed by a county council and now spreading to others."
)


def _account(username, first, last, email):
    user, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": email,
            "date_joined": clock.now(),
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def _manager_of(organisation):
    return (
        Membership.objects.filter(organisation=organisation, role=Role.MANAGER)
        .select_related("user")
        .order_by("pk")
        .first()
        .user
    )


def load_network(today):
    """Write the network's story. The demo's two organisations are loaded already."""
    story = Story()
    start = today - timedelta(
        days=max(s[0] for p in ADOPTERS.values() for _n, _k, steps in p[0] for s in steps)
    )
    made = {}
    story.on(start - timedelta(days=30), _councils, made)
    for slug, (parts, _level, _fidelity) in ADOPTERS.items():
        first = max(days for _name, _kind, steps in parts for days, _step in steps)
        story.on(today - timedelta(days=first), _innovation, made, slug)
        for name, kind, steps in parts:
            for days, step in steps:
                story.on(today - timedelta(days=days), _step, made, slug, name, kind, step)
    for slug, measures in MEASURES.items():
        for stage, name, numeric, readings in measures:
            first = today - timedelta(days=max(days for days, _value in readings))
            story.on(first, _measure, made, slug, stage, name, numeric, today)
            for days, value in readings:
                story.on(today - timedelta(days=days), _reading, made, slug, name, value)
    created = today - timedelta(days=NETWORK_CREATED)
    story.on(created, _network, made)
    for n, slug in enumerate(s for s in ADOPTERS if s != "northshire"):
        story.on(created + timedelta(days=3 + 5 * n), _invite, made, slug)
        story.on(created + timedelta(days=5 + 5 * n), _join, made, slug)
    story.on(created + timedelta(days=2), _publish, made)
    for n, (slug, (parts, level, fidelity)) in enumerate(ADOPTERS.items()):
        joined = created + timedelta(days=5 + 5 * max(n - 1, 0))
        begun = today - timedelta(days=max(days for _n, _k, steps in parts for days, _s in steps))
        # Shared once both the membership and the innovation exist.
        shared = max(joined, begun) + timedelta(days=10)
        story.on(shared, _share, made, slug, level)
        if fidelity is not None:
            story.on(shared + timedelta(days=2), _adopt, made, slug, fidelity)
    story.on(today - timedelta(days=30), _observer, made)
    story.on(today - timedelta(days=20), _summary, made)
    story.run()


def _councils(made):
    made["platform_admin"] = _account(*PLATFORM_ADMIN)
    PlatformAdministrator.objects.get_or_create(user=made["platform_admin"])
    made["organisations"] = {
        o.slug: o for o in Organisation.objects.filter(slug__in=["northshire", "southdale"])
    }
    for name, slug, (username, first, last) in COUNCILS:
        user = _account(username, first, last, f"{first}.{last}@{slug}.example".lower())
        organisation = create_organisation(name=name, slug=slug, by=user)
        add_member(organisation, user, role=Role.MANAGER, by=user)
        made["organisations"][slug] = organisation


def _innovation(made, slug):
    organisation = made["organisations"][slug]
    by = _manager_of(organisation)
    made[slug] = {
        "innovation": services.create_innovation(
            organisation,
            by=by,
            title=TITLE,
            summary=SUMMARY,
            prompted_by="Push: too many children coming into care because of parents' mental "
            "health, substance use and domestic abuse. Pull: the model's evaluation and a "
            "national programme to spread it.",
            better_for_whom="Children who can stay safely at home, and their parents.",
            lead=by,
            tags=["family safeguarding"],
        ),
        "by": by,
    }


def _step(made, slug, name, kind, step):
    mine = made[slug]
    on = clock.localdate()
    if step == "start":
        mine[name] = services.start_part(
            mine["innovation"],
            by=mine["by"],
            name=name,
            kind=kind,
            lead=mine["by"],
            effective_on=on,
        )
        return
    fields = {}
    if step == MoveKind.PAUSE:
        fields = {
            "reason": "workforce",
            "rationale": "Two social work vacancies: paused until the team is back to strength.",
            "review_on": on + timedelta(days=90),
        }
    services.move_part(mine[name], kind=step, by=mine["by"], effective_on=on, **fields)


def _measure(made, slug, stage, name, numeric, today):
    mine = made[slug]
    fields = {"scale": Scale.RATED}
    if numeric is not None:
        unit, direction, baseline, baseline_ago, target, target_ago = numeric
        fields = {
            "scale": Scale.NUMERIC,
            "value_kind": ValueKind.PERCENTAGE,
            "unit": unit,
            "direction": direction,
            "baseline_value": baseline,
            "baseline_on": today - timedelta(days=baseline_ago),
            "target_value": target,
            "target_on": today - timedelta(days=target_ago),
        }
    mine.setdefault("measures", {})[name] = evidence.define_measure(
        mine["innovation"], by=mine["by"], stage=stage, name=name, **fields
    )


def _reading(made, slug, name, value):
    mine = made[slug]
    measure = mine["measures"][name]
    number = {"rating": value} if measure.scale == Scale.RATED else {"value": value}
    evidence.record_reading(measure, by=mine["by"], observed_on=clock.localdate(), **number)


def _network(made):
    owner = made["organisations"]["northshire"]
    made["network"] = networks.create_network(
        owner=owner,
        name=NETWORK_NAME,
        description="Councils adopting the Family Safeguarding model, with the council that "
        "first developed it, following each other's progress round the wheel.",
        by=made["platform_admin"],
    )


def _invite(made, slug):
    networks.invite_organisation(
        made["network"], made["organisations"][slug], by=made["northshire"]["by"]
    )


def _join(made, slug):
    place = NetworkMember.objects.pending().get(
        network=made["network"], organisation=made["organisations"][slug]
    )
    networks.accept_network_invitation(place, by=_manager_of(made["organisations"][slug]))


def _publish(made):
    made["model"] = networks.publish_model(
        made["network"],
        made["northshire"]["innovation"],
        by=made["northshire"]["by"],
        name=MODEL_NAME,
        summary=SUMMARY,
        components=[(ComponentKind.CORE, n, d) for n, d in CORE]
        + [(ComponentKind.ADAPTABLE, n, d) for n, d in ADAPTABLE],
    )


def _share(made, slug, level):
    mine = made[slug]
    networks.set_sharing(mine["innovation"], made["network"], level, by=mine["by"])


def _adopt(made, slug, fidelity):
    mine = made[slug]
    adoption = networks.link_adoption(made["model"], mine["innovation"], by=mine["by"])
    components = {c.name: c for c in made["model"].components.all()}
    for name, (state, how_why) in fidelity.items():
        networks.record_fidelity(
            adoption, components[name], by=mine["by"], state=state, how_why=how_why
        )


def _observer(made):
    username, first, last, email = OBSERVER
    _invitation, token = networks.invite_observer(
        made["network"], by=made["northshire"]["by"], email=email, name=f"{first} {last}"
    )
    user = _account(username, first, last, email)
    networks.accept_observer_invitation(token)
    made["observer"] = user


def _summary(made):
    network = Network.objects.get(pk=made["network"].pk)
    networks.change_summary(network, "request", by=made["northshire"]["by"])
    networks.change_summary(network, "approve", by=made["northshire"]["by"])


def logins():
    """[(organisation or network, username, role)] of the network's demo logins."""
    return [
        (NETWORK_NAME, OBSERVER[0], "Observer: the network's pages only"),
        ("The platform", PLATFORM_ADMIN[0], "Platform administrator: creates networks"),
    ]
