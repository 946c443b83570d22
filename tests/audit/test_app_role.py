"""The application's database role cannot change or delete history."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from audit.management.commands.grant_app_role import audit_tables
from tests.celery_worker import database_url
from tracker.models import Task

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app_role(db):
    role = f"tracker_app_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" LOGIN')
    yield role
    with connection.cursor() as cursor:
        cursor.execute(f'DROP OWNED BY "{role}"')
        cursor.execute(f'DROP ROLE "{role}"')


def _connect_as(role):
    cfg = connection.settings_dict
    return psycopg.connect(
        host=cfg["HOST"] or None,
        port=cfg["PORT"] or None,
        dbname=cfg["NAME"],
        user=role,
        autocommit=True,
    )


@pytest.mark.django_db(transaction=True)
def test_app_role_writes_data_but_not_history(app_role, task):
    # Through manage.py, as the migrate service runs it (inside the audit context).
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "grant_app_role", app_role],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "audit_taskevent" in audit_tables()
    with _connect_as(app_role) as conn:
        conn.execute(
            "UPDATE tracker_task SET description = 'app wrote' WHERE id = %s", [task.pk]
        )
        (events,) = conn.execute(
            "SELECT count(*) FROM audit_taskevent WHERE pgh_obj_id = %s", [task.pk]
        ).fetchone()
        assert events == 2  # insert, then the app role's update
        for statement in (
            "UPDATE audit_taskevent SET title = 'forged'",
            "DELETE FROM audit_taskevent",
            "TRUNCATE audit_taskevent",
            "ALTER TABLE audit_taskevent DISABLE TRIGGER USER",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
    assert Task.objects.get(pk=task.pk).description == "app wrote"


def test_unknown_role_is_a_clear_error(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="does not exist"):
        call_command("grant_app_role", "no_such_role_here")
