"""Group-chat robots and webhooks, each message owed to one, and beat's
schedule of the sweeper that retries them: every minute. A django-celery-beat
row like the other schedules: operators see and edit it in the admin;
get_or_create by name leaves their edits alone."""

import uuid

import django.contrib.postgres.fields
import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models
from django.utils import timezone

TASK = "notifications.sweep_webhooks"
NAME = "重发到期的群机器人推送（每分钟）"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    _, created = PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={
            "task": TASK,
            "interval": every_minute,
            "description": "把到了重试时间的群机器人和推送接口消息重新交给后台发送，"
            "并把最后一次发送没有回音的消息记为失败。",
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
        ("accounts", "0002_membership_agency_in_party"),
        ("notifications", "0003_mail_schedules"),
        ("tracker", "0010_evidence_sweep_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.CreateModel(
            name="ChatWebhook",
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
                ("name", models.CharField(max_length=100, verbose_name="name")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("wecom", "WeCom group robot"),
                            ("dingtalk", "DingTalk custom robot"),
                            ("feishu", "Feishu custom bot"),
                            ("generic", "generic JSON webhook"),
                        ],
                        max_length=16,
                        verbose_name="platform",
                    ),
                ),
                (
                    "url",
                    models.URLField(
                        help_text="The address the platform gives for the robot. A WeCom robot's key is part of it.",
                        max_length=500,
                        verbose_name="webhook URL",
                    ),
                ),
                (
                    "secret",
                    models.CharField(
                        blank=True,
                        help_text="DingTalk: the secret under 加签 in the robot's security settings. Feishu: the 签名校验 secret. Generic webhook: the HMAC key (required). WeCom robots have none.",
                        max_length=200,
                        verbose_name="signing secret",
                    ),
                ),
                (
                    "events",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=32),
                        default=list,
                        help_text="The notifications this webhook receives.",
                        size=None,
                        verbose_name="events",
                    ),
                ),
                ("is_active", models.BooleanField(default=True, verbose_name="active")),
                (
                    "allowed_addresses",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=64),
                        blank=True,
                        default=list,
                        help_text="Loopback, private, link-local and other internal addresses are refused. List here, separated by commas, the addresses or networks (such as 10.20.0.5 or 10.20.0.0/24) this webhook may reach nevertheless. Leave empty unless the receiver is inside the government network.",
                        size=None,
                        verbose_name="allowed internal addresses",
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="created at"
                    ),
                ),
                (
                    "parties",
                    models.ManyToManyField(
                        blank=True,
                        help_text="Leave empty for every item. When set, only notifications about items these parties own are sent, and none that concern no item.",
                        related_name="+",
                        to="accounts.party",
                        verbose_name="only items of these parties",
                    ),
                ),
            ],
            options={
                "verbose_name": "group-chat robot or webhook",
                "verbose_name_plural": "group-chat robots and webhooks",
                "ordering": ["name", "id"],
            },
        ),
        migrations.CreateModel(
            name="WebhookDelivery",
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
                    "occurrence",
                    models.UUIDField(editable=False, verbose_name="occurrence"),
                ),
                (
                    "delivery_id",
                    models.UUIDField(
                        default=uuid.uuid4,
                        editable=False,
                        unique=True,
                        verbose_name="delivery ID",
                    ),
                ),
                ("event", models.CharField(max_length=32, verbose_name="event")),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                ("body", models.TextField(blank=True, verbose_name="message")),
                (
                    "link",
                    models.CharField(blank=True, max_length=500, verbose_name="link"),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "waiting to be sent"),
                            ("sent", "sent"),
                            ("failed", "failed"),
                        ],
                        default="pending",
                        max_length=16,
                        verbose_name="status",
                    ),
                ),
                (
                    "attempts",
                    models.PositiveSmallIntegerField(
                        default=0, verbose_name="attempts"
                    ),
                ),
                (
                    "next_attempt_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now,
                        verbose_name="next attempt at",
                    ),
                ),
                (
                    "last_attempt_at",
                    models.DateTimeField(
                        blank=True, null=True, verbose_name="last attempt at"
                    ),
                ),
                ("last_error", models.TextField(blank=True, verbose_name="last error")),
                (
                    "response_code",
                    models.PositiveSmallIntegerField(
                        blank=True, null=True, verbose_name="HTTP status of the answer"
                    ),
                ),
                (
                    "sent_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="sent at"),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="created at"
                    ),
                ),
                (
                    "task",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="tracker.task",
                        verbose_name="task",
                    ),
                ),
                (
                    "webhook",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="deliveries",
                        to="notifications.chatwebhook",
                        verbose_name="webhook",
                    ),
                ),
            ],
            options={
                "verbose_name": "webhook delivery",
                "verbose_name_plural": "webhook deliveries",
                "ordering": ["-created_at", "-id"],
                "indexes": [
                    models.Index(
                        condition=models.Q(("status", "pending")),
                        fields=["next_attempt_at"],
                        name="webhook_delivery_due",
                    ),
                    models.Index(
                        fields=["webhook", "-created_at"], name="webhook_delivery_log"
                    ),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("occurrence", "webhook"), name="webhook_delivery_once"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status", "sent"), _negated=True),
                            ("sent_at__isnull", False),
                            _connector="OR",
                        ),
                        name="webhook_delivery_sent_has_time",
                    ),
                ],
            },
        ),
        migrations.RunPython(create_schedule, delete_schedule),
    ]
