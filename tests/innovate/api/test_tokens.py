"""The API tokens pages: a manager creates a token (shown once, kept only as its SHA-256),
sees the tokens and revokes one; nobody else may. And the API's description."""

import hashlib
import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openapi_spec_validator import validate

from apitokens.models import ApiToken
from apitokens.services import revoke_token
from tests.innovate.api.helpers import ENDPOINTS, api_get, make_token
from tests.innovate.helpers import csrf_post, error_at

pytestmark = pytest.mark.django_db

SECRET = re.compile(r'value="(inn_[0-9a-f]{12}_[A-Za-z0-9_-]{43})"')


def form(name="Power BI board pack", days=90, restricted=False):
    day = timezone.localdate() + timedelta(days=days)
    data = {
        "name": name,
        "expires_on_day": str(day.day),
        "expires_on_month": str(day.month),
        "expires_on_year": str(day.year),
    }
    if restricted:
        data["reads_restricted"] = "on"
    return data


def test_a_manager_creates_a_token_shown_once_and_stored_hashed(client_for, manager):
    client = client_for(manager)
    response = csrf_post(client, reverse("tokens:create"), form(restricted=True))
    assert response.status_code == 201
    assert "no-store" in response["Cache-Control"]
    secret = SECRET.search(response.content.decode()).group(1)
    token = ApiToken.objects.get()
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in json.dumps(list(ApiToken.objects.values()), default=str)
    assert secret not in json.dumps(list(ApiToken.history.values()), default=str)
    assert (token.name, token.reads_restricted, token.created_by) == (
        "Power BI board pack",
        True,
        manager,
    )
    assert api_get("innovations", secret).status_code == 200
    listed = client.get(reverse("tokens:list")).content.decode()
    assert "Power BI board pack" in listed
    assert secret not in listed
    assert token.prefix in listed


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (form(name=""), "name", "Enter a name for the token"),
        (form(name="x" * 101), "name", "Ensure this value has at most 100 characters"),
        ({**form(), "expires_on_day": ""}, "expires_on", "must include a day"),
        (form(days=-1), "expires_on", "The expiry date must be today or in the future"),
        (form(days=366), "expires_on", "The expiry date must be on or before"),
    ],
)
def test_bad_input_is_refused_at_its_field_and_nothing_saved(
    client_for, manager, data, field, message
):
    response = csrf_post(client_for(manager), reverse("tokens:create"), data)
    error_at(response, field, message)
    assert ApiToken.objects.count() == 0
    assert f'value="{data["name"]}"' in response.content.decode() or not data["name"]


def test_a_year_from_today_is_the_latest_expiry(client_for, manager):
    response = csrf_post(client_for(manager), reverse("tokens:create"), form(days=365))
    assert response.status_code == 201


@pytest.mark.parametrize("who", ["viewer", "leader", "facilitator"])
def test_only_a_manager_creates_tokens(request, client_for, who, manager):
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("tokens:create")).status_code == 403
    assert client.post(reverse("tokens:create"), form()).status_code == 403
    assert ApiToken.objects.count() == 0


def test_revoking_a_token_stops_it_at_once(client_for, organisation, manager):
    token, secret = make_token(organisation, manager)
    client = client_for(manager)
    response = csrf_post(
        client, reverse("tokens:list"), {}, post_url=reverse("tokens:revoke", args=[token.pk])
    )
    assert response.status_code == 303
    assert response["Location"] == reverse("tokens:list")
    token.refresh_from_db()
    assert token.revoked_by == manager
    assert api_get("innovations", secret).status_code == 401
    assert [h.history_change_reason for h in token.history.order_by("history_id")] == [
        "Created",
        "Revoked",
    ]
    listed = client.get(reverse("tokens:list")).content.decode()
    assert "Tokens that no longer work (1)" in listed


def test_another_organisations_token_is_no_such_page(
    client_for, manager, other_organisation, outsider
):
    token, secret = make_token(other_organisation, outsider)
    response = client_for(manager).post(reverse("tokens:revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert api_get("innovations", secret).status_code == 200


def test_the_openapi_description_is_valid_and_names_every_list(client_for, viewer):
    response = client_for(viewer).get(reverse("api:openapi-json"))
    assert response.status_code == 200
    document = response.json()
    validate(document)
    assert sorted(path.strip("/").removeprefix("api/") for path in document["paths"]) == sorted(
        ENDPOINTS
    )
    assert document["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"


def test_the_documentation_page_runs_from_the_products_own_files(client_for, viewer):
    response = client_for(viewer).get(reverse("api:openapi-view"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    csp = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "'unsafe-inline'" in csp.split("style-src")[1].split(";")[0]


def test_revoking_answers_only_a_post(client_for, organisation, manager):
    token, _secret = make_token(organisation, manager)
    assert client_for(manager).get(reverse("tokens:revoke", args=[token.pk])).status_code == 405


@pytest.mark.parametrize("n", [2, 20])
def test_the_list_runs_a_fixed_number_of_queries(
    n, client_for, organisation, manager, django_assert_num_queries
):
    made = [make_token(organisation, manager, name=f"Token {i}")[0] for i in range(n)]
    for token in made[: n // 2]:
        revoke_token(token, by=manager)
    client = client_for(manager)
    client.get(reverse("tokens:list"))
    with django_assert_num_queries(4):  # session, person, memberships, tokens
        response = client.get(reverse("tokens:list"))
    html = response.content.decode()
    assert all(f"Token {i}" in html for i in range(n))
    assert f"Tokens in use ({n - n // 2})" in html
