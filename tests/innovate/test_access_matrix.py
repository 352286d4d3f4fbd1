"""Every URL of the product, reversed with real objects of the test organisation, answers each
persona as this table says. A URL without an expectation here fails the test, so a new page
cannot ship without its access being decided.

The test innovation is restricted. Its lead and a contributor (both viewers in the
organisation) are its team; it is shared with the viewer, the leader and the facilitator, who
keep their own roles on it; two guests from a partner agency have a place on it (a viewer and
a contributor) and a third had one that ended yesterday; the member shut out is a leader of the
organisation who is neither on its team nor shared it, so it does not exist for them.

The test organisation owns a network, "Family Safeguarding spread" (so its manager is the
network owner's manager). Eastmere Council is a member (its manager and a leader are
personas), Westvale Council was one and left (its manager is a persona); the outsider's
organisation is invited and has not answered yet; an observer of the network and a platform
administrator belong to no organisation. To every organisation's page they are strangers: the
observer and the administrator find no such page. Eastmere published a model to the network
and the test innovation adopts it."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from apitokens import services as apitokens
from assessments.services import evidence, sessions
from attachments import services as files
from networks import services as network_services
from networks.models import PlatformAdministrator
from notifications.tokens import make as unsubscribe_token
from stages import people, services, teams
from stages.models import Innovation, Membership, Move, Role, TeamRole
from tests.factories import (
    InnovationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    make_part,
)

PERSONAS = [
    "anonymous",
    "outsider",
    "viewer",
    "leader",
    "facilitator",
    "manager",
    "lead",
    "contributor",
    "guest_viewer",
    "guest_contributor",
    "guest_ended",
    "shut_out",
    "platform_admin",
    "member_manager",
    "member_leader",
    "observer",
    "left_manager",
]
LOGIN = 302
NETWORK_PERSONAS = PERSONAS[-5:]

# The new personas on pages of the innovation: its team and a contributing guest may do what a
# facilitator may; a guest viewer reads; a guest whose access ended and the member shut out of
# the restricted innovation find no such page.
SEES = {
    "lead": 200,
    "contributor": 200,
    "guest_viewer": 200,
    "guest_contributor": 200,
    "guest_ended": 404,
    "shut_out": 404,
}
ACTS = {**SEES, "guest_viewer": 403}
# Pages of the whole organisation: members see them, whatever innovations they may see (and
# only what those innovations hold); guests are refused.
ORGANISATION = {
    "lead": 200,
    "contributor": 200,
    "guest_viewer": 403,
    "guest_contributor": 403,
    "guest_ended": 403,
    "shut_out": 200,
}
# Managers' pages: nobody new may.
NOBODY = dict.fromkeys(ORGANISATION, 403)
# A person's own pages: everyone signed in.
OWN = dict.fromkeys(ORGANISATION, 200)

# url name: (method, {persona: status}). GET unless the view only answers POST; a POST is sent
# with a valid CSRF token and no data, so a role that may act gets 422 (invalid input) or, for
# a one-click action, 303.
R = {
    "anonymous": LOGIN,
    "outsider": 404,
    "viewer": 200,
    "leader": 200,
    "facilitator": 200,
    "manager": 200,
    **SEES,
}
WRITE = {
    "anonymous": LOGIN,
    "outsider": 404,
    "viewer": 403,
    "leader": 200,
    "facilitator": 200,
    "manager": 200,
    **ACTS,
}
RUN = {
    "anonymous": LOGIN,
    "outsider": 404,
    "viewer": 403,
    "leader": 403,
    "facilitator": 200,
    "manager": 200,
    **ACTS,
}
MANAGE = {
    "anonymous": LOGIN,
    "outsider": 404,
    "viewer": 403,
    "leader": 403,
    "facilitator": 403,
    "manager": 200,
    **NOBODY,
}
SCOPED = {
    "anonymous": LOGIN,
    "outsider": 200,
    "viewer": 200,
    "leader": 200,
    "facilitator": 200,
    "manager": 200,
    **ORGANISATION,
}
MINE = {**SCOPED, **OWN}
PUBLIC = dict.fromkeys(PERSONAS, 200)
FORM = {
    "anonymous": LOGIN,
    "outsider": 404,
    "viewer": 403,
    "leader": 422,
    "facilitator": 422,
    "manager": 422,
    **ACTS,
    "lead": 422,
    "contributor": 422,
    "guest_contributor": 422,
}


# The network's pages. Who knows the network exists but may not do this gets a 403: the
# platform administrator, the invited organisation's manager (the outsider); whoever does not
# (a guest, the organisation that left) gets a 404.
NETWORK = {
    "anonymous": LOGIN,
    "outsider": 403,
    "viewer": 200,
    "leader": 200,
    "facilitator": 200,
    "manager": 200,
    "lead": 200,
    "contributor": 200,
    "guest_viewer": 404,
    "guest_contributor": 404,
    "guest_ended": 404,
    "shut_out": 200,
    "platform_admin": 403,
    "member_manager": 200,
    "member_leader": 200,
    "observer": 200,
    "left_manager": 404,
}


def only(expect, *personas, status=200):
    """`expect` with every persona answered 200 there refused (403) but `personas`, which get
    `status`."""
    return {
        persona: (status if persona in personas else 403) if answer == 200 else answer
        for persona, answer in expect.items()
    }


NETWORK_MANAGE = only(NETWORK, "manager")
SIGNED_IN = {**dict.fromkeys(PERSONAS, 200), "anonymous": LOGIN}


def post(expect):
    return ("post", expect)


def acting(expect, status):
    """`expect` with every persona that may act (200 there) answered `status` instead."""
    return {persona: status if answer == 200 else answer for persona, answer in expect.items()}


EXPECTED = {
    "notices:accessibility": ("get", PUBLIC),
    "notices:privacy": ("get", PUBLIC),
    "notices:cookies": ("get", PUBLIC),
    "keepalive": post({**dict.fromkeys(PERSONAS, 204), "anonymous": LOGIN}),
    "home": ("get", {**dict.fromkeys(PERSONAS, 302)}),
    "health": ("get", PUBLIC),
    "framework": ("get", PUBLIC),
    "glossary": ("get", PUBLIC),
    "switch-organisation": ("get", MINE),
    "login": ("get", {**dict.fromkeys(PERSONAS, 302), "anonymous": 200}),
    "logout": post(dict.fromkeys(PERSONAS, 302)),
    # Innovations, parts and moves.
    # A guest's list holds only what is shared with them (tests/innovate/test_isolation.py).
    "innovations:list": ("get", MINE),
    # Members of the organisation whose role may: the team's own rights are on its innovation.
    "innovations:create": [
        ("get", {**WRITE, "outsider": 200, **NOBODY, "shut_out": 200}),
        post({**FORM, "outsider": 422, **NOBODY, "shut_out": 422}),
    ],
    "innovations:detail": ("get", R),
    "innovations:edit": [("get", WRITE), post(FORM)],
    "innovations:close": [("get", WRITE), post(FORM)],
    # A closed innovation's reopen page; a POST of nothing restarts no part and reopens it.
    "innovations:reopen": [("get", WRITE), post(acting(WRITE, 303))],
    "innovations:timeline": ("get", R),
    "innovations:history": ("get", R),
    # Everyone who sees the innovation reads its team; a manager or its lead changes it (a
    # POST of nothing leaves it with no lead and no contributors, open to all members).
    "innovations:team": [
        ("get", R),
        post({**acting(WRITE, 403), "manager": 303, "lead": 303}),
    ],
    "innovations:remove-place": post({**acting(WRITE, 403), "manager": 303, "lead": 303}),
    "innovations:add-part": [("get", WRITE), post(FORM)],
    "innovations:add-parts": [("get", WRITE), post(FORM)],
    "parts:edit": [("get", WRITE), post(FORM)],
    "parts:move": [("get", WRITE), post(FORM)],
    "parts:void": [("get", WRITE), post(FORM)],
    # Withdrawing asks for a reason; only a manager restores, and sees what is withdrawn. The
    # world's innovation and part are not withdrawn: restoring them changes nothing.
    "innovations:withdraw": [("get", WRITE), post(FORM)],
    "parts:withdraw": [("get", WRITE), post(FORM)],
    "innovations:restore": post({**MANAGE, "manager": 303}),
    "parts:restore": post({**MANAGE, "manager": 303}),
    # An outsider manages their own organisation: they see its withdrawn page, never this one's.
    "innovations:withdrawn": ("get", {**MANAGE, "outsider": 200}),
    # Evidence: measures, readings, checks, involvement and ethics.
    "evidence:measures": ("get", R),
    "evidence:measure-create": [("get", WRITE), post(FORM)],
    "evidence:measure": ("get", R),
    "evidence:measure-edit": [("get", WRITE), post(FORM)],
    "evidence:measure-copy": [("get", WRITE), post(FORM)],
    "evidence:reading-create": [("get", WRITE), post(FORM)],
    "evidence:reading-correct": [("get", WRITE), post(FORM)],
    "evidence:reading-withdraw": [("get", WRITE), post(FORM)],
    # The reading is in use: there is nothing to restore, so back to its measure.
    # Those who do not see the restricted innovation find no such reading.
    "evidence:reading-restore": post(
        {**MANAGE, "manager": 303, "guest_ended": 404, "shut_out": 404}
    ),
    "evidence:import": [("get", WRITE), post(FORM)],
    "evidence:import-template": ("get", R),
    "evidence:check": [("get", R), post(FORM)],
    "evidence:involvement": [("get", R), post(FORM)],
    "evidence:ethics": [("get", R), post(FORM)],
    # Evidence documents: everyone who sees the innovation reads and downloads its files; a
    # role that may write attaches and withdraws them (a POST of nothing names the missing file
    # or reason).
    "files:list": [("get", R), post(FORM)],
    "files:history": ("get", R),
    "files:move": [("get", R), post(FORM)],
    "files:reading": [("get", R), post(FORM)],
    "files:check": [("get", R), post(FORM)],
    "files:session": [("get", R), post(FORM)],
    "files:download": ("get", R),
    "files:withdraw": [("get", WRITE), post(FORM)],
    # Reflection sessions.
    "sessions:list": ("get", R),
    "sessions:plan": [("get", RUN), post(acting(RUN, 422))],
    "sessions:detail": ("get", R),
    "sessions:edit": [("get", RUN), post(acting(RUN, 422))],
    "sessions:add-attendee": post(acting(RUN, 422)),
    "sessions:remove-attendee": post(acting(RUN, 303)),
    "sessions:agenda": ("get", R),
    "sessions:calendar": ("get", R),
    "sessions:invite": [("get", RUN), post(acting(RUN, 422))],
    # Running a session opens its first part.
    "sessions:run": ("get", acting(RUN, 302)),
    "sessions:run-part": ("get", RUN),
    "sessions:add-note": post(acting(RUN, 422)),
    "sessions:answer-check": post(acting(RUN, 422)),
    "sessions:decide": post(acting(RUN, 422)),
    "sessions:remove-note": post(acting(RUN, 303)),
    "sessions:apply": ("get", RUN),
    "sessions:add-action": post(acting(RUN, 422)),
    "sessions:actions-csv": ("get", R),
    "sessions:summary": ("get", R),
    "sessions:summary-pdf": ("get", R),
    # The leader owns the action, so may tick it off or reopen it.
    "sessions:complete-action": post({**acting(RUN, 303), "leader": 303}),
    "sessions:reopen-action": post({**acting(RUN, 303), "leader": 303}),
    # People.
    # An outsider manages their own organisation: they see its people, never these.
    "people:list": ("get", {**MANAGE, "outsider": 200}),
    "people:invite": ("get", {**MANAGE, "outsider": 200}),
    # A manager, or an innovation's lead: the outsider's organisation has no innovation.
    "people:invite-guest": ("get", {**MANAGE, "outsider": 403, "lead": 200}),
    "people:role": [("get", MANAGE), post({**MANAGE, "manager": 422})],
    "people:deactivate": ("get", MANAGE),
    # The viewer is active: there is nothing to reactivate, so back to the list.
    "people:reactivate": ("get", {**MANAGE, "manager": 303}),
    "people:resend": post({**MANAGE, "manager": 303}),
    "people:revoke": post({**MANAGE, "manager": 303}),
    "people:accept": ("get", PUBLIC),
    "people:password-reset": ("get", PUBLIC),
    "people:password-reset-done": ("get", PUBLIC),
    "people:password-reset-complete": ("get", PUBLIC),
    "people:password-reset-confirm": ("get", PUBLIC),
    # Search: everyone signed in, over what they may read (tests/innovate/search/).
    "search:results": ("get", MINE),
    # Dashboards and exports: each person's current organisation.
    "dashboard:portfolio": ("get", SCOPED),
    "dashboard:attention": ("get", SCOPED),
    "dashboard:durations": ("get", SCOPED),
    "dashboard:flow": ("get", SCOPED),
    "dashboard:compare": ("get", SCOPED),
    "dashboard:report": ("get", SCOPED),
    "dashboard:report-pdf": ("get", SCOPED),
    "dashboard:export-portfolio": ("get", SCOPED),
    "dashboard:export-moves": ("get", SCOPED),
    "dashboard:export-durations": ("get", SCOPED),
    "dashboard:my-work": ("get", SCOPED),
    # Signing in with a work account: a form on the sign-in page, posted by anyone.
    "accounts:work-account": post(dict.fromkeys(PERSONAS, 422)),
    # The second step of signing in: without a first step, back to sign in (or home).
    "mfa_authenticate": ("get", dict.fromkeys(PERSONAS, 302)),
    # A provider's answer for an organisation with no provider: no such page.
    "openid_connect_callback": ("get", dict.fromkeys(PERSONAS, 404)),
    # Each person's own account: two-step sign-in and their sign-ins.
    "accounts:two-step": ("get", MINE),
    # Without two-step sign-in set up, these send the person to set it up.
    "accounts:recovery-codes": ("get", {**dict.fromkeys(PERSONAS, 303), "anonymous": LOGIN}),
    "accounts:turn-off-two-step": ("get", {**dict.fromkeys(PERSONAS, 303), "anonymous": LOGIN}),
    "accounts:sign-ins": ("get", MINE),
    # The organisation's sign-in settings and history: managers (the outsider manages theirs).
    "accounts:organisation-settings": [
        ("get", {**MANAGE, "outsider": 200}),
        post({**MANAGE, "outsider": 303, "manager": 303}),
    ],
    "accounts:organisation-sign-ins": ("get", {**MANAGE, "outsider": 200}),
    # Notifications: everyone's own choices; managers' defaults and the emails not sent; the
    # unsubscribe link works for anyone who holds it, signed in or not.
    "notifications:preferences": [
        ("get", MINE),
        post(
            {
                **dict.fromkeys(PERSONAS, 422),
                "anonymous": LOGIN,
                "observer": 404,
                "platform_admin": 404,
            }
        ),
    ],
    "notifications:organisation": [
        ("get", {**MANAGE, "outsider": 200}),
        post({**MANAGE, "outsider": 422, "manager": 422}),
    ],
    "notifications:failed": ("get", {**MANAGE, "outsider": 200}),
    "notifications:unsubscribe": [("get", PUBLIC), post(PUBLIC)],
    # Networks: managing them.
    "networks:list": ("get", SIGNED_IN),
    "networks:create": [
        ("get", only(SIGNED_IN, "platform_admin")),
        post(only(SIGNED_IN, "platform_admin", status=422)),
    ],
    "networks:members": ("get", NETWORK),
    "networks:invite": post(only(NETWORK, "manager", status=422)),
    "networks:withdraw-invitation": post(only(NETWORK, "manager", status=303)),
    # The outsider's organisation is the one invited.
    "networks:accept": post({**dict.fromkeys(PERSONAS, 404), "anonymous": LOGIN, "outsider": 303}),
    "networks:decline": post({**dict.fromkeys(PERSONAS, 404), "anonymous": LOGIN, "outsider": 303}),
    # A member's manager leaves; the owner cannot.
    "networks:leave": ("get", only(NETWORK, "member_manager")),
    "networks:observers": ("get", NETWORK_MANAGE),
    "networks:invite-observer": post(only(NETWORK, "manager", status=422)),
    "networks:end-observer": post(only(NETWORK, "manager", status=303)),
    "networks:observe": ("get", PUBLIC),
    "networks:summary": [("get", NETWORK_MANAGE), post(only(NETWORK, "manager", status=303))],
    "networks:publish": [
        ("get", only(NETWORK, "manager", "member_manager")),
        post(only(NETWORK, "manager", "member_manager", status=422)),
    ],
    # The network's views and files: its member organisations' people (not their guests) and
    # its observer read them; the platform administrator and the invited organisation's
    # manager know the network but may not read it; an organisation that left finds nothing.
    "networks:wheel": ("get", NETWORK),
    # One member organisation's shared parts: observers read counts, never a part.
    "networks:organisation": ("get", {**NETWORK, "observer": 403}),
    "networks:durations": ("get", NETWORK),
    "networks:changes": ("get", NETWORK),
    "networks:fidelity": ("get", NETWORK),
    "networks:model": ("get", NETWORK),
    # Eastmere published the model: only its managers add to it or withdraw it (a POST of
    # nothing names the missing fields; withdrawing is the POST itself).
    "networks:add-component": [
        ("get", only(NETWORK, "member_manager")),
        post(only(NETWORK, "member_manager", status=422)),
    ],
    "networks:withdraw-model": [
        ("get", only(NETWORK, "member_manager")),
        post(only(NETWORK, "member_manager", status=303)),
    ],
    "networks:export-wheel": ("get", NETWORK),
    "networks:export-durations": ("get", NETWORK),
    "networks:export-fidelity": ("get", NETWORK),
    # The public summary has not been approved: no such page, for anyone.
    "networks:public-summary": ("get", dict.fromkeys(PERSONAS, 404)),
    # An innovation's networks: its organisation's managers; those who may not see the
    # restricted innovation find no such page.
    "networks:sharing": [
        ("get", {**MANAGE, "guest_ended": 404, "shut_out": 404}),
        post({**MANAGE, "manager": 422, "guest_ended": 404, "shut_out": 404}),
    ],
    "networks:adopt": [
        ("get", {**MANAGE, "guest_ended": 404, "shut_out": 404}),
        post({**MANAGE, "manager": 422, "guest_ended": 404, "shut_out": 404}),
    ],
    # The test innovation's adoption of Eastmere's model: read by all who see the innovation,
    # answered by those who may write on it (a POST of nothing changes nothing), ended by a
    # manager.
    "networks:adoption": [("get", R), post(acting(WRITE, 303))],
    "networks:end-adoption": post({**MANAGE, "manager": 303, "guest_ended": 404, "shut_out": 404}),
    # API tokens: managers of the organisation (the outsider manages theirs). Revoking
    # another organisation's token is no such page.
    "tokens:list": ("get", {**MANAGE, "outsider": 200}),
    "tokens:create": [
        ("get", {**MANAGE, "outsider": 200}),
        post({**MANAGE, "outsider": 422, "manager": 422}),
    ],
    "tokens:revoke": post({**MANAGE, "manager": 303}),
    # The API's root address answers nothing of its own.
    "api:api-root": ("get", dict.fromkeys(PERSONAS, 404)),
    # The API's description: anyone signed in.
    "api:openapi-json": ("get", {**dict.fromkeys(PERSONAS, 200), "anonymous": LOGIN}),
    "api:openapi-view": ("get", {**dict.fromkeys(PERSONAS, 200), "anonymous": LOGIN}),
    # The API takes tokens, not signed-in sessions: without a token every persona, signed in
    # or not, is refused (tests/innovate/api/test_api.py reads it with tokens).
    **{
        f"api:{name}": ("get", dict.fromkeys(PERSONAS, 401))
        for name in (
            "innovations",
            "parts",
            "durations",
            "moves",
            "measures",
            "readings",
            "sessions",
            "decisions",
        )
    },
}


# The pages of the person's current organisation: one with none finds no such page.
NO_ORGANISATION = {"observer": 404, "platform_admin": 404}
# Where an organisation's page answers the new personas otherwise than the rule in
# network_personas() says: {url name: {persona: status}}.
STRANGERS = {
    "innovations:list": NO_ORGANISATION,
    "search:results": NO_ORGANISATION,
    # Eastmere has an innovation (its model's source), which its manager may share with guests.
    "people:invite-guest": {"member_manager": 200},
    # Email choices belong to a person of an organisation.
    "notifications:preferences": NO_ORGANISATION,
    **{
        f"dashboard:{name}": NO_ORGANISATION
        for name in (
            "portfolio",
            "attention",
            "durations",
            "flow",
            "compare",
            "report",
            "report-pdf",
            "export-portfolio",
            "export-moves",
            "export-durations",
            "my-work",
        )
    },
}


def network_personas(name, expect):
    """`expect` with the network's personas added. The member organisation's and the left
    organisation's people are outsiders to the test organisation: they answer as the outsider
    (a manager of another organisation) does, a leader where only a manager may; the
    observer and the platform administrator, who belong to no organisation, find no such page
    (404), except on the pages every signed-in person gets alike (STRANGERS lists the pages
    of the current organisation, which they do not find either)."""
    if all(p in expect for p in NETWORK_PERSONAS):
        return expect
    outsider = expect["outsider"]
    leader_instead = expect["leader"] != expect["manager"] and outsider == expect["manager"]
    others = {expect[p] for p in ("outsider", "viewer", "leader", "facilitator", "manager")}
    stranger = others.pop() if len(others) == 1 else 404
    added = {
        "member_manager": outsider,
        "left_manager": outsider,
        "member_leader": expect["leader"] if leader_instead else outsider,
        "observer": stranger,
        "platform_admin": stranger,
    }
    return {**expect, **added, **STRANGERS.get(name, {})}


def checks_of(name):
    checks = EXPECTED[name] if isinstance(EXPECTED[name], list) else [EXPECTED[name]]
    return [(method, network_personas(name, expected)) for method, expected in checks]


def url_names():
    names = []

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                inner = pattern.namespace or namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.append(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, None)
    return names


def test_every_url_has_an_expectation():
    assert sorted(set(url_names()) - set(EXPECTED)) == []
    assert sorted(set(EXPECTED) - set(url_names())) == []


def _persona(organisation, username, role=Role.VIEWER, *, guest=False):
    return MembershipFactory(
        organisation=organisation, role=role, is_guest=guest, user=UserFactory(username=username)
    ).user


@pytest.fixture
def team(organisation, innovation, viewer, leader, facilitator, manager):
    """The new personas, the restricted innovation's team and the places shared."""
    users = {
        "lead": _persona(organisation, "lead"),
        "contributor": _persona(organisation, "contributor"),
        "guest_viewer": _persona(organisation, "guest-viewer", guest=True),
        "guest_contributor": _persona(organisation, "guest-contributor", guest=True),
        "guest_ended": _persona(organisation, "guest-ended", guest=True),
        "shut_out": _persona(organisation, "shut-out", Role.LEADER),
        "extra_guest": _persona(organisation, "extra-guest", guest=True),
    }
    restore_team(innovation, manager, users, [viewer, leader, facilitator])
    until = date.today() + timedelta(days=30)
    teams.place_guest(
        users["guest_viewer"], by=manager, innovations=[innovation], role="viewer", until=until
    )
    teams.place_guest(
        users["guest_contributor"],
        by=manager,
        innovations=[innovation],
        role=TeamRole.CONTRIBUTOR,
        until=until,
    )
    teams.place_guest(
        users["guest_ended"],
        by=manager,
        innovations=[innovation],
        role=TeamRole.CONTRIBUTOR,
        until=date.today() - timedelta(days=1),
    )
    return users


