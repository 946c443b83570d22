from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from notifications.choices import Event


class WebhookKind(models.TextChoices):
    """Which platform receives the message: each has its own format and way of
    signing (formats.py)."""

    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk custom robot")
    FEISHU = "feishu", _("Feishu custom bot")
    GENERIC = "generic", _("generic JSON webhook")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("webhook delivery", "waiting to be sent")
    SENT = "sent", pgettext_lazy("webhook delivery", "sent")
    FAILED = "failed", pgettext_lazy("webhook delivery", "failed")


# What an administrator sends to check a webhook: a delivery, not an event
# anybody subscribes to.
TEST_EVENT = "test"
DELIVERY_EVENTS = [*Event.choices, (TEST_EVENT, _("test message"))]
