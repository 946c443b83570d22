"""Writes made by an operator's management command are attributed to it."""

from pathlib import Path

import pytest

from audit.models import TaskEvent
from tests.processes import manage

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db(transaction=True)
def test_management_command_changes_carry_the_command_context():
    result = manage("load_demo")
    assert result.returncode == 0, result.stderr
    events = TaskEvent.objects.filter(pgh_label="insert")
    assert events.count() == 27
    contexts = {(e.pgh_context["source"], e.pgh_context["command"]) for e in events}
    assert contexts == {("command", "load_demo")}


@pytest.mark.django_db
def test_celery_task_changes_carry_the_task_context(task):
    from celery.signals import task_postrun, task_prerun

    from config.tasks import ping
    from tracker.models import Task

    task_prerun.send(sender=ping, task_id="t-42", task=ping)
    try:
        Task.objects.filter(pk=task.pk).update(description="由定时任务修改")
    finally:
        task_postrun.send(sender=ping, task_id="t-42", task=ping)
    event = TaskEvent.objects.filter(pgh_obj_id=task.pk).latest("pgh_id")
    assert event.pgh_context["source"] == "celery"
    assert event.pgh_context["task"] == "core.ping"
    assert event.pgh_context["task_id"] == "t-42"
