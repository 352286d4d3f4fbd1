"""Planning a reflection session and its page: the list, the plan and edit forms, attendees and
actions, and the owner's open actions on the innovations list."""

import datetime

import pytest
from django.urls import reverse

from assessments.models import Action, Attendee, ReflectionSession, SessionStatus
from assessments.services import sessions
from tests.factories import InnovationFactory
from tests.innovate.helpers import HTMX, csrf_post, error_at, login_url
from tests.innovate.sessions_helpers import HELD_ON, planned, session_rows, two_parts

D = datetime.date


@pytest.fixture
def parts(innovation, leader):
    return two_parts(innovation, leader)


@pytest.fixture
def session(innovation, facilitator, parts):
    return planned(innovation, facilitator, list(parts))


def plan_url(innovation):
    return reverse("sessions:plan", args=[innovation.pk])


def plan_data(scope, by, **fields):
    return {
        "title": "Spring review",
        "held_on": "2024-03-01",
        "facilitator": by.pk,
        "parts": [p.pk for p in scope],
        "notes": "Decide about the pilot.",
        **fields,
    }


# The list of an innovation's sessions


def test_the_list_shows_planned_and_held_sessions(client_for, viewer, session, facilitator, parts):
    held = planned(session.innovation, facilitator, list(parts), title="Winter review")
    sessions.add_note(held, by=facilitator, text="Started.")
    response = client_for(viewer).get(reverse("sessions:list", args=[session.innovation.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    planned_part, held_part = html.split('<h2 class="govuk-heading-m">Held</h2>')
    assert "Spring review" in planned_part and "Winter review" in held_part
    assert reverse("sessions:plan", args=[session.innovation.pk]) not in html


def test_the_list_offers_to_plan_only_to_facilitators_and_managers(
    client_for, leader, facilitator, manager, innovation
):
    url = reverse("sessions:list", args=[innovation.pk])
    assert plan_url(innovation) not in client_for(leader).get(url).content.decode()
    assert plan_url(innovation) in client_for(facilitator).get(url).content.decode()
    assert plan_url(innovation) in client_for(manager).get(url).content.decode()


def test_the_innovation_page_links_to_its_sessions(client_for, viewer, innovation):
    html = client_for(viewer).get(innovation.get_absolute_url()).content.decode()
    assert f'href="{reverse("sessions:list", args=[innovation.pk])}">Reflection sessions<' in html


@pytest.mark.parametrize(("persona", "status"), [("viewer", 200), ("outsider", 404)])
def test_who_may_read_the_list(request, client_for, innovation, persona, status):
    user = request.getfixturevalue(persona)
    url = reverse("sessions:list", args=[innovation.pk])
    assert client_for(user).get(url).status_code == status


def test_the_list_asks_an_anonymous_person_to_sign_in_and_answers_only_get(
    client, client_for, viewer, innovation
):
    url = reverse("sessions:list", args=[innovation.pk])
    assert client.get(url)["Location"] == login_url(url)
    assert client_for(viewer).post(url).status_code == 405


# Planning


def test_a_facilitator_plans_a_session(client_for, facilitator, innovation, parts):
    client = client_for(facilitator)
    form = client.get(plan_url(innovation)).content.decode()
    assert "Plan a reflection session" in form
    assert form.count('type="checkbox" name="parts"') == 2
    response = client.post(plan_url(innovation), plan_data(parts, facilitator))
    session = ReflectionSession.objects.get()
    assert response.status_code == 303
    assert response["Location"] == session.get_absolute_url()
    assert (session.title, session.held_on, session.facilitator, session.created_by) == (
        "Spring review",
        HELD_ON,
        facilitator,
        facilitator,
    )
    assert session.notes == "Decide about the pilot."
    assert set(session.parts.all()) == set(parts)
    page = client.get(response["Location"]).content.decode()
    assert "Spring review planned. Now add who will come." in page


def test_only_facilitators_and_managers_may_facilitate(
    client_for, facilitator, leader, innovation, parts
):
    client = client_for(facilitator)
    form = client.get(plan_url(innovation)).content.decode()
    assert f'<option value="{leader.pk}"' not in form
    assert f'<option value="{facilitator.pk}" selected>' in form
    before = session_rows()
    response = client.post(plan_url(innovation), plan_data(parts, leader))
    error_at(response, "facilitator", "Select a valid choice.")
    assert session_rows() == before


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"title": ""}, "title", "Enter the title"),
        ({"held_on": "31/02/2024"}, "held_on", "The date of the session must be a real date"),
        ({"scope": []}, "parts", "Choose at least one part to reflect on."),
        ({"facilitator": ""}, "facilitator", "Choose who will facilitate."),
    ],
)
def test_an_invalid_plan_is_shown_again_and_nothing_is_saved(
    client_for, facilitator, innovation, parts, fields, field, message
):
    client = client_for(facilitator)
    before = session_rows()
    rest = {k: v for k, v in fields.items() if k != "scope"}
    data = plan_data(fields.get("scope", parts), facilitator, **rest)
    response = csrf_post(client, plan_url(innovation), data)
    html = error_at(response, field, message)
    assert session_rows() == before
    if field != "title":
        assert 'value="Spring review"' in html


