# ruff: noqa: E501
"""Demo evidence for every innovation of a demo organisation: measures with baselines, targets
and readings over time for each part, a rated measure, answers to each part's key question,
how children, young people and families took part, and ethics notes. Everything is written
through assessments.services, each piece on its day (see innovate.demo.story); dates are
relative to today."""

from datetime import timedelta
from decimal import Decimal
from typing import NamedTuple

from django.utils import timezone

from assessments.services import evidence as services
from stages.models import Innovation, State

WHOLE = None


class Spec(NamedTuple):
    name: str
    stage: int
    part: str | None = WHOLE  # the part the measure is for, or None for the whole innovation
    unit: str = ""
    direction: str = "higher"
    baseline: float | None = None
    target: float | None = None
    baseline_ago: int = 360  # days before today
    target_in: int = 180  # days after today (negative: already past)
    collection: str = ""
    readers: tuple = ()  # parts with readings of a measure of the whole; default: its part
    paces: tuple = (1.15, 0.7)  # per reader: ahead of (>1) or behind (<1) the straight line
    counts: tuple = (7, 5)  # readings per reader
    ends_ago: tuple = (12, 20)  # days between the last reading of each reader and today
    rated: tuple = ()  # for a rated measure, a sequence of ratings per reader


def value_kind(spec):
    """The kind of value of a numeric demo measure: a percentage where it is counted in per
    cent, otherwise a count (of families, conferences, days...), always a whole number."""
    return "percentage" if spec.unit == "per cent" else "count"


def rated(name, stage, part=WHOLE, *, readers=(), collection="", ratings=(), ends_ago=(12, 20)):
    return Spec(
        name,
        stage,
        part,
        readers=readers,
        collection=collection,
        rated=ratings,
        ends_ago=ends_ago,
    )


CONCERN, ON, OFF = "some_concern", "on_track", "off_track"

