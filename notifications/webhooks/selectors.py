"""The reads the webhook queue and its worker make. No user is asking: these
run inside a service's transaction or in the worker, never for a page."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q

from tracker.models import TaskOwner

from .choices import DeliveryStatus
from .models import ChatWebhook, WebhookDelivery


def webhooks_subscribed(*, event: str, task=None):
    """Active webhooks that take `event`: those limited to no party, and, for
    an item, those limited to a party that owns it. One query."""
    limited = ChatWebhook.parties.through.objects.filter(chatwebhook=OuterRef("pk"))
    scope = ~Exists(limited)
    if task is not None:
        owners = TaskOwner.objects.filter(task=task).values("party")
        scope |= Exists(limited.filter(party__in=owners))
    return ChatWebhook.objects.filter(
        Q(is_active=True) & Q(events__contains=[event]) & scope
    ).order_by("pk")


def deliveries_due(*, now: dt.datetime, fresh_before: dt.datetime, max_attempts: int):
    """Ids of pending deliveries whose next attempt is due. A row never tried
    counts only once it is older than `fresh_before`: until then the message
    queued when it was written is still on its way."""
    return (
        WebhookDelivery.objects.filter(
            status=DeliveryStatus.PENDING,
            next_attempt_at__lte=now,
            attempts__lt=max_attempts,
        )
        .filter(Q(attempts__gt=0) | Q(created_at__lte=fresh_before))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)
    )
