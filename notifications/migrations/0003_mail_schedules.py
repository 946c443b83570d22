"""Beat's notification mail schedules (Asia/Shanghai): the daily digest at
17:30, after the working day, and the sweeper of mail still owed every five
minutes.

Rows in django-celery-beat's tables, so operators see and edit them in the
admin; get_or_create by name leaves an operator's edits alone. Named in
Chinese, as the admin shows them."""

import json

from django.db import migrations
from django.utils import timezone

SCHEDULES = [
    {
        "name": "消息每日汇总邮件（每天17:30）",
        "task": "notifications.send_digests",
        "crontab": {"minute": "30", "hour": "17"},
        "description": "把当天尚未邮件告知的消息汇总成一封邮件，"
        "发给选择每日汇总的用户。",
    },
    {
        "name": "补发未送出的消息邮件（每5分钟）",
        "task": "notifications.sweep_mail",
        "crontab": {"minute": "*/5", "hour": "*"},
        "description": "重新排队发送消息丢失或邮件服务器拒收的消息邮件。",
    },
]


def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    created_any = False
    for spec in SCHEDULES:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone="Asia/Shanghai",
            **spec["crontab"],
        )
        _, created = PeriodicTask.objects.get_or_create(
            name=spec["name"],
            defaults={
                "task": spec["task"],
                "crontab": crontab,
                "kwargs": json.dumps({}),
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
    for spec in SCHEDULES:
        PeriodicTask.objects.filter(name=spec["name"], task=spec["task"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_preferences_and_mail"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, delete_schedules)]
