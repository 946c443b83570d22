"""The ladder as beat runs it: a schedule row every day at 09:00 Beijing time
(named in Chinese, editable in the admin), and the Celery task run by a real
worker process, twice, on the day it is given."""

import importlib

import pytest
from django.apps import apps
from django_celery_beat.models import PeriodicTask

from config.celery import app
from notifications.models import Notification
from supervision.models import ReminderDelivery, Urge
from supervision.tasks import run_reminder_ladder
from tests.celery_worker import Worker, new_queue

schedule = importlib.import_module("supervision.migrations.0004_ladder_schedule")


@pytest.mark.django_db
def test_beat_runs_the_ladder_every_day_at_nine_beijing_time():
    schedule.create_schedule(apps)
    row = PeriodicTask.objects.select_related("crontab").get(task=schedule.TASK)
    assert row.name == "督办提醒与逐级通报（每天09:00）"
    assert row.enabled and row.kwargs == "{}" and row.args == "[]"
    crontab = row.crontab
    assert (crontab.minute, crontab.hour, str(crontab.timezone)) == (
        "0",
        "9",
        "Asia/Shanghai",
    )
    assert (crontab.day_of_week, crontab.day_of_month, crontab.month_of_year) == (
        "*",
        "*",
        "*",
    )
    assert app.tasks[row.task].name == run_reminder_ladder.name
    assert row.description.startswith("按提醒规则发出到期提醒")


@pytest.mark.django_db
def test_an_operators_edit_of_the_schedule_is_kept():
    schedule.create_schedule(apps)
    PeriodicTask.objects.filter(task=schedule.TASK).update(enabled=False)
    schedule.create_schedule(apps)
    (row,) = PeriodicTask.objects.filter(task=schedule.TASK)
    assert not row.enabled


@pytest.fixture
def worker_queue():
    worker = Worker(new_queue()).start()
    try:
        yield worker.queue
    finally:
        worker.stop()
        if worker.proc.returncode not in (0, -15):
            print(worker.output)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_runs_the_ladder_once_a_day(item, people, worker_queue):
    first = run_reminder_ladder.apply_async(args=["2026-02-24"], queue=worker_queue)
    assert first.get(timeout=90) == {
        "today": "2026-02-24",
        "working_day": True,
        "fired": {"overdue": 1, "notice_office": 1},
        "notified": 3,
    }
    again = run_reminder_ladder.apply_async(args=["2026-02-24"], queue=worker_queue)
    assert again.get(timeout=90)["fired"] == {}
    assert Urge.objects.count() == 2
    assert ReminderDelivery.objects.count() == Notification.objects.count() == 3
    holiday = run_reminder_ladder.apply_async(args=["2026-02-17"], queue=worker_queue)
    assert holiday.get(timeout=90) == {
        "today": "2026-02-17",
        "working_day": False,
        "fired": {},
        "notified": 0,
    }
