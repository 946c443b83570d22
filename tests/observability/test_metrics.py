"""/metrics counts what the tests do: requests by route and status, their
latency and queries, report steps, notifications and reminders, the queues;
and it answers only to the token or the allowed networks."""

from __future__ import annotations

import datetime as dt
import time

import pytest
import redis
from django.test import Client
from rest_framework.test import APIClient

from config.tasks import ping
from notifications.choices import Event
from notifications.mail import mail_send
from notifications.models import Notification
from notifications.services import notify
from reports import services as reports
from tests.celery_worker import new_queue
from tests.observability.scrape import moved, scrape, value
from tests.processes import free_port

pytestmark = pytest.mark.django_db

REQUESTS = "tracker_http_requests_total"


def _api(user=None) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_authenticate(user)
    return client


def test_api_requests_are_counted_by_route_and_status(client, task, sc_coord):
    before = scrape(client)
    member, stranger = _api(sc_coord), _api()
    for _ in range(3):
        assert member.get("/api/v1/tasks/").status_code == 200
    for _ in range(2):
        assert member.get(f"/api/v1/tasks/{task.pk}/").status_code == 200
    assert member.get("/api/v1/tasks/987654/").status_code == 404
    assert stranger.get("/api/v1/tasks/").status_code == 401
    assert member.get("/no/such/page/4711/").status_code == 404
    after = scrape(client)

    def requests(route, status, method="GET"):
        return moved(
            before, after, REQUESTS, route=route, method=method, status=str(status)
        )

    assert requests("api:task-list", 200) == 3
    assert requests("api:task-list", 401) == 1
    assert requests("api:task-detail", 200) == 2
    assert requests("api:task-detail", 404) == 1
    assert requests("<unmatched>", 404) == 1
    # The first scrape is counted by the second, under its own route.
    assert requests("metrics", 200) == 1
    # Routes are pattern names: no id reaches a label.
    routes = {dict(labels).get("route") for name, labels in after}
    assert routes >= {"api:task-list", "api:task-detail", "<unmatched>"}
    assert not [r for r in routes if r and (str(task.pk) in r or "987654" in r)]

    latency = "tracker_http_request_duration_seconds_count"
    assert moved(before, after, latency, route="api:task-list", method="GET") == 4
    assert moved(before, after, latency, route="api:task-detail", method="GET") == 3
    queries = "tracker_http_request_db_queries"
    labels = {"route": "api:task-list", "method": "GET"}
    assert moved(before, after, f"{queries}_count", **labels) == 4
    # Each member's list asks the database; the refused request does not get
    # past authentication, so the sum is at least three lists' worth.
    assert moved(before, after, f"{queries}_sum", **labels) >= 3
    assert moved(before, after, f"{queries}_bucket", le="0.0", **labels) == 1


def test_a_page_and_a_post_are_counted_too(client, sc_coord):
    before = scrape(client)
    client.force_login(sc_coord)
    assert client.get("/").status_code == 200
    assert client.post("/i18n/setlang/", {"language": "en"}).status_code == 302
    after = scrape(client)
    assert moved(before, after, REQUESTS, route="home", method="GET", status="200")
    assert (
        moved(
            before, after, REQUESTS, route="set_language", method="POST", status="302"
        )
        == 1
    )


def test_metrics_answer_only_the_allowed_networks_or_the_token(client, settings):
    assert client.get("/metrics").status_code == 200  # loopback, the default
    outside = {"REMOTE_ADDR": "10.20.30.40"}
    refused = client.get("/metrics", **outside)
    assert refused.status_code == 404
    assert b"tracker_" not in refused.content

    settings.METRICS_TOKEN = "s3cret-token"
    bearer = {"HTTP_AUTHORIZATION": "Bearer s3cret-token"}
    assert client.get("/metrics", **outside, **bearer).status_code == 200
    wrong = {"HTTP_AUTHORIZATION": "Bearer s3cret-tokem"}
    assert client.get("/metrics", **outside, **wrong).status_code == 404
    # A wrong token is refused from an allowed address too: it is a mistake
    # (or a guess) to be seen, not papered over.
    assert client.get("/metrics", **wrong).status_code == 404

    import ipaddress

    settings.METRICS_ALLOW_NETWORKS = [ipaddress.ip_network("10.20.0.0/16")]
    assert client.get("/metrics", **outside).status_code == 200
    assert client.get("/metrics").status_code == 404
    # Not a page: no login redirect, no language prefix, never cached.
    response = client.get("/metrics", **bearer)
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]


