"""The advisory locks a worker holds while it generates something.

A lock lives as long as the worker's database session, so a lock that is gone
means the worker is gone. PostgreSQL keeps advisory locks per server, not per
database: `pg_locks` lists the locks of every database on the server, and
another database (a neighbour's, a test run's) may hold the very same key.
Every look at the lock table therefore names our database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import contextmanager

from django.conf import settings
from django.db import connection
from django.db.models import Q

from .choices import ReportStatus

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


def sweep(
    model, *, lock_class: int, enqueue: Callable[[int], object], now: dt.datetime
) -> dict[str, int]:
    """Queue again the rows of `model` (a report or a rendition) whose worker is
    gone (running, and no lock for them in this database) and those queued too
    long ago or never handed to the broker; `enqueue(pk)` publishes one."""
    table = connection.ops.quote_name(model._meta.db_table)  # a model's, not input
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {table} r
            SET status = %s
            WHERE r.status = %s AND NOT EXISTS (
                SELECT 1 FROM pg_locks l
                WHERE l.locktype = 'advisory' AND l.granted
                  AND l.database = (
                      SELECT oid FROM pg_database WHERE datname = current_database()
                  )
                  AND l.classid = %s AND l.objid = r.id AND l.objsubid = 2
            )
            RETURNING r.id
            """,  # noqa: S608
            [ReportStatus.QUEUED, ReportStatus.RUNNING, lock_class],
        )
        orphaned = [row[0] for row in cursor.fetchall()]
    cutoff = now - dt.timedelta(minutes=settings.REPORTS_REQUEUE_AFTER_MINUTES)
    stale = list(
        model.objects.filter(status=ReportStatus.QUEUED)
        .filter(Q(queued_at__lt=cutoff) | Q(queued_at__isnull=True))
        .exclude(pk__in=orphaned)
        .values_list("pk", flat=True)
    )
    for pk in [*orphaned, *stale]:
        enqueue(pk)
    return {"orphaned": len(orphaned), "stale": len(stale)}
