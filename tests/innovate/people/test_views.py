"""The People pages, the invitation link, the password reset and signing in afterwards."""

import datetime
import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY as USER_SESSION_KEY
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from innovate.access import SESSION_KEY
from stages import people
from stages.models import Invitation, Membership, Role
from tests.factories import (
    PASSWORD,
    InnovationFactory,
    MembershipFactory,
    UserFactory,
    make_move,
    make_part,
)
from tests.innovate.helpers import HTMX, csrf_post, error_at, login_url, sent_mail

User = get_user_model()
GOOD = "kestrel-harbour-lantern"
LINK = re.compile(r"https?://[^/\s]+(/invitations/[A-Za-z0-9_-]+/)")
RESET_LINK = re.compile(r"https?://[^/\s]+(/password-reset/[^\s]+/)")


@pytest.fixture
def manager(organisation):
    return MembershipFactory(
        organisation=organisation,
        role=Role.MANAGER,
        user=UserFactory(username="manager", first_name="Tom", last_name="Okafor"),
    ).user


@pytest.fixture
def leader(organisation):
    return MembershipFactory(
        organisation=organisation,
        role=Role.LEADER,
        user=UserFactory(username="leader", first_name="Priya", last_name="Shah"),
    ).user


def membership_of(user, organisation=None):
    found = Membership.objects.filter(user=user)
    if organisation is not None:
        found = found.filter(organisation=organisation)
    return found.get()


def people_counts():
    """The rows a rejected request must not add to."""
    return {
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "active memberships": Membership.objects.filter(is_active=True).count(),
        "invitations": Invitation.objects.count(),
        "pending invitations": Invitation.objects.pending().count(),
        "membership history": Membership.history.count(),
        "invitation history": Invitation.history.count(),
    }


@pytest.fixture
def invited(organisation, manager):
    """(invitation, token) for sam.carter@example.org as a leader."""
    return people.invite(organisation, by=manager, email="sam.carter@example.org", role="leader")


def accept_url(token):
    return reverse("people:accept", args=[token])


def new_person(**overrides):
    fields = {
        "username": "sam",
        "first_name": "Sam",
        "last_name": "Carter",
        "password": GOOD,
        "password_again": GOOD,
    }
    return {**fields, **overrides}


def refused(response, role):
    """A 403 page naming the role the person has and the role that may."""
    assert response.status_code == 403
    html = response.content.decode()
    assert "Only a manager or a role above it (manager) may do this." in html
    assert f"Your role at Northshire County Council is {role}." in html


# The list of people


