# ruff: noqa: E501
"""The demo's innovations and the journeys of their parts. Every position is written through
stages.services, so the journeys obey the rules of the wheel exactly as a person recording them
through the product would, each on the day it took effect (see innovate.demo.story). Dates are
relative to today."""

from datetime import timedelta
from typing import NamedTuple

from stages import clock, services
from stages.models import ClosingOutcome, MoveKind, PartKind, Reason


class Step(NamedTuple):
    kind: str
    gap: int  # days after the part's previous move
    to: int | None = None
    reason: str = ""
    rationale: str = ""
    review_in: int | None = None  # days after the pause takes effect


def advance(gap, why=""):
    return Step(MoveKind.ADVANCE, gap, rationale=why)


def jump(gap, to, reason, why):
    return Step(MoveKind.JUMP, gap, to, reason, why)


def rewind(gap, to, reason, why):
    return Step(MoveKind.REWIND, gap, to, reason, why)


def round_again(gap, why):
    return Step(MoveKind.NEW_CYCLE, gap, rationale=why)


def pause(gap, reason, why, review_in=None):
    return Step(MoveKind.PAUSE, gap, reason=reason, rationale=why, review_in=review_in)


def resume(gap, why=""):
    return Step(MoveKind.RESUME, gap, rationale=why)


def stop(gap, reason, why):
    return Step(MoveKind.STOP, gap, reason=reason, rationale=why)


def restart(gap, to, reason, why):
    return Step(MoveKind.RESTART, gap, to, reason, why)


def void(gap, why):
    return Step(MoveKind.VOID, gap, reason=Reason.RECORDING_ERROR, rationale=why)


def part(name, kind, lead, *, ends_ago, steps=(), stage=1, why="", review_in=None):
    """A part whose last move falls `ends_ago` days before today; `review_in` sets its next
    review date relative to today (negative: already due)."""
    return {
        "name": name,
        "kind": kind,
        "lead": lead,
        "ends_ago": ends_ago,
        "steps": list(steps),
        "stage": stage,
        "why": why,
        "review_in": review_in,
    }


