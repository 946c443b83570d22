"""Beat's schedules of the stored light: every open task's light for the new
day at 00:05 Asia/Shanghai, and the lights whose override expired every five
minutes. django-celery-beat rows, as the other schedules: operators see and
edit them in the admin; get_or_create by name leaves their edits alone. The
lights of the tasks already there are stored after the migrations run
(tracker.apps.fill_derived_state), by the code of that day."""

from django.db import migrations
from django.utils import timezone

NIGHTLY = ("tracker.refresh_lights", "按新的一天重算在办事项的亮灯（每天00:05）")
EXPIRY = (
    "tracker.refresh_expired_light_overrides",
    "人工亮灯到期后恢复计算亮灯（每5分钟）",
)


def create_schedules(apps, schema_editor=None):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="5",
        hour="0",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Asia/Shanghai",
    )
    every_five, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    created = False
    for (task, name), schedule, description in (
        (
            NIGHTLY,
            {"crontab": crontab},
            "亮灯取决于当天日期：每天零点过后重算所有在办事项及其节点的亮灯、逾期天数和最近到期日。",
        ),
        (
            EXPIRY,
            {"interval": every_five},
            "人工设定的亮灯到期后，事项恢复按规则计算的亮灯。",
        ),
    ):
        _, made = PeriodicTask.objects.get_or_create(
            name=name, defaults={"task": task, "description": description, **schedule}
        )
        created = created or made
    if created:
        # Historical models send no signals: tell a running beat to reload.
        PeriodicTasks.objects.update_or_create(
            ident=1, defaults={"last_update": timezone.now()}
        )


def delete_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for task, name in (NIGHTLY, EXPIRY):
        PeriodicTask.objects.filter(name=name, task=task).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0017_stored_lights"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(create_schedules, delete_schedules),
    ]
