"""The API's figures for the demo organisation equal the dashboard's CSV downloads: each part's
stage, round, state and days in the stage as the portfolio CSV gives them, and the days in each
stage as the durations CSV does."""

import csv
import io
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from stages.models import Organisation, State
from tests.innovate.api.helpers import every_row, make_token

pytestmark = pytest.mark.django_db


def download(client, name):
    response = client.get(reverse(f"dashboard:{name}"))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text, newline="")))
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_the_apis_parts_and_durations_equal_the_demo_dashboards_csv():
    call_command("seed_demo", stdout=StringIO())
    organisation = Organisation.objects.get(slug="northshire")
    manager = get_user_model().objects.get(username="manager")
    client = Client()
    client.force_login(manager)
    _token, secret = make_token(organisation, manager, reads_restricted=True)

    innovations = {row["id"]: row for row in every_row("innovations", secret)}
    parts = every_row("parts", secret)
    open_parts = [p for p in parts if innovations[p["innovation_id"]]["status"] == "open"]
    from_api = sorted(
        (
            p["innovation"],
            p["name"],
            str(p["stage_number"]),
            str(p["cycle"]),
            State(p["state"]).label,
            str(p["days_in_stage"]),
        )
        for p in open_parts
    )
    from_csv = sorted(
        (
            row["Innovation"],
            row["Part"],
            row["Stage number"],
            row["Round"],
            row["State"],
            row["Days in stage"],
        )
        for row in download(client, "export-portfolio")
        if row["Part"]
    )
    assert len(from_csv) >= 10
    assert from_api == from_csv

    names = {p["id"]: (p["innovation"], p["name"]) for p in open_parts}
    active = {}
    for row in every_row("durations", secret):
        if row["part_id"] in names:
            key = (*names[row["part_id"]], row["stage_number"])
            active[key] = active.get(key, 0) + row["active_days"]
    expected = {}
    for row in download(client, "export-durations"):
        for column, value in row.items():
            if column.endswith(": active days") and value != "":
                expected[(row["Innovation"], row["Part"], int(column.split(".")[0]))] = int(value)
    assert active == expected