# fmt: off
MEASURES = {
    "Family group conferencing": [
        Spec("Families offered a conference before pre-proceedings", 4, unit="per cent", baseline=35, target=90, baseline_ago=420, target_in=160,
             collection="Legal gateway panel minutes, counted each month by the service manager.",
             readers=("North locality team", "South locality team"), paces=(1.1, 0.8), counts=(9, 6)),
        Spec("Family plans agreed at the first conference", 3, "Edge of care team", unit="per cent", baseline=40, target=70, baseline_ago=300, target_in=200,
             collection="Coordinators' monthly returns.", paces=(1.05,), counts=(6,)),
        rated("Parents feel listened to", 4, readers=("North locality team", "South locality team"),
              collection="The coordinators' judgement from parents' feedback forms after each conference.",
              ratings=((CONCERN, CONCERN, ON, ON, ON), (CONCERN, OFF, CONCERN, CONCERN, ON))),
        Spec("Early help managers and parents at design workshops", 2, "Family group conferencing service", unit="people", baseline=0, target=24, baseline_ago=120, target_in=90,
             collection="Workshop sign-in sheets.", paces=(1.2,), counts=(4,), ends_ago=(8,)),
    ],
    "Contextual safeguarding of extra-familial harm": [
        Spec("Context conferences held", 3, unit="conferences", baseline=0, target=12, baseline_ago=330, target_in=120,
             collection="The contextual safeguarding meeting's action log.",
             readers=("Police partnership", "Schools partnership"), paces=(1.1, 0.6), counts=(6, 5), ends_ago=(15, 160)),
        Spec("Missing episodes a month among young people open to the adolescent service", 5, "Adolescent service", unit="episodes", direction="lower",
             baseline=48, target=30, baseline_ago=500, target_in=240, collection="Missing persons returns from the police, matched monthly.",
             paces=(1.05,), counts=(10,)),
        rated("Partners acting on context assessments", 4, "Town centre mapping", collection="Judged at the fortnightly contextual safeguarding meeting.",
              ratings=((CONCERN, CONCERN, ON, CONCERN, ON, ON),)),
    ],
    "Transitional safeguarding service for 16 to 25 year olds": [
        Spec("Young people with a shared transition plan at 18", 3, "Adult services", unit="per cent", baseline=20, target=75, baseline_ago=330, target_in=150,
             collection="Case audit of young people turning 18 each month.", paces=(0.75,), counts=(8,)),
        Spec("Care leavers at risk with one plan from 16 to 25", 6, "Leaving care team", unit="per cent", baseline=40, target=90, baseline_ago=540, target_in=300,
             collection="Quarterly audit by the safeguarding adults board.", paces=(1.1,), counts=(6,), ends_ago=(30,)),
        rated("Housing colleagues committed to the protocol", 1, "Housing partnership", collection="The transitions lead's judgement after each housing meeting.",
              ratings=((OFF, OFF, CONCERN, CONCERN, ON),)),
    ],
    "Trauma-informed practice": [
        Spec("Staff reporting secondary trauma", 4, "Children in care team", unit="per cent", direction="lower", baseline=46, target=30, baseline_ago=400, target_in=120,
             collection="Quarterly staff wellbeing survey.", paces=(1.1,), counts=(5,)),
        Spec("Parents who found the first call respectful", 3, "Front door (MASH)", unit="per cent", baseline=52, target=75, baseline_ago=450, target_in=60,
             collection="Follow-up text survey of parents a week after the first call.", paces=(0.6,), counts=(9,)),
        Spec("Restraints a quarter", 5, "Residential children's homes", unit="restraints", direction="lower", baseline=21, target=12, baseline_ago=540, target_in=180,
             collection="Incident records of both homes.", paces=(1.2,), counts=(6,), ends_ago=(40,)),
        rated("Reflective supervision is happening", 4, readers=("Children in care team", "Residential children's homes"),
              collection="Team managers' judgement at the monthly practice meeting.", ratings=((ON, CONCERN, CONCERN, ON), (CONCERN, ON, ON, ON, ON))),
    ],
    "Mockingbird-style foster carer hubs": [
        Spec("Placement endings in the constellation over the last year", 4, "Eastfield hub", unit="endings", direction="lower", baseline=6, target=2, baseline_ago=420, target_in=150,
             collection="Placement records, counted over a rolling twelve months.", paces=(0.8,), counts=(7,)),
        Spec("Foster carers staying on over the year", 5, "Westbrook hub", unit="per cent", baseline=82, target=95, baseline_ago=540, target_in=200,
             collection="Fostering service's carer records.", paces=(1.1,), counts=(8,)),
        rated("A hub home carer in sight", 2, "Moorside hub", collection="The supervising social worker's judgement after each recruitment panel.",
              ratings=((CONCERN, OFF, OFF, CONCERN),), ends_ago=(140,)),
    ],
    "No Wrong Door adolescent hub": [
        Spec("Young people supported by the hub who stayed out of care", 4, "Hub 1: Riverside", unit="per cent", baseline=55, target=80, baseline_ago=420, target_in=200,
             collection="Hub case records, reviewed monthly.", paces=(1.1,), counts=(8,)),
        Spec("Days from a first missing episode to outreach contact", 3, "Outreach team", unit="days", direction="lower", baseline=21, target=5, baseline_ago=240, target_in=100,
             collection="Missing children's coordinator's log.", paces=(0.7,), counts=(6,)),
        Spec("Arrests of young people living in the hub", 5, "Police partnership", unit="arrests a quarter", direction="lower", baseline=14, target=4, baseline_ago=600, target_in=120,
             collection="Police custody records shared quarterly.", paces=(1.2,), counts=(6,), ends_ago=(25,)),
        rated("Partners engaged in a communication needs offer", 1, "Speech and language therapy",
              collection="The hub manager's judgement after meetings with the therapy service.", ratings=((CONCERN, CONCERN, ON, ON),)),
    ],
    "Signs of Safety refresh": [
        Spec("Safety plans rated good in audit", 3, unit="per cent", baseline=30, target=60, baseline_ago=1000, target_in=-600,
             collection="Quarterly case audit of 40 plans.", readers=("Central child protection team", "West locality team"),
             paces=(0.3, 0.4), counts=(5, 4), ends_ago=(560, 600)),
        rated("Parents understand their safety plan", 3, readers=("Central child protection team",),
              collection="Practice lead's judgement from conversations with parents.", ratings=((CONCERN, OFF, CONCERN, OFF),), ends_ago=(570,)),
    ],
    "Family help hubs": [
        Spec("Families using the drop-in each week", 3, "Central family hub", unit="families", baseline=8, target=30, baseline_ago=200, target_in=150,
             collection="Drop-in sign-in sheets, averaged over the month.", paces=(1.15,), counts=(6,)),
        Spec("Early help referrals that began in the hub", 3, unit="per cent", baseline=5, target=25, baseline_ago=200, target_in=150,
             collection="Early help front door data.", readers=("Central family hub",), paces=(0.7,), counts=(5,)),
        rated("Head teachers engaged in the design", 2, "Schools partnership", collection="Family hub manager's judgement after each heads' meeting.",
              ratings=((CONCERN, ON, ON, ON),)),
    ],
    "Kinship carers' peer support": [
        Spec("Kinship carers at the monthly group", 2, "Kinship team", unit="carers", baseline=0, target=20, baseline_ago=150, target_in=120,
             collection="Group sign-in sheets.", paces=(1.1,), counts=(5,)),
        rated("Carers' confidence in the network", 1, "Kinship carers' network", collection="The network's co-chairs' judgement after each group.",
              ratings=((CONCERN, CONCERN, ON, ON),)),
    ],
}

