"""The Organisation settings page: managers only, the client secret written and never shown
back, bad input refused at its field with the input kept and nothing saved, and the sign-in
history for managers and for each person."""

import pytest
from django.test import Client
from django.urls import reverse

from signins import services as signins
from signins.models import SignInEvent, SignInSettings

URL = reverse("accounts:organisation-settings")
SECRET = "s3cret-value-never-to-be-shown"
GOOD = {
    "server_url": "https://login.microsoftonline.com/0000-tenant/v2.0",
    "client_id": "innovate-client",
    "client_secret": SECRET,
    "allowed_domains": "northshire.gov.uk\n@Northshire-Trust.NHS.uk",
}


def as_(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_manager_connects_a_provider_and_the_secret_is_never_shown_again(organisation, manager):
    client = as_(manager)
    saved = client.post(URL, {**GOOD, "require_two_step": "on"})
    assert saved.status_code == 303
    found = SignInSettings.objects.get(organisation=organisation)
    assert found.client_secret == SECRET
    assert found.domains == ["northshire.gov.uk", "northshire-trust.nhs.uk"]
    assert found.require_two_step
    page = client.get(URL).content.decode()
    assert SECRET not in page
    assert "A client secret is saved" in page
    assert f"/accounts/oidc/org-{organisation.pk}/login/callback/" in page
    assert GOOD["client_id"] in page
    # Saving again with the secret left blank keeps it.
    client.post(URL, {**GOOD, "client_secret": "", "client_id": "renamed"})
    found.refresh_from_db()
    assert (found.client_id, found.client_secret) == ("renamed", SECRET)
    # The history keeps who changed what, and never the secret.
    for row in found.history.all():
        assert not hasattr(row, "client_secret")
    assert found.history.first().history_user == manager


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"server_url": "http://login.example.org/tenant"}, "server_url", "starting https://"),
        ({"server_url": ""}, "server_url", "Enter the server URL of your provider"),
        ({"client_id": ""}, "client_id", "Enter the client ID"),
        ({"client_secret": ""}, "client_secret", "Enter the client secret"),
        ({"allowed_domains": "not a domain!"}, "allowed_domains", "is not a domain"),
    ],
)
def test_bad_input_is_refused_at_its_field_and_nothing_saved(
    organisation, manager, change, field, message
):
    response = as_(manager).post(URL, {**GOOD, **change})
    assert response.status_code == 422
    assert message in str(response.context["form"].errors[field])
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page
    assert SECRET not in page
    assert not SignInSettings.objects.filter(organisation=organisation).exists()


def test_a_domain_leads_to_one_organisation_only(
    organisation, manager, other_organisation, outsider
):
    assert as_(manager).post(URL, GOOD).status_code == 303
    response = as_(outsider).post(URL, {**GOOD, "allowed_domains": "northshire.gov.uk"})
    assert response.status_code == 422
    assert "already allowed by another organisation" in response.content.decode()


@pytest.mark.parametrize("persona", ["viewer", "leader", "facilitator"])
def test_only_managers_see_the_settings_and_the_sign_ins(request, persona):
    client = as_(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403
    assert client.post(URL, GOOD).status_code == 403
    assert client.get(reverse("accounts:organisation-sign-ins")).status_code == 403


def test_managers_see_who_signed_in_and_how_and_people_see_their_own(
    organisation, manager, leader, outsider
):
    Client().post(reverse("login"), {"username": "leader", "password": "wrong-password"})
    as_(leader)
    signins.record(method="work_account", succeeded=True, user=outsider, typed="outsider")
    history = as_(manager).get(reverse("accounts:organisation-sign-ins")).content.decode()
    assert "Refused" in history and "Password" in history
    assert leader.get_full_name() in history
    assert "outsider" not in history
    own = as_(leader).get(reverse("accounts:sign-ins")).content.decode()
    assert "Signed in</td>" in own and "Refused" in own
    assert SignInEvent.objects.filter(user=outsider).count() == 1
    assert outsider.get_full_name() not in own
    # A member's own account page leads to the emails they choose.
    assert f'href="{reverse("notifications:preferences")}"' in own


def test_the_people_page_leads_managers_to_the_settings_and_the_sign_ins(manager):
    page = as_(manager).get(reverse("people:list")).content.decode()
    assert f'href="{URL}"' in page
    assert f'href="{reverse("accounts:organisation-sign-ins")}"' in page
