"""The demo data: two organisations with their people, innovations whose parts have travelled
the wheel, evidence and reflection sessions. Everything is written through the services, as a
person using the product would write it, on the day it happened (see innovate.demo.story), so
every recorded time and history row tells the story in time. Dates are relative to today;
nothing lies after today but the sessions still to come."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from innovate.demo import evidence, files, journeys, networks, people, sessions
from innovate.demo.people import DEMO_PASSWORD, DEMO_SLUG
from innovate.demo.story import Story, recorded_on
from stages.models import Organisation

__all__ = ["DEMO_PASSWORD", "DEMO_SLUG", "load", "logins"]

ORGANISATIONS = [
    (people.NORTHSHIRE, journeys.NORTHSHIRE_INNOVATIONS),
    (people.SOUTHDALE, journeys.SOUTHDALE_INNOVATIONS),
]

# An organisation and its members are set up this long before its first part starts.
SET_UP_BEFORE = timedelta(days=30)


def load():
    """Load the demo once, in one transaction. Returns what was loaded, in words, or None when
    the demo was already there (then nothing is written)."""
    if Organisation.objects.filter(slug=DEMO_SLUG).exists():
        return None
    today = timezone.localdate()
    totals = [0, 0, 0]
    with transaction.atomic():
        for spec, innovations in ORGANISATIONS:
            with recorded_on(journeys.first_day(innovations, today) - SET_UP_BEFORE):
                organisation, members = people.load_organisation(spec)
            story = Story()
            counts = journeys.load_journeys(story, organisation, innovations, members, today)
            totals = [total + count for total, count in zip(totals, counts, strict=True)]
            people.load_people(story, organisation, members, today)
            if spec is people.NORTHSHIRE:
                people.load_guest(story, organisation, members, today)
            sessions.load_sessions(story, organisation, members, today)
            story.run()
            # The evidence is chosen by where the parts stand now, so it is told second.
            evidence.load_evidence(story, organisation, members, today)
            story.run()
            files.load_files(organisation, today)
        networks.load_network(today)
    innovations, parts, moves = totals
    return (
        f"Loaded {len(ORGANISATIONS)} organisations, {innovations} innovations, {parts} parts "
        f"and {moves} moves, and the network {networks.NETWORK_NAME} with "
        f"{len(networks.ADOPTERS)} member organisations."
    )


def logins():
    """The lines that tell the demo logins, with the password, and where to sign in."""
    rows = [("Organisation", "Username", "Role", "Password")]
    rows += [(*login, DEMO_PASSWORD) for login in [*people.logins(), *networks.logins()]]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = ["", "Demo logins:"]
    for org, username, role, password in rows:
        lines.append(
            f"  {org:<{widths[0]}}  {username:<{widths[1]}}  {role:<{widths[2]}}  {password}"
        )
    return [*lines, "", "Open http://127.0.0.1:8000 and sign in as leader"]
