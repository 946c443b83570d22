"""The advisory locks a worker holds while it generates something.

A lock lives as long as the worker's database session, so a lock that is gone
means the worker is gone. PostgreSQL keeps advisory locks per server, not per
database: `pg_locks` lists the locks of every database on the server, and
another database (a neighbour's, a test run's) may hold the very same key.
Every look at the lock table therefore names our database."""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection

# The first keys of the two-key advisory locks this app takes.
REPORT_LOCK = 0x5245  # "RE": generating a report
RENDITION_LOCK = 0x524C  # "RL": rendering a report's files in another language


@contextmanager
def advisory_lock(classid: int, objid: int):
    """Hold the lock (classid, objid) for the block; yield whether we got it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [classid, objid])
        acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired and not database_lost():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [classid, objid])
        # A lost session took its locks with it; unlocking would only raise
        # again and hide why the block ended.


def database_lost() -> bool:
    """Whether this process's database session is gone (the server stopped or
    restarted under it, or never answered)."""
    return connection.connection is None or not connection.is_usable()
