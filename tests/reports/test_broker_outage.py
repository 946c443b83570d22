"""Redis goes away and comes back, with the real processes of the service on a
private redis-server: gunicorn, a Celery worker and PostgreSQL.

- A worker in the middle of a report rides the outage out: it stays up, the
  report ends done exactly once, and later reports are generated too.
- While Redis is down, asking for a report (API or page) answers at once and
  the report is generated when Redis is back, with no beat and no sweep
  interval to wait for.
"""

import time

import pytest
import requests
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.models import User
from reports.choices import ReportStatus
from reports.models import Report, ReportFile
from reports.storage import checksum
from tests.celery_worker import Worker, new_queue
from tests.processes import RedisServer, WebServer, wait_for
from tests.reports.history import done_transitions, report_statuses
from tracker.demo import DEMO_PASSWORD, load_demo
from tracker.models import Initiative

# A client that has waited this long gives up: the web must answer well before.
CLIENT_TIMEOUT = 5


def _status(report_id: int) -> str:
    return Report.objects.values_list("status", flat=True).get(pk=report_id)


def _done(report_id: int, worker: Worker, timeout: float = 180) -> Report:
    def finished():
        assert worker.alive, "the worker exited"
        return _status(report_id) == ReportStatus.DONE

    wait_for(finished, timeout, f"report {report_id} to be done")
    return Report.objects.get(pk=report_id)


def _finished_once(report: Report) -> bool:
    return done_transitions(report_statuses(report.pk)) == 1


def _api(web: WebServer) -> requests.Session:
    session = requests.Session()
    token, _ = Token.objects.get_or_create(user=User.objects.get(username="sc_leader"))
    session.headers["Authorization"] = f"Token {token.key}"
    return session


def _request(session, web, kind: str) -> tuple[requests.Response, float]:
    started = time.monotonic()
    response = session.post(
        f"{web.url}/api/v1/reports/",
        json={"initiative": Initiative.objects.get().pk, "kind": kind},
        timeout=CLIENT_TIMEOUT,
    )
    return response, time.monotonic() - started


@pytest.fixture
def service(tmp_path, settings):
    """Demo data, a private Redis, the web and a worker (prefork, as deployed)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    load_demo(today=timezone.localdate())
    redis = RedisServer(tmp_path / "redis").start()
    queue = new_queue()
    env = {
        "REDIS_URL": redis.url,
        "REPORTS_QUEUE": queue,
        "MEDIA_ROOT": settings.MEDIA_ROOT,
    }
    web = WebServer(**env).start()
    # Pauses between steps leave time to stop Redis in the middle of a report.
    worker = Worker(queue, concurrency=2, REPORTS_STEP_PAUSE_SECONDS="1.5", **env)
    worker.start()
    try:
        yield redis, web, worker
    finally:
        worker.stop()
        web.stop()
        redis.stop()
        print(worker.output[-3000:])


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_rides_out_a_redis_outage_in_the_middle_of_a_report(service):
    redis, web, worker = service
    api = _api(web)
    response, _ = _request(api, web, "monthly")
    assert response.status_code == 202, response.text
    report_id = response.json()["id"]
    wait_for(
        lambda: Report.objects.filter(
            pk=report_id, status=ReportStatus.RUNNING, step__gte=2
        ).exists(),
        120,
        "the worker to be in the middle of the report",
    )

    redis.stop()
    time.sleep(3)  # the worker has noticed: its broker sockets were closed
    assert worker.alive, worker.proc.communicate()[0][-3000:]
    redis.start()

    done = _done(report_id, worker)
    assert _finished_once(done)
    files = list(ReportFile.objects.filter(report=done).order_by("format"))
    assert [f.format for f in files] == ["html", "pdf", "xlsx"]
    assert all(checksum(f.file.name) == f.sha256 for f in files)

    # It carries on: a report asked for after the outage is generated too.
    response, _ = _request(api, web, "weekly")
    assert response.status_code == 202, response.text
    assert _finished_once(_done(response.json()["id"], worker))
    assert worker.alive
    assert Report.objects.count() == 2


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_with_redis_down_a_report_request_answers_at_once_and_runs_when_it_is_back(
    service,
):
    redis, web, worker = service
    api = _api(web)
    # Redis up: the worker is connected and generating.
    response, up = _request(api, web, "monthly")
    assert response.status_code == 202, response.text
    _done(response.json()["id"], worker)

    redis.stop()
    response, down = _request(api, web, "weekly")
    assert response.status_code == 202, response.text
    by_api = response.json()["id"]

    page = requests.Session()
    page.get(f"{web.url}/accounts/login/", timeout=CLIENT_TIMEOUT)
    login = page.post(
        f"{web.url}/accounts/login/",
        data={
            "username": "sc_leader",
            "password": DEMO_PASSWORD,
            "csrfmiddlewaretoken": page.cookies["csrftoken"],
        },
        timeout=CLIENT_TIMEOUT,
        allow_redirects=False,
    )
    assert login.status_code == 302, login.text[:500]
    started = time.monotonic()
    generated = page.post(
        f"{web.url}/reports/generate/",
        data={
            "initiative": Initiative.objects.get().pk,
            "kind": "quarterly",
            "scope": "initiative",
            "csrfmiddlewaretoken": page.cookies["csrftoken"],
        },
        timeout=CLIENT_TIMEOUT,
        allow_redirects=False,
    )
    page_down = time.monotonic() - started
    assert generated.status_code == 302, generated.text[:500]
    by_page = int(generated.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    started = time.monotonic()
    library = page.get(f"{web.url}/reports/", timeout=CLIENT_TIMEOUT)
    library_down = time.monotonic() - started
    assert library.status_code == 200
    print(
        f"POST /api/v1/reports/: {up:.2f}s with Redis up, {down:.2f}s with it down;"
        f" generate now (page): {page_down:.2f}s; report library: {library_down:.2f}s"
    )

    # Both are rows waiting for the broker, not yet handed to it.
    waiting = Report.objects.filter(pk__in=[by_api, by_page])
    assert {(r.status, r.queued_at) for r in waiting} == {(ReportStatus.QUEUED, None)}

    redis.start()
    # No beat runs here and the sweep's re-queue interval is ten minutes: the
    # worker publishes them itself on reconnecting.
    started = time.monotonic()
    for report_id in (by_api, by_page):
        assert _finished_once(_done(report_id, worker, timeout=120))
    print(f"generated {time.monotonic() - started:.1f}s after Redis came back")
