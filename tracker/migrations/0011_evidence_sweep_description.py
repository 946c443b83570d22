"""The evidence sweeper's schedule described in words an operator reads, without
the module path 0010 first wrote there; an operator's own edit stays."""

from django.db import migrations

NAME = "清理未使用的佐证材料上传（每小时）"
OLD = (
    "删除超过一天仍未被任何进展报送使用的佐证材料上传及其文件"
    "（tracker/services/evidence.py）。"
)
NEW = "删除超过一天仍未被任何进展报送使用的佐证材料上传及其文件。"


def describe(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=NAME, description=OLD).update(description=NEW)


class Migration(migrations.Migration):
    dependencies = [("tracker", "0010_evidence_sweep_schedule")]

    operations = [migrations.RunPython(describe, migrations.RunPython.noop)]
