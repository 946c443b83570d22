"""The report schedules named in Chinese, as the admin shows them.

Renames rows 0002 made under the English names, with their descriptions; the
schedule, arguments, enabled flag and run history stay as they are. A row an
operator renamed already is left alone, as is one whose Chinese name is taken."""

from django.db import migrations
from django.utils import timezone

RENAMES = [
    (
        "reports: weekly progress report (Monday 08:00)",
        "进展周报（每周一08:00）",
        "The last complete week's report, for the initiative and each party.",
        "生成上一个完整周的进展报告：川渝整体及各省市。",
    ),
    (
        "reports: monthly progress report (1st, 08:00)",
        "进展月报（每月1日08:00）",
        "The last complete month's report, for the initiative and each party.",
        "生成上一个完整月的进展报告：川渝整体及各省市。",
    ),
    (
        "reports: re-queue stuck reports (every 5 minutes)",
        "补发中断的报告（每5分钟）",
        "Re-queues reports whose worker died or whose message was lost.",
        "重新排队生成中断或消息丢失的报告。",
    ),
]


def rename(apps, renames):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    changed = False
    for old, new, old_description, new_description in renames:
        if PeriodicTask.objects.filter(name=new).exists():
            continue
        for row in PeriodicTask.objects.filter(name=old):
            row.name = new
            if row.description == old_description:
                row.description = new_description
            row.save(update_fields=["name", "description"])
            changed = True
    if changed:
        # Historical models send no signals: tell a running beat to reload.
        PeriodicTasks.objects.update_or_create(
            ident=1, defaults={"last_update": timezone.now()}
        )


def forwards(apps, schema_editor):
    rename(apps, RENAMES)


def backwards(apps, schema_editor):
    rename(apps, [(new, old, nd, od) for old, new, od, nd in RENAMES])


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_report_languages"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
