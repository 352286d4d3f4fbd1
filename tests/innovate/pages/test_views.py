import datetime

import pytest
from django.contrib.auth import SESSION_KEY as USER_SESSION_KEY
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.services import sessions
from innovate.access import SESSION_KEY
from stages import teams
from stages.models import Innovation, Role
from tests.factories import PASSWORD, InnovationFactory, MembershipFactory, make_part
from tests.innovate.helpers import csrf_post, login_url

STAGE_NAMES = ["Mobilising", "Designing", "Developing", "Integrating", "Growing", "System Change"]


# Health


def test_health_answers_ok_without_signing_in(client, db):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"].startswith("text/plain")


def test_health_answers_503_when_the_database_does_not(client, db, monkeypatch):
    def broken():
        raise OperationalError("the database is down")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", broken)
        response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.content == b"database unavailable\n"


def test_health_answers_only_get(client, db):
    assert client.post(reverse("health")).status_code == 405


# The framework


def test_the_framework_shows_the_six_stages_to_anyone(client, db):
    response = client.get(reverse("framework"))
    assert response.status_code == 200
    html = response.content.decode()
    for number, name in enumerate(STAGE_NAMES, start=1):
        assert f"{number}. {name}</h2>" in html


def test_the_framework_shows_the_same_to_a_member(client_for, viewer):
    response = client_for(viewer).get(reverse("framework"))
    assert response.status_code == 200
    assert 'aria-current="page">The framework</a>' in response.content.decode()


def test_the_framework_answers_only_get(client, db):
    assert client.post(reverse("framework")).status_code == 405


# Home


