"""Moves and history are append-only: PostgreSQL triggers refuse UPDATE and DELETE on them, and
the admin offers no way to change a move."""

from datetime import date

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from simple_history.models import HistoricalChanges

from stages.immutability import protected_tables
from stages.models import Move, Part, Stage
from tests.factories import UserFactory, make_move, make_part

HistoricalPart = Part.history.model
HistoricalStage = Stage.history.model


def history_tables():
    return {m._meta.db_table for m in apps.get_models() if issubclass(m, HistoricalChanges)}


def test_the_moves_table_and_every_history_table_are_protected():
    assert "stages_historicalpart" in history_tables()
    assert set(protected_tables()) == {"stages_move"} | history_tables()


@pytest.mark.django_db
def test_every_protected_table_has_a_trigger_refusing_update_and_delete(postgres):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, t.tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t "
            "JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"
        )
        triggers = {}
        for table, name, definition in cursor.fetchall():
            triggers.setdefault(table, {})[name] = definition
    for table in protected_tables():
        definition = triggers[table][f"{table}_append_only"]
        assert "BEFORE DELETE OR UPDATE" in definition
        assert "FOR EACH ROW EXECUTE FUNCTION innovate_refuse_change()" in definition


@pytest.fixture
def moved(innovation, leader):
    part = make_part(innovation, by=leader)
    make_move(part, "advance", by=leader, on=date(2024, 2, 1))
    return part


def a_row(table, part):
    if table == "stages_move":
        return Move.objects.filter(part=part).latest("seq").pk
    if table == "stages_historicalpart":
        return HistoricalPart.objects.filter(id=part.pk).latest("history_id").history_id
    return HistoricalStage.objects.earliest("history_id").history_id


def read(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{column}" FROM "{table}" WHERE "{pk_column(table)}" = %s', [pk])
        return cursor.fetchone()


def pk_column(table):
    return "id" if table == "stages_move" else "history_id"


TABLES = ["stages_move", "stages_historicalpart", "stages_historicalstage"]


@pytest.mark.django_db
@pytest.mark.parametrize("table", TABLES)
def test_a_raw_update_is_refused(postgres, moved, table):
    pk = a_row(table, moved)
    column = "rationale" if table == "stages_move" else "history_change_reason"
    before = read(table, column, pk)

    with (
        pytest.raises(DatabaseError, match="UPDATE on .* is refused"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            f'UPDATE "{table}" SET "{column}" = %s WHERE "{pk_column(table)}" = %s',
            ["Rewritten.", pk],
        )

    assert read(table, column, pk) == before


@pytest.mark.django_db
@pytest.mark.parametrize("table", TABLES)
def test_a_raw_delete_is_refused(postgres, moved, table):
    pk = a_row(table, moved)

    with (
        pytest.raises(DatabaseError, match="DELETE on .* is refused"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f'DELETE FROM "{table}" WHERE "{pk_column(table)}" = %s', [pk])

    assert read(table, pk_column(table), pk) == (pk,)


@pytest.mark.django_db
def test_an_update_through_the_orm_is_refused_too(postgres, moved):
    with pytest.raises(DatabaseError), transaction.atomic():
        Move.objects.filter(part=moved).update(rationale="Rewritten.")
    assert set(Move.objects.filter(part=moved).values_list("rationale", flat=True)) == {""}


@pytest.mark.django_db
def test_a_new_move_is_still_written(postgres, moved):
    make_move(moved, "pause", by=Move.objects.first().recorded_by, on=date(2024, 3, 1))
    assert Move.objects.filter(part=moved).count() == 3


@pytest.mark.django_db
def test_the_admin_offers_no_way_to_add_change_or_delete_a_move(moved):
    request = RequestFactory().get("/admin/stages/move/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    move_admin = admin.site._registry[Move]
    move = Move.objects.filter(part=moved).first()

    assert move_admin.has_add_permission(request) is False
    assert move_admin.has_change_permission(request) is False
    assert move_admin.has_change_permission(request, move) is False
    assert move_admin.has_delete_permission(request) is False
    assert move_admin.has_delete_permission(request, move) is False
    assert move_admin.has_view_permission(request, move) is True