STORIES = (
    "Steady month; nothing unusual.",
    "Two staff were off sick for part of the month.",
    "The new invitation letter went out this month.",
    "Several families were away: fewer contacts than usual.",
    "A new worker started and took on referrals.",
)

CHECKS = {
    1: {"yes": "Partners agree the need, and the steering group has the evidence from the audit.",
        "partly": "Most partners are engaged; the housing and health leads have not come to a meeting yet.",
        "no": "We have not yet heard from the families it is meant to help.",
        "unknown": "Too early to say: the first partners' meeting is next month."},
    2: {"yes": "The design was agreed with parents and young people and fits our local context.",
        "partly": "The design is agreed, but we have not tested whether it fits the rural localities.",
        "no": "The design still depends on a post we have not been able to recruit to.",
        "unknown": "The design group has only just formed."},
    3: {"yes": "The pilot shows it works in a bounded setting and we know what a wider roll-out needs.",
        "partly": "The pilot is promising, but the numbers are small and one team has not started.",
        "no": "Testing has not shown a benefit yet; we are changing the approach.",
        "unknown": "The pilot has not run long enough to say."},
    4: {"yes": "Base budget agreed, and it is written into procedures.",
        "partly": "Funded to March only; ongoing funding depends on the spring budget round.",
        "no": "There is no funding beyond the pilot yet.",
        "unknown": "We will know after the budget round."},
    5: {"yes": "Two other partnerships have adopted it and their results match ours.",
        "partly": "It spreads well to similar teams; we do not know yet whether it works in the rural patch.",
        "no": "It depended on one person's drive and did not carry over to the second site.",
        "unknown": "The first adopting team only started last month."},
    6: {"yes": "It is in the multi-agency policy and the local offer, and outcomes have stepped up.",
        "partly": "It is in our own policy; the partnership's policy review is still to come.",
        "no": "It has not changed policy or regulation yet.",
        "unknown": "The policy review reports in the spring."},
}
ANSWERS = ("partly", "yes", "partly", "no", "yes", "unknown")

INVOLVEMENT = (
    ("co_designing", "families", "Three parents from the family forum redesigned the first letter and the leaflet with the team."),
    ("consulted", "young_people", "Young people from the Children in Care Council gave their views at two sessions; we changed the meeting times as a result."),
    ("co_evaluating", "young_people_and_families", "Two parents and a young person sit on the review group and helped read the feedback."),
    ("informed", "children", "Children were told about the change through their social workers and a short picture leaflet."),
    ("consulted", "families", "Kinship carers and parents answered a short survey; most asked for evening sessions."),
)

RISKS = {
    1: "the people it is meant to help have not yet shaped the case for change",
    2: "a design that suits professionals more than families",
    3: "families in the pilot carrying the risk of an untested approach",
    4: "the offer weakening once the pilot's attention moves on",
    5: "losing what made it work when it spreads to new places",
    6: "a policy change that outlives the evidence for it",
}
# fmt: on


