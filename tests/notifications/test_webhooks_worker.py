"""A real Celery worker delivers what notify() queued once the act commits,
and what the sweeper found that the broker never got."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.db import transaction
from django.utils import timezone

from notifications.choices import Event
from notifications.services import notify
from notifications.webhooks.choices import DeliveryStatus, WebhookKind
from notifications.webhooks.models import ChatWebhook, WebhookDelivery
from notifications.webhooks.tasks import sweep_webhooks
from tests.celery_worker import Worker, new_queue
from tests.factories import make_task

from .webhooks_receiver import Receiver

SECRET = "generic-hmac-key-for-the-worker"


def wait_until_sent(delivery_id: int, timeout: float = 90) -> WebhookDelivery:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = WebhookDelivery.objects.get(pk=delivery_id)
        if row.status != DeliveryStatus.PENDING:
            return row
        time.sleep(0.2)
    raise AssertionError(f"delivery {delivery_id} still pending")


@pytest.fixture
def worker(settings):
    queue = new_queue()
    settings.REPORTS_QUEUE = queue
    worker = Worker(queue).start()
    try:
        yield worker
    finally:
        worker.stop()
        if worker.proc.returncode not in (0, -15):
            print(worker.output)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_sends_on_commit_and_after_a_sweep(initiative, sc_coord, worker):
    task = make_task(initiative, code="NY-01", title="川渝1000千伏特高压交流工程")
    with Receiver(platform="generic", secret=SECRET) as receiver:
        hook = ChatWebhook.objects.create(
            name="专班系统",
            kind=WebhookKind.GENERIC,
            url=receiver.url("/events"),
            secret=SECRET,
            events=[Event.URGE],
            allowed_addresses=["127.0.0.1"],
        )
        with transaction.atomic():
            notify(
                event=Event.URGE,
                recipients=[sc_coord],
                title="请加快推进NY-01",
                body="本月底前报送进展。",
                task=task,
            )
            delivery = WebhookDelivery.objects.get()
            time.sleep(1)
            # Nothing leaves before the act commits.
            assert receiver.connections == 0
        sent = wait_until_sent(delivery.pk)
        assert sent.status == DeliveryStatus.SENT, sent.last_error
        (request,) = receiver.requests
        assert receiver.signatures == [True]
        assert request.json["title"] == "请加快推进NY-01"

        # A delivery whose job never reached the broker: the sweeper's.
        old = timezone.now() - dt.timedelta(minutes=5)
        lost = WebhookDelivery.objects.create(
            webhook=hook,
            occurrence="00000000-0000-0000-0000-00000000000f",
            event=Event.URGE,
            title="补发的催办",
            created_at=old,
            next_attempt_at=old,
        )
        assert sweep_webhooks.run()["published"] == 1
        assert wait_until_sent(lost.pk).status == DeliveryStatus.SENT
        assert [r.json["title"] for r in receiver.requests] == [
            "请加快推进NY-01",
            "补发的催办",
        ]
