"""The read-only API: what a token reads, what it never reads, the answers to a token that is
missing, unknown, expired, revoked or another organisation's, paging and the rate limit."""

import datetime
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from apitokens import services as tokens
from apitokens.models import ApiToken
from assessments.services import evidence, sessions
from stages import services
from stages.models import stage_names
from tests.factories import InnovationFactory, make_move, make_part
from tests.innovate.api.helpers import ENDPOINTS, api_get, every_row, make_token

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def world(organisation, innovation, leader, facilitator, manager):
    """North team (started 1 Jan 2024, advanced 1 Feb, paused 1 Mar) of an open innovation; a
    restricted innovation with one part; a withdrawn innovation and a withdrawn part; a
    measure with a reading and a withdrawn reading; a held session with its decision."""
    north = make_part(innovation, by=leader, name="North team", on=D(2024, 1, 1))
    make_move(north, "advance", by=leader, on=D(2024, 2, 1))
    make_move(north, "pause", by=leader, on=D(2024, 3, 1))
    gone = make_part(innovation, by=leader, name="Mistaken part", on=D(2024, 1, 1))
    services.withdraw_part(gone, by=manager, reason="Created by mistake.")
    secret = InnovationFactory(organisation=organisation, title="Secret pilot", restricted=True)
    hidden = make_part(secret, by=manager, name="Hidden team", on=D(2024, 1, 1))
    dropped = InnovationFactory(organisation=organisation, title="Dropped idea")
    make_part(dropped, by=leader, name="Dropped team", on=D(2024, 1, 1))
    services.withdraw_innovation(dropped, by=manager, reason="Created by mistake.")
    measure = evidence.define_measure(innovation, by=leader, stage=1, name="Families reached")
    kept = evidence.record_reading(measure, by=leader, observed_on=D(2024, 1, 10), value=3)
    wrong = evidence.record_reading(measure, by=leader, observed_on=D(2024, 1, 11), value=300)
    evidence.withdraw_reading(wrong, by=leader, reason="Typed wrong.")
    session = sessions.plan_session(
        innovation,
        by=facilitator,
        held_on=D(2024, 3, 5),
        title="Spring reflection",
        facilitator=facilitator,
        parts=[north],
    )
    decision = sessions.record_decision(session, north, by=facilitator, kind="stay")
    return {
        "innovation": innovation,
        "north": north,
        "hidden": hidden,
        "secret": secret,
        "measure": measure,
        "reading": kept,
        "withdrawn_reading": wrong,
        "session": session,
        "decision": decision,
    }


@pytest.fixture
def secret(organisation, manager):
    return make_token(organisation, manager)[1]


def ids(endpoint, secret, key="id", **params):
    return {row[key] for row in every_row(endpoint, secret, **params)}


def test_innovations_are_those_of_the_organisation_not_restricted_nor_withdrawn(world, secret):
    rows = every_row("innovations", secret)
    assert [(r["title"], r["status"], r["restricted"]) for r in rows] == [
        ("Family group conferencing", "open", False)
    ]


def test_a_token_granted_restricted_innovations_reads_them(world, organisation, manager):
    _token, granted = make_token(organisation, manager, reads_restricted=True)
    assert ids("innovations", granted, "title") == {"Family group conferencing", "Secret pilot"}
    assert ids("parts", granted, "name") == {"North team", "Hidden team"}


def test_parts_carry_their_position_now_and_as_of_a_date(world, secret):
    with time_machine.travel(datetime.datetime(2024, 4, 1, 12, tzinfo=datetime.UTC)):
        (now,) = every_row("parts", secret)
        (then,) = every_row("parts", secret, on="2024-02-15")
    assert (now["name"], now["stage_number"], now["stage"], now["state"], now["cycle"]) == (
        "North team",
        2,
        stage_names()[2],
        "paused",
        1,
    )
    assert (now["as_of"], now["days_in_stage"], now["paused_days"], now["pauses"]) == (
        "2024-04-01",
        60,
        31,
        1,
    )
    assert (now["last_move"], now["last_move_on"]) == ("pause", "2024-03-01")
    assert (then["stage_number"], then["state"], then["days_in_stage"]) == (2, "active", 14)
    assert (then["last_move"], then["review_on"]) == ("advance", None)