def test_a_manager_sees_members_invitations_and_leavers(
    client_for, organisation, manager, leader, viewer
):
    leader.last_login = timezone.make_aware(datetime.datetime(2025, 6, 2, 14, 30))
    leader.save()
    people.invite(organisation, by=manager, email="sam.carter@example.org", role="facilitator")
    with time_machine.travel(timezone.now() - timedelta(days=10)):
        people.invite(organisation, by=manager, email="old@example.org", role="viewer")
    people.deactivate(membership_of(viewer), by=manager)

    response = client_for(manager).get(reverse("people:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h2 class="govuk-heading-m">Members (2)</h2>' in html
    assert "Tom Okafor (you)" in html
    assert "Priya Shah" in html and "2 Jun 2025, 14:30" in html
    assert "Never" in html
    assert "Invitations waiting for an answer (1)" in html
    assert "sam.carter@example.org" in html and "Facilitator" in html
    assert "Invitations that expired (1)" in html and "old@example.org" in html
    assert "People who have left (1)" in html
    left = html.split("People who have left", 1)[1]
    assert viewer.get_full_name() in left and ">Left</strong>" in left
    assert reverse("people:reactivate", args=[membership_of(viewer).pk]) in left
    assert reverse("people:deactivate", args=[membership_of(leader).pk]) in html
    assert reverse("people:deactivate", args=[membership_of(manager).pk]) not in html
    assert 'aria-current="page">People</a>' in html


def test_only_a_manager_is_offered_people_in_the_menu(client_for, manager, leader):
    url = reverse("people:list")
    assert f'href="{url}"' in client_for(manager).get(reverse("framework")).content.decode()
    assert f'href="{url}"' not in client_for(leader).get(reverse("framework")).content.decode()


@pytest.mark.parametrize(
    "persona, role", [("viewer", "viewer"), ("leader", "leader"), ("facilitator", "facilitator")]
)
def test_only_a_manager_opens_the_people_page(client_for, request, persona, role):
    user = request.getfixturevalue(persona)
    refused(client_for(user).get(reverse("people:list")), role)


def test_the_people_page_asks_an_anonymous_person_to_sign_in(client, db):
    url = reverse("people:list")
    assert client.get(url)["Location"] == login_url(url)


def test_an_outsider_sees_their_own_organisations_people(client_for, manager, outsider):
    html = client_for(outsider).get(reverse("people:list")).content.decode()
    assert "Southdale Children&#x27;s Trust" in html
    assert "Tom Okafor" not in html


def test_the_people_page_answers_only_get(client_for, manager):
    assert client_for(manager).post(reverse("people:list")).status_code == 405


@pytest.fixture
def crowd(request, organisation, manager):
    """`size` members, each with a last sign-in, every fourth one a leaver; `size` open
    invitations and one expired."""
    names = []
    for n in range(request.param):
        user = UserFactory(username=f"member{n:02}", first_name=f"Member{n:02}", last_name="Lee")
        user.last_login = timezone.now() - timedelta(days=n)
        user.save()
        membership = MembershipFactory(organisation=organisation, user=user, role=Role.LEADER)
        if n % 4 == 3:
            people.deactivate(membership, by=manager)
        names.append(f"Member{n:02} Lee")
        people.invite(organisation, by=manager, email=f"invitee{n:02}@example.org", role="viewer")
    with time_machine.travel(timezone.now() - timedelta(days=10)):
        people.invite(organisation, by=manager, email="late@example.org", role="viewer")
    return names


@pytest.mark.parametrize("crowd", [2, 20], indirect=True)
def test_the_people_page_runs_the_same_queries_whatever_the_number_of_people(
    client_for, manager, crowd, django_assert_num_queries
):
    client = client_for(manager)
    with django_assert_num_queries(5):
        response = client.get(reverse("people:list"))
    assert response.status_code == 200
    html = response.content.decode()
    for n, name in enumerate(crowd):
        assert name in html
        assert f"invitee{n:02}@example.org" in html
    assert "late@example.org" in html
    assert html.count(">Left</strong>") == len(crowd) // 4


# Inviting


def test_the_invitation_form_offers_every_role(client_for, manager):
    response = client_for(manager).get(reverse("people:invite"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Invite someone" in html
    for role in ("viewer", "leader", "facilitator", "manager"):
        assert f'value="{role}"' in html
    assert 'value="leader" class="govuk-radios__input" id="id_role_1" required checked' in html


def test_inviting_sends_a_single_use_link(client_for, organisation, manager):
    client = client_for(manager)
    response = client.post(
        reverse("people:invite"), {"email": "Sam.Carter@Example.org", "role": "leader"}
    )
    assert response.status_code == 303
    assert response["Location"] == reverse("people:list")
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "sam.carter@example.org",
        "leader",
        manager,
    )
    (email,) = mail.outbox
    assert email.to == ["sam.carter@example.org"]
    assert email.subject == "You are invited to join Northshire County Council on Innovate"
    assert "Tom Okafor has invited you to join Northshire County Council" in email.body
    assert "as a leader" in email.body
    path = LINK.search(email.body).group(1)
    token = path.split("/")[2]
    assert people.find_invitation(token) == invitation
    listing = client.get(reverse("people:list")).content.decode()
    assert (
        "Invitation sent to sam.carter@example.org. The link works once and expires on" in listing
    )


def test_inviting_says_when_the_email_could_not_be_sent(client_for, manager, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr("innovate.people.views.send_mail", broken)
    client = client_for(manager)
    response = client.post(
        reverse("people:invite"), {"email": "sam.carter@example.org", "role": "leader"}
    )
    assert response.status_code == 303
    assert [i.status() for i in Invitation.objects.pending()] == ["open"]
    html = client.get(response["Location"]).content.decode()
    assert "is saved, but the email could not be sent" in html


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"email": "", "role": "leader"}, "email", "Enter the email address of the person"),
        ({"email": "not an address", "role": "leader"}, "email", "Enter an email address in"),
        ({"email": "sam@example.org"}, "role", "Choose a role"),
        ({"email": "sam@example.org", "role": "owner"}, "role", "Choose a role"),
        (
            {"email": "LEADER@example.org", "role": "viewer"},
            "email",
            "leader@example.org is already a member of Northshire County Council.",
        ),
    ],
)
def test_an_invitation_with_bad_input_is_refused_and_nothing_saved(
    client_for, manager, leader, data, field, message
):
    before = people_counts()
    response = client_for(manager).post(reverse("people:invite"), data)
    html = error_at(response, field, message)
    assert "<html" in html
    assert people_counts() == before
    assert mail.outbox == []


