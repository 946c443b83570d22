"""Beat's report schedules (Asia/Shanghai): the weekly report on Monday at 08:00,
the monthly report on the 1st at 08:00, and the sweeper every five minutes.

Rows in django-celery-beat's tables, so operators see and edit them in the
admin; get_or_create by name leaves an operator's edits alone. Named in
Chinese, as the admin shows them (0004 renames rows made under the English names)."""

import json

from django.db import migrations
from django.utils import timezone

SCHEDULES = [
    {
        "name": "进展周报（每周一08:00）",
        "task": "reports.generate_scheduled_reports",
        "kwargs": {"kind": "weekly"},
        "crontab": {
            "minute": "0",
            "hour": "8",
            "day_of_week": "1",
            "day_of_month": "*",
        },
        "description": "生成上一个完整周的进展报告：川渝整体及各省市。",
    },
    {
        "name": "进展月报（每月1日08:00）",
        "task": "reports.generate_scheduled_reports",
        "kwargs": {"kind": "monthly"},
        "crontab": {
            "minute": "0",
            "hour": "8",
            "day_of_week": "*",
            "day_of_month": "1",
        },
        "description": "生成上一个完整月的进展报告：川渝整体及各省市。",
    },
    {
        "name": "补发中断的报告（每5分钟）",
        "task": "reports.sweep_reports",
        "kwargs": {},
        "crontab": {
            "minute": "*/5",
            "hour": "*",
            "day_of_week": "*",
            "day_of_month": "*",
        },
        "description": "重新排队生成中断或消息丢失的报告。",
    },
]


def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    created_any = False
    for spec in SCHEDULES:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            month_of_year="*", timezone="Asia/Shanghai", **spec["crontab"]
        )
        _, created = PeriodicTask.objects.get_or_create(
            name=spec["name"],
            defaults={
                "task": spec["task"],
                "crontab": crontab,
                "kwargs": json.dumps(spec["kwargs"]),
                "description": spec["description"],
            },
        )
        created_any |= created
    if created_any:
        # Historical models send no signals: tell a running beat to reload.
        PeriodicTasks.objects.update_or_create(
            ident=1, defaults={"last_update": timezone.now()}
        )


def delete_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[s["name"] for s in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_reports"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, delete_schedules)]