def test_a_part_whose_latest_move_was_voided_stands_where_the_move_before_put_it(
    world, secret, leader
):
    make_move(world["north"], "void", by=leader, on=D(2024, 3, 2))
    with time_machine.travel(datetime.datetime(2024, 4, 1, 12, tzinfo=datetime.UTC)):
        (now,) = every_row("parts", secret)
    assert (now["stage_number"], now["state"], now["last_move"], now["last_move_on"]) == (
        2,
        "active",
        "advance",
        "2024-02-01",
    )
    assert (now["days_in_stage"], now["paused_days"], now["pauses"], now["review_on"]) == (
        60,
        0,
        0,
        None,
    )


def test_a_part_that_started_after_the_date_is_absent(world, secret):
    assert every_row("parts", secret, on="2023-12-31") == []


def test_durations_give_the_days_in_each_stage_and_round(world, secret):
    with time_machine.travel(datetime.datetime(2024, 4, 1, 12, tzinfo=datetime.UTC)):
        rows = every_row("durations", secret)
    assert [
        (r["stage_number"], r["cycle"], r["active_days"], r["paused_days"], r["visits"])
        for r in rows
    ] == [(1, 1, 31, 0, 1), (2, 1, 29, 31, 1)]


def test_moves_readings_measures_sessions_and_decisions(world, secret):
    moves = every_row("moves", secret)
    assert [(m["kind"], m["to_stage_number"], m["to_state"], m["live"]) for m in moves] == [
        ("start", 1, "active", True),
        ("advance", 2, "active", True),
        ("pause", 2, "paused", True),
    ]
    assert ids("measures", secret, "name") == {"Families reached"}
    readings = every_row("readings", secret)
    assert [(r["id"], r["value"], r["measure_id"]) for r in readings] == [
        (world["reading"].pk, 3.0, world["measure"].pk)
    ]
    assert ids("sessions", secret, "title") == {"Spring reflection"}
    (decision,) = every_row("decisions", secret)
    assert (decision["id"], decision["kind"], decision["part_id"]) == (
        world["decision"].pk,
        "stay",
        world["north"].pk,
    )


def test_a_voided_move_and_its_void_are_marked_not_live(world, secret, leader):
    make_move(world["north"], "void", by=leader, on=D(2024, 3, 2))
    moves = every_row("moves", secret)
    assert [(m["kind"], m["live"]) for m in moves] == [
        ("start", True),
        ("advance", True),
        ("pause", False),
        ("void", False),
    ]
    assert moves[-1]["voids_id"] == moves[-2]["id"]