def load_evidence(story, organisation, people, today):
    """Add to `story` the evidence of every innovation of `organisation`, each piece on its
    day: a measure defined on its baseline's day (a rated one on its first reading's), never
    before its innovation; each reading recorded on the day it was observed (one observed
    before its measure was defined is entered on that day); each check answered and each
    involvement recorded on its day. Reads where the parts stand now, so it is loaded after
    the journeys and sessions have run. `people`: {username: user}."""
    innovations = (
        Innovation.objects.filter(organisation=organisation)
        .select_related("lead")
        .prefetch_related("parts__stage", "parts__lead")
        .order_by("title")
    )
    fallback = next(iter(people.values()))
    for number, innovation in enumerate(innovations):
        parts = {part.name: part for part in innovation.parts.all()}
        lead = innovation.lead or fallback
        specs = MEASURES.get(innovation.title) or _generic(parts)
        for spec in specs:
            _measure(story, innovation, spec, parts, lead, today)
        for index, part in enumerate(sorted(parts.values(), key=lambda p: p.name)):
            by = part.lead or lead
            _check(story, part, by, number + index, today)
            _involvement(story, part, by, number + index, today)
        _ethics(story, innovation, parts, lead, today)


def _generic(parts):
    """Measures for an innovation the demo has no words for: at the stage most of its parts
    are at."""
    stages = sorted((p.stage.number for p in parts.values()), key=lambda n: -n)
    stage = max(set(stages), key=stages.count) if stages else 1
    return [
        Spec(
            "Families taking part",
            stage,
            unit="families",
            baseline=5,
            target=25,
            readers=tuple(sorted(parts))[:2],
            paces=(1.1, 0.7),
            counts=(6, 5),
        ),  # fmt: skip
        rated(
            "Team confidence in the approach",
            stage,
            readers=tuple(sorted(parts))[:1],
            ratings=((CONCERN, CONCERN, ON, ON),),
        ),  # fmt: skip
    ]


def _measure(story, innovation, spec, parts, lead, today):
    part = parts.get(spec.part) if spec.part else None
    if spec.part and part is None:
        return
    is_rated = bool(spec.rated)
    baseline_on = today - timedelta(days=spec.baseline_ago)
    target_on = today + timedelta(days=spec.target_in)
    readings = []  # (observed on, reader, by, value or rating, story)
    readers = [parts[name] for name in spec.readers if name in parts] or [part]
    for index, reader in enumerate(readers):
        if reader is None:
            continue
        by = reader.lead or lead
        ends_ago = spec.ends_ago[index % len(spec.ends_ago)]
        if is_rated:
            ratings = spec.rated[index % len(spec.rated)]
            for i, rating in enumerate(ratings):
                on = today - timedelta(days=ends_ago + 31 * (len(ratings) - 1 - i))
                told = STORIES[(i + index) % len(STORIES)] if i == len(ratings) - 1 else ""
                readings.append((on, reader, by, rating, told))
            continue
        count = spec.counts[index % len(spec.counts)]
        pace = spec.paces[index % len(spec.paces)]
        span = (target_on - baseline_on).days
        for i in range(count):
            on = today - timedelta(days=ends_ago + 30 * (count - 1 - i))
            progress = min(max((on - baseline_on).days / span, 0), 1)
            change = spec.target - spec.baseline
            wobble = change * 0.04 * (0, 1, -1, 0.5, -0.5, 1.5, -1)[i % 7]
            value = spec.baseline + change * progress * pace + wobble
            value = max(value, 0)
            if value_kind(spec) == "percentage":
                places = 1 if abs(change) < 10 else 0
                value = min(value, 100)
            else:
                places = 0
            told = STORIES[(i + index) % len(STORIES)] if i == count - 1 else ""
            readings.append((on, reader, by, Decimal(str(round(value, places))), told))
    first = min((on for on, *_rest in readings), default=today)
    defined_on = min(max(first if is_rated else baseline_on, _created_on(innovation)), today)
    made = {}
    story.on(
        defined_on,
        _define,
        made,
        innovation,
        by=lead,
        stage=spec.stage,
        name=spec.name,
        part=part,
        scale="rated" if is_rated else "numeric",
        value_kind="score" if is_rated else value_kind(spec),
        unit=spec.unit,
        direction=spec.direction,
        baseline_value=None if is_rated else spec.baseline,
        baseline_on=None if is_rated else baseline_on,
        target_value=None if is_rated else spec.target,
        target_on=None if is_rated else target_on,
        collection=spec.collection,
    )
    for on, reader, by, value, told in sorted(readings, key=lambda r: r[0]):
        number = {"rating": value} if is_rated else {"value": value}
        story.on(
            max(on, defined_on),
            _read,
            made,
            by=by,
            observed_on=on,
            part=reader,
            story=told,
            **number,
        )


