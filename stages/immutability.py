"""On PostgreSQL, triggers refuse UPDATE and DELETE on the moves table and on every history
table, so the journey and the audit trail cannot be rewritten. TRUNCATE stays allowed.

A second pair of triggers keeps each part's row in step with its log: when a transaction
commits, a part's version must be the seq of its latest move, whoever wrote it."""

from django.apps import apps
from django.db import connections

FUNCTION = "innovate_refuse_change"
VERSION_FUNCTION = "innovate_part_version_is_latest_move"
VERSION_TRIGGERS = {
    "stages_part": "stages_part_version_is_latest_move",
    "stages_move": "stages_move_part_version_is_latest_move",
}


def protected_tables():
    """The moves table and every simple-history table, found from the installed models."""
    tables = []
    for model in apps.get_models():
        if model._meta.label == "stages.Move" or (
            hasattr(model, "history_id") and model.__name__.startswith("Historical")
        ):
            tables.append(model._meta.db_table)
    return sorted(tables)


def install_triggers(using="default", **kwargs):
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '% on % is refused: this record is append-only',
                    TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
            END;
            $$ LANGUAGE plpgsql
            """
        )
        existing = set(connection.introspection.table_names(cursor))
        for table in protected_tables():
            if table not in existing:
                continue
            cursor.execute(
                f"CREATE OR REPLACE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE "
                f'ON "{table}" FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()'
            )
        if {"stages_part", "stages_move"} <= existing:
            install_version_check(cursor)


def install_version_check(cursor):
    """Deferred to commit, since a part is written a moment before or after its move in the
    same transaction. Refuses (check_violation) a part whose version is not its latest move's
    seq."""
    cursor.execute(
        f"""
        CREATE OR REPLACE FUNCTION {VERSION_FUNCTION}() RETURNS trigger AS $$
        DECLARE
            the_part bigint;
            part_version integer;
            latest integer;
        BEGIN
            IF TG_TABLE_NAME = 'stages_move' THEN
                the_part := NEW.part_id;
            ELSE
                the_part := NEW.id;
            END IF;
            SELECT version INTO part_version FROM stages_part WHERE id = the_part;
            SELECT COALESCE(MAX(seq), 0) INTO latest FROM stages_move m
                WHERE m.part_id = the_part;
            IF part_version IS DISTINCT FROM latest THEN
                RAISE EXCEPTION 'part % is at version % but its latest move is %',
                    the_part, part_version, latest
                    USING ERRCODE = 'check_violation',
                    HINT = 'A part is moved only through its log; '
                           'manage.py repair_parts mends a row from its log.';
            END IF;
            RETURN NULL;
        END;
        $$ LANGUAGE plpgsql
        """
    )
    for table, name in VERSION_TRIGGERS.items():
        events = "INSERT OR UPDATE" if table == "stages_part" else "INSERT"
        cursor.execute(f'DROP TRIGGER IF EXISTS {name} ON "{table}"')
        cursor.execute(
            f'CREATE CONSTRAINT TRIGGER {name} AFTER {events} ON "{table}" '
            f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {VERSION_FUNCTION}()"
        )