def test_an_invitation_with_bad_input_by_htmx_returns_the_form_alone(client_for, manager):
    before = people_counts()
    response = client_for(manager).post(
        reverse("people:invite"), {"email": "nope", "role": "leader"}, **HTMX
    )
    html = error_at(response, "email", "Enter an email address in the right format")
    assert "<html" not in html and "<h1" not in html
    assert 'data-hx-post="/people/invite/"' in html
    assert people_counts() == before


def test_an_invitation_by_htmx_takes_the_browser_to_the_list(client_for, manager):
    response = client_for(manager).post(
        reverse("people:invite"), {"email": "sam@example.org", "role": "viewer"}, **HTMX
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("people:list")
    assert len(mail.outbox) == 1


def test_inviting_works_under_csrf_checks(manager):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    response = csrf_post(
        client, reverse("people:invite"), {"email": "sam@example.org", "role": "viewer"}
    )
    assert response.status_code == 303


@pytest.mark.parametrize("persona, role", [("viewer", "viewer"), ("leader", "leader")])
def test_only_a_manager_invites(client_for, request, persona, role):
    user = request.getfixturevalue(persona)
    refused(client_for(user).get(reverse("people:invite")), role)
    refused(
        client_for(user).post(
            reverse("people:invite"), {"email": "a@example.org", "role": "viewer"}
        ),
        role,
    )
    assert not Invitation.objects.exists()


def test_inviting_asks_an_anonymous_person_to_sign_in(client, db):
    url = reverse("people:invite")
    assert client.get(url)["Location"] == login_url(url)
    assert client.post(url, {"email": "a@example.org", "role": "viewer"}).status_code == 302
    assert not Invitation.objects.exists()


def test_inviting_answers_only_get_and_post(client_for, manager):
    assert client_for(manager).put(reverse("people:invite")).status_code == 405


# Sending again and withdrawing


def test_sending_again_replaces_the_link(client_for, invited, manager):
    invitation, old_token = invited
    response = client_for(manager).post(reverse("people:resend", args=[invitation.pk]))
    assert response.status_code == 303
    assert response["Location"] == reverse("people:list")
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    (email,) = mail.outbox
    new_token = LINK.search(email.body).group(1).split("/")[2]
    assert new_token != old_token
    assert people.find_invitation(new_token).role == "leader"


def test_withdrawing_an_invitation_stops_its_link(client_for, client, invited, manager):
    invitation, token = invited
    response = client_for(manager).post(reverse("people:revoke", args=[invitation.pk]))
    assert response.status_code == 303
    assert client.get(accept_url(token)).status_code == 410


def test_an_accepted_invitation_is_neither_sent_again_nor_withdrawn(client_for, invited, manager):
    invitation, token = invited
    people.accept_invitation(
        token, username="sam", first_name="Sam", last_name="Carter", password=GOOD
    )
    client = client_for(manager)
    before = people_counts()
    response = client.post(reverse("people:resend", args=[invitation.pk]))
    assert response.status_code == 303
    assert "sam.carter@example.org has already accepted the invitation." in (
        client.get(response["Location"]).content.decode()
    )
    response = client.post(reverse("people:revoke", args=[invitation.pk]))
    assert response.status_code == 303
    assert "has already accepted. Deactivate them from the list of people." in (
        client.get(response["Location"]).content.decode()
    )
    assert people_counts() == before
    assert mail.outbox == []


@pytest.mark.parametrize("name", ["resend", "revoke"])
def test_invitations_of_another_organisation_are_not_found(client_for, outsider, invited, name):
    invitation, _token = invited
    response = client_for(outsider).post(reverse(f"people:{name}", args=[invitation.pk]))
    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


@pytest.mark.parametrize("name", ["resend", "revoke"])
def test_only_a_manager_sends_again_or_withdraws(client_for, leader, invited, name):
    invitation, _token = invited
    refused(client_for(leader).post(reverse(f"people:{name}", args=[invitation.pk])), "leader")
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


@pytest.mark.parametrize("name", ["resend", "revoke"])
def test_sending_again_and_withdrawing_answer_only_post(client_for, manager, invited, name):
    invitation, _token = invited
    assert (
        client_for(manager).get(reverse(f"people:{name}", args=[invitation.pk])).status_code == 405
    )


@pytest.mark.parametrize("name", ["resend", "revoke"])
def test_sending_again_and_withdrawing_ask_an_anonymous_person_to_sign_in(client, invited, name):
    invitation, _token = invited
    url = reverse(f"people:{name}", args=[invitation.pk])
    assert client.post(url)["Location"] == login_url(url)


# Roles


def test_a_manager_changes_a_role(client_for, manager, leader):
    membership = membership_of(leader)
    client = client_for(manager)
    page = client.get(reverse("people:role", args=[membership.pk]))
    assert page.status_code == 200
    assert "Change the role of Priya Shah" in page.content.decode()
    response = client.post(reverse("people:role", args=[membership.pk]), {"role": "facilitator"})
    assert response.status_code == 303
    assert response["Location"] == reverse("people:list")
    membership.refresh_from_db()
    assert membership.role == "facilitator"
    assert "Priya Shah is now a facilitator." in client.get(reverse("people:list")).content.decode()


@pytest.mark.parametrize("role", ["", "owner"])
def test_a_role_that_does_not_exist_is_refused(client_for, manager, leader, role):
    membership = membership_of(leader)
    before = people_counts()
    response = client_for(manager).post(
        reverse("people:role", args=[membership.pk]), {"role": role}
    )
    error_at(response, "role", "Choose a role")
    assert people_counts() == before
    membership.refresh_from_db()
    assert membership.role == "leader"


def test_the_only_manager_cannot_step_down(client_for, manager):
    membership = membership_of(manager)
    before = people_counts()
    response = client_for(manager).post(
        reverse("people:role", args=[membership.pk]), {"role": "leader"}
    )
    error_at(
        response,
        "role",
        "You are the organisation&#x27;s only manager. Make someone else a manager",
    )
    assert people_counts() == before


def test_a_manager_who_steps_down_goes_home(client_for, manager, leader):
    people.change_role(membership_of(leader), by=manager, role=Role.MANAGER)
    client = client_for(manager)
    response = client.post(
        reverse("people:role", args=[membership_of(manager).pk]), {"role": "leader"}
    )
    assert response.status_code == 303
    assert response["Location"] == reverse("home")
    refused(client.get(reverse("people:list")), "leader")


def test_a_leavers_role_page_sends_the_manager_back(client_for, manager, leader):
    membership = membership_of(leader)
    people.deactivate(membership, by=manager)
    response = client_for(manager).get(reverse("people:role", args=[membership.pk]))
    assert response.status_code == 303
    assert response["Location"] == reverse("people:list")


# Deactivating and reactivating


def test_deactivating_asks_first_then_deactivates(client_for, manager, leader):
    membership = membership_of(leader)
    client = client_for(manager)
    page = client.get(reverse("people:deactivate", args=[membership.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Deactivate Priya Shah" in html
    assert "their name stays on the moves they recorded" in html
    membership.refresh_from_db()
    assert membership.is_active
    response = client.post(reverse("people:deactivate", args=[membership.pk]))
    assert response.status_code == 303
    membership.refresh_from_db()
    leader.refresh_from_db()
    assert not membership.is_active and not leader.is_active


def test_a_manager_cannot_deactivate_themselves(client_for, manager, leader):
    people.change_role(membership_of(leader), by=manager, role=Role.MANAGER)
    membership = membership_of(manager)
    client = client_for(manager)
    page = client.get(reverse("people:deactivate", args=[membership.pk])).content.decode()
    assert "You cannot deactivate yourself." in page
    assert 'type="submit" class="govuk-button govuk-button--warning"' not in page
    before = people_counts()
    response = client.post(reverse("people:deactivate", args=[membership.pk]))
    assert response.status_code == 422
    html = response.content.decode()
    assert "There is a problem" in html
    assert "You cannot deactivate yourself. Ask another manager to do it." in html
    assert people_counts() == before


def test_reactivating_asks_first_then_brings_them_back(client_for, manager, leader):
    membership = membership_of(leader)
    people.deactivate(membership, by=manager)
    client = client_for(manager)
    page = client.get(reverse("people:reactivate", args=[membership.pk]))
    assert page.status_code == 200
    assert "Priya Shah comes back as a leader" in page.content.decode()
    response = client.post(reverse("people:reactivate", args=[membership.pk]))
    assert response.status_code == 303
    membership.refresh_from_db()
    leader.refresh_from_db()
    assert membership.is_active and leader.is_active


def test_deactivating_a_leaver_again_changes_nothing(client_for, manager, leader):
    membership = membership_of(leader)
    people.deactivate(membership, by=manager)
    before = people_counts()
    response = client_for(manager).post(reverse("people:deactivate", args=[membership.pk]))
    assert response.status_code == 303
    assert people_counts() == before


@pytest.mark.parametrize("name", ["role", "deactivate", "reactivate"])
def test_members_of_another_organisation_are_not_found(client_for, outsider, leader, name):
    membership = membership_of(leader)
    client = client_for(outsider)
    assert client.get(reverse(f"people:{name}", args=[membership.pk])).status_code == 404
    before = people_counts()
    response = client.post(reverse(f"people:{name}", args=[membership.pk]), {"role": "viewer"})
    assert response.status_code == 404
    assert people_counts() == before


@pytest.mark.parametrize("name", ["role", "deactivate", "reactivate"])
def test_only_a_manager_changes_members(client_for, leader, viewer, name):
    membership = membership_of(viewer)
    client = client_for(leader)
    refused(client.get(reverse(f"people:{name}", args=[membership.pk])), "leader")
    before = people_counts()
    refused(
        client.post(reverse(f"people:{name}", args=[membership.pk]), {"role": "manager"}), "leader"
    )
    assert people_counts() == before


@pytest.mark.parametrize("name", ["role", "deactivate", "reactivate"])
def test_member_pages_ask_an_anonymous_person_to_sign_in(client, leader, name):
    url = reverse(f"people:{name}", args=[membership_of(leader).pk])
    assert client.get(url)["Location"] == login_url(url)


@pytest.mark.parametrize("name", ["role", "deactivate", "reactivate"])
def test_member_pages_answer_only_get_and_post(client_for, manager, leader, name):
    url = reverse(f"people:{name}", args=[membership_of(leader).pk])
    assert client_for(manager).put(url).status_code == 405


def test_a_member_that_does_not_exist_is_not_found(client_for, manager):
    assert client_for(manager).get(reverse("people:role", args=[999999])).status_code == 404


# Leavers cannot sign in, and stay in the history


def test_a_deactivated_person_cannot_sign_in(client, client_for, manager, leader):
    people.deactivate(membership_of(leader), by=manager)
    response = client.post(reverse("login"), {"username": "leader", "password": PASSWORD})
    assert response.status_code == 422
    assert "Enter a correct username and password." in response.content.decode()
    assert USER_SESSION_KEY not in client.session


def test_deactivating_ends_the_leavers_session(client_for, manager, leader, innovation):
    client = client_for(leader)
    assert client.get(reverse("innovations:list")).status_code == 200
    people.deactivate(membership_of(leader), by=manager)
    url = reverse("innovations:list")
    assert client.get(url)["Location"] == login_url(url)


def test_a_leaver_of_one_organisation_cannot_open_it(
    client_for, manager, leader, innovation, other_organisation
):
    MembershipFactory(user=leader, organisation=other_organisation, role=Role.VIEWER)
    client = client_for(leader)
    people.deactivate(membership_of(leader, innovation.organisation), by=manager)
    url = reverse("innovations:detail", args=[innovation.pk])
    assert client.get(url).status_code == 404


def test_a_leaver_stays_in_the_history_and_on_their_moves(
    client_for, manager, leader, viewer, innovation
):
    part = make_part(innovation, by=leader, name="North team")
    make_move(part, "advance", by=leader, on=datetime.date(2024, 2, 1))
    people.deactivate(membership_of(leader), by=manager)
    client = client_for(viewer)
    feed = client.get(reverse("innovations:history", args=[innovation.pk])).content.decode()
    assert "· Priya Shah</p>" in feed
    assert "North team advanced to Designing" in feed
    timeline = client.get(reverse("innovations:timeline", args=[innovation.pk])).content.decode()
    assert '<td class="govuk-table__cell">Priya Shah</td>' in timeline


# Two organisations


def test_a_person_in_two_organisations_switches_and_sees_only_the_current_one(
    client_for, manager, innovation, other_organisation
):
    MembershipFactory(user=manager, organisation=other_organisation, role=Role.LEADER)
    InnovationFactory(organisation=other_organisation, title="Southdale hubs")
    client = client_for(manager)
    listing = client.get(reverse("innovations:list")).content.decode()
    assert "Family group conferencing" in listing and "Southdale hubs" not in listing
    assert reverse("switch-organisation") in listing
    assert f'href="{reverse("people:list")}"' in listing

    response = client.post(reverse("switch-organisation"), {"organisation": other_organisation.pk})
    assert response.status_code == 303
    assert client.session[SESSION_KEY] == other_organisation.pk
    listing = client.get(reverse("innovations:list")).content.decode()
    assert "Southdale hubs" in listing and "Family group conferencing" not in listing
    assert f'href="{reverse("people:list")}"' not in listing
    response = client.get(reverse("people:list"))
    assert response.status_code == 403
    assert "Your role at Southdale Children&#x27;s Trust is leader." in response.content.decode()


# The invitation link


def test_the_invitation_link_opens_without_signing_in(client, invited):
    _invitation, token = invited
    response = client.get(accept_url(token))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Join Northshire County Council on Innovate" in html
    assert "Tom Okafor has invited you to join Northshire County Council as a leader." in html
    assert "sam.carter@example.org" in html
    assert 'name="username"' in html and 'autocomplete="new-password"' in html
    assert "no-cache" in response["Cache-Control"]


def test_accepting_creates_the_account_and_signs_in(client, invited, organisation, innovation):
    _invitation, token = invited
    response = client.post(accept_url(token), new_person())
    assert response.status_code == 303
    assert response["Location"] == reverse("home")
    user = User.objects.get(username="sam")
    assert int(client.session[USER_SESSION_KEY]) == user.pk
    assert client.session[SESSION_KEY] == organisation.pk
    listing = client.get(reverse("innovations:list"))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert (
        "Welcome to Innovate, Sam. You have joined Northshire County Council as a leader." in html
    )
    assert "Family group conferencing" in html


def test_the_new_person_can_sign_in_with_their_password(client, invited):
    _invitation, token = invited
    client.post(accept_url(token), new_person())
    client.post(reverse("logout"))
    response = client.post(reverse("login"), {"username": "sam", "password": GOOD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_accepting_works_under_csrf_checks(invited):
    _invitation, token = invited
    client = Client(enforce_csrf_checks=True)
    response = csrf_post(client, accept_url(token), new_person())
    assert response.status_code == 303


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"username": ""}, "username", "Choose a username"),
        ({"username": "LEADER"}, "username", "That username is taken, or looks too like one"),
        ({"username": "1eader"}, "username", "That username is taken, or looks too like one"),
        ({"username": "lеader"}, "username", "A username can have the letters a to z"),
        ({"first_name": ""}, "first_name", "Enter your first name"),
        (
            {"password_again": "kestrel-harbour-lanterns"},
            "password_again",
            "The two passwords do not match",
        ),
        (
            {"password": "short1", "password_again": "short1"},
            "password",
            "This password is too short. It must contain at least 10 characters.",
        ),
        (
            {"password": "password123", "password_again": "password123"},
            "password",
            "This password is too common.",
        ),
    ],
)
def test_accepting_with_bad_input_is_refused_and_nothing_saved(
    client, invited, leader, fields, field, message
):
    _invitation, token = invited
    before = people_counts()
    response = client.post(accept_url(token), new_person(**fields))
    html = error_at(response, field, message)
    if field != "username":
        assert 'value="sam"' in html
    assert people_counts() == before
    assert USER_SESSION_KEY not in client.session
    assert people.find_invitation(token)


def test_an_invitation_link_works_once(client, invited):
    _invitation, token = invited
    client.post(accept_url(token), new_person())
    other = Client()
    response = other.get(accept_url(token))
    assert response.status_code == 410
    assert "It has already been used" in response.content.decode()
    before = people_counts()
    assert other.post(accept_url(token), new_person(username="sam2")).status_code == 410
    assert people_counts() == before


def test_an_expired_invitation_link_says_so(client, invited):
    invitation, token = invited
    with time_machine.travel(invitation.expires_at + timedelta(minutes=1), tick=False):
        response = client.get(accept_url(token))
        assert response.status_code == 410
        html = response.content.decode()
        assert "It expired on" in html
        assert "Ask Tom Okafor or another manager at Northshire County Council" in html
        before = people_counts()
        assert client.post(accept_url(token), new_person()).status_code == 410
        assert people_counts() == before


def test_a_withdrawn_invitation_link_says_so(client, invited, manager):
    invitation, token = invited
    people.revoke_invitation(invitation, by=manager)
    response = client.get(accept_url(token))
    assert response.status_code == 410
    assert "It was withdrawn, or replaced by a newer invitation." in response.content.decode()


def test_an_address_shared_by_two_accounts_is_explained(client, invited):
    invitation, token = invited
    UserFactory(username="sam1", email="sam.carter@example.org")
    UserFactory(username="sam2", email="Sam.Carter@example.org")
    response = client.get(accept_url(token))
    assert response.status_code == 409
    assert "More than one account uses this email address" in response.content.decode()
    before = people_counts()
    assert client.post(accept_url(token), new_person()).status_code == 409
    assert people_counts() == before


@pytest.mark.parametrize("token", ["not-a-token", "a" * 43, "x" * 300])
def test_a_wrong_invitation_link_is_not_found(client, invited, token):
    assert client.get(accept_url(token)).status_code == 404
    before = people_counts()
    assert client.post(accept_url(token), new_person()).status_code == 404
    assert people_counts() == before


def test_the_invitation_link_answers_only_get_and_post(client, invited):
    _invitation, token = invited
    assert client.put(accept_url(token)).status_code == 405


def test_a_person_with_an_account_joins_and_signs_in_as_themselves(
    client, organisation, manager, outsider
):
    _invitation, token = people.invite(
        organisation, by=manager, email="outsider@example.org", role="viewer"
    )
    page = client.get(accept_url(token)).content.decode()
    assert "You already have an Innovate account under this email address." in page
    assert 'name="password"' not in page
    users = User.objects.count()
    response = client.post(accept_url(token), {"username": "ignored", "password": "ignored"})
    assert response.status_code == 303
    assert response["Location"] == reverse("login")
    assert USER_SESSION_KEY not in client.session
    assert User.objects.count() == users
    assert membership_of(outsider, organisation).role == "viewer"
    response = client.post(reverse("login"), {"username": "outsider", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == organisation.pk
    listing = client.get(reverse("innovations:list")).content.decode()
    assert "Northshire County Council" in listing


def test_a_signed_in_person_joins_with_their_own_account(
    client_for, organisation, manager, outsider
):
    _invitation, token = people.invite(
        organisation, by=manager, email="outsider@example.org", role="leader"
    )
    client = client_for(outsider)
    response = client.post(accept_url(token))
    assert response.status_code == 303
    assert response["Location"] == reverse("home")
    assert client.session[SESSION_KEY] == organisation.pk
    assert int(client.session[USER_SESSION_KEY]) == outsider.pk


def test_a_person_signed_in_as_someone_else_is_signed_out_to_join(
    client_for, organisation, manager, outsider, leader
):
    _invitation, token = people.invite(
        organisation, by=manager, email="outsider@example.org", role="leader"
    )
    client = client_for(leader)
    page = client.get(accept_url(token)).content.decode()
    assert "You are signed in as Priya Shah, a different account." in page
    response = client.post(accept_url(token))
    assert response["Location"] == reverse("login")
    assert USER_SESSION_KEY not in client.session


# Password reset


def reset_link():
    (email,) = sent_mail()
    return RESET_LINK.search(email.body).group(1)


def test_the_sign_in_page_offers_a_password_reset(client, db):
    html = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("people:password-reset")}">Forgotten your password?</a>' in html


def test_a_password_reset_sets_a_new_password_to_sign_in_with(client, leader):
    page = client.get(reverse("people:password-reset"))
    assert page.status_code == 200
    response = client.post(reverse("people:password-reset"), {"email": "LEADER@example.org"})
    assert response.status_code == 303
    assert response["Location"] == reverse("people:password-reset-done")
    assert "Check your email" in client.get(response["Location"]).content.decode()
    (email,) = sent_mail()
    assert email.to == ["leader@example.org"]
    assert email.subject == "Set a new password for Innovate"
    assert "username: leader" in email.body

    opened = client.get(reset_link())
    assert opened.status_code == 302
    form_url = opened["Location"]
    form = client.get(form_url)
    assert form.status_code == 200
    assert "Set a new password" in form.content.decode()
    response = client.post(form_url, {"new_password1": GOOD, "new_password2": GOOD})
    assert response.status_code == 303
    assert response["Location"] == reverse("people:password-reset-complete")
    assert "Your password is set" in client.get(response["Location"]).content.decode()

    old = client.post(reverse("login"), {"username": "leader", "password": PASSWORD})
    assert old.status_code == 422
    new = client.post(reverse("login"), {"username": "leader", "password": GOOD})
    assert new.status_code == 302
    assert int(client.session[USER_SESSION_KEY]) == leader.pk


def test_a_password_reset_link_works_once(client, leader):
    client.post(reverse("people:password-reset"), {"email": "leader@example.org"})
    link = reset_link()
    form_url = client.get(link)["Location"]
    client.post(form_url, {"new_password1": GOOD, "new_password2": GOOD})
    again = Client().get(link, follow=True)
    assert "This link cannot be used" in again.content.decode()


def test_a_weak_new_password_is_refused(client, leader):
    client.post(reverse("people:password-reset"), {"email": "leader@example.org"})
    form_url = client.get(reset_link())["Location"]
    response = client.post(
        form_url, {"new_password1": "password123", "new_password2": "password123"}
    )
    error_at(response, "new_password2", "This password is too common.")
    leader.refresh_from_db()
    assert leader.check_password(PASSWORD)


def test_a_password_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(client, leader):
    response = client.post(reverse("people:password-reset"), {"email": "nobody@example.org"})
    assert response.status_code == 303
    assert response["Location"] == reverse("people:password-reset-done")
    assert sent_mail() == []


def test_a_leaver_gets_no_password_reset(client, manager, leader):
    people.deactivate(membership_of(leader), by=manager)
    client.post(reverse("people:password-reset"), {"email": "leader@example.org"})
    assert sent_mail() == []


@pytest.mark.parametrize(
    "email, message",
    [("", "Enter your email address"), ("nope", "Enter an email address in the right format")],
)
def test_a_password_reset_with_bad_input_is_refused(client, leader, email, message):
    response = client.post(reverse("people:password-reset"), {"email": email})
    error_at(response, "email", message)
    assert sent_mail() == []


def test_the_password_reset_answers_only_get_and_post(client, db):
    assert client.put(reverse("people:password-reset")).status_code == 405
