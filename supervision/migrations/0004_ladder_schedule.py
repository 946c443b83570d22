"""Beat's schedule of the reminder ladder: every day at 09:00 Asia/Shanghai.

A django-celery-beat row, as the report schedules are (reports/migrations/0002):
operators see and edit it in the admin; get_or_create by name leaves their
edits alone. Named in Chinese, as the admin shows it."""

from django.db import migrations
from django.utils import timezone

TASK = "supervision.run_reminder_ladder"
NAME = "督办提醒与逐级通报（每天09:00）"


def create_schedule(apps, schema_editor=None):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour="9",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Asia/Shanghai",
    )
    _, created = PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={
            "task": TASK,
            "crontab": crontab,
            "description": "按提醒规则发出到期提醒、逾期催办，逾期较久的通报专班和领导；"
            "节假日按工作日历顺延。",
        },
    )
    if created:
        # Historical models send no signals: tell a running beat to reload.
        PeriodicTasks.objects.update_or_create(
            ident=1, defaults={"last_update": timezone.now()}
        )


def delete_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=NAME, task=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0003_default_ladder_and_2026_calendar"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
