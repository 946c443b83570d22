"""Beat's schedule of the evidence upload sweeper: every hour. A
django-celery-beat row, as the other schedules: operators see and edit it in
the admin; get_or_create by name leaves their edits alone."""

from django.db import migrations
from django.utils import timezone

TASK = "tracker.sweep_evidence_uploads"
NAME = "清理未使用的佐证材料上传（每小时）"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    every_hour, _ = IntervalSchedule.objects.get_or_create(every=1, period="hours")
    _, created = PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={
            "task": TASK,
            "interval": every_hour,
            "description": "删除超过一天仍未被任何进展报送使用的佐证材料上传及其文件。",
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
        ("tracker", "0009_update_evidence"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
