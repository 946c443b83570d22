"""The daily chain digest mail: subscriptions (with their history), one delivery
row per subscriber and day, and beat's schedule: every day at 08:30
Asia/Shanghai, after the 08:05 seal (migration 0003).

The schedule is a django-celery-beat row, as in 0003: operators see and edit it
in the admin; get_or_create by name leaves their edits alone."""

import django.db.models.deletion
import pghistory.utils
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

import audit.models

TASK = "audit.deliver_digest"
NAME = "向订阅的审计人员发送链摘要邮件（每天）"  # renamed by 0010


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="30",
        hour="8",
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
            "description": "每天把最新的链摘要邮件发给订阅的审计人员"
            "（audit/digest.py）。",
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
        ("audit", "0007_seal_runs"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="DigestSubscription",
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
                    "created_at",
                    models.DateTimeField(auto_now_add=True, verbose_name="created at"),
                ),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="digest_subscription",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "daily chain digest subscription",
                "verbose_name_plural": "daily chain digest mail",
                "ordering": ["user"],
                "default_permissions": ("view",),
            },
        ),
        migrations.CreateModel(
            name="DigestSubscriptionEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("pgh_context", pghistory.utils.JSONField(null=True)),
                ("pgh_context_id", models.UUIDField(null=True)),
                (
                    "pgh_session",
                    models.JSONField(
                        db_default=audit.models.AuditSession(),
                        editable=False,
                        null=True,
                        verbose_name="database session",
                    ),
                ),
                ("id", models.BigIntegerField()),
                (
                    "created_at",
                    models.DateTimeField(auto_now_add=True, verbose_name="created at"),
                ),
                (
                    "pgh_obj",
                    models.ForeignKey(
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="audit.digestsubscription",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="DigestDelivery",
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
                ("day", models.DateField(verbose_name="day")),
                (
                    "email",
                    models.EmailField(max_length=254, verbose_name="e-mail address"),
                ),
                (
                    "position",
                    models.BigIntegerField(
                        blank=True, null=True, verbose_name="position"
                    ),
                ),
                (
                    "chain_digest",
                    models.CharField(
                        blank=True, max_length=64, verbose_name="chain digest"
                    ),
                ),
                (
                    "sealed_at",
                    models.DateTimeField(
                        blank=True, null=True, verbose_name="sealed at"
                    ),
                ),
                (
                    "sealed_last_day",
                    models.PositiveIntegerField(
                        default=0, verbose_name="events sealed in the last 24 hours"
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(auto_now_add=True, verbose_name="created at"),
                ),
                (
                    "sent_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="sent at"),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "chain digest mail",
                "verbose_name_plural": "chain digest mails",
                "ordering": ["-day", "user"],
                "default_permissions": ("view",),
                "constraints": [
                    models.UniqueConstraint(
                        fields=("user", "day"),
                        name="digestdelivery_once_per_user_day",
                        violation_error_message="The chain digest was already mailed to this user on this day.",
                    )
                ],
            },
        ),
        migrations.RunPython(create_schedule, delete_schedule),
    ]
