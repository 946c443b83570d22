"""Two databases compared table by table: the row count and a checksum of
every row's text, for the drill and the tests (and an operator in doubt)."""

from __future__ import annotations

import psycopg
from psycopg import sql

from .database import public_tables


def fingerprints(url: str) -> dict[str, tuple[int, str]]:
    """{table: (rows, md5 of the rows' text in order)} for the public schema."""
    with psycopg.connect(url) as conn, conn.cursor() as cursor:
        found = {}
        for table in public_tables(cursor):
            cursor.execute(
                sql.SQL(
                    "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n'"
                    " ORDER BY t::text COLLATE \"C\"), ''))"
                    " FROM {} AS t"
                ).format(sql.Identifier(table))
            )
            found[table] = tuple(cursor.fetchone())
    return found


def differences(
    left: dict[str, tuple[int, str]], right: dict[str, tuple[int, str]]
) -> list[str]:
    return [
        f"{table}: {left.get(table)} against {right.get(table)}"
        for table in sorted(set(left) | set(right))
        if left.get(table) != right.get(table)
    ]
