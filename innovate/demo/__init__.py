"""The demo data: two organisations with their people, innovations whose parts have travelled
the wheel, evidence and reflection sessions. Everything is written through the services, as a
person using the product would write it. Dates are relative to today."""

from django.db import transaction
from django.utils import timezone

from innovate.demo import evidence, journeys, people, sessions
from innovate.demo.people import DEMO_PASSWORD, DEMO_SLUG
from stages.models import Organisation

__all__ = ["DEMO_PASSWORD", "DEMO_SLUG", "load", "logins"]

ORGANISATIONS = [
    (people.NORTHSHIRE, journeys.NORTHSHIRE_INNOVATIONS),
    (people.SOUTHDALE, journeys.SOUTHDALE_INNOVATIONS),
]

# After the journeys, each takes (organisation, {username: user}, today).
LOADERS = [people.load_people, sessions.load_sessions, evidence.load_evidence]


def load():
    """Load the demo once, in one transaction. Returns what was loaded, in words, or None when
    the demo was already there (then nothing is written)."""
    if Organisation.objects.filter(slug=DEMO_SLUG).exists():
        return None
    today = timezone.localdate()
    totals = [0, 0, 0]
    with transaction.atomic():
        for spec, innovations in ORGANISATIONS:
            organisation, members = people.load_organisation(spec)
            counts = journeys.load_journeys(organisation, innovations, members, today)
            totals = [total + count for total, count in zip(totals, counts, strict=True)]
            for loader in LOADERS:
                loader(organisation, members, today)
    innovations, parts, moves = totals
    return (
        f"Loaded {len(ORGANISATIONS)} organisations, {innovations} innovations, {parts} parts "
        f"and {moves} moves."
    )


def logins():
    """The lines that tell the demo logins, with the password, and where to sign in."""
    rows = [("Organisation", "Username", "Role", "Password")]
    rows += [(*login, DEMO_PASSWORD) for login in people.logins()]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = ["", "Demo logins:"]
    for org, username, role, password in rows:
        lines.append(
            f"  {org:<{widths[0]}}  {username:<{widths[1]}}  {role:<{widths[2]}}  {password}"
        )
    return [*lines, "", "Open http://127.0.0.1:8000 and sign in as leader"]
