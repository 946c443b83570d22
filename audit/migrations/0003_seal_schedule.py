"""Beat seals new audit events at minute 5 of every hour (Asia/Shanghai).

A data migration rather than CELERY_BEAT_SCHEDULE: the DatabaseScheduler reads
its schedules from these rows, which operators can see and edit in the admin.
get_or_create by name keeps it idempotent and leaves an operator's edits alone.
"""

from django.db import migrations
from django.utils import timezone

TASK = "audit.seal_events"
NAME = "封存新的审计事件（每小时）"  # 0010 renames rows of the English name


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="5",
        hour="*",
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
            "description": "把新的审计事件追加到哈希链（audit/sealing）。",
        },
    )
    if created:
        # Historical models send no signals: tell a running beat to reload,
        # as django_celery_beat's own save() would.
        PeriodicTasks.objects.update_or_create(
            ident=1, defaults={"last_update": timezone.now()}
        )


def delete_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=NAME, task=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_auditseal"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
