"""The audit owner role: the only role, besides the tables' owner, that may
insert history. The history trigger functions run as it (audit/triggers.py).

It is made (NOLOGIN) by the first migrate when the migrating role may create
roles, and is given ``pg_read_all_stats`` so that the triggers can record the
start time of the session that writes (otherwise hidden from another role).
The migrating role is made a member, so that it can hand the trigger functions
to it. Roles belong to the whole PostgreSQL cluster: every database of the
service on one server shares it, which is harmless, since it can log in
nowhere and holds no rights but INSERT on event tables.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, transaction

from .triggers import audit_owner_role

READ_STATS = "pg_read_all_stats"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _exists(cursor, role: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = %s", [role])
    return cursor.fetchone() is not None


def _instructions(role: str) -> str:
    return (
        f"The audit owner role {role!r} is missing, or lacks its rights, and this "
        "database role may not set it up. As a superuser, run:\n"
        f"  CREATE ROLE {_quote(role)} NOLOGIN;\n"
        f"  GRANT {READ_STATS} TO {_quote(role)};\n"
        f"  GRANT {_quote(role)} TO <the role that runs migrate>;\n"
        "then migrate again (AUDIT_OWNER_ROLE names another role)."
    )


def ensure_audit_owner(connection, role: str | None = None) -> str:
    """Make the audit owner role if missing and let the current role act as
    it. Safe to run any number of times, and from two processes at once."""
    role = role or audit_owner_role()
    with connection.cursor() as cursor:
        if not _exists(cursor, role):
            try:
                with transaction.atomic(using=connection.alias):
                    cursor.execute(f"CREATE ROLE {_quote(role)} NOLOGIN")
            except DatabaseError as error:
                # Another migrate may have made it meanwhile.
                if not _exists(cursor, role):
                    raise ImproperlyConfigured(_instructions(role)) from error
        cursor.execute(
            "SELECT r.rolsuper,"
            " pg_catalog.pg_has_role(current_user, %s, 'USAGE'),"
            " pg_catalog.pg_has_role(%s, %s, 'USAGE')"
            " FROM pg_catalog.pg_roles r WHERE r.rolname = current_user",
            [role, role, READ_STATS],
        )
        superuser, acts_as_owner, reads_stats = cursor.fetchone()
        try:
            with transaction.atomic(using=connection.alias):
                if not superuser and not acts_as_owner:
                    cursor.execute(f"GRANT {_quote(role)} TO CURRENT_USER")
                if not reads_stats:
                    cursor.execute(f"GRANT {READ_STATS} TO {_quote(role)}")
        except DatabaseError as error:
            raise ImproperlyConfigured(_instructions(role)) from error
    return role
