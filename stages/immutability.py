"""On PostgreSQL, triggers refuse UPDATE and DELETE on the moves table and on every history
table, so the journey and the audit trail cannot be rewritten. TRUNCATE stays allowed."""

from django.apps import apps
from django.db import connections

FUNCTION = "innovate_refuse_change"


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
