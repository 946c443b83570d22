"""Beat's report schedules (Asia/Shanghai): the weekly report on Monday at 08:00,
the monthly report on the 1st at 08:00, and the sweeper every five minutes.

Rows in django-celery-beat's tables, so operators see and edit them in the
admin; get_or_create by name leaves an operator's edits alone."""

import json

from django.db import migrations
from django.utils import timezone

SCHEDULES = [
    {
        "name": "reports: weekly progress report (Monday 08:00)",
        "task": "reports.generate_scheduled_reports",
        "kwargs": {"kind": "weekly"},
        "crontab": {
            "minute": "0",
            "hour": "8",
            "day_of_week": "1",
            "day_of_month": "*",
        },
        "description": "The last complete week's report, for the initiative and each party.",
    },
    {
        "name": "reports: monthly progress report (1st, 08:00)",
        "task": "reports.generate_scheduled_reports",
        "kwargs": {"kind": "monthly"},
        "crontab": {
            "minute": "0",
            "hour": "8",
            "day_of_week": "*",
            "day_of_month": "1",
        },
        "description": "The last complete month's report, for the initiative and each party.",
    },
    {
        "name": "reports: re-queue stuck reports (every 5 minutes)",
        "task": "reports.sweep_reports",
        "kwargs": {},
        "crontab": {
            "minute": "*/5",
            "hour": "*",
            "day_of_week": "*",
            "day_of_month": "*",
        },
        "description": "Re-queues reports whose worker died or whose message was lost.",
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
