"""The history of the evaluation results recorded before evaluation cycles
outlives their table (tracker 0016 removes it): the event model is defined by
hand, the tracked row's id a plain number. Only the migration state changes:
the column (pgh_obj_id, bigint, never constrained) and every row stay as they
are, so their seals still verify."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0022_park_query_event"),
    ]

    operations = [
        # What the kept rows are the history of: no table (managed = False).
        migrations.CreateModel(
            name="RetiredParkEvaluation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
            ],
            options={
                "verbose_name": "park evaluation (before evaluation cycles)",
                "verbose_name_plural": "park evaluations (before evaluation cycles)",
                "db_table": "tracker_parkevaluation",
                "managed": False,
                "default_permissions": (),
            },
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="parkevaluationevent",
                    name="pgh_obj",
                    field=models.BigIntegerField(db_column="pgh_obj_id", null=True),
                ),
            ],
            database_operations=[],
        ),
    ]