def test_queue_lengths_are_read_from_the_broker_at_scrape_time(client, settings):
    queue = new_queue()
    settings.REPORTS_QUEUE = queue
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    try:
        for _ in range(2):
            ping.apply_async(queue=queue)
        scraped = scrape(client)
        assert value(scraped, "tracker_celery_queue_length", queue=queue) == 2
        assert value(scraped, "tracker_broker_up") == 1
    finally:
        broker.delete(queue)
        broker.close()


def test_an_unreachable_broker_leaves_out_the_queues_and_answers(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"
    scraped = scrape(client)
    assert value(scraped, "tracker_broker_up") == 0
    assert not [k for k in scraped if k[0] == "tracker_celery_queue_length"]


def test_report_steps_are_timed_and_counted(
    client, settings, tmp_path, initiative, task
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    report, _ = reports.report_request(
        initiative=initiative, kind="weekly", today=dt.date(2026, 11, 25)
    )
    before = scrape(client)
    reports.report_generate(report_id=report.pk)
    after = scrape(client)
    steps = "tracker_report_steps_total"
    assert moved(before, after, steps, step="snapshot", format="", result="ok") == 1
    for fmt in ("html", "pdf", "xlsx"):
        for step in ("render", "store"):
            assert moved(before, after, steps, step=step, format=fmt, result="ok") == 1
    seconds = "tracker_report_step_duration_seconds"
    assert moved(before, after, f"{seconds}_count", step="render", format="pdf") == 1
    assert moved(before, after, f"{seconds}_sum", step="render", format="pdf") > 0


def test_a_failing_render_is_counted_as_an_error(
    client, settings, tmp_path, initiative, task, monkeypatch
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    from reports import render

    def broken(fmt, snapshot, *, language):
        raise RuntimeError("the renderer broke")

    monkeypatch.setattr(render, "render", broken)
    report, _ = reports.report_request(
        initiative=initiative, kind="weekly", today=dt.date(2026, 11, 25)
    )
    before = scrape(client)
    with pytest.raises(reports.ReportAttemptFailed):
        reports.report_generate(report_id=report.pk)
    after = scrape(client)
    steps = "tracker_report_steps_total"
    assert moved(before, after, steps, step="render", format="html", result="error")
    assert not moved(before, after, steps, step="store", format="html", result="ok")


def test_notifications_are_counted_by_channel_and_result(
    client, sc_coord, cq_coord, django_capture_on_commit_callbacks
):
    cq_coord.email = ""
    cq_coord.save()
    sc_coord.email = "sc@example.org"
    sc_coord.save()
    before = scrape(client)
    with django_capture_on_commit_callbacks(execute=False):
        rows = notify(
            event=Event.URGE, recipients=[sc_coord, cq_coord], title="催办：测试"
        )
    Notification.objects.filter(pk__in=[r.pk for r in rows]).update(email_mode="now")
    with django_capture_on_commit_callbacks(execute=True):
        notify(event=Event.URGE, recipients=[sc_coord], title="催办：再次")
    mail_send(notification_ids=[r.pk for r in rows])
    after = scrape(client)
    sent = "tracker_notifications_sent_total"
    assert moved(before, after, sent, channel="in_app", result="sent") == 3
    assert moved(before, after, sent, channel="email", result="sent") == 1
    assert moved(before, after, sent, channel="email", result="skipped") == 1


def test_task_counts_durations_and_failures_in_this_process(client):
    before = scrape(client)
    started = time.perf_counter()
    from notifications.tasks import send_digests

    result = send_digests.apply(args=["not-a-date"])
    assert result.failed()
    after = scrape(client)
    name = "notifications.send_digests"
    assert time.perf_counter() > started
    assert (
        moved(before, after, "tracker_celery_tasks_total", task=name, outcome="failure")
        == 1
    )
    assert (
        moved(
            before,
            after,
            "tracker_celery_task_failures_total",
            task=name,
            exception="ValueError",
        )
        == 1
    )
    assert (
        moved(before, after, "tracker_celery_task_duration_seconds_count", task=name)
        == 1
    )


def test_a_plain_client_without_loopback_is_not_special():
    # Client() talks from 127.0.0.1; a scrape through a trusted proxy counts
    # the client it names (config/proxies.py), not the proxy.
    response = Client(REMOTE_ADDR="192.0.2.7").get("/metrics")
    assert response.status_code == 404
