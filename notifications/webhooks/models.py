"""Webhooks an administrator set up, and each message owed to one of them."""

import ipaddress
import uuid

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.choices import Event

from .addresses import Refused, validate_url
from .choices import DELIVERY_EVENTS, DeliveryStatus, WebhookKind

# Kinds that sign with a secret, and the one that must (a generic receiver has
# no other way to know the message is ours).
SIGNED_KINDS = {WebhookKind.DINGTALK, WebhookKind.FEISHU, WebhookKind.GENERIC}


def mask(secret: str) -> str:
    """Enough of a secret to tell two apart, never enough to use one."""
    if not secret:
        return ""
    return secret[:4] + "******" if len(secret) > 8 else "******"


class ChatWebhook(models.Model):
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("platform"), max_length=16, choices=WebhookKind)
    url = models.URLField(
        _("webhook URL"),
        max_length=500,
        help_text=_(
            "The address the platform gives for the robot. A WeCom robot's key "
            "is part of it."
        ),
    )
    secret = models.CharField(
        _("signing secret"),
        max_length=200,
        blank=True,
        help_text=_(
            "DingTalk: the secret under 加签 in the robot's security settings. "
            "Feishu: the 签名校验 secret. Generic webhook: the HMAC key "
            "(required). WeCom robots have none."
        ),
    )
    # Event values without their choices in the schema: a new event in
    # notifications.choices needs no migration here (the form offers them).
    events = ArrayField(
        models.CharField(max_length=32),
        verbose_name=_("events"),
        default=list,
        help_text=_("The notifications this webhook receives."),
    )
    parties = models.ManyToManyField(
        "accounts.Party",
        verbose_name=_("only items of these parties"),
        blank=True,
        related_name="+",
        help_text=_(
            "Leave empty for every item. When set, only notifications about "
            "items these parties own are sent, and none that concern no item."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    allowed_addresses = ArrayField(
        models.CharField(max_length=64),
        verbose_name=_("allowed internal addresses"),
        default=list,
        blank=True,
        help_text=_(
            "Loopback, private, link-local and other internal addresses are "
            "refused. List here, separated by commas, the addresses or networks "
            "(such as 10.20.0.5 or 10.20.0.0/24) this webhook may reach "
            "nevertheless. Leave empty unless the receiver is inside the "
            "government network."
        ),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("group-chat robot or webhook")
        verbose_name_plural = _("group-chat robots and webhooks")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        for entry in self.allowed_addresses:
            try:
                ipaddress.ip_network(entry.strip(), strict=False)
            except ValueError:
                errors["allowed_addresses"] = _(
                    "%(entry)s is not an address or network."
                ) % {"entry": entry}
                break
        if self.url and "allowed_addresses" not in errors:
            try:
                validate_url(self.url, self.allowed_addresses)
            except Refused as exc:
                errors["url"] = _("This address cannot be used: %(reason)s.") % {
                    "reason": exc
                }
        if self.kind == WebhookKind.GENERIC and not self.secret:
            errors["secret"] = _("A generic webhook needs a signing secret.")
        if self.kind == WebhookKind.WECOM and self.secret:
            errors["secret"] = _(
                "WeCom robots do not sign messages; their key is in the URL. "
                "Leave the secret empty."
            )
        if not self.events:
            errors["events"] = _("Choose at least one event.")
        elif set(self.events) - set(Event.values):
            errors["events"] = _("Choose events from the list.")
        if errors:
            raise ValidationError(errors)

    @property
    def masked_secret(self) -> str:
        return mask(self.secret)


class WebhookDelivery(models.Model):
    """One notification owed to one webhook. The worker claims an attempt by
    moving `next_attempt_at` to when the next one would be due (services.py),
    so a second run of the same job finds nothing due and sends nothing."""

    webhook = models.ForeignKey(
        ChatWebhook,
        verbose_name=_("webhook"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    # One notify() call: the same act sent to several webhooks shares it.
    occurrence = models.UUIDField(_("occurrence"), editable=False)
    # Sent to generic receivers (X-Tracker-Delivery) to drop repeats by.
    delivery_id = models.UUIDField(
        _("delivery ID"), default=uuid.uuid4, unique=True, editable=False
    )
    event = models.CharField(_("event"), max_length=32)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    task = models.ForeignKey(
        "tracker.Task",
        verbose_name=_("task"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=DeliveryStatus,
        default=DeliveryStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    response_code = models.PositiveSmallIntegerField(
        _("HTTP status of the answer"), null=True, blank=True
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["occurrence", "webhook"], name="webhook_delivery_once"
            ),
            models.CheckConstraint(
                condition=~Q(status=DeliveryStatus.SENT) | Q(sent_at__isnull=False),
                name="webhook_delivery_sent_has_time",
            ),
        ]
        indexes = [
            # The sweeper's question: which pending rows are due.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status=DeliveryStatus.PENDING),
                name="webhook_delivery_due",
            ),
            models.Index(
                fields=["webhook", "-created_at"], name="webhook_delivery_log"
            ),
        ]

    def __str__(self):
        return f"{self.webhook} · {self.title}"

    @property
    def event_label(self) -> str:
        return str(dict(DELIVERY_EVENTS).get(self.event, self.event))


# Celery's autodiscovery imports notifications.tasks only; the worker learns of
# these tasks when Django loads this module with the app's models.
from . import tasks  # noqa: E402, F401