# --- Tokens that may not read ---------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_every_endpoint_answers_a_valid_token(endpoint, world, secret):
    response = api_get(endpoint, secret)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["items"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_every_endpoint_refuses_a_missing_expired_revoked_or_unknown_token(
    endpoint, world, organisation, manager
):
    token, secret = make_token(organisation, manager, days=1)
    expired, revoked = make_token(organisation, manager)[1], make_token(organisation, manager)
    ApiToken.objects.filter(prefix=expired.split("_")[1]).update(
        expires_on=timezone.localdate() - timedelta(days=1)
    )
    tokens.revoke_token(revoked[0], by=manager)
    answers = {
        "none": api_get(endpoint),
        "not bearer": api_get(endpoint, headers={"authorization": f"Basic {secret}"}),
        "expired": api_get(endpoint, expired),
        "revoked": api_get(endpoint, revoked[1]),
        "unknown": api_get(endpoint, secret[:-4] + "AAAA"),
        "malformed": api_get(endpoint, "x" * 5000),
    }
    assert {name: r.status_code for name, r in answers.items()} == dict.fromkeys(answers, 401)
    assert "Authorization: Bearer" in answers["none"].json()["detail"]
    assert "expired at the end of" in answers["expired"].json()["detail"]
    assert "was revoked on" in answers["revoked"].json()["detail"]
    assert "not known" in answers["unknown"].json()["detail"]
    assert all(r["WWW-Authenticate"] == "Bearer" for r in answers.values())


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_another_organisations_token_reads_only_its_own(
    endpoint, world, other_organisation, outsider, secret
):
    theirs = InnovationFactory(organisation=other_organisation, title="Their innovation")
    part = make_part(theirs, by=outsider, name="Their team", on=D(2024, 1, 1))
    measure = evidence.define_measure(theirs, by=outsider, stage=1, name="Their measure")
    evidence.record_reading(measure, by=outsider, observed_on=D(2024, 1, 2), value=1)
    session = sessions.plan_session(
        theirs,
        by=outsider,
        held_on=D(2024, 1, 3),
        title="Their session",
        facilitator=outsider,
        parts=[part],
    )
    sessions.record_decision(session, part, by=outsider, kind="stay")
    other_secret = make_token(other_organisation, outsider, reads_restricted=True)[1]
    key = "part_id" if endpoint == "durations" else "id"
    ours, theirs_rows = ids(endpoint, secret, key), ids(endpoint, other_secret, key)
    assert ours and theirs_rows
    assert not ours & theirs_rows
    text = api_get(endpoint, other_secret).content.decode()
    for name in ("Family group conferencing", "North team", "Secret pilot", "Hidden team"):
        assert name not in text


def test_a_token_stops_working_the_day_after_its_expiry(world, organisation, manager):
    _token, secret = make_token(organisation, manager, days=1)
    tomorrow = timezone.localdate() + timedelta(days=1)
    evening = datetime.datetime.combine(tomorrow, datetime.time(22, 0))
    with time_machine.travel(timezone.make_aware(evening)):
        assert api_get("innovations", secret).status_code == 200
    with time_machine.travel(timezone.make_aware(evening) + timedelta(hours=3)):
        assert api_get("innovations", secret).status_code == 401


def test_last_used_is_written_at_most_once_a_minute(world, organisation, manager):
    token, secret = make_token(organisation, manager)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        api_get("innovations", secret)
        token.refresh_from_db()
        assert token.last_used_at == start
        with time_machine.travel(start + timedelta(seconds=59), tick=False):
            api_get("innovations", secret)
            token.refresh_from_db()
            assert token.last_used_at == start
        with time_machine.travel(start + timedelta(seconds=61), tick=False):
            api_get("innovations", secret)
            token.refresh_from_db()
            assert token.last_used_at == start + timedelta(seconds=61)
    assert token.history.count() == 1


# --- Paging -----------------------------------------------------------------------------------


def test_a_thousand_moves_come_in_pages_in_id_order_each_once(organisation, innovation, leader):
    from stages.models import Move, MoveKind, Part, Stage

    parts = [make_part(innovation, by=leader, name=f"Team {n}") for n in range(4)]
    stage = Stage.objects.get(number=1)
    # Straight into the table (as the bench generator does), each part's version kept equal
    # to its latest move's number, as the database requires.
    Move.objects.bulk_create(
        Move(
            organisation=organisation,
            part=parts[n % 4],
            seq=2 + n // 4,
            kind=MoveKind.ADVANCE,
            from_stage=stage,
            to_stage=stage,
            from_state="active",
            to_state="active",
            cycle=1,
            effective_on=D(2024, 1, 2),
            recorded_by=leader,
        )
        for n in range(996)
    )
    Part.objects.filter(pk__in=[p.pk for p in parts]).update(version=1 + 996 // 4)
    secret = make_token(organisation, leader)[1]
    expected = list(Move.objects.order_by("pk").values_list("pk", flat=True))
    assert len(expected) == 1000
    seen, pages = [], 0
    response = api_get("moves", secret, limit=300)
    while True:
        body = response.json()
        seen += [m["id"] for m in body["items"]]
        pages += 1
        if body["next"] is None:
            break
        assert body["next"].startswith("http://testserver/api/moves?")
        assert "limit=300" in body["next"]
        response = api_get(body["next"], secret)
    assert seen == expected
    assert pages == 4


def test_a_full_last_page_is_followed_by_no_other(world, secret):
    body = api_get("moves", secret, limit=3).json()
    assert len(body["items"]) == 3
    assert body["next"] is None


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": "YWZ0ZXI6LTE"}, "cursor"),  # "after:-1"
        ({"limit": "0"}, "limit"),
        ({"limit": "1001"}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"on": "2024-13-01"}, "on"),
        ({"on": "2999-01-01"}, "on"),
    ],
)
def test_bad_paging_or_dates_are_refused_with_a_message(world, secret, params, words):
    response = api_get("parts", secret, **params)
    assert response.status_code == 422
    assert words in response.content.decode()


