"""Give the application's database role what it needs and nothing more.

Run by the owner (the role migrations run as) after every migrate. The app role
may read and write the service's tables. History it may only read: the event
tables are written by the history triggers, which run as the audit owner role
(audit/triggers.py), so the app role needs no INSERT there, and a session
setting cannot switch them off. The seal ledger and the security events it may
read and append to (the sealer and the sign-in guard run as it), never change,
delete or truncate; the same for every other append-only table of the audit
app (the sealing runs, the refused rows). It owns nothing, so it can neither disable a trigger nor
alter a table, and it may not create objects in the schema.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from audit.roles import ensure_audit_owner
from audit.sealing import event_models


def event_tables() -> list[str]:
    return sorted(model._meta.db_table for model in event_models())


def _append_only(model) -> bool:
    return any(
        getattr(trigger, "name", None) == "append_only"
        for trigger in getattr(model._meta, "triggers", ())
    )


def audit_tables() -> list[str]:
    """The audit app's append-only tables that are not event tables: the
    ledger, the sealing runs, the refused rows, the security events."""
    from django.apps import apps

    events = set(event_tables())
    return sorted(
        model._meta.db_table
        for model in apps.get_app_config("audit").get_models()
        if not model._meta.proxy
        and model._meta.managed
        and model._meta.db_table not in events
        and _append_only(model)
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
        owner = ensure_audit_owner(connection)
        if role == owner:
            raise CommandError(
                f"{role!r} is the audit owner role; the application needs its own."
            )
        with connection.cursor() as cursor:
            # Plain strings with quoted identifiers: the audit context wrapper
            # around every command works on SQL text.
            quote = connection.ops.quote_name
            grantee = quote(role)
            for statement in (
                "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
                "REVOKE CREATE ON SCHEMA public FROM {}",
                "GRANT USAGE ON SCHEMA public TO {}",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}",
                "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}",
            ):
                cursor.execute(statement.format(grantee))
            history = event_tables()
            for table in history:
                cursor.execute(
                    f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES"
                    f" ON {quote(table)} FROM {grantee}"
                )
            others = audit_tables()
            for table in others:
                cursor.execute(
                    f"REVOKE UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES"
                    f" ON {quote(table)} FROM {grantee}"
                )
        self.stdout.write(
            f"Granted {role}: read and write on the service's tables; read only on "
            f"{len(history)} event tables (written by the triggers as {owner}); "
            f"read and append only on {len(others)} other audit tables."
        )
