"""The app serves as a PostgreSQL role that owns nothing: `manage.py grant_app_role` lets it
read and write ordinary tables, only read and add to the moves and history tables, and nothing
more. Each test creates its role inside the test's transaction, so the role and its grants
are rolled back with it."""

import io
import uuid
from contextlib import contextmanager
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from stages.models import Move, Part
from tests.factories import make_move, make_part

APPEND_ONLY = ["stages_move", "stages_historicalpart"]


@pytest.fixture
def app_role(postgres):
    role = f"innovate_test_app_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" NOLOGIN')
    out = io.StringIO()
    call_command("grant_app_role", role, stdout=out)
    assert "only read and add to" in out.getvalue()
    return role


@contextmanager
def acting_as(role):
    with connection.cursor() as cursor:
        cursor.execute(f'SET ROLE "{role}"')
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


def refused(sql, params=(), match="permission denied"):
    with (
        pytest.raises(DatabaseError, match=match),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


@pytest.fixture
def moved(innovation, leader):
    part = make_part(innovation, by=leader, on=date(2024, 1, 2))
    make_move(part, "advance", by=leader, on=date(2024, 2, 1))
    return part


@pytest.mark.django_db
def test_the_app_role_moves_a_part_through_the_write_path(app_role, moved, leader):
    with acting_as(app_role):
        make_move(moved, "pause", by=leader, on=date(2024, 3, 1))
        assert Move.objects.filter(part=moved).count() == 3
        assert Part.history.filter(id=moved.pk).count() == 3
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone() == (app_role,)


@pytest.mark.django_db
def test_the_app_role_updates_and_deletes_ordinary_tables(app_role, moved):
    with acting_as(app_role), connection.cursor() as cursor:
        cursor.execute("UPDATE stages_part SET name = %s WHERE id = %s", ["Renamed", moved.pk])
        assert cursor.rowcount == 1
        cursor.execute("DELETE FROM django_session")
    assert Part.objects.get(pk=moved.pk).name == "Renamed"


@pytest.mark.django_db
@pytest.mark.parametrize("table", APPEND_ONLY)
def test_the_app_role_may_not_update_delete_or_truncate_the_journey_or_its_history(
    app_role, moved, table
):
    column = "rationale" if table == "stages_move" else "history_change_reason"
    with acting_as(app_role):
        refused(f'UPDATE "{table}" SET "{column}" = %s', ["Rewritten."])
        refused(f'DELETE FROM "{table}"')
        refused(f'TRUNCATE "{table}" CASCADE')
    assert Move.objects.filter(part=moved).count() == 2
    assert set(Move.objects.filter(part=moved).values_list("rationale", flat=True)) == {""}


@pytest.mark.django_db
@pytest.mark.parametrize("table", APPEND_ONLY)
def test_the_app_role_may_not_disable_the_append_only_triggers(app_role, moved, table):
    with acting_as(app_role):
        refused(f'ALTER TABLE "{table}" DISABLE TRIGGER ALL', match="must be owner")
        refused(f'ALTER TABLE "{table}" DISABLE TRIGGER "{table}_append_only"', match="owner")
        refused("SET session_replication_role = replica")
        refused(f'DROP TABLE "{table}" CASCADE', match="must be owner")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.tgenabled FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE c.relname = %s AND t.tgname = %s",
            [table, f"{table}_append_only"],
        )
        assert cursor.fetchone() == ("O",)


@pytest.mark.django_db
def test_the_app_role_may_not_create_tables_or_record_migrations(app_role):
    with acting_as(app_role):
        refused("CREATE TABLE innovate_test_intruder (id integer)")
        refused(
            "INSERT INTO django_migrations (app, name, applied) VALUES ('x', 'y', now())",
        )


@pytest.mark.django_db
def test_a_superuser_or_an_unknown_role_is_refused(postgres):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (owner,) = cursor.fetchone()
    with pytest.raises(CommandError, match="superuser|role running this command"):
        call_command("grant_app_role", owner, stdout=io.StringIO())
    with pytest.raises(CommandError, match="no database role called"):
        call_command("grant_app_role", f"nobody_{uuid.uuid4().hex[:8]}", stdout=io.StringIO())


@pytest.mark.django_db
def test_a_role_that_owns_a_table_is_refused(postgres):
    role = f"innovate_test_owner_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" NOLOGIN')
        cursor.execute("CREATE TABLE innovate_test_owned (id integer)")
        cursor.execute(f'ALTER TABLE innovate_test_owned OWNER TO "{role}"')
    with pytest.raises(CommandError, match="owns innovate_test_owned"):
        call_command("grant_app_role", role, stdout=io.StringIO())


@pytest.mark.django_db
def test_on_sqlite_the_command_says_it_is_for_postgresql():
    if connection.vendor == "postgresql":
        pytest.skip("the SQLite answer")
    with pytest.raises(CommandError, match="for PostgreSQL"):
        call_command("grant_app_role", "anyone", stdout=io.StringIO())
