# ruff: noqa: E501
"""Demo reflection sessions, loaded after the journeys: past sessions with attendees at
several levels, notes, decisions applied as moves, and actions (some open, one
overdue, some done), and a session still to come. Everything goes through
assessments.sessions, so the decisions are checked and applied exactly as in the product, each
step on its day (see innovate.demo.story), so a decision meets the part where it stood on the
session's day. Dates are relative to today; a title names the month the session is held in,
never a season or month of another date."""

from datetime import timedelta

from assessments.services import sessions
from stages import clock
from stages.models import Innovation, Part

FGC = "Family group conferencing"
CONTEXTUAL = "Contextual safeguarding of extra-familial harm"
MOCKINGBIRD = "Mockingbird-style foster carer hubs"
HUBS = "Family help hubs"


def attendee(name_or_role, level, part=None):
    return (name_or_role, level, part)


def decision(part, kind="stay", why="", minority="", **fields):
    return {"part": part, "kind": kind, "rationale": why, "minority_view": minority, **fields}


def action(text, owner, due_in=None, done_ago=None):
    """`due_in` days from today (negative: already past); `done_ago` days ago, or None."""
    return {"text": text, "owner": owner, "due_in": due_in, "done_ago": done_ago}


# Each session: the innovation, when it was held (days ago; negative for one to come), who
# facilitated, the parts in scope, and what happened. Decisions that move a part are dated on
# the session's day, so each session falls after the latest move of every part it moves.
# fmt: off
SESSIONS = {
    "northshire": [
        {
            "innovation": CONTEXTUAL,
            "ago": 60,
            "title": "Partnership reflection on harm outside the home",
            "facilitator": "facilitator",
            "notes": "A first session with every partner at the table, to agree where each part stands.",
            "parts": ["Adolescent service", "Police partnership", "Schools partnership", "Town centre mapping"],
            "attendees": [
                attendee("Head of adolescent services", "strategic"),
                attendee("Detective inspector, exploitation hub", "partner_agency", "Police partnership"),
                attendee("Deputy head teacher, Castle Park Academy", "partner_agency", "Schools partnership"),
                attendee("Team manager, adolescent service", "operational", "Adolescent service"),
                attendee("Youth worker", "practice", "Town centre mapping"),
                attendee("Two members of the Youth Voice panel", "young_person_or_family"),
            ],
            "notes_taken": [
                ("Schools partnership", 0, "The schools still want the coordinator back; the board meets next month about core funding."),
                ("Police partnership", 0, "The hub's new detective inspector wants officers back in context conferences."),
                ("Town centre mapping", None, "The wardens' rota changes in a few weeks: the map will need redoing with them."),
            ],
            "decisions": [
                decision("Schools partnership", why="Nothing can restart until the board decides on the coordinator post. We keep the pause and revisit after the board."),
                decision("Adolescent service", why="Context conferences are working; no change until the regional group has met."),
            ],
            "actions": [
                action("Write to the partnership board about funding the schools coordinator post", "manager", due_in=-40, done_ago=45),
            ],
        },
        {
            "innovation": CONTEXTUAL,
            "ago": 10,
            "title": "{month} reflection on harm outside the home",
            "facilitator": "facilitator",
            "notes": "Review what changed since the partnership reflection and decide about the town centre map.",
            "parts": ["Adolescent service", "Police partnership", "Schools partnership", "Town centre mapping"],
            "attendees": [
                attendee("Assistant director, children's services", "strategic"),
                attendee("Head of adolescent services", "strategic"),
                attendee("Detective inspector, exploitation hub", "partner_agency", "Police partnership"),
                attendee("Town centre warden", "partner_agency", "Town centre mapping"),
                attendee("Team manager, adolescent service", "operational", "Adolescent service"),
                attendee("Social worker", "practice", "Adolescent service"),
                attendee("A parent", "young_person_or_family"),
            ],
            "notes_taken": [
                ("Town centre mapping", 0, "Shop workers now call the wardens before the police; incidents at the bus station are down."),
                ("Town centre mapping", 1, "Funded from the base budget since the new financial year."),
                ("Police partnership", 0, "Joint context conferences are testing well, but information sharing is still slow."),
                ("Adolescent service", 0, "Westmoor has asked for our context conference guidance."),
            ],
            "decisions": [
                decision(
                    "Town centre mapping", "advance",
                    why="The map is part of the wardens' routine and is funded; Eastvale and Westmoor want to use it, so it moves on to growing.",
                    minority="The youth worker felt the map still misses the places young people go after dark, and would have waited until that is fixed.",
                ),
                decision("Police partnership", why="Keep testing joint conferences until information sharing is quicker."),
                decision("Schools partnership", why="The board has not yet decided on the coordinator post."),
                decision(
                    "Adolescent service",
                    why="Keep sharing the model through the regional group.",
                    minority="The assistant director asked whether spreading to two more partnerships is too much at once.",
                ),
            ],
            "actions": [
                action("Invite the exploitation hub's detective inspector to the next session", "facilitator", due_in=20),
                action("Update the town centre map with the wardens' new rota", "leader", due_in=7),
            ],
        },
        {
            "innovation": FGC,
            "ago": 14,
            "title": "{month} review with the localities",
            "facilitator": "facilitator",
            "notes": "Where each locality stands after a year of conferences at pre-proceedings.",
            "parts": ["Family group conferencing service", "North locality team", "South locality team", "Edge of care team"],
            "attendees": [
                attendee("Head of children's social care", "strategic"),
                attendee("Team manager, North locality", "operational", "North locality team"),
                attendee("Team manager, South locality", "operational", "South locality team"),
                attendee("FGC coordinator", "practice", "Family group conferencing service"),
                attendee("Senior practitioner, edge of care", "practice", "Edge of care team"),
                attendee("Two parents from Family Voice", "young_person_or_family"),
                attendee("Family Rights Group adviser", "partner_agency"),
            ],
            "notes_taken": [
                ("North locality team", 0, "Every family entering pre-proceedings in the North is offered a conference; three quarters take it up."),
                ("North locality team", 1, "The coordinator post is permanent and the legal gateway panel asks for the plan."),
                ("South locality team", 0, "Rural families wait longer for a venue; the team is trying video conferences."),
                ("Edge of care team", 0, "The new first conversation with parents is testing better: fewer refusals before we have spoken."),
                ("Family group conferencing service", None, "Parents asked that the earlier offer is not called a 'meeting about your family'."),
            ],
            "decisions": [
                decision(
                    "North locality team", "advance",
                    why="Conferences are embedded in the North and funded; the other localities are asking to learn from them, so the North moves on to growing.",
                ),
                decision("South locality team", why="Give the video conferences three months before deciding."),
                decision(
                    "Edge of care team",
                    why="Keep testing the new first conversation for another cycle of referrals.",
                    minority="The senior practitioner felt the team was ready to move on to integrating now.",
                ),
                decision("Family group conferencing service", why="It moves on to designing once the early help managers and parents have agreed to co-design the earlier offer."),
            ],
            "actions": [
                action("Share the North locality's referral criteria with the disabled children's team", "manager", due_in=14),
                action("Ask finance to confirm the South coordinator posts beyond this financial year", "leader", due_in=-3),
                action("Circulate the session summary to everyone who came", "facilitator", due_in=-10, done_ago=13),
            ],
        },
        {
            "innovation": MOCKINGBIRD,
            "ago": 12,
            "title": "Hub carers' reflection",
            "facilitator": "manager",
            "notes": "A session with hub home carers about Moorside.",
            "parts": ["Westbrook hub", "Eastfield hub", "Moorside hub"],
            "attendees": [
                attendee("Head of fostering", "strategic"),
                attendee("Supervising social worker", "operational", "Eastfield hub"),
                attendee("Westbrook hub home carer", "practice", "Westbrook hub"),
                attendee("Moorside's new hub home carer", "practice", "Moorside hub"),
                attendee("A young person from the Westbrook constellation", "young_person_or_family", "Westbrook hub"),
            ],
            "notes_taken": [
                ("Moorside hub", 0, "A hub home carer was approved at panel last week, so the design work can pick up again."),
                ("Westbrook hub", None, "Young people said the sleepovers are the best part; they want more of them in the holidays."),
            ],
            "decisions": [
                decision("Moorside hub", "resume", why="The new hub home carer is approved and has met five of the six households."),
                decision("Westbrook hub", why="Keep mentoring Eastfield and Moorside before spreading further."),
                decision("Eastfield hub", why="Settling in as part of the core offer."),
            ],
            "actions": [
                action("Introduce Moorside's hub home carer to Westbrook's mentor", "facilitator", due_in=-5, done_ago=6),
                action("Plan holiday sleepovers with the three constellations", "leader", due_in=30),
            ],
        },
        {
            "innovation": FGC,
            "ago": -21,
            "title": "{month} review with the localities",
            "facilitator": "facilitator",
            "notes": "Follow up the last review's decisions and the South's video conferences.",
            "planned_before": 34,
            "parts": ["Family group conferencing service", "North locality team", "South locality team", "Edge of care team"],
        },
    ],
    "southdale": [
        {
            "innovation": HUBS,
            "ago": 20,
            "title": "Hub partners' reflection",
            "facilitator": "southdale-manager",
            "notes": "",
            "parts": ["Central family hub", "Schools partnership"],
            "attendees": [
                attendee("Head of early help", "strategic"),
                attendee("Hub manager", "operational", "Central family hub"),
                attendee("Primary head teacher", "partner_agency", "Schools partnership"),
                attendee("Parents' panel member", "young_person_or_family", "Central family hub"),
            ],
            "notes_taken": [
                ("Central family hub", 0, "Drop-ins are busiest on Mondays; health visitors want a fixed slot."),
            ],
            "decisions": [
                decision("Central family hub", why="Finish the pilot's first year before deciding."),
                decision("Schools partnership", why="The job description is still with the heads."),
            ],
            "actions": [
                action("Agree a fixed health visiting slot at the central hub", "southdale-leader", due_in=10),
            ],
        },
    ],
}
# fmt: on