def landing(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    return response["Location"]


def test_a_viewer_and_a_leader_start_on_the_innovations(client_for, viewer, leader):
    assert landing(client_for(viewer)) == reverse("innovations:list")
    assert landing(client_for(leader)) == reverse("innovations:list")


def test_a_manager_starts_on_the_dashboard(client_for, manager):
    assert landing(client_for(manager)) == reverse("dashboard:portfolio")


def test_a_facilitator_starts_on_the_next_session_they_facilitate(
    client_for, facilitator, manager, innovation
):
    today = timezone.localdate()
    part = make_part(innovation, by=manager, name="North")

    def plan(days, title, by=facilitator):
        return sessions.plan_session(
            innovation,
            by=manager,
            held_on=today + datetime.timedelta(days=days),
            title=title,
            facilitator=by,
            parts=[part],
        )

    plan(-3, "Held before today")
    plan(2, "Someone else's", by=manager)
    plan(20, "Later")
    soonest = plan(5, "Soonest")
    assert landing(client_for(facilitator)) == reverse("sessions:detail", args=[soonest.pk])


def test_a_facilitator_is_not_sent_to_a_session_of_an_innovation_they_may_not_see(
    client_for, facilitator, manager, leader, innovation
):
    part = make_part(innovation, by=manager, name="North")
    sessions.plan_session(
        innovation,
        by=manager,
        held_on=timezone.localdate() + datetime.timedelta(days=3),
        title="Restricted review",
        facilitator=facilitator,
        parts=[part],
    )
    teams.set_team(innovation, by=manager, lead=leader, contributors=[], restricted=True)
    assert landing(client_for(facilitator)) == reverse("dashboard:my-work")


def test_a_facilitator_with_no_session_planned_starts_on_my_work(client_for, facilitator):
    assert landing(client_for(facilitator)) == reverse("dashboard:my-work")


def test_signing_in_lands_a_manager_on_the_dashboard(client, manager):
    response = client.post(
        reverse("login"), {"username": manager.username, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("dashboard:portfolio")
    assert '<h1 class="govuk-heading-l">Portfolio dashboard</h1>' in response.content.decode()


def test_the_header_names_who_is_signed_in_with_their_role_and_organisation(
    client_for, facilitator, organisation
):
    page = client_for(facilitator).get(reverse("framework")).content.decode()
    link = reverse("accounts:sign-ins")
    assert (
        f'id="signed-in-as">Signed in as <a class="govuk-link" href="{link}">'
        f"{facilitator.get_full_name() or facilitator.username}</a>, facilitator at "
        f"{organisation.name}</p>"
    ) in page


def test_home_asks_an_anonymous_person_to_sign_in(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == login_url("/")


# Switching organisation


@pytest.fixture
def two_hats(leader, other_organisation):
    """The leader at Northshire is also a viewer at Southdale."""
    MembershipFactory(user=leader, organisation=other_organisation, role=Role.VIEWER)
    InnovationFactory(organisation=other_organisation, title="Southdale hubs")
    return leader


def test_a_person_in_two_organisations_is_offered_both(client_for, two_hats, innovation):
    client = client_for(two_hats)
    listing = client.get(reverse("innovations:list")).content.decode()
    assert reverse("switch-organisation") in listing
    response = client.get(reverse("switch-organisation"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Northshire County Council (leader)" in html
    assert "Southdale Children&#x27;s Trust (viewer)" in html


def test_a_person_in_one_organisation_is_not_offered_to_switch(client_for, leader, innovation):
    listing = client_for(leader).get(reverse("innovations:list")).content.decode()
    assert reverse("switch-organisation") not in listing


def test_switching_changes_the_organisation_shown(
    client_for, two_hats, innovation, other_organisation
):
    client = client_for(two_hats)
    response = client.post(reverse("switch-organisation"), {"organisation": other_organisation.pk})
    assert response.status_code == 303
    assert response["Location"] == reverse("innovations:list")
    assert client.session[SESSION_KEY] == other_organisation.pk
    listing = client.get(reverse("innovations:list")).content.decode()
    assert "Southdale hubs" in listing
    assert "Family group conferencing" not in listing
    assert reverse("innovations:create") not in listing


def test_switching_under_csrf_checks(two_hats, other_organisation):
    client = Client(enforce_csrf_checks=True)
    client.force_login(two_hats)
    response = csrf_post(
        client, reverse("switch-organisation"), {"organisation": other_organisation.pk}
    )
    assert response.status_code == 303
    assert client.session[SESSION_KEY] == other_organisation.pk


@pytest.mark.parametrize("chosen", ["", "not a number", "999999"])
def test_switching_to_an_organisation_one_is_not_in_is_refused(
    client_for, two_hats, organisation, chosen
):
    client = client_for(two_hats)
    response = client.post(reverse("switch-organisation"), {"organisation": chosen})
    assert response.status_code == 422
    assert "Choose one of your organisations." in response.content.decode()
    assert client.session.get(SESSION_KEY) in (None, organisation.pk)


def test_switching_to_an_outsiders_organisation_is_refused(
    client_for, leader, organisation, other_organisation
):
    client = client_for(leader)
    response = client.post(reverse("switch-organisation"), {"organisation": other_organisation.pk})
    assert response.status_code == 422
    assert client.session.get(SESSION_KEY) != other_organisation.pk


def test_switching_asks_an_anonymous_person_to_sign_in(client, db):
    url = reverse("switch-organisation")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == login_url(url)


def test_switching_answers_only_get_and_post(client_for, leader):
    assert client_for(leader).put(reverse("switch-organisation")).status_code == 405


# Signing in and out


def test_the_sign_in_page_shows_the_form(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sign in to Innovate" in html
    assert 'name="username"' in html


def test_signing_in_goes_back_where_the_person_was_going(client, leader, innovation):
    url = reverse("innovations:detail", args=[innovation.pk])
    page = client.get(url)
    assert page["Location"] == login_url(url)
    form = client.get(page["Location"])
    assert f'name="next" value="{url}"' in form.content.decode()
    response = client.post(
        reverse("login"), {"username": "leader", "password": PASSWORD, "next": url}
    )
    assert response.status_code == 302
    assert response["Location"] == url
    assert client.get(url).status_code == 200


def test_a_wrong_password_keeps_the_person_signed_out(client, leader):
    response = client.post(reverse("login"), {"username": "leader", "password": "wrong-one"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Enter a correct username and password." in html
    assert 'value="leader"' in html
    assert USER_SESSION_KEY not in client.session


def test_repeated_wrong_passwords_lock_the_account_out(client, leader):
    for _ in range(5):
        client.post(reverse("login"), {"username": "leader", "password": "wrong-one"})
    response = client.post(reverse("login"), {"username": "leader", "password": PASSWORD})
    assert response.status_code == 429
    assert USER_SESSION_KEY not in client.session


def test_a_signed_in_person_opening_sign_in_goes_home(client_for, leader):
    response = client_for(leader).get(reverse("login"))
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_signing_out_ends_the_session(client_for, leader, innovation):
    client = client_for(leader)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert USER_SESSION_KEY not in client.session
    url = reverse("innovations:detail", args=[innovation.pk])
    assert client.get(url)["Location"] == login_url(url)


def test_signing_out_answers_only_post(client_for, leader):
    client = client_for(leader)
    assert client.get(reverse("logout")).status_code == 405
    assert USER_SESSION_KEY in client.session


# A form refused by the CSRF check


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_form_without_a_valid_csrf_token_gets_the_product_s_own_page(leader, signed_in):
    client = Client(enforce_csrf_checks=True)
    if signed_in:
        client.force_login(leader)
    url = reverse("innovations:create") if signed_in else reverse("login")
    response = client.post(url, {"title": "Sent from elsewhere", "username": "leader"})
    assert response.status_code == 403
    html = response.content.decode()
    assert (
        "The form had expired or was sent from somewhere else. Go back, reload the page and try "
        "again."
    ) in html
    assert '<h1 class="govuk-heading-l">The form could not be sent</h1>' in html
    assert "/static/css/application" in html and 'class="govuk-template' in html
    assert "CSRF verification failed" not in html
    assert not Innovation.objects.filter(title="Sent from elsewhere").exists()