def _created_on(innovation):
    return timezone.localdate(innovation.created_at)


def _define(made, innovation, **fields):
    made["measure"] = services.define_measure(innovation, **fields)


def _read(made, **fields):
    services.record_reading(made["measure"], **fields)


def _check(story, part, by, seed, today):
    texts = CHECKS[part.stage.number]
    if part.state == State.STOPPED:
        # Answered before the decision to stop, which it helped to make.
        on = max(part.stage_since, part.state_since - timedelta(days=14))
        story.on(
            on, services.answer_check, part, by=by, answer="no", evidence=texts["no"],
            answered_on=on,
        )  # fmt: skip
        return
    answer = ANSWERS[seed % len(ANSWERS)]
    latest_on = max(part.stage_since, today - timedelta(days=5 + 7 * (seed % 4)))
    if seed % 2 and (latest_on - part.stage_since).days > 40:
        earlier = "unknown" if answer != "unknown" else "no"
        on = latest_on - timedelta(days=35)
        story.on(
            on, services.answer_check, part, by=by, answer=earlier,
            evidence="" if earlier == "unknown" else texts[earlier], answered_on=on,
        )  # fmt: skip
    story.on(
        latest_on, services.answer_check, part, by=by, answer=answer,
        evidence=texts[answer] if answer != "unknown" else texts["unknown"], answered_on=latest_on,
    )  # fmt: skip


def _involvement(story, part, by, seed, today):
    level, who, note = INVOLVEMENT[seed % len(INVOLVEMENT)]
    stage = part.stage.number
    # A part that has stopped was last asked about involvement before it stopped.
    asked_by = part.state_since - timedelta(days=7) if part.state == State.STOPPED else today
    if stage > 1 and seed % 3 == 0:
        before, before_who, before_note = INVOLVEMENT[(seed + 2) % len(INVOLVEMENT)]
        on = max(part.stage_since - timedelta(days=30), timezone.localdate(part.created_at))
        story.on(
            on, services.record_involvement, part, by=by, level=before, who=before_who,
            note=before_note, stage=stage - 1, recorded_on=on,
        )  # fmt: skip
    on = max(part.stage_since, min(asked_by, today - timedelta(days=10 + seed % 20)))
    story.on(
        on, services.record_involvement, part, by=by, level=level, who=who, note=note,
        stage=stage, recorded_on=on,
    )  # fmt: skip


def _ethics(story, innovation, parts, lead, today):
    """A note for the stage that holds most parts, rewritten once for the first innovation of
    each organisation so its history shows an earlier wording; and one for a second stage.
    Written ten weeks and rewritten three weeks before today, or before the innovation
    closed; never before it was created."""
    counts = {}
    for part in parts.values():
        counts[part.stage.number] = counts.get(part.stage.number, 0) + 1
    ranked = sorted(counts, key=lambda n: (-counts[n], n))
    whom = innovation.better_for_whom.split(".")[0].strip() or "The children and families it serves"
    until = innovation.closed_on or today
    written_on = max(until - timedelta(days=70), _created_on(innovation))
    rewritten_on = max(until - timedelta(days=21), written_on)
    for stage in ranked[:2]:
        story.on(
            written_on,
            services.set_ethics_note,
            innovation,
            stage,
            by=lead,
            note=(
                f"Better for whom: {whom}. Risk at this stage: {RISKS[stage]}. Power: parents "
                "and young people sit on the review group and can stop a change that does not "
                "work for them."
            ),
        )
    if ranked:
        story.on(
            rewritten_on,
            services.set_ethics_note,
            innovation,
            ranked[0],
            by=lead,
            note=(
                f"Better for whom: {whom}. Risk at this stage: {RISKS[ranked[0]]}; we now also "
                "ask who is left out, such as families who do not speak English. Power: parents "
                "and young people sit on the review group and can stop a change that does not "
                "work for them."
            ),
        )
