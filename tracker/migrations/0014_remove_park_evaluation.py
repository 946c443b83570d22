"""The results recorded before evaluation cycles are published cycles now
(parks 0002); their history stays in audit.ParkEvaluationEvent (audit 0022)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0013_park_pair_members"),
        ("parks", "0002_reminders_and_evaluations"),
        ("audit", "0022_park_evaluation_history_kept"),
    ]

    operations = [
        migrations.DeleteModel(name="ParkEvaluation"),
    ]