def test_a_part_of_another_innovation_cannot_be_in_scope(
    client_for, facilitator, innovation, parts, organisation, leader
):
    other = two_parts(InnovationFactory(organisation=organisation, title="Other"), leader)
    before = session_rows()
    response = client_for(facilitator).post(
        plan_url(innovation), plan_data([parts[0], other[0]], facilitator)
    )
    error_at(response, "parts", "is not one of the available choices")
    assert session_rows() == before


@pytest.mark.parametrize(
    ("persona", "status"), [("leader", 403), ("viewer", 403), ("outsider", 404)]
)
def test_who_may_not_plan_plans_nothing(
    request, client_for, innovation, parts, facilitator, persona, status
):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    before = session_rows()
    assert client.get(plan_url(innovation)).status_code == status
    response = client.post(plan_url(innovation), plan_data(parts, facilitator))
    assert response.status_code == status
    if status == 403:
        assert "Only a facilitator or a role above it (facilitator, manager)" in (
            response.content.decode()
        )
    assert session_rows() == before


def test_planning_asks_an_anonymous_person_to_sign_in_and_answers_only_get_and_post(
    client, client_for, facilitator, innovation
):
    url = plan_url(innovation)
    assert client.post(url)["Location"] == login_url(url)
    assert client_for(facilitator).put(url).status_code == 405


def test_a_closed_innovation_gets_no_new_session(client_for, facilitator, innovation, parts):
    from stages import services

    services.close_innovation(innovation, by=facilitator, outcome="other", learning="Enough.")
    client = client_for(facilitator)
    response = client.post(plan_url(innovation), plan_data(parts, facilitator))
    assert response.status_code == 303
    assert response["Location"] == reverse("sessions:list", args=[innovation.pk])
    assert ReflectionSession.objects.count() == 0
    page = client.get(response["Location"]).content.decode()
    assert "This innovation is closed: reopen it to plan a session." in page


# Editing


def test_a_manager_edits_the_session(client_for, manager, facilitator, session, parts):
    url = reverse("sessions:edit", args=[session.pk])
    client = client_for(manager)
    assert 'value="Spring review"' in client.get(url).content.decode()
    response = client.post(
        url, plan_data(parts[:1], manager, title="Spring review, moved", held_on="2024-03-04")
    )
    assert response.status_code == 303
    session.refresh_from_db()
    assert (session.title, session.held_on, session.facilitator) == (
        "Spring review, moved",
        D(2024, 3, 4),
        manager,
    )
    assert list(session.parts.all()) == [parts[0]]


def test_a_refusal_of_the_edit_is_shown_at_its_field(client_for, facilitator, session, parts):
    sessions.record_decision(session, parts[1], by=facilitator, kind="stay")
    before = session_rows()
    response = csrf_post(
        client_for(facilitator),
        reverse("sessions:edit", args=[session.pk]),
        plan_data(parts[:1], facilitator),
    )
    error_at(response, "parts", "South team has a decision in this session, so it stays in scope.")
    assert session_rows() == before


@pytest.mark.parametrize(("persona", "status"), [("leader", 403), ("outsider", 404)])
def test_who_may_not_edit(request, client_for, session, parts, facilitator, persona, status):
    user = request.getfixturevalue(persona)
    before = session_rows()
    url = reverse("sessions:edit", args=[session.pk])
    assert (
        client_for(user).post(url, plan_data(parts, facilitator, title="X")).status_code == status
    )
    assert session_rows() == before


# The session page, attendees and actions


