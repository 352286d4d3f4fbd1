"""Calling the API as a program does: a token in the Authorization header, no session."""

from datetime import timedelta

from django.test import Client

from apitokens import services
from stages import clock

ENDPOINTS = [
    "innovations",
    "parts",
    "durations",
    "moves",
    "measures",
    "readings",
    "sessions",
    "decisions",
]


def make_token(organisation, by, *, days=30, reads_restricted=False, name="Power BI"):
    return services.create_token(
        organisation,
        by=by,
        name=name,
        expires_on=clock.localdate() + timedelta(days=days),
        reads_restricted=reads_restricted,
    )


def api_get(path, secret=None, *, headers=None, **params):
    if secret is not None:
        headers = {"authorization": f"Bearer {secret}"}
    url = path if path.startswith("http") or path.startswith("/") else f"/api/{path}"
    return Client(headers=headers or {}).get(url, params)


def every_row(endpoint, secret, **params):
    """Every row of an endpoint, following `next` to the last page."""
    rows, response = [], api_get(endpoint, secret, **params)
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        rows += body["items"]
        if body["next"] is None:
            return rows
        response = api_get(body["next"], secret)
