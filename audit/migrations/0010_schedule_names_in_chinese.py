"""The audit schedules named in Chinese, as the admin shows them.

Renames rows 0003 and 0008 made under the English names, with their descriptions; the
schedule, arguments, enabled flag and run history stay as they are. A row an
operator renamed already is left alone, as is one whose Chinese name is taken."""

from django.db import migrations
from django.utils import timezone

RENAMES = [
    (
        "audit.seal_events: seal new audit events (hourly)",
        "封存新的审计事件（每小时）",
        "Append new audit events to the hash chain (audit/sealing.py).",
        "把新的审计事件追加到哈希链（audit/sealing）。",
    ),
    (
        "audit.deliver_digest: mail the chain digest to subscribed auditors (daily)",
        "向订阅的审计人员发送链摘要邮件（每天）",
        "E-mail the latest chain digest to each subscribed auditor, once a day "
        "(audit/digest.py).",
        "每天把最新的链摘要邮件发给订阅的审计人员（audit/digest.py）。",
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
        ("audit", "0009_task_event_list_without_default"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
