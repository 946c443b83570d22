"""The real processes: gunicorn and a Celery worker (prefork, as deployed)
sharing one PROMETHEUS_MULTIPROC_DIR, so the web's /metrics shows what the
worker ran; and with LOG_FORMAT=json every line both write is one JSON
object, the request's lines and its task's lines with the same request id."""

from __future__ import annotations

import json

import pytest
import requests
from django.utils import timezone
from rest_framework.authtoken.models import Token

from config.tasks import ping
from reports.choices import ReportStatus
from reports.models import Report
from tests.celery_worker import Worker, new_queue
from tests.observability.scrape import samples, value
from tests.processes import WebServer, wait_for


def _stop(*processes) -> None:
    for process in processes:
        process.stop()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_webs_metrics_show_what_the_worker_ran(tmp_path, sichuan, chongqing):
    shared = tmp_path / "metrics"
    shared.mkdir()
    queue = new_queue()
    env = {"PROMETHEUS_MULTIPROC_DIR": str(shared), "REPORTS_QUEUE": queue}
    web = WebServer(**env).start()
    worker = Worker(queue, concurrency=2, **env).start()
    try:
        for _ in range(3):
            assert ping.apply_async(queue=queue).get(timeout=90)["pong"] is True
        for _ in range(2):
            assert requests.get(web.url + "/healthz", timeout=10).status_code == 200
        response = requests.get(web.url + "/metrics", timeout=10)
        assert response.status_code == 200, response.text
        scraped = samples(response.text)
    finally:
        _stop(worker, web)
    tasks = "tracker_celery_tasks_total"
    assert value(scraped, tasks, task="core.ping", outcome="success") == 3
    assert (
        value(scraped, "tracker_celery_task_duration_seconds_count", task="core.ping")
        == 3
    )
    requests_total = "tracker_http_requests_total"
    assert (
        value(scraped, requests_total, route="healthz", method="GET", status="200") == 2
    )
    assert value(scraped, "tracker_celery_queue_length", queue=queue) == 0
    # The children wrote their values to the shared directory.
    assert list(shared.glob("counter_*.db"))


def _lines(output: str) -> list[dict]:
    parsed = []
    for number, line in enumerate(output.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            parsed.append(json.loads(line))
        except json.JSONDecodeError:
            pytest.fail(f"line {number} is not JSON: {line!r}")
    return parsed


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_json_logs_carry_the_request_id_from_the_web_to_the_worker(
    tmp_path, initiative, task, sc_leader
):
    queue = new_queue()
    env = {
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
        "REPORTS_QUEUE": queue,
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    web = WebServer(**env).start()
    worker = Worker(queue, **env).start()
    token, _ = Token.objects.get_or_create(user=sc_leader)
    today = timezone.localdate()
    try:
        response = requests.post(
            web.url + "/api/v1/reports/",
            json={
                "initiative": initiative.pk,
                "kind": "on_demand",
                "period_start": (today - timezone.timedelta(days=6)).isoformat(),
                "period_end": today.isoformat(),
            },
            headers={
                "Authorization": f"Token {token.key}",
                "X-Request-ID": "edge-7.report_ask",
            },
            timeout=10,
        )
        assert response.status_code == 202, response.text
        report_id = response.json()["id"]
        wait_for(
            lambda: Report.objects.filter(
                pk=report_id, status=ReportStatus.DONE
            ).exists(),
            180,
            "the report to be done",
        )
    finally:
        _stop(worker, web)

    web_lines, worker_lines = _lines(web.output), _lines(worker.output)
    for line in web_lines + worker_lines:
        assert {"time", "level", "logger", "message"} <= set(line), line

    asked = [
        line for line in web_lines if line.get("request_id") == "edge-7.report_ask"
    ]
    assert asked, web.output[-3000:]
    request_line = next(line for line in asked if line["logger"] == "tracker.request")
    assert request_line["route"] == "reports_api:report-list"
    assert request_line["user_id"] == sc_leader.pk
    assert request_line["message"].startswith("POST reports_api:report-list 202")
    # gunicorn's own lines are JSON too (start-up, its access line), once.
    starting = [line for line in web_lines if "Starting gunicorn" in line["message"]]
    assert len(starting) == 1
    access = [line for line in asked if line["logger"] == "gunicorn.access"]
    assert len(access) == 1 and "POST /api/v1/reports/" in access[0]["message"]

    generated = [
        line for line in worker_lines if line.get("task") == "reports.generate_report"
    ]
    assert generated, worker.output[-3000:]
    assert {line["request_id"] for line in generated} == {"edge-7.report_ask"}
    task_ids = {line["task_id"] for line in generated}
    assert len(task_ids) == 1
    # Every line of the worker about that task carries the request's id,
    # those written outside its run ("received") included.
    about = [line for line in worker_lines if line.get("task_id") in task_ids]
    assert any("received" in line["message"] for line in about), about
    assert all(line["request_id"] == "edge-7.report_ask" for line in about)
