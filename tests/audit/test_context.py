"""Writes made by an operator's management command are attributed to it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from audit.models import TaskEvent
from tests.config.test_celery_worker import _database_url

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db(transaction=True)
def test_management_command_changes_carry_the_command_context():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "load_demo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    events = TaskEvent.objects.filter(pgh_label="insert")
    assert events.count() == 23
    contexts = {(e.pgh_context["source"], e.pgh_context["command"]) for e in events}
    assert contexts == {("command", "load_demo")}