# fmt: off
NORTHSHIRE_INNOVATIONS = [
    {
        "title": "Family group conferencing",
        "lead": "leader",
        "tags": ["family-led decisions", "edge of care", "pre-proceedings"],
        "summary": (
            "Independent coordinators bring the child's family network together to make a plan "
            "before the local authority makes decisions for them. Every family entering "
            "pre-proceedings is offered a conference, and earlier where families ask for one."
        ),
        "prompted_by": (
            "Push: more children entering care through pre-proceedings, and an Ofsted finding "
            "that wider family networks were rarely explored early. Pull: the Family Rights "
            "Group model, results from neighbouring authorities and the national emphasis on "
            "family network support."
        ),
        "better_for_whom": (
            "Children who can stay safely within their family network, and parents and "
            "relatives who want a real say in the plan. Better because decisions are made with "
            "families, not about them."
        ),
        "parts": [
            part("Family group conferencing service", PartKind.SERVICE, "leader", ends_ago=7, review_in=21, steps=[
                advance(120, "The steering group agreed the case for change and there is budget for two coordinators to design the service."),
                advance(150, "Design sessions with parents from the Family Voice group are finished; the North locality team will pilot it."),
                advance(240, "In the pilot 31 of 44 families made a plan we could support, and parents said they felt listened to. Base budget agreed from April."),
                advance(300, "Every locality now refers before pre-proceedings; we are offering it to the disabled children's team and early help next."),
                advance(270, "The offer of a conference is written into our pre-proceedings procedure and the legal gateway panel's terms of reference."),
                round_again(120, "With conferences embedded at pre-proceedings, the question now is whether we can offer family network meetings much earlier, at child in need. That starts the wheel again."),
                advance(60, "Early help managers and three parents want to co-design the earlier offer; workshops start this month."),
            ]),
            part("North locality team", PartKind.LOCALITY, "manager", ends_ago=40, review_in=45, steps=[
                advance(200, "Team managers signed up to pilot conferences and helped write the referral criteria."),
                advance(220, "First referrals taken; piloting with the two child protection pods in Northgate."),
                advance(340, "Conferences are routine for every family entering pre-proceedings in the North, and the coordinator post is now permanent."),
            ]),
            part("South locality team", PartKind.LOCALITY, "leader", ends_ago=25, review_in=-10, stage=2,
                 why="South joined once the North team's model was agreed, so it began by adapting that design.", steps=[
                advance(240, "Referral route adapted for the South's larger rural patch; pilot begins."),
                pause(120, Reason.WORKFORCE, "Two of our three coordinators left within a month. We cannot run conferences safely until the posts are filled, so we are pausing rather than letting families wait."),
                resume(110, "Both coordinator posts are filled and the new staff have shadowed the North team."),
                advance(300, "The conference offer is part of every pre-proceedings meeting in the South; families' feedback matches the North's."),
            ]),
            part("Edge of care team", PartKind.TEAM, "facilitator", ends_ago=30, review_in=30, steps=[
                advance(200, "Agreed with the team that conferences could help families where a teenager is close to coming into care."),
                advance(240, "Testing conferences with families of adolescents referred to the edge of care panel."),
                rewind(150, 2, Reason.LEARNING, "Testing showed our referral letter put parents off: several said no before we had spoken to them. We are going back to redesign the first conversation with parents who have been through it."),
                advance(120, "New first-contact approach designed with three parents; testing it again."),
            ]),
        ],
    },
    {
        "title": "Contextual safeguarding of extra-familial harm",
        "lead": "manager",
        "tags": ["extra-familial harm", "adolescents", "exploitation", "partnerships"],
        "summary": (
            "Extends child protection thinking beyond the family home to the peer groups, schools "
            "and public spaces where young people are at risk of exploitation and harm. Context "
            "conferences bring partners together to assess and change unsafe places, not only to "
            "plan around individual young people."
        ),
        "prompted_by": (
            "Push: a safeguarding practice review into criminal exploitation that found agencies "
            "saw each young person in isolation, and rising missing episodes. Pull: the "
            "Contextual Safeguarding framework, Working Together 2023 on harm outside the home, "
            "and Violence Reduction Unit funding."
        ),
        "better_for_whom": (
            "Young people at risk of exploitation outside the home, and parents who were being "
            "held responsible for harm they could not control. Better because the response "
            "targets the places and groups where the harm happens."
        ),
        "parts": [
            part("Adolescent service", PartKind.SERVICE, "manager", ends_ago=35, review_in=60, steps=[
                advance(180, "Partners agreed to test context conferences; two young people from the Youth Voice panel joined the design group."),
                advance(200, "First context conferences held for the bus station and Castle Park."),
                advance(260, "Context conferences are in the adolescent service's procedures and funded from the base budget."),
                advance(300, "Sharing the model with the Westmoor and Eastvale partnerships through the regional safeguarding group."),
            ]),
            part("Police partnership", PartKind.PARTNER, "leader", ends_ago=20, review_in=-20, steps=[
                advance(150, "The district commander agreed that officers would help design the context conference."),
                advance(210, "Police and social workers now sit together in the fortnightly contextual safeguarding meeting."),
                stop(120, Reason.PARTNER, "The force restructured into a single exploitation hub and withdrew its officers from our context meetings. We agreed to stop this part rather than carry on as if the police were still there."),
                restart(200, 2, Reason.LEADERSHIP, "The new hub's detective inspector has asked to rejoin. We are restarting at Designing to agree how information about places and peer groups is shared."),
                advance(150, "Information-sharing agreement signed; testing joint context conferences with the exploitation hub."),
            ]),
            part("Schools partnership", PartKind.PARTNER, "facilitator", ends_ago=150, review_in=-60, steps=[
                advance(220, "Head teachers from four secondary schools joined the design group after incidents at the school gates."),
                advance(260, "Testing school-based context assessments in two schools."),
                pause(200, Reason.FUNDING, "The Violence Reduction Unit grant that paid for the schools' coordinator has ended. We are pausing until the partnership board decides whether to fund the post from core budgets.", review_in=90),
            ]),
            part("Town centre mapping", PartKind.SITE, "manager", ends_ago=30, review_in=90, steps=[
                advance(200, "Mapping workshops held with young people, shop workers and the town centre wardens."),
                jump(300, 4, Reason.OTHER, "Eastvale had tested the same mapping tool for a year and shared its evaluation, so we adopted it without a pilot of our own and went straight to embedding it."),
                pause(150, Reason.PLANNED_PAUSE, "Holding the mapping while the wardens' rota and the town centre's opening hours change; we will revisit once the new rota has settled.", review_in=75),
                resume(80, "Mapping resumed with the wardens' new rota."),
            ]),
        ],
    },
    {
        "title": "Transitional safeguarding service for 16 to 25 year olds",
        "lead": "leader",
        "tags": ["transitional safeguarding", "care leavers", "adult services", "young adults"],
        "summary": (
            "A joint approach between children's and adult services so that safeguarding support "
            "does not fall away at 18. Young people at risk keep a consistent worker and a shared "
            "plan from 16 through to 25."
        ),
        "prompted_by": (
            "Push: reviews of young adults' deaths showing support ended abruptly at 18, and "
            "young people telling us they had to start again with adult services. Pull: the "
            "national work on transitional safeguarding, the Care Leaver Covenant and adult "
            "social care leaders willing to co-fund."
        ),
        "better_for_whom": (
            "Young people aged 16 to 25 facing exploitation, homelessness or mental ill-health, "
            "care leavers among them. Better because they keep one plan and the relationships "
            "that matter across the move to adulthood."
        ),
        "parts": [
            part("Leaving care team", PartKind.TEAM, "leader", ends_ago=30, review_in=40, steps=[
                advance(150, "Personal advisers and care leavers mapped where support fell away at 18."),
                advance(200, "Testing a shared transition plan with twelve young people."),
                advance(250, "The shared plan is now standard for every care leaver at risk, with funding for two transition workers."),
                advance(240, "Adopted by the youth justice service and the 16+ supported accommodation providers."),
                advance(260, "The 16 to 25 protocol is in the safeguarding adults board's multi-agency policy and in our local offer for care leavers."),
            ]),
            part("Adult services", PartKind.PARTNER, "manager", ends_ago=45, review_in=-5, steps=[
                advance(200, "Adult safeguarding leads joined the design group."),
                advance(220, "Testing joint transition meetings for young people turning 18."),
                advance(100, "Joint posts funded and in place."),
                void(2, "Recorded against the wrong part: it was the Leaving care team's plan that moved on, not the adult services partnership."),
                pause(120, Reason.LEADERSHIP, "The director of adult services has left, and the interim director wants to review all joint posts before committing.", review_in=60),
                resume(90, "The new director confirmed adult services' share of the two transition worker posts."),
            ]),
            part("Housing partnership", PartKind.PARTNER, "facilitator", ends_ago=40, review_in=14, steps=[
                pause(300, Reason.MOMENTUM, "Housing leads changed three times this year and nobody could commit staff time. We will revisit once the new homelessness strategy is agreed.", review_in=120),
                resume(330, "The new homelessness strategy names young adults leaving care as a priority, and housing colleagues are back at the table."),
            ]),
        ],
    },
    {
        "title": "Trauma-informed practice",
        "lead": "facilitator",
        "tags": ["trauma-informed", "workforce", "relational practice"],
        "summary": (
            "Training and reflective supervision so that practitioners understand how trauma and "
            "adversity shape children's and parents' behaviour, and respond in ways that build "
            "trust rather than repeat harm. Each team adapts its letters, meetings and rooms "
            "with the families who use them."
        ),
        "prompted_by": (
            "Push: staff surveys showing high secondary trauma and turnover, and parents "
            "describing child protection meetings as frightening. Pull: the regional "
            "trauma-informed workforce programme and a health partner offering clinical "
            "psychology time."
        ),
        "better_for_whom": (
            "Children and parents who have lived with trauma, and the practitioners who work "
            "with them. Better because meetings, letters and plans feel safer and more "
            "respectful."
        ),
        "parts": [
            part("Children in care team", PartKind.TEAM, "facilitator", ends_ago=30, review_in=30, steps=[
                advance(180, "The team chose reflective groups and rewriting placement letters as its first two changes."),
                advance(200, "Monthly reflective groups running, with a psychologist joining every other session."),
                pause(100, Reason.WORKFORCE, "Three social workers are on long-term sick leave, so we cannot release staff for the reflective groups this quarter."),
                rewind(70, 2, Reason.LEARNING, "The pause gave us time to listen to care-experienced young people. They said the training missed what moving placements feels like, so we are redesigning it with them."),
                advance(120, "Redesigned sessions co-delivered by two care-experienced trainers."),
                advance(200, "Reflective groups and the new letters are standard practice, funded within the team's budget."),
            ]),
            part("Front door (MASH)", PartKind.TEAM, "leader", ends_ago=520, review_in=-45, steps=[
                advance(150, "Call handlers and parents reviewed recordings of first calls together."),
                advance(160, "Testing trauma-informed scripts for calls with parents and a rewritten first letter."),
            ]),
            part("Residential children's homes", PartKind.SITE, "manager", ends_ago=20, review_in=75, stage=2,
                 why="The homes had begun their own training under the previous registered manager; we joined it to the council-wide programme at the design stage.", steps=[
                advance(200, "Testing a new approach to incidents in both homes, with debriefs for young people and staff."),
                advance(260, "Restraints down by a third over the year; the approach is in the homes' statements of purpose."),
                advance(250, "Our two commissioned residential providers are adopting the approach."),
            ]),
            part("Health partnership: clinical psychology", PartKind.PARTNER, "facilitator", ends_ago=60, steps=[
                advance(240, "Designing consultation sessions for social workers with the community psychology service."),
                stop(260, Reason.FUNDING, "The integrated care board withdrew funding for psychology time in the new financial year. We are stopping this part; consultation continues only through the children in care team's existing arrangement."),
            ]),
        ],
    },
    {
        "title": "Mockingbird-style foster carer hubs",
        "lead": "manager",
        "tags": ["fostering", "mockingbird", "placement stability", "peer support"],
        "summary": (
            "Constellations of six to ten fostering households around an experienced hub home "
            "carer, who offers sleepovers, peer support and help with everyday problems, like an "
            "extended family. We deliver the Mockingbird model under licence from The Fostering "
            "Network."
        ),
        "prompted_by": (
            "Push: foster carers leaving faster than we recruit them, and placement breakdowns "
            "for children aged 10 to 14. Pull: evaluations of Mockingbird showing better placement "
            "stability and carer retention, and national fostering recruitment and retention "
            "funding."
        ),
        "better_for_whom": (
            "Children in foster care, who get more stable homes and time with children they "
            "know; foster carers, who are less isolated; and foster carers' own children."
        ),
        "parts": [
            part("Westbrook hub", PartKind.SITE, "manager", ends_ago=25, review_in=50, steps=[
                advance(120, "Hub home carer recruited and eight fostering households signed up."),
                advance(150, "First year of sleepovers and monthly get-togethers under way."),
                advance(300, "No placement endings in the constellation this year; the hub carer post is on the permanent fees structure."),
                advance(300, "Westbrook's hub carer is mentoring the new hub carers in Eastfield and Moorside."),
            ]),
            part("Eastfield hub", PartKind.SITE, "facilitator", ends_ago=20, review_in=20, steps=[
                advance(150, "Carers chose the constellation's name and its first activities."),
                advance(200, "Testing sleepovers and a carers' WhatsApp group."),
                pause(150, Reason.WORKFORCE, "Our hub home carer has stepped back for family reasons. The constellation still meets, but there are no sleepovers until a new hub carer is approved.", review_in=90),
                resume(120, "A new hub home carer was approved at fostering panel and has met every family."),
                advance(150, "Eastfield is part of the core fostering offer, with the same support as Westbrook."),
            ]),
            part("Moorside hub", PartKind.SITE, "leader", ends_ago=20, review_in=50, steps=[
                advance(160, "Six Moorside households want to form a constellation."),
                pause(120, Reason.WORKFORCE, "We have not yet approved a hub home carer for Moorside. The design waits until recruitment closes.", review_in=70),
            ]),
            part("Fostering service", PartKind.SERVICE, "manager", ends_ago=30, review_in=100, steps=[
                advance(150, "Licence agreed with The Fostering Network; carers' reference group set up."),
                advance(160, "Piloting the first constellation in Westbrook."),
                advance(300, "Hub home carer fees and supervision built into the fostering service's budget."),
                advance(250, "Opening a second and third constellation."),
                advance(300, "Mockingbird is written into the placement sufficiency strategy and the fees and allowances policy."),
            ]),
        ],
    },
    {
        "title": "No Wrong Door adolescent hub",
        "lead": "leader",
        "tags": ["no wrong door", "adolescents", "edge of care", "residential"],
        "summary": (
            "A hub combining residential beds, outreach and a team around each young person, so "
            "that young people aged 12 to 17 on the edge of care are supported by the same "
            "trusted adults whichever door they come through. Adapted from North Yorkshire's No "
            "Wrong Door model."
        ),
        "prompted_by": (
            "Push: more teenagers entering care in crisis and being placed far from home, and the "
            "cost of external residential placements. Pull: the national evaluation of No Wrong "
            "Door and an offer of support from North Yorkshire."
        ),
        "better_for_whom": (
            "Young people on the edge of care or in unstable placements, and their families. "
            "Better because they keep the same key worker, stay closer to home and avoid moves "
            "into care that are not needed."
        ),
        "parts": [
            part("Hub 1: Riverside", PartKind.SITE, "leader", ends_ago=30, review_in=30, steps=[
                advance(180, "Building works agreed; young people from the Children in Care Council helped plan the rooms."),
                advance(240, "Hub open with four beds and outreach from the same staff team."),
                advance(300, "Riverside hub is fully staffed and funded from the base budget."),
            ]),
            part("Outreach team", PartKind.TEAM, "manager", ends_ago=25, review_in=-30, steps=[
                advance(180, "Outreach workers and young people designed the first-contact offer."),
                advance(200, "Testing outreach for young people referred after a family breakdown."),
                rewind(130, 2, Reason.LEARNING, "Young people told us outreach only began after a crisis. We are redesigning it to start from the first missing episode."),
                advance(100, "Earlier outreach offer being tested with the missing children's coordinator."),
            ]),
            part("Police partnership", PartKind.PARTNER, "facilitator", ends_ago=40, review_in=60, stage=2,
                 why="A police liaison officer was already working with our children's homes; the partnership began by designing that role for the hub.", steps=[
                advance(200, "Liaison officer testing alternatives to arrest for incidents in the hub."),
                jump(250, 5, Reason.POLICY, "The force adopted the No Wrong Door liaison role across all three districts in its child-centred policing policy, so this part went straight to spreading it."),
            ]),
            part("Speech and language therapy", PartKind.PARTNER, "facilitator", ends_ago=75, review_in=60),
        ],
    },
    {
        "title": "Signs of Safety refresh",
        "lead": "manager",
        "tags": ["practice framework", "child protection"],
        "summary": (
            "A refresh of the Signs of Safety practice framework across child protection teams, "
            "with new mapping templates and a practice lead in each team. Tested in two teams "
            "before the service adopted a single relational practice framework."
        ),
        "prompted_by": (
            "Push: an audit showing safety plans written in professional language that families "
            "did not recognise. Pull: refreshed Signs of Safety materials and a practice lead "
            "post freed up by a restructure."
        ),
        "better_for_whom": (
            "Parents and children subject to child protection plans, who should understand and "
            "own their safety plan."
        ),
        "closed_ago": 500,
        "outcome": ClosingOutcome.MERGED,
        "learning": (
            "Templates alone did not change how plans were written: the quality of safety plans "
            "only improved where a practice lead sat with workers on real cases. Parents valued "
            "plans written in their own words. Both lessons are now part of the relational "
            "practice framework, and the practice lead model carries on there."
        ),
        "parts": [
            part("Central child protection team", PartKind.TEAM, "leader", ends_ago=540, stage=2,
                 why="Signs of Safety has been our framework for years; the refresh began by redesigning the mapping templates.", steps=[
                advance(150, "Testing the new templates in twenty child protection conferences."),
                stop(240, Reason.HARM_OR_NO_BENEFIT, "An audit of 40 cases found no improvement in the quality of safety plans after a year, and parents found the new templates as confusing as the old ones. We are stopping and taking what we learned into the new practice framework."),
            ]),
            part("West locality team", PartKind.LOCALITY, "manager", ends_ago=530, stage=2,
                 why="West followed the central team's redesign of the templates.", steps=[
                advance(150, "Practice lead coaching workers through their first mappings."),
                pause(100, Reason.LEADERSHIP, "A new director of children's services starts next month and is reviewing practice frameworks. Pausing until that review reports.", review_in=60),
                stop(120, Reason.POLICY, "The director has chosen one relational practice framework for the whole service. A separate refresh here would confuse families and staff, so we are stopping it."),
            ]),
        ],
    },
]

