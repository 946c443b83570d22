"""Park pairs hold their parks as members, one pair per park and batch, so that
a park can be paired again in a later batch and a pair can hold more than two
parties' parks. Existing pairs keep their two parks and take the batch of the
first one."""

import django.db.models.deletion
from django.db import migrations, models


def pairs_to_members(apps, schema_editor):
    ParkPair = apps.get_model("tracker", "ParkPair")
    ParkPairMember = apps.get_model("tracker", "ParkPairMember")
    for pair in ParkPair.objects.select_related("park_a", "park_b"):
        pair.batch = pair.park_a.batch
        pair.save(update_fields=["batch"])
        for park in (pair.park_a, pair.park_b):
            ParkPairMember.objects.create(pair=pair, park=park, batch=pair.batch)


def members_to_pairs(apps, schema_editor):
    ParkPair = apps.get_model("tracker", "ParkPair")
    for pair in ParkPair.objects.all():
        members = list(pair.members.order_by("park__party__sort_order", "park__name"))
        if len(members) != 2:
            raise RuntimeError(
                f"Pair {pair.pk} has {len(members)} parks: only two-park pairs "
                "can go back to the earlier schema."
            )
        pair.park_a_id, pair.park_b_id = members[0].park_id, members[1].park_id
        pair.save(update_fields=["park_a", "park_b"])


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0012_extension_granted_date"),
    ]

    operations = [
        migrations.AddField(
            model_name="parkpair",
            name="batch",
            field=models.PositiveSmallIntegerField(
                null=True,
                help_text="Year of the batch that made the pairing.",
                verbose_name="batch (year)",
            ),
        ),
        migrations.CreateModel(
            name="ParkPairMember",
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
                (
                    "batch",
                    models.PositiveSmallIntegerField(verbose_name="batch (year)"),
                ),
                (
                    "pair",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="members",
                        to="tracker.parkpair",
                        verbose_name="park pair",
                    ),
                ),
                (
                    "park",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="pair_memberships",
                        to="tracker.industrialpark",
                        verbose_name="park",
                    ),
                ),
            ],
            options={
                "verbose_name": "paired park",
                "verbose_name_plural": "paired parks",
                "ordering": ["pair", "park__party__sort_order", "park__name"],
            },
        ),
        migrations.RunPython(pairs_to_members, members_to_pairs),
        migrations.AlterField(
            model_name="parkpair",
            name="park_a",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="pair_as_a",
                to="tracker.industrialpark",
                verbose_name="park",
            ),
        ),
        migrations.AlterField(
            model_name="parkpair",
            name="park_b",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="pair_as_b",
                to="tracker.industrialpark",
                verbose_name="paired park",
            ),
        ),
        migrations.AlterModelOptions(
            name="parkpair",
            options={
                "ordering": ["initiative", "-batch", "name", "id"],
                "verbose_name": "park pair",
                "verbose_name_plural": "park pairs",
            },
        ),
        migrations.RemoveConstraint(
            model_name="parkpair",
            name="parkpair_two_parks",
        ),
        migrations.RemoveField(model_name="parkpair", name="park_a"),
        migrations.RemoveField(model_name="parkpair", name="park_b"),
        migrations.AlterField(
            model_name="parkpair",
            name="batch",
            field=models.PositiveSmallIntegerField(
                help_text="Year of the batch that made the pairing.",
                verbose_name="batch (year)",
            ),
        ),
        migrations.AddField(
            model_name="parkpair",
            name="parks",
            field=models.ManyToManyField(
                related_name="pairs",
                through="tracker.ParkPairMember",
                to="tracker.industrialpark",
                verbose_name="parks",
            ),
        ),
        migrations.AddConstraint(
            model_name="parkpair",
            constraint=models.CheckConstraint(
                condition=models.Q(("batch__gte", 2020), ("batch__lte", 2100)),
                name="parkpair_batch_year",
                violation_error_message="The batch year must be 2020 or later.",
            ),
        ),
        migrations.AddConstraint(
            model_name="parkpairmember",
            constraint=models.UniqueConstraint(
                fields=("park", "batch"),
                name="parkpairmember_one_pair_per_batch",
                violation_error_message="This park is already paired in that batch.",
            ),
        ),
        migrations.AddConstraint(
            model_name="parkpairmember",
            constraint=models.UniqueConstraint(
                fields=("pair", "park"), name="parkpairmember_once_per_pair"
            ),
        ),
    ]
