"""pg_dump and pg_restore for the database in the settings.

Debian's PostgreSQL 15 client binaries (``PG_BIN`` names another directory;
they must be at least the server's version). The dump keeps owners and grants:
the tables' owner, the audit owner role that the history triggers run as, and
the application role's limited rights (audit/triggers.py, ``grant_app_role``)
come back exactly as they were, so the roles it names must exist on the
server restored to (restore checks first and says which are missing)."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import psycopg
from django.db import connection

BIN_DIRS = ("/usr/lib/postgresql/15/bin",)


def binary(name: str) -> str:
    for directory in filter(None, (os.environ.get("PG_BIN"), *BIN_DIRS)):
        path = Path(directory) / name
        if path.exists():
            return str(path)
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(
            f"{name} not found: install the Debian package postgresql-client-15 "
            "(or set PG_BIN to the directory that holds it)"
        )
    return found


def _environment() -> dict[str, str]:
    """libpq's variables for the connection Django uses: no password on a
    command line, where `ps` would show it."""
    settings = connection.settings_dict
    env = dict(os.environ)
    for key, var in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if settings.get(key):
            env[var] = str(settings[key])
    options = settings.get("OPTIONS") or {}
    for key, var in (
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
    ):
        if options.get(key):
            env[var] = str(options[key])
    return env


def _run(command: list[str]) -> str:
    # The PostgreSQL client binaries, with arguments made here.
    done = subprocess.run(  # noqa: S603
        command, env=_environment(), capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise RuntimeError(
            f"{Path(command[0]).name} failed ({done.returncode}): "
            f"{done.stderr.strip() or done.stdout.strip()}"
        )
    return done.stdout


def name() -> str:
    return connection.settings_dict["NAME"]


class Snapshot:
    """A transaction whose snapshot pg_dump shares (``--snapshot``): what the
    manifest says of the database (row counts, migrations) is what the dump
    holds, whatever commits meanwhile."""

    def __init__(self, cursor, snapshot_id: str):
        self.cursor = cursor
        self.id = snapshot_id

    def table_counts(self) -> dict[str, int]:
        return table_counts(self.cursor)

    def migrations(self) -> dict[str, list[str]]:
        self.cursor.execute("SELECT app, name FROM django_migrations ORDER BY 1, 2")
        applied: dict[str, list[str]] = {}
        for app, name in self.cursor.fetchall():
            applied.setdefault(app, []).append(name)
        return applied


@contextlib.contextmanager
def snapshot() -> Iterator[Snapshot]:
    settings = connection.settings_dict
    options = {
        key: value
        for key, value in (settings.get("OPTIONS") or {}).items()
        if key.startswith("ssl")
    }
    with psycopg.connect(
        host=settings.get("HOST") or None,
        port=settings.get("PORT") or None,
        user=settings.get("USER") or None,
        password=settings.get("PASSWORD") or None,
        dbname=settings["NAME"],
        **options,
    ) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_catalog.pg_export_snapshot()")
            yield Snapshot(cursor, cursor.fetchone()[0])


def dump(path: Path, *, snapshot: Snapshot) -> None:
    _run(
        [
            binary("pg_dump"),
            "--format=custom",
            "--no-password",
            f"--snapshot={snapshot.id}",
            "--file",
            str(path),
        ]
    )


def restore(path: Path, *, clean: bool) -> None:
    command = [
        binary("pg_restore"),
        "--no-password",
        "--exit-on-error",
        "--single-transaction",
        "--dbname",
        name(),
    ]
    if clean:
        command += ["--clean", "--if-exists"]
    _run([*command, str(path)])


_ROLE = r'("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)'
_OWNER = re.compile(rf"OWNER TO {_ROLE};")
_GRANT = re.compile(rf"^GRANT .* TO {_ROLE}(?: WITH GRANT OPTION)?;$", re.MULTILINE)


def roles_named(path: Path) -> set[str]:
    """The roles the dump's owners and grants name."""
    sql = _run([binary("pg_restore"), "--schema-only", "--file", "-", str(path)])
    found = set()
    for match in (*_OWNER.finditer(sql), *_GRANT.finditer(sql)):
        role = match[1]
        if role.startswith('"'):
            role = role[1:-1].replace('""', '"')
        found.add(role)
    return found - {"PUBLIC"}


def missing_roles(roles: set[str]) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolname FROM pg_catalog.pg_roles WHERE rolname = ANY(%s)",
            [sorted(roles)],
        )
        present = {row[0] for row in cursor.fetchall()}
    return sorted(roles - present)


def objects() -> dict[str, int]:
    """What the database holds outside the system schemas, by kind."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relkind, count(*)
              FROM pg_catalog.pg_class c
              JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
               AND n.nspname NOT LIKE 'pg_toast%%'
               AND n.nspname NOT LIKE 'pg_temp%%'
               AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
             GROUP BY c.relkind
            """
        )
        kinds = {"r": "tables", "p": "tables", "v": "views", "m": "views"}
        found: dict[str, int] = {}
        for kind, count in cursor.fetchall():
            label = kinds.get(kind, "sequences")
            found[label] = found.get(label, 0) + count
    return found


def server_version() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0]


def client_version() -> str:
    return _run([binary("pg_dump"), "--version"]).strip()


def public_tables(cursor) -> list[str]:
    """The tables of the public schema, by name (any DB-API cursor)."""
    cursor.execute(
        "SELECT tablename FROM pg_catalog.pg_tables"
        " WHERE schemaname = 'public' ORDER BY tablename"
    )
    return [row[0] for row in cursor.fetchall()]


def table_counts(cursor=None) -> dict[str, int]:
    """Rows per table in the public schema (exact counts)."""
    if cursor is None:
        with connection.cursor() as cursor:
            return table_counts(cursor)
    counts = {}
    for table in public_tables(cursor):
        quoted = '"' + table.replace('"', '""') + '"'
        cursor.execute(f"SELECT count(*) FROM {quoted}")  # noqa: S608  (quoted)
        counts[table] = cursor.fetchone()[0]
    return counts