SOUTHDALE_INNOVATIONS = [
    {
        "title": "Family help hubs",
        "lead": "southdale-leader",
        "tags": ["early help", "family hubs"],
        "summary": (
            "Bringing early help, health visiting and welfare advice together in community "
            "hubs so families get help before problems escalate."
        ),
        "prompted_by": "Push: rising referrals to children's social care. Pull: national family hubs funding.",
        "better_for_whom": "Families who need help early, without a referral to social care.",
        "parts": [
            part("Central family hub", PartKind.SITE, "southdale-leader", ends_ago=30, review_in=30, steps=[
                advance(150, "Parents' panel designed the hub's drop-in offer."),
                advance(200, "Hub open three days a week as a pilot."),
            ]),
            part("Schools partnership", PartKind.PARTNER, "southdale-manager", ends_ago=60, review_in=15, steps=[
                advance(180, "Primary heads helping design a school-based family worker role."),
            ]),
        ],
    },
    {
        "title": "Kinship carers' peer support",
        "lead": "southdale-manager",
        "tags": ["kinship care", "peer support"],
        "summary": (
            "Peer support groups run by and for grandparents, aunts, uncles and friends raising "
            "children who cannot live with their parents."
        ),
        "prompted_by": "Push: kinship carers telling us they felt left alone. Pull: a local charity offering to co-run groups.",
        "better_for_whom": "Kinship carers and the children they are raising.",
        "parts": [
            part("Kinship team", PartKind.TEAM, "southdale-manager", ends_ago=40, review_in=20, steps=[
                advance(120, "Kinship carers and the team agreed group times and a crèche."),
            ]),
            part("Kinship carers' network", PartKind.PARTNER, "southdale-leader", ends_ago=90, review_in=-7),
        ],
    },
]
# fmt: on


