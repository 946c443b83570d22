"""Give the application's database role what it needs and nothing more.

Run by the owner (the role migrations run as) after every migrate. The app role
may read and write the service's tables, but on the audit tables it may only
read and insert (the history triggers run with the writer's rights): it can
neither change nor delete history, nor disable the triggers that protect it,
which only the tables' owner may do.
"""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction


def audit_tables() -> list[str]:
    return sorted(
        model._meta.db_table
        for model in apps.get_app_config("audit").get_models()
        if not model._meta.proxy and model._meta.managed
    )


class Command(BaseCommand):
    help = "Grant the application's database role its rights (run as the owner)."

    def add_arguments(self, parser):
        parser.add_argument("role", help="the role the web, worker and beat connect as")

    @transaction.atomic
    def handle(self, *args, role, **options):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                raise CommandError(f"Database role {role!r} does not exist.")
            # Plain strings with quoted identifiers: the audit context wrapper
            # around every command works on SQL text.
            quote = connection.ops.quote_name
            grantee = quote(role)
            for statement in (
                "GRANT USAGE ON SCHEMA public TO {}",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}",
                "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}",
            ):
                cursor.execute(statement.format(grantee))
            tables = audit_tables()
            for table in tables:
                cursor.execute(
                    f"REVOKE UPDATE, DELETE, TRUNCATE ON {quote(table)} FROM {grantee}"
                )
        self.stdout.write(
            f"Granted {role}: read and write on the service's tables; "
            f"read and insert only on {len(tables)} audit tables."
        )
