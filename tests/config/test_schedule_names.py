"""Beat's schedules are named in Chinese; rows made under the English names are
renamed by a data migration that keeps their schedule."""

import importlib
import json

import pytest
from django.apps import apps
from django_celery_beat.models import CrontabSchedule, PeriodicTask

reports_rename = importlib.import_module(
    "reports.migrations.0004_schedule_names_in_chinese"
)
audit_rename = importlib.import_module(
    "audit.migrations.0010_schedule_names_in_chinese"
)
CREATORS = [
    importlib.import_module("reports.migrations.0002_schedules").create_schedules,
    importlib.import_module("audit.migrations.0003_seal_schedule").create_schedule,
    importlib.import_module("audit.migrations.0008_digest_mail").create_schedule,
    importlib.import_module("tracker.migrations.0018_light_schedules").create_schedules,
]

pytestmark = pytest.mark.django_db


def test_a_fresh_database_names_every_schedule_in_chinese():
    # As migrate runs them (the rows may have gone with a flushed test database).
    for create in CREATORS:
        create(apps, None)
    names = list(PeriodicTask.objects.values_list("name", flat=True))
    assert set(names) >= {
        "进展周报（每周一08:00）",
        "进展月报（每月1日08:00）",
        "补发中断的报告（每5分钟）",
        "封存新的审计事件（每小时）",
        "向订阅的审计人员发送链摘要邮件（每天）",
        "按新的一天重算在办事项的亮灯（每天00:05）",
        "人工亮灯到期后恢复计算亮灯（每5分钟）",
    }
    assert not [n for n in names if n.isascii()]


@pytest.mark.parametrize("module", [reports_rename, audit_rename])
def test_rows_under_the_english_names_are_renamed_and_keep_their_schedule(module):
    old, new, old_description, new_description = module.RENAMES[0]
    PeriodicTask.objects.filter(name=new).delete()
    crontab = CrontabSchedule.objects.create(
        minute="15", hour="7", timezone="Asia/Shanghai"
    )
    row = PeriodicTask.objects.create(
        name=old,
        task="reports.generate_scheduled_reports",
        crontab=crontab,
        kwargs=json.dumps({"kind": "weekly"}),
        description=old_description,
        enabled=False,
    )
    module.forwards(apps, None)
    row.refresh_from_db()
    assert (row.name, row.description) == (new, new_description)
    assert (row.crontab_id, row.enabled, row.kwargs) == (
        crontab.pk,
        False,
        '{"kind": "weekly"}',
    )
    module.backwards(apps, None)
    row.refresh_from_db()
    assert (row.name, row.description) == (old, old_description)


def test_an_operators_own_name_is_left_alone():
    module = reports_rename
    old, new, *_ = module.RENAMES[0]
    PeriodicTask.objects.filter(name__in=[old, new]).delete()
    crontab = CrontabSchedule.objects.create(minute="0", hour="8")
    renamed = PeriodicTask.objects.create(
        name="周一早上的周报",
        task="reports.generate_scheduled_reports",
        crontab=crontab,
    )
    # A row under the English name beside one an operator gave the Chinese name.
    english = PeriodicTask.objects.create(name=old, task="x.y", crontab=crontab)
    taken = PeriodicTask.objects.create(name=new, task="x.z", crontab=crontab)
    module.forwards(apps, None)
    renamed.refresh_from_db()
    english.refresh_from_db()
    taken.refresh_from_db()
    assert (renamed.name, english.name, taken.name) == ("周一早上的周报", old, new)
