"""Webhook sends show on /metrics by result, once each attempt commits."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from notifications.webhooks.choices import DeliveryStatus, WebhookKind
from tests.observability.scrape import moved, scrape

from .test_webhooks import attempt, hook, only_delivery, urge
from .webhooks_receiver import Answer, Receiver

pytestmark = pytest.mark.django_db


def test_webhook_attempts_are_counted_by_result(
    client, task, django_capture_on_commit_callbacks
):
    before = scrape(client)
    with Receiver() as receiver:
        receiver.answer(Answer(500, b"upstream down"), Answer(200, {"errcode": 0}))
        hook(receiver.url("/cgi-bin/webhook/send?key=k"), WebhookKind.WECOM)
        urge(task)
        delivery = only_delivery()
        start = timezone.now()
        with django_capture_on_commit_callbacks(execute=True):
            assert attempt(delivery) == DeliveryStatus.PENDING
        with (
            time_machine.travel(start + dt.timedelta(minutes=1, seconds=5)),
            django_capture_on_commit_callbacks(execute=True),
        ):
            assert attempt(delivery) == DeliveryStatus.SENT
    after = scrape(client)
    sent = "tracker_notifications_sent_total"
    assert moved(before, after, sent, channel="webhook", result="retry") == 1
    assert moved(before, after, sent, channel="webhook", result="sent") == 1
    assert moved(before, after, sent, channel="webhook", result="failed") == 0