def start_on(item, today):
    """The day the part of `item` started: its steps' gaps back from its last move."""
    return today - timedelta(days=item["ends_ago"] + sum(step.gap for step in item["steps"]))


def first_day(innovations, today):
    """The day the first part of `innovations` started."""
    return min(start_on(item, today) for data in innovations for item in data["parts"])


def load_journeys(story, organisation, innovations, people, today):
    """Add to `story` the writing of `innovations` (NORTHSHIRE_INNOVATIONS or
    SOUTHDALE_INNOVATIONS) for `organisation`: each innovation created on the day its first
    part started, each part started and walked through its steps by its lead on the days they
    took effect, and the innovations that were closed closed on their day. `people`:
    {username: user}. Returns (innovations, parts, moves) to be written."""
    n_parts = n_moves = 0
    for data in innovations:
        lead = people[data["lead"]]
        made = {}
        starts = [start_on(item, today) for item in data["parts"]]
        story.on(min(starts), _create, made, organisation, data, lead)
        for item, on in zip(data["parts"], starts, strict=True):
            n_moves += journey(story, made, item, people[item["lead"]], on, today)
            n_parts += 1
        if data.get("learning"):
            story.on(today - timedelta(days=data["closed_ago"]), _close, made, data, lead)
    return len(innovations), n_parts, n_moves


