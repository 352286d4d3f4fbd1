"""Signing in with a work account through a real OpenID Connect provider (tests/oidc): the
code flow with PKCE and a nonce, an account linked only through a verified email a manager
invited or at a domain the organisation allows, and each refusal said plainly with no account
made."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY as USER_SESSION_KEY
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from signins import services as signins
from signins.models import SignInEvent, SignInMethod
from stages import people
from stages.models import Membership

SERVER = "http://testserver"


def callback_of(organisation):
    return SERVER + reverse("openid_connect_callback", args=[f"org-{organisation.pk}"])


@pytest.fixture
def connect(organisation, manager, oidc_provider):
    def connect(*, domains="", server_url=None, client_name="Innovate"):
        client_id, secret = oidc_provider.register(callback_of(organisation), name=client_name)
        signins.update_settings(
            organisation,
            by=manager,
            require_two_step=False,
            server_url=server_url or oidc_provider.issuer,
            client_id=client_id,
            client_secret=secret,
            allowed_domains=domains,
        )

    return connect


def start(client, email):
    response = client.post(reverse("accounts:work-account"), {"work-email": email})
    assert response.status_code == 200, response.content.decode()[:500]
    go_to = response.context["go_to"]
    assert f'content="0;url={escape(go_to)}"' in response.content.decode()
    return go_to


def through_provider(client, provider, email, *, login=None):
    authorize = start(client, email)
    back = provider.sign_in(authorize, login or email, stop_at=SERVER)
    return authorize, client.get(back.removeprefix(SERVER))


def users():
    return get_user_model().objects.count()


def test_an_invited_person_signs_in_with_the_code_flow_pkce_and_a_nonce(
    organisation, manager, connect, oidc_provider
):
    connect()
    people.invite(organisation, by=manager, email="sam.jones@northshire.example", role="leader")
    client = Client()

    authorize, answer = through_provider(client, oidc_provider, "sam.jones@northshire.example")

    asked = parse_qs(urlsplit(authorize).query)
    assert authorize.startswith(oidc_provider.issuer + "/auth")
    assert asked["response_type"] == ["code"]
    assert asked["code_challenge_method"] == ["S256"] and asked["code_challenge"][0]
    assert asked["nonce"][0] and asked["state"][0]
    assert set(asked["scope"][0].split()) == {"openid", "profile", "email"}
    assert answer.status_code == 302
    user = get_user_model().objects.get(email="sam.jones@northshire.example")
    assert client.session[USER_SESSION_KEY] == str(user.pk)
    assert user.get_full_name() == "Sam Jones"
    assert not user.has_usable_password()
    membership = Membership.objects.get(user=user, organisation=organisation)
    assert membership.role == "leader"
    page = client.get(reverse("innovations:list")).content.decode()
    assert f"Sam Jones</a>, leader at {organisation.name}" in page
    event = SignInEvent.objects.get(user=user)
    assert (event.method, event.succeeded) == (SignInMethod.WORK_ACCOUNT, True)


def test_someone_at_an_allowed_domain_joins_as_a_viewer(organisation, connect, oidc_provider):
    connect(domains="northshire.example")
    client = Client()
    _authorize, answer = through_provider(client, oidc_provider, "alex.lee@northshire.example")
    assert answer.status_code == 302
    user = get_user_model().objects.get(email="alex.lee@northshire.example")
    assert Membership.objects.get(user=user, organisation=organisation).role == "viewer"
    # The second time they sign in, the same account.
    client.logout()
    through_provider(client, oidc_provider, "alex.lee@northshire.example")
    assert client.session[USER_SESSION_KEY] == str(user.pk)
    assert get_user_model().objects.filter(email="alex.lee@northshire.example").count() == 1


def test_a_member_is_linked_by_their_verified_email(leader, connect, oidc_provider):
    connect()
    client = Client()
    _authorize, answer = through_provider(client, oidc_provider, "leader@example.org")
    assert answer.status_code == 302
    assert client.session[USER_SESSION_KEY] == str(leader.pk)


def refused(answer):
    assert answer.status_code == 403
    return answer.content.decode()


def test_a_wrong_issuer_is_refused(organisation, connect, oidc_provider):
    # The provider says it is 127.0.0.1; the organisation set localhost.
    connect(domains="northshire.example", server_url=f"http://localhost:{oidc_provider.port}")
    before = users()
    _authorize, answer = through_provider(Client(), oidc_provider, "alex.lee@northshire.example")
    page = refused(answer)
    assert "not " + f"http://localhost:{oidc_provider.port}" in page
    assert "issuer" in page
    assert users() == before
    assert SignInEvent.objects.get(organisation=organisation).succeeded is False


def test_an_expired_token_is_refused(connect, oidc_provider):
    connect(domains="northshire.example", client_name="short-lived")
    before = users()
    client = Client()
    authorize = start(client, "alex.lee@northshire.example")
    back = oidc_provider.sign_in(authorize, "alex.lee@northshire.example", stop_at=SERVER)
    # The provider's ID tokens for this client last 30 seconds; two minutes pass here.
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=2)
    with time_machine.travel(later, tick=True):
        answer = client.get(back.removeprefix(SERVER))
    assert "has expired" in refused(answer)
    assert users() == before


def test_an_email_from_another_domain_is_refused(connect, oidc_provider):
    connect(domains="northshire.example")
    before = users()
    client = Client()
    # The person types their Northshire address; the provider answers with another.
    authorize = start(client, "alex.lee@northshire.example")
    back = oidc_provider.sign_in(authorize, "alex.lee@elsewhere.example", stop_at=SERVER)
    page = refused(client.get(back.removeprefix(SERVER)))
    assert "elsewhere.example is not one" in page
    assert "No account was made" in page
    assert users() == before
    assert USER_SESSION_KEY not in client.session


def test_an_uninvited_person_is_refused(organisation, leader, connect, oidc_provider):
    connect()
    before = users()
    client = Client()
    # Found through the organisation's member at example.org, but never invited themselves.
    authorize = start(client, "leader@example.org")
    back = oidc_provider.sign_in(authorize, "stranger@example.org", stop_at=SERVER)
    page = refused(client.get(back.removeprefix(SERVER)))
    assert "stranger@example.org has not been invited to Northshire County Council" in page
    assert users() == before


def test_an_unverified_email_is_refused(connect, oidc_provider):
    connect(domains="northshire.example")
    before = users()
    client = Client()
    authorize = start(client, "alex.lee@northshire.example")
    back = oidc_provider.sign_in(
        authorize, "unverified.alex.lee@northshire.example", stop_at=SERVER
    )
    assert "is not verified" in refused(client.get(back.removeprefix(SERVER)))
    assert users() == before


def test_an_email_no_organisation_knows_is_refused_at_the_field(connect):
    connect(domains="northshire.example")
    response = Client().post(reverse("accounts:work-account"), {"work-email": "a@nowhere.example"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "No organisation signs in to Innovate with work accounts at nowhere.example" in page
    assert 'value="a@nowhere.example"' in page