def title_for(spec, held_on):
    """The session's title: its `title`, with `{month}` the month it is held in."""
    return spec["title"].format(month=f"{held_on:%B}")


def load_sessions(story, organisation, people, today):
    """Add to `story` the organisation's demo reflection sessions: each planned
    `planned_before` days before its day (21 unless said), and on its day (for those held)
    its attendees, notes and decisions recorded, the decisions applied and the actions agreed;
    each action done on the day it was done."""
    for spec in SESSIONS.get(organisation.slug, []):
        held_on = today - timedelta(days=spec["ago"])
        planned_on = min(held_on - timedelta(days=spec.get("planned_before", 21)), today)
        made = {}
        story.on(planned_on, _plan, made, organisation, spec, people, held_on)
        if held_on > today:
            continue
        story.on(held_on, _hold, made, spec, people, today)
        for n, item in enumerate(spec.get("actions", [])):
            if item["done_ago"] is not None:
                story.on(today - timedelta(days=item["done_ago"]), _done, made, n, people, item)


def _plan(made, organisation, spec, people, held_on):
    innovation = Innovation.objects.get(organisation=organisation, title=spec["innovation"])
    made["parts"] = {p.name: p for p in Part.objects.filter(innovation=innovation)}
    facilitator = people[spec["facilitator"]]
    made["session"] = sessions.plan_session(
        innovation,
        by=facilitator,
        held_on=held_on,
        title=title_for(spec, held_on),
        facilitator=facilitator,
        parts=[made["parts"][name] for name in spec["parts"]],
        notes=spec["notes"],
    )