def _create(made, organisation, data, lead):
    made["innovation"] = services.create_innovation(
        organisation,
        by=lead,
        title=data["title"],
        summary=data["summary"],
        prompted_by=data["prompted_by"],
        better_for_whom=data["better_for_whom"],
        lead=lead,
        tags=data["tags"],
    )


def _close(made, data, lead):
    services.close_innovation(
        made["innovation"],
        by=lead,
        learning=data["learning"],
        outcome=data["outcome"],
        closed_on=clock.localdate(),
    )


def journey(story, made, item, by, on, today):
    """Add to `story` the part's start on `on` and each of its steps on the day it took
    effect; returns the number of moves."""
    review_in = item["review_in"]
    story.on(
        on,
        _start,
        made,
        item,
        by,
        next_review_on=None if review_in is None else today + timedelta(days=review_in),
    )
    for step in item["steps"]:
        on += timedelta(days=step.gap)
        story.on(on, _move, made, item["name"], step, by)
    return 1 + len(item["steps"])


def _start(made, item, by, next_review_on):
    made[item["name"]] = services.start_part(
        made["innovation"],
        by=by,
        name=item["name"],
        stage=item["stage"],
        effective_on=clock.localdate(),
        rationale=item["why"],
        kind=item["kind"],
        lead=by,
        next_review_on=next_review_on,
    )


def _move(made, name, step, by):
    on = clock.localdate()
    services.move_part(
        made[name],
        kind=step.kind,
        by=by,
        to_stage=step.to,
        reason=step.reason,
        rationale=step.rationale,
        effective_on=on,
        review_on=None if step.review_in is None else on + timedelta(days=step.review_in),
    )
