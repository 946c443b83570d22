"""Helpers of the hash chain tests: counting, verifying, tampering as the
tables' owner would."""

import io
import json

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import TestCase

from audit import sealing
from audit.models import AuditSeal, TaskEvent

FORGED_TITLE = "伪造的历史"


def seal() -> sealing.SealResult:
    """One sealing run, its after-commit work (the anchor file) done as a
    committed run's would be."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return sealing.seal_new_events()


def event_count() -> int:
    return sum(model.objects.count() for model in sealing.sealed_models())


def verify_output(*args) -> str:
    out = io.StringIO()
    call_command("audit_verify", *args, stdout=out)
    return out.getvalue()


def verify_error(*args) -> str:
    with pytest.raises(CommandError) as failure:
        call_command("audit_verify", *args, stdout=io.StringIO())
    return str(failure.value)


def execute(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def tampering(table: str, sql: str, params=()) -> None:
    """What someone who owns the tables can do: switch the protecting triggers
    off, write, switch them on again (inside the test's transaction)."""
    execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    execute(sql, params)
    execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def seal_of(event) -> AuditSeal:
    return AuditSeal.objects.get(
        event_table=event._meta.label_lower, event_pgh_id=event.pk
    )


def middle_task_event() -> TaskEvent:
    """A task event with sealed events on both sides of it."""
    events = list(TaskEvent.objects.order_by("pgh_id"))
    assert len(events) >= 3
    event = events[len(events) // 2]
    assert 1 < seal_of(event).position < AuditSeal.objects.count()
    return event


def named(result) -> list[tuple]:
    """(position, table, id, kind) of each finding."""
    return [(f.position, f.table, f.pgh_id, f.kind) for f in result.findings]


def forge_event(*, written_at, copy_session_of=None) -> int:
    """A task event inserted straight into the table (no trigger writes it),
    a copy of a genuine one with another title, claiming `written_at`; its
    session as PostgreSQL records it, or copied from `copy_session_of`.
    Returns its id."""
    real = TaskEvent.objects.order_by("pgh_id").first()
    own = ("pgh_id", "pgh_created_at", "title", "pgh_session")
    columns = ", ".join(
        f'"{f.column}"' for f in TaskEvent._meta.concrete_fields if f.column not in own
    )
    if copy_session_of is None:
        into, select, params = "", "", [written_at, FORGED_TITLE]
    else:
        into, select = ", pgh_session", ", %s::jsonb"
        params = [written_at, FORGED_TITLE, json.dumps(copy_session_of.pgh_session)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO audit_taskevent (pgh_created_at, title{into}, {columns})"
            f" SELECT %s, %s{select}, {columns} FROM audit_taskevent"
            " WHERE pgh_id = %s RETURNING pgh_id",
            [*params, real.pgh_id],
        )
        return cursor.fetchone()[0]


def connect_as(role, **kwargs):
    cfg = connection.settings_dict
    return psycopg.connect(
        host=cfg["HOST"] or None,
        port=cfg["PORT"] or None,
        dbname=cfg["NAME"],
        user=role,
        autocommit=True,
        **kwargs,
    )


def cut_ledger(after: int, *, runs_too: bool = True) -> None:
    """What the owner can do to the ledger: drop every entry after a
    position (and the runs that sealed them, leaving no trace inside)."""
    tables = ["audit_auditseal", *(["audit_sealrun"] if runs_too else [])]
    for table in tables:
        execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    execute("DELETE FROM audit_auditseal WHERE position > %s", [after])
    if runs_too:
        execute(
            "DELETE FROM audit_sealrun WHERE first_position > %s OR last_position > %s",
            [after, after],
        )
    for table in tables:
        execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
