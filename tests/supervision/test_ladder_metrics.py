"""The ladder's sends show on /metrics, by rung, once its run commits."""

import pytest

from tests.observability.scrape import moved, scrape
from tests.supervision.conftest import run_on

pytestmark = pytest.mark.django_db


def test_reminders_sent_are_counted_by_rung(
    client, item, people, django_capture_on_commit_callbacks
):
    before = scrape(client)
    with django_capture_on_commit_callbacks(execute=True):
        run = run_on("2026-02-10")
    after = scrape(client)
    assert run.notified == 2  # each party's coordinator
    sent = "tracker_reminders_sent_total"
    assert moved(before, after, sent, rung="due_soon") == 2
    notifications = "tracker_notifications_sent_total"
    assert moved(before, after, notifications, channel="in_app", result="sent") == 2