def test_a_cursor_from_another_organisations_rows_reveals_nothing(world, secret):
    body = api_get("moves", secret, cursor="YWZ0ZXI6MA").json()  # "after:0"
    assert {m["part_id"] for m in body["items"]} == {world["north"].pk}


# --- The rate limit ---------------------------------------------------------------------------


def test_past_the_limit_a_token_gets_429_with_retry_after(
    world, secret, settings, organisation, manager
):
    settings.API_REQUESTS_PER_MINUTE = 3
    minute = timezone.now().replace(second=10, microsecond=0)
    with time_machine.travel(minute, tick=False):
        answers = [api_get("innovations", secret).status_code for _ in range(4)]
        refused = api_get("parts", secret)
        _other, another = make_token(organisation, manager)
        assert api_get("innovations", another).status_code == 200
    assert answers == [200, 200, 200, 429]
    assert refused.status_code == 429
    assert refused["Retry-After"] == "50"
    assert refused.json() == {
        "detail": "Too many requests with this token: at most 3 a minute. Try again in 50 seconds."
    }
    with time_machine.travel(minute + timedelta(minutes=1), tick=False):
        assert api_get("innovations", secret).status_code == 200


# --- Queries ----------------------------------------------------------------------------------


def _grow(innovation, leader, facilitator, n):
    """`n` parts, each with an advance, a pause and a rewind, a measure with a reading, and a
    session deciding for each."""
    parts = [make_part(innovation, by=leader, name=f"Team {i}") for i in range(n)]
    for part in parts:
        make_move(part, "advance", by=leader, on=D(2024, 2, 1))
        make_move(part, "pause", by=leader, on=D(2024, 3, 1))
        make_move(part, "rewind", by=leader, on=D(2024, 4, 1), to_stage=1)
        measure = evidence.define_measure(
            innovation, by=leader, stage=1, name=f"Measure of {part.name}", part=part
        )
        evidence.record_reading(measure, by=leader, observed_on=D(2024, 1, 5), value=2)
    session = sessions.plan_session(
        innovation,
        by=facilitator,
        held_on=D(2024, 4, 2),
        title="Review",
        facilitator=facilitator,
        parts=parts,
    )
    for part in parts:
        sessions.record_decision(session, part, by=facilitator, kind="stay")
    return parts


# Authenticating the token is one query; the page's rows one more (a part's position and
# durations read with it, from its visits); the durations of a page's parts one more.
QUERIES = {
    "innovations": 2,
    "parts": 2,
    "durations": 3,
    "moves": 2,
    "measures": 2,
    "readings": 2,
    "sessions": 2,
    "decisions": 2,
}


@pytest.mark.parametrize("n", [2, 20])
def test_each_page_runs_a_fixed_number_of_queries(
    n, organisation, innovation, leader, facilitator, manager, django_assert_num_queries
):
    parts = _grow(innovation, leader, facilitator, n)
    secret = make_token(organisation, manager)[1]
    api_get("innovations", secret)  # the token's last use is written once a minute
    stage_names()
    rows = {"innovations": 1, "sessions": 1, "moves": 4 * n, "durations": 2 * n}
    for endpoint in ENDPOINTS:
        with django_assert_num_queries(QUERIES[endpoint]):
            response = api_get(endpoint, secret)
        assert response.status_code == 200
        assert len(response.json()["items"]) == rows.get(endpoint, n), endpoint
        if endpoint in {"parts", "measures"}:
            text = response.content.decode()
            assert all(part.name in text for part in parts), endpoint
    # A date before the parts' latest moves is read from the log: two queries more.
    with django_assert_num_queries(QUERIES["parts"] + 2):
        response = api_get("parts", secret, on="2024-03-15")
    assert [row["state"] for row in response.json()["items"]] == ["paused"] * n
