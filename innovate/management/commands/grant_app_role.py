"""Give the role the app serves as exactly the privileges it needs, on PostgreSQL.

Run as the owner of the tables, after every migrate (scripts/start does): the app role may
read and write the ordinary tables, only read and add to the moves table and every history
table, and owns nothing, so it can neither disable the append-only triggers nor truncate,
update or delete the journey and its history."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from stages.immutability import protected_tables

# Read by the app, written only by migrate.
READ_ONLY = ("django_migrations",)


class Command(BaseCommand):
    help = (
        "Grant the database role the app serves as its privileges: read and write on ordinary "
        "tables, only SELECT and INSERT on the moves and history tables. Run as the owner "
        "after migrate."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help="The role the app connects as; it must own nothing.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, role, database, **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError("grant_app_role is for PostgreSQL; SQLite has no roles.")
        quote = connection.ops.quote_name
        with transaction.atomic(using=database), connection.cursor() as cursor:
            cursor.execute(
                "SELECT rolsuper, rolname = current_user, current_schema() FROM pg_roles "
                "WHERE rolname = %s",
                [role],
            )
            found = cursor.fetchone()
            if found is None:
                raise CommandError(f"There is no database role called {role}. Create it first.")
            superuser, is_owner, schema = found
            if superuser:
                raise CommandError(f"{role} is a superuser, whom no privilege binds.")
            if is_owner:
                raise CommandError(
                    f"{role} is the role running this command. Run it as the owner of the "
                    "tables and name the app's own role."
                )
            cursor.execute(
                "SELECT c.relname FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner "
                "WHERE r.rolname = %s ORDER BY c.relname LIMIT 5",
                [role],
            )
            owned = [name for (name,) in cursor.fetchall()]
            if owned:
                raise CommandError(
                    f"{role} owns {', '.join(owned)}: the app's role must own nothing, or it "
                    "could disable triggers and truncate. Give them to the owner first."
                )
            tables = set(connection.introspection.table_names(cursor))
            append_only = [t for t in protected_tables() if t in tables]
            read_only = [t for t in READ_ONLY if t in tables]
            who, where = quote(role), quote(schema)
            statements = [
                f"REVOKE ALL ON ALL TABLES IN SCHEMA {where} FROM {who}",
                f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {where} FROM {who}",
                f"GRANT USAGE ON SCHEMA {where} TO {who}",
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {where} TO {who}",
                f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {where} TO {who}",
                # Tables a later migration creates are readable and open to INSERT at once; the
                # next grant (after that migrate) completes the ordinary ones.
                f"ALTER DEFAULT PRIVILEGES IN SCHEMA {where} GRANT SELECT, INSERT ON TABLES "
                f"TO {who}",
                f"ALTER DEFAULT PRIVILEGES IN SCHEMA {where} GRANT USAGE, SELECT ON SEQUENCES "
                f"TO {who}",
            ]
            statements += [
                f"REVOKE UPDATE, DELETE ON {quote(table)} FROM {who}" for table in append_only
            ]
            statements += [
                f"REVOKE INSERT, UPDATE, DELETE ON {quote(table)} FROM {who}" for table in read_only
            ]
            for statement in statements:
                cursor.execute(statement)
        self.stdout.write(
            f"{role} may read and write {len(tables) - len(append_only) - len(read_only)} "
            f"tables, only read and add to {len(append_only)} append-only tables (moves and "
            f"history), and only read {len(read_only)}."
        )