def _hold(made, spec, people, today):
    session, facilitator = made["session"], people[spec["facilitator"]]
    parts = {
        p.name: p
        for p in Part.objects.filter(pk__in=[p.pk for p in made["parts"].values()]).select_related(
            "stage"
        )
    }
    for name_or_role, level, part in spec.get("attendees", []):
        sessions.add_attendee(
            session,
            by=facilitator,
            name_or_role=name_or_role,
            level=level,
            part=parts[part] if part else None,
        )
    for part_name, prompt, text in spec.get("notes_taken", []):
        part = parts[part_name]
        sessions.add_note(
            session,
            by=facilitator,
            part=part,
            prompt="" if prompt is None else part.stage.prompts[prompt],
            text=text,
        )
    for fields in spec.get("decisions", []):
        fields = dict(fields)
        part = parts[fields.pop("part")]
        sessions.record_decision(session, part, by=facilitator, **fields)
    if spec.get("decisions"):
        sessions.apply_decisions(session, by=facilitator)
    made["actions"] = [
        sessions.add_action(
            session,
            by=facilitator,
            text=item["text"],
            owner=people[item["owner"]],
            due_on=None if item["due_in"] is None else today + timedelta(days=item["due_in"]),
        )
        for item in spec.get("actions", [])
    ]


def _done(made, n, people, item):
    sessions.complete_action(
        made["actions"][n], by=people[item["owner"]], done_on=clock.localdate()
    )