def restore_team(innovation, manager, users, shared):
    teams.set_team(
        innovation,
        by=manager,
        lead=users["lead"],
        contributors=[users["contributor"]],
        viewers=shared,
        restricted=True,
    )


@pytest.fixture
def world(organisation, innovation, viewer, leader, facilitator, manager, outsider, team):
    part = make_part(innovation, by=leader, name="North team")
    services.move_part(part, kind="advance", by=leader, effective_on=date(2024, 2, 1))
    measure = evidence.define_measure(innovation, by=leader, stage=1, name="Families reached")
    reading = evidence.record_reading(measure, by=leader, observed_on=date(2024, 3, 1), value=3)
    session = sessions.plan_session(
        innovation,
        by=facilitator,
        held_on=date(2024, 3, 1),
        title="Spring reflection",
        facilitator=facilitator,
        parts=[part],
    )
    attendee = sessions.add_attendee(
        session, by=facilitator, name_or_role="Team manager", level="operational"
    )
    note = sessions.add_note(session, by=facilitator, text="Going well.", part=part)
    action = sessions.add_action(session, by=facilitator, text="Book the room", owner=leader)
    invitation, token = people.invite(
        organisation, by=manager, email="new.person@example.org", role="leader"
    )
    membership = Membership.objects.get(user=viewer, organisation=organisation)
    check = evidence.answer_check(part, by=leader, answer="yes", evidence="Seen in March.")
    attachment = files.add_attachment(
        innovation,
        SimpleUploadedFile("report.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
        by=leader,
    )
    ids = {
        "innovation": innovation.pk,
        "part": part.pk,
        "measure": measure.pk,
        "reading": reading.pk,
        "session": session.pk,
        "attendee": attendee.pk,
        "note": note.pk,
        "action": action.pk,
        "membership": membership.pk,
        "invitation": invitation.pk,
        "token": token,
        "place": _extra_place(innovation, manager, team),
        "unsubscribe": unsubscribe_token(viewer, ["review"]),
        "move": Move.objects.filter(part=part).order_by("seq").first().pk,
        "check": check.pk,
        "attachment": attachment.pk,
        "api_token": apitokens.create_token(
            organisation, by=manager, name="Power BI", expires_on=date.today()
        )[0].pk,
    }
    return ids


@pytest.fixture
def network(organisation, other_organisation, manager, world):
    """The network's personas (see the module's docstring); the network's ids go in `world`."""
    eastmere = OrganisationFactory(name="Eastmere Council", slug="eastmere")
    westvale = OrganisationFactory(name="Westvale Council", slug="westvale")
    users = {
        "platform_admin": UserFactory(username="platform-admin"),
        "member_manager": _persona(eastmere, "member-manager", Role.MANAGER),
        "member_leader": _persona(eastmere, "member-leader", Role.LEADER),
        "observer": UserFactory(username="observer", email="observer@example.org"),
        "left_manager": _persona(westvale, "left-manager", Role.MANAGER),
    }
    PlatformAdministrator.objects.create(user=users["platform_admin"])
    found = network_services.create_network(
        owner=organisation, name="Family Safeguarding spread", by=users["platform_admin"]
    )
    for joining, by in ((eastmere, "member_manager"), (westvale, "left_manager")):
        place = network_services.invite_organisation(found, joining, by=manager)
        network_services.accept_network_invitation(place, by=users[by])
    network_services.leave_network(found, westvale, by=users["left_manager"])
    _observer, token = network_services.invite_observer(
        found, by=manager, email="observer@example.org"
    )
    network_services.accept_observer_invitation(token)
    world["network"] = found.pk
    world["network_organisation"] = organisation.pk
    _network_fresh(world, found, manager, other_organisation)
    theirs = InnovationFactory(organisation=eastmere, title="Eastmere family safeguarding")
    model = network_services.publish_model(
        found,
        theirs,
        by=users["member_manager"],
        name="Family Safeguarding",
        components=[("core", "Group supervision", "")],
    )
    world["withdrawable_model"] = _withdrawable_model(found, theirs, users["member_manager"])
    ours = Innovation.objects.get(pk=world["innovation"])
    world["adoption"] = network_services.link_adoption(model, ours, by=manager).pk
    world["network_model"] = model.pk
    world["summary_token"] = found.summary_token
    return users


def _withdrawable_model(network, innovation, by):
    return network_services.publish_model(
        network,
        innovation,
        by=by,
        name="Family Group Conferencing",
        components=[("core", "A family plan", "")],
    ).pk


def _network_fresh(ids, network, manager, invited):
    """An open invitation of `invited` (the outsider's organisation) and of an observer (a
    new one replaces the older)."""
    from networks.models import NetworkMember

    for place in NetworkMember.objects.pending().filter(network=network):
        network_services.withdraw_network_invitation(place, by=manager)
    if NetworkMember.objects.current().filter(network=network, organisation=invited).exists():
        network_services.leave_network(network, invited, by=manager)
    ids["network_place"] = network_services.invite_organisation(network, invited, by=manager).pk
    observer, ids["observer_token"] = network_services.invite_observer(
        network, by=manager, email="new.observer@example.org"
    )
    ids["observer"] = observer.pk


def _extra_place(innovation, manager, team):
    (place,) = teams.place_guest(
        team["extra_guest"],
        by=manager,
        innovations=[innovation],
        role=TeamRole.VIEWER,
        until=date.today() + timedelta(days=7),
    )
    return place.pk


def kwargs_for(name, ids):
    namespace, _, short = name.rpartition(":")
    if name == "evidence:ethics":
        return {"pk": ids["innovation"], "number": 1}
    if name == "sessions:remove-attendee":
        return {"pk": ids["session"], "attendee_pk": ids["attendee"]}
    if name == "innovations:remove-place":
        return {"pk": ids["innovation"], "place_pk": ids["place"]}
    if name == "sessions:remove-note":
        return {"pk": ids["session"], "note_pk": ids["note"]}
    if name in {
        "sessions:run-part",
        "sessions:add-note",
        "sessions:answer-check",
        "sessions:decide",
    }:
        return {"pk": ids["session"], "part_pk": ids["part"]}
    if name in {"sessions:complete-action", "sessions:reopen-action"}:
        return {"pk": ids["action"]}
    if name == "notifications:unsubscribe":
        return {"token": ids["unsubscribe"]}
    if name == "openid_connect_callback":
        return {"provider_id": "org-0"}
    if name == "people:accept":
        return {"token": ids["token"]}
    if name == "networks:observe":
        return {"token": ids["observer_token"]}
    if name == "networks:withdraw-invitation":
        return {"pk": ids["network"], "place_pk": ids["network_place"]}
    if name in {"networks:accept", "networks:decline"}:
        return {"pk": ids["network_place"]}
    if name == "networks:end-observer":
        return {"pk": ids["network"], "observer_pk": ids["observer"]}
    if name in {"networks:sharing", "networks:adopt"}:
        return {"pk": ids["innovation"]}
    if name in {"networks:adoption", "networks:end-adoption"}:
        return {"pk": ids["adoption"]}
    if name in {"networks:model", "networks:add-component"}:
        return {"pk": ids["network"], "model_pk": ids["network_model"]}
    if name == "networks:withdraw-model":
        return {"pk": ids["network"], "model_pk": ids["withdrawable_model"]}
    if name == "networks:organisation":
        return {"pk": ids["network"], "organisation_pk": ids["network_organisation"]}
    if name == "networks:public-summary":
        return {"token": ids["summary_token"]}
    if namespace == "networks" and short not in {"list", "create"}:
        return {"pk": ids["network"]}
    if name == "people:password-reset-confirm":
        return {"uidb64": "MQ", "token": "set-password"}
    if name in {"people:resend", "people:revoke"}:
        return {"pk": ids["invitation"]}
    if name == "tokens:revoke":
        return {"pk": ids["api_token"]}
    if name in {"people:role", "people:deactivate", "people:reactivate"}:
        return {"pk": ids["membership"]}
    if namespace == "files":
        target = {
            "list": "innovation",
            "history": "innovation",
            "download": "attachment",
            "withdraw": "attachment",
        }.get(short, short)
        return {"pk": ids[target]}
    by_namespace = {"innovations": "innovation", "parts": "part", "sessions": "session"}
    if namespace == "evidence":
        if short in {"reading-correct", "reading-withdraw", "reading-restore"}:
            return {"pk": ids["reading"]}
        if short in {"measure", "measure-edit", "measure-copy", "reading-create"}:
            return {"pk": ids["measure"]}
        if short in {"check", "involvement"}:
            return {"pk": ids["part"]}
        return {"pk": ids["innovation"]}
    if name in {"sessions:list", "sessions:plan"}:
        return {"pk": ids["innovation"]}
    if namespace in by_namespace and short not in {"list", "create", "withdrawn"}:
        return {"pk": ids[by_namespace[namespace]]}
    return {}


# One-click actions that use their object up: each persona gets a fresh one.
FRESH = {
    "sessions:remove-attendee",
    "sessions:remove-note",
    "sessions:complete-action",
    "sessions:reopen-action",
    "people:resend",
    "people:revoke",
    "innovations:reopen",
    "innovations:team",
    "innovations:remove-place",
    "networks:withdraw-invitation",
    "networks:accept",
    "networks:decline",
    "networks:end-observer",
    "networks:withdraw-model",
    "tokens:revoke",
}


def fresh(name, ids, users, innovation):
    from assessments.models import ReflectionSession
    from stages.models import Organisation

    session = ReflectionSession.objects.get(pk=ids["session"])
    facilitator = users["facilitator"]
    if name == "sessions:remove-attendee":
        ids["attendee"] = sessions.add_attendee(
            session, by=facilitator, name_or_role="Social worker", level="practice"
        ).pk
    elif name == "sessions:remove-note":
        part = session.parts.first()
        ids["note"] = sessions.add_note(session, by=facilitator, text="A note.", part=part).pk
    elif name in {"sessions:complete-action", "sessions:reopen-action"}:
        action = sessions.add_action(session, by=facilitator, text="Share", owner=users["leader"])
        if name == "sessions:reopen-action":
            sessions.complete_action(action, by=facilitator)
        ids["action"] = action.pk
    elif name in {"people:resend", "people:revoke"}:
        invitation, ids["token"] = people.invite(
            Organisation.objects.get(pk=innovation.organisation_id),
            by=users["manager"],
            email="another.person@example.org",
            role="viewer",
        )
        ids["invitation"] = invitation.pk
    elif name == "innovations:team":
        restore_team(
            innovation,
            users["manager"],
            users,
            [users["viewer"], users["leader"], users["facilitator"]],
        )
    elif name in {
        "networks:withdraw-invitation",
        "networks:accept",
        "networks:decline",
        "networks:end-observer",
    }:
        from networks.models import Network

        _network_fresh(
            ids,
            Network.objects.get(pk=ids["network"]),
            users["manager"],
            Organisation.objects.get(slug="southdale"),
        )
    elif name == "networks:withdraw-model":
        from networks.models import SharedModel

        model = SharedModel.objects.get(pk=ids["withdrawable_model"])
        if model.withdrawn_at is not None:
            ids["withdrawable_model"] = _withdrawable_model(
                model.network, model.innovation, model.published_by
            )
    elif name == "tokens:revoke":
        ids["api_token"] = apitokens.create_token(
            Organisation.objects.get(pk=innovation.organisation_id),
            by=users["manager"],
            name="Excel",
            expires_on=date.today(),
        )[0].pk
    elif name == "innovations:remove-place":
        ids["place"] = _extra_place(innovation, users["manager"], users)
    elif name == "innovations:reopen":
        innovation.refresh_from_db()
        if not innovation.is_closed:
            services.close_innovation(
                innovation, by=users["leader"], outcome="other", learning="Learned."
            )


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_persona_gets_the_expected_answer(
    name, world, team, network, client, innovation, viewer, leader, facilitator, manager, outsider
):
    users = {
        "viewer": viewer,
        "leader": leader,
        "facilitator": facilitator,
        "manager": manager,
        "outsider": outsider,
        **team,
    }
    users.update(network)
    for method, expected in checks_of(name):
        answers = {}
        for persona in PERSONAS:
            if name in FRESH:
                fresh(name, world, users, innovation)
            url = reverse(name, kwargs=kwargs_for(name, world))
            client.logout()
            if persona != "anonymous":
                client.force_login(users[persona])
            response = client.post(url, {}) if method == "post" else client.get(url)
            answers[persona] = response.status_code
            if (
                persona == "anonymous"
                and expected[persona] == LOGIN
                and name
                not in {
                    "home",
                    "logout",
                    "login",
                }
            ):
                assert response["Location"].startswith(reverse("login")), response
        assert answers == expected, method
