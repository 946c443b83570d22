"""Beat's mail schedules, made by a data migration, named in Chinese; the
preferences page tells the digest's time from the row operators edit."""

import importlib

import pytest
from django.apps import apps
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from notifications import mail

schedules = importlib.import_module("notifications.migrations.0003_mail_schedules")

pytestmark = pytest.mark.django_db


def _rows():
    # As migrate makes them (a transactional test may have flushed them).
    schedules.create_schedules(apps, None)
    return {
        row.task: row
        for row in PeriodicTask.objects.filter(
            task__in=[mail.DIGEST_TASK, "notifications.sweep_mail"]
        ).select_related("crontab")
    }


def test_the_digest_at_1730_and_the_sweeper_every_five_minutes():
    rows = _rows()
    digest, sweep = rows[mail.DIGEST_TASK], rows["notifications.sweep_mail"]
    assert digest.name == "消息每日汇总邮件（每天17:30）"
    assert sweep.name == "补发未送出的消息邮件（每5分钟）"
    assert not digest.name.isascii() and not sweep.name.isascii()
    assert (digest.crontab.hour, digest.crontab.minute) == ("17", "30")
    assert str(digest.crontab.timezone) == "Asia/Shanghai"
    assert (sweep.crontab.hour, sweep.crontab.minute) == ("*", "*/5")
    assert digest.enabled and sweep.enabled
    # The tasks they name exist.
    import notifications.tasks  # noqa: F401  (as the worker's autodiscovery does)
    from config.celery import app

    assert {mail.DIGEST_TASK, "notifications.sweep_mail"} <= set(app.tasks)


def test_running_the_migration_again_keeps_an_operators_edit():
    digest = _rows()[mail.DIGEST_TASK]
    later, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="18", timezone="Asia/Shanghai"
    )
    digest.crontab = later
    digest.save()
    schedules.create_schedules(apps, None)
    assert PeriodicTask.objects.filter(task=mail.DIGEST_TASK).count() == 1
    assert mail.digest_time() == "18:00"


def test_the_page_says_when_the_digest_goes(people):
    from django.test import Client

    _rows()
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(people["sc"])
    html = client.get("/notifications/preferences/").content.decode()
    assert "每日汇总邮件于每天17:30（北京时间）发送" in html
    PeriodicTask.objects.filter(task=mail.DIGEST_TASK).update(enabled=False)
    assert mail.digest_time() is None
    html = client.get("/notifications/preferences/").content.decode()
    assert "发送时间由专班管理员设定" in html
