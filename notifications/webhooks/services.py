"""Every write to webhooks and their deliveries.

`webhook_queue` runs in the transaction of the act it tells of: its rows exist
only if the act does, and their jobs are published once it commits. The worker
then makes one attempt per job (`webhook_delivery_attempt`); an attempt that
fails is tried again after BACKOFF, found by the sweeper that beat runs every
minute, so a retry never waits in the broker for hours (where a Redis
visibility timeout would hand it out twice) and survives a broker restart."""

from __future__ import annotations

import datetime as dt
import logging
import ssl
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from config.observability import metrics

from . import client, formats, selectors
from .addresses import Refused, Resolver, parse_allowed
from .choices import TEST_EVENT, DeliveryStatus
from .models import ChatWebhook, WebhookDelivery

log = logging.getLogger(__name__)

# The waits after the 1st, 2nd, … failed attempt; after the last, the
# delivery has failed.
BACKOFF = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=6),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
# The last attempt has no retry to schedule; its claim lasts this long. Past
# it, an attempt that never reported back (its worker died) counts as failed.
LAST_CLAIM = dt.timedelta(minutes=10)
# A new row is left to the job published on commit for this long before the
# sweeper publishes it again (the broker may not have taken the first).
FRESH_GRACE = dt.timedelta(minutes=1)
SWEEP_LIMIT = 500


def _absolute(link: str) -> str:
    if link.startswith("/"):
        return settings.SITE_URL.rstrip("/") + link
    return link


def _task_summary(task) -> dict | None:
    if task is None:
        return None
    return {"id": task.pk, "code": task.code, "title": task.title}


def _deliveries_queue(
    hooks: Iterable[ChatWebhook],
    *,
    event: str,
    title: str,
    body: str,
    link: str,
    task=None,
) -> list[WebhookDelivery]:
    """One delivery per webhook of one occurrence, handed to the worker once
    the caller's transaction commits."""
    occurrence = uuid.uuid4()
    now = timezone.now()
    rows = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            webhook=hook,
            occurrence=occurrence,
            event=event,
            title=title[:200],
            body=body,
            link=_absolute(link)[:500],
            task=task,
            next_attempt_at=now,
            created_at=now,
        )
        for hook in hooks
    )
    ids = [row.pk for row in rows]
    transaction.on_commit(lambda: webhook_deliveries_publish(ids=ids))
    return rows


@transaction.atomic
def webhook_queue(
    *, event: str, title: str, body: str = "", link: str = "", task=None
) -> list[WebhookDelivery]:
    """One delivery per active webhook subscribed to `event` (and, when it is
    limited to some parties, concerned by `task`), in the caller's
    transaction; each is handed to the worker once the transaction commits."""
    hooks = list(selectors.webhooks_subscribed(event=event, task=task))
    if not hooks:
        return []
    if not link and task is not None:
        link = reverse("tracker:task_detail", args=[task.pk])
    return _deliveries_queue(
        hooks, event=event, title=title, body=body, link=link, task=task
    )


def webhook_deliveries_publish(*, ids: Iterable[int]) -> int:
    """Hand each delivery's job to the broker; never raises and waits at most
    BROKER_PUBLISH_TIMEOUT for a broker that is away (the sweeper publishes
    what is left when it is back). Returns how many were handed over."""
    from config.celery import publish

    from .tasks import deliver_webhook

    handed = 0
    for pk in ids:
        try:
            publish(deliver_webhook, args=[pk], queue=settings.REPORTS_QUEUE)
        except Exception:
            log.warning("webhook delivery %s not queued; the sweeper will", pk)
            break
        handed += 1
    return handed


@transaction.atomic
def _claim(*, delivery_id: int, now: dt.datetime) -> WebhookDelivery | None:
    """Take the next attempt of a due delivery, or None when it is not due
    (sent, failed, or claimed by another run). One conditional UPDATE: of two
    runs at once, PostgreSQL lets one through and the other finds the row no
    longer due. The claim also schedules the retry, in case this worker dies
    before it reports."""
    retry_at = Case(
        *(When(attempts=n, then=Value(now + wait)) for n, wait in enumerate(BACKOFF)),
        default=Value(now + LAST_CLAIM),
    )
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id,
        status=DeliveryStatus.PENDING,
        next_attempt_at__lte=now,
        attempts__lt=MAX_ATTEMPTS,
    ).update(attempts=F("attempts") + 1, next_attempt_at=retry_at, last_attempt_at=now)
    if not claimed:
        return None
    return WebhookDelivery.objects.select_related("webhook").get(pk=delivery_id)