def test_every_member_reads_the_session_page(client_for, viewer, session):
    response = client_for(viewer).get(session.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Spring review</h1>' in html
    assert "North team: active in Developing" in html
    assert reverse("sessions:agenda", args=[session.pk]) in html
    assert reverse("sessions:summary", args=[session.pk]) in html
    assert reverse("sessions:run", args=[session.pk]) not in html
    assert "Add the attendee" not in html


@pytest.mark.parametrize(("persona", "status"), [("viewer", 200), ("outsider", 404)])
def test_who_may_read_the_session_page(request, client_for, session, persona, status):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(session.get_absolute_url()).status_code == status


def test_the_session_page_asks_an_anonymous_person_to_sign_in(client, session):
    url = session.get_absolute_url()
    assert client.get(url)["Location"] == login_url(url)


def attendee_url(session):
    return reverse("sessions:add-attendee", args=[session.pk])


def test_a_facilitator_adds_attendees_at_several_levels(client_for, facilitator, session, parts):
    client = client_for(facilitator)
    response = client.post(
        attendee_url(session),
        {"name_or_role": "Team manager", "level": "operational", "part": parts[0].pk},
    )
    assert response.status_code == 303
    assert response["Location"] == session.get_absolute_url() + "#attendees"
    response = client.post(
        attendee_url(session),
        {"name_or_role": "A parent", "level": "young_person_or_family"},
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "Team manager" in html and "A parent" in html
    assert [(a.name_or_role, a.level, a.part) for a in Attendee.objects.order_by("pk")] == [
        ("Team manager", "operational", parts[0]),
        ("A parent", "young_person_or_family", None),
    ]


@pytest.mark.parametrize("htmx", [False, True])
def test_an_attendee_without_a_level_is_refused(client_for, facilitator, session, htmx):
    before = session_rows()
    response = csrf_post(
        client_for(facilitator),
        session.get_absolute_url(),
        {"name_or_role": "Director"},
        post_url=attendee_url(session),
        **(HTMX if htmx else {}),
    )
    html = error_at(response, "level", "Choose the level they work at.")
    assert ("<html" in html) is not htmx
    assert 'value="Director"' in html
    assert session_rows() == before


@pytest.mark.parametrize(
    ("persona", "status"), [("leader", 403), ("viewer", 403), ("outsider", 404)]
)
def test_who_may_not_add_attendees_adds_none(request, client_for, session, persona, status):
    user = request.getfixturevalue(persona)
    response = client_for(user).post(
        attendee_url(session), {"name_or_role": "X", "level": "practice"}
    )
    assert response.status_code == status
    assert Attendee.objects.count() == 0


def test_attendees_answer_only_post_and_ask_anonymous_people_to_sign_in(
    client, client_for, facilitator, session
):
    assert client_for(facilitator).get(attendee_url(session)).status_code == 405
    assert client.post(attendee_url(session))["Location"] == login_url(attendee_url(session))


def test_a_facilitator_removes_an_attendee(client_for, facilitator, leader, session):
    attendee = sessions.add_attendee(
        session, by=facilitator, name_or_role="Director", level="strategic"
    )
    url = reverse("sessions:remove-attendee", args=[session.pk, attendee.pk])
    assert client_for(leader).post(url).status_code == 403
    assert client_for(facilitator).get(url).status_code == 405
    response = client_for(facilitator).post(url, **HTMX)
    assert response.status_code == 200
    assert "Director" not in response.content.decode()
    assert Attendee.objects.count() == 0


def test_an_attendee_of_another_session_is_not_found(client_for, facilitator, session, parts):
    other = planned(session.innovation, facilitator, list(parts), title="Other")
    attendee = sessions.add_attendee(
        other, by=facilitator, name_or_role="Director", level="strategic"
    )
    url = reverse("sessions:remove-attendee", args=[session.pk, attendee.pk])
    assert client_for(facilitator).post(url).status_code == 404
    assert Attendee.objects.count() == 1


def action_url(session):
    return reverse("sessions:add-action", args=[session.pk])


def test_a_facilitator_adds_an_action_for_a_member(client_for, facilitator, viewer, session):
    response = client_for(facilitator).post(
        action_url(session), {"text": "Ask finance", "owner": viewer.pk, "due_on": "2024-04-01"}
    )
    assert response.status_code == 303
    action = Action.objects.get()
    assert (action.text, action.owner, action.due_on, action.done) == (
        "Ask finance",
        viewer,
        D(2024, 4, 1),
        False,
    )
    session.refresh_from_db()
    assert session.status == SessionStatus.HELD


def test_an_action_owner_must_be_a_member(client_for, facilitator, outsider, session):
    before = session_rows()
    response = csrf_post(
        client_for(facilitator),
        session.get_absolute_url(),
        {"text": "Ask finance", "owner": outsider.pk},
        post_url=action_url(session),
        **HTMX,
    )
    html = error_at(response, "owner", "Select a valid choice.")
    assert "<html" not in html
    assert session_rows() == before


@pytest.mark.parametrize(("persona", "status"), [("leader", 403), ("outsider", 404)])
def test_who_may_not_add_actions_adds_none(request, client_for, session, viewer, persona, status):
    user = request.getfixturevalue(persona)
    response = client_for(user).post(action_url(session), {"text": "X", "owner": viewer.pk})
    assert response.status_code == status
    assert Action.objects.count() == 0


@pytest.fixture
def action(session, facilitator, leader):
    return sessions.add_action(
        session, by=facilitator, text="Write to the partners", owner=leader, due_on=D(2024, 4, 1)
    )


def test_the_owner_marks_their_action_done_and_not_done(client_for, leader, action):
    client = client_for(leader)
    done = reverse("sessions:complete-action", args=[action.pk])
    response = client.post(done, {"next": reverse("innovations:list")})
    assert response.status_code == 303
    assert response["Location"] == reverse("innovations:list")
    action.refresh_from_db()
    assert action.done and action.done_on
    response = client.post(reverse("sessions:reopen-action", args=[action.pk]))
    assert response["Location"] == action.session.get_absolute_url() + "#actions"
    action.refresh_from_db()
    assert not action.done


def test_marking_an_action_never_redirects_away_from_the_site(client_for, leader, action):
    done = reverse("sessions:complete-action", args=[action.pk])
    response = client_for(leader).post(done, {"next": "https://evil.example/"})
    assert response["Location"] == action.session.get_absolute_url() + "#actions"


@pytest.mark.parametrize(
    ("persona", "status"), [("viewer", 403), ("manager", 303), ("outsider", 404)]
)
def test_who_else_may_mark_an_action_done(request, client_for, action, persona, status):
    user = request.getfixturevalue(persona)
    url = reverse("sessions:complete-action", args=[action.pk])
    response = client_for(user).post(url)
    assert response.status_code == status
    action.refresh_from_db()
    assert action.done is (status == 303)
    if status == 403:
        assert (
            "Only the action&#x27;s owner, a facilitator or a manager" in response.content.decode()
        )
    assert client_for(user).get(url).status_code == 405


def test_the_owner_sees_their_open_actions_on_the_innovations_list(
    client_for, leader, viewer, action, session, facilitator
):
    done = sessions.add_action(session, by=facilitator, text="Book a room", owner=leader)
    sessions.complete_action(done, by=leader)
    html = client_for(leader).get(reverse("innovations:list")).content.decode()
    assert "Your open actions" in html
    assert "Write to the partners" in html
    assert "Overdue" in html
    assert "Book a room" not in html
    assert (
        "Your open actions"
        not in client_for(viewer).get(reverse("innovations:list")).content.decode()
    )


# Every session page: anonymous people are asked to sign in; other methods are refused.

ROUTES = [
    ("sessions:list", "innovation", "GET"),
    ("sessions:plan", "innovation", "GET POST"),
    ("sessions:detail", "session", "GET"),
    ("sessions:edit", "session", "GET POST"),
    ("sessions:add-attendee", "session", "POST"),
    ("sessions:remove-attendee", "attendee", "POST"),
    ("sessions:agenda", "session", "GET"),
    ("sessions:run", "session", "GET"),
    ("sessions:run-part", "part", "GET"),
    ("sessions:add-note", "part", "POST"),
    ("sessions:remove-note", "note", "POST"),
    ("sessions:answer-check", "part", "POST"),
    ("sessions:decide", "part", "POST"),
    ("sessions:apply", "session", "GET POST"),
    ("sessions:add-action", "session", "POST"),
    ("sessions:actions-csv", "session", "GET"),
    ("sessions:summary", "session", "GET"),
    ("sessions:complete-action", "action", "POST"),
    ("sessions:reopen-action", "action", "POST"),
]


@pytest.fixture
def route_args(session, parts, facilitator):
    attendee = sessions.add_attendee(session, by=facilitator, name_or_role="X", level="other")
    note = sessions.add_note(session, by=facilitator, part=parts[0], text="Y")
    action = sessions.add_action(session, by=facilitator, text="Z", owner=facilitator)
    return {
        "innovation": [session.innovation_id],
        "session": [session.pk],
        "attendee": [session.pk, attendee.pk],
        "part": [session.pk, parts[0].pk],
        "note": [session.pk, note.pk],
        "action": [action.pk],
    }


@pytest.mark.parametrize(("name", "takes", "methods"), ROUTES)
def test_every_session_page_asks_anonymous_people_to_sign_in_and_refuses_other_methods(
    client, client_for, manager, route_args, name, takes, methods
):
    url = reverse(name, args=route_args[takes])
    method = methods.split()[0].lower()
    assert getattr(client, method)(url)["Location"] == login_url(url)
    other = "delete" if "POST" in methods else "post"
    assert getattr(client_for(manager), other)(url).status_code == 405