@transaction.atomic
def _record(
    delivery: WebhookDelivery,
    *,
    error: str | None = None,
    final: bool = False,
    code: int | None = None,
) -> str:
    """The outcome of the attempt `delivery` claimed: sent, failed for good,
    or pending until its retry."""
    if error is None:
        status = DeliveryStatus.SENT
    elif final or delivery.attempts >= MAX_ATTEMPTS:
        status = DeliveryStatus.FAILED
    else:
        status = DeliveryStatus.PENDING
    changes = {"status": status, "response_code": code, "last_error": error or ""}
    if status == DeliveryStatus.SENT:
        changes["sent_at"] = timezone.now()
    WebhookDelivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.PENDING, attempts=delivery.attempts
    ).update(**changes)
    result = {DeliveryStatus.SENT: "sent", DeliveryStatus.FAILED: "failed"}
    transaction.on_commit(
        lambda: metrics.notification_counted("webhook", result.get(status, "retry"))
    )
    return status


def webhook_delivery_attempt(
    *,
    delivery_id: int,
    resolver: Resolver | None = None,
    context: ssl.SSLContext | None = None,
) -> str | None:
    """Make the due attempt of one delivery; its new status, or None when
    there was nothing to do. Safe to run twice: the second finds nothing due.

    Not one transaction: none stays open while a receiver takes its time.
    `resolver` and `context` replace the system's DNS and TLS trust (tests)."""
    with translation.override(settings.LANGUAGE_CODE):
        delivery = _claim(delivery_id=delivery_id, now=timezone.now())
        if delivery is None:
            return None
        hook = delivery.webhook
        if not hook.is_active and delivery.event != TEST_EVENT:
            return _record(delivery, error=_("the webhook is switched off"), final=True)
        message = formats.Message(
            delivery_id=str(delivery.delivery_id),
            event=delivery.event,
            title=delivery.title,
            body=delivery.body,
            link=delivery.link,
            task=_task_summary(delivery.task) if delivery.task_id else None,
        )
        outgoing = formats.build(
            hook.kind, hook.url, hook.secret, message, timezone.now()
        )
        try:
            response = client.post(
                outgoing.url,
                outgoing.body,
                outgoing.headers,
                allowed=parse_allowed(hook.allowed_addresses),
                resolver=resolver,
                context=context,
            )
        except Refused as exc:
            reason = _("Refused: %(reason)s") % {"reason": exc}
            log.warning("webhook delivery %s refused: %s", delivery.pk, exc)
            return _record(delivery, error=reason, final=True)
        except client.DeliveryError as exc:
            return _record(delivery, error=str(exc))
        problem = formats.refusal(hook.kind, response.status, response.body)
        return _record(delivery, error=problem, code=response.status)


def webhook_delivery_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Publish the deliveries whose attempt is due (retries, and rows whose
    first job the broker never took); mark failed those whose last attempt
    never reported back."""
    now = now or timezone.now()
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        abandoned = WebhookDelivery.objects.filter(
            status=DeliveryStatus.PENDING,
            attempts__gte=MAX_ATTEMPTS,
            next_attempt_at__lte=now,
        ).update(
            status=DeliveryStatus.FAILED,
            last_error=_("the last attempt did not report back"),
        )
    due = list(
        selectors.deliveries_due(
            now=now, fresh_before=now - FRESH_GRACE, max_attempts=MAX_ATTEMPTS
        )[:SWEEP_LIMIT]
    )
    return {
        "due": len(due),
        "published": webhook_deliveries_publish(ids=due) if due else 0,
        "abandoned": abandoned,
    }


@transaction.atomic
def webhook_deliveries_retry(*, ids: Iterable[int]) -> int:
    """Give failed deliveries a fresh round of attempts (the admin's action)."""
    rows = WebhookDelivery.objects.filter(
        pk__in=list(ids), status=DeliveryStatus.FAILED
    )
    again = list(rows.values_list("pk", flat=True))
    rows.update(
        status=DeliveryStatus.PENDING,
        attempts=0,
        next_attempt_at=timezone.now(),
        last_error="",
        response_code=None,
    )
    if again:
        transaction.on_commit(lambda: webhook_deliveries_publish(ids=again))
    return len(again)


@transaction.atomic
def webhook_send_test(*, webhooks: Iterable[ChatWebhook]) -> list[WebhookDelivery]:
    """A test message to each webhook, active or not, whatever its events:
    what an administrator sends after setting one up."""
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Test message")
        body = _(
            "This webhook is set up: notifications of the Chengdu–Chongqing "
            "joint task list will arrive here."
        )
    return _deliveries_queue(
        webhooks, event=TEST_EVENT, title=title, body=body, link="/"
    )
