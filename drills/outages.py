"""What the two outage drills share: the service under load (gunicorn, a
prefork worker, readers and writers through the API) and reports asked for
through the API."""

from __future__ import annotations

import time
from functools import partial

from reports.choices import ReportStatus
from tests.celery_worker import Worker
from tests.processes import wait_for
from tracker.models import Initiative, Task

from .api import CLIENT_TIMEOUT, Load, Web, session
from .harness import Stage, expect
from .reports import status


def service(stage: Stage, *, pause: str = "0"):
    """The web, a worker and a load of two writers and a reader."""
    env = stage.env(REPORTS_STEP_PAUSE_SECONDS=pause)
    web = stage.start(Web(**env))
    worker = stage.start(Worker(stage.queue, concurrency=2, **env))
    tasks = list(
        Task.objects.filter(status="in_progress")
        .order_by("pk")
        .values_list("pk", flat=True)[:2]
    )
    load = Load(web.url, tasks)
    stage.processes.append(load)  # stopped with the stage, whatever happens
    return web, worker, load.start()


def request_report(load: Load, kind: str) -> tuple[int | None, float, int]:
    """POST /api/v1/reports/ as leadership: (id, seconds, status)."""
    client = session("sc_leader")
    started = time.monotonic()
    response = load.call(
        client,
        "POST",
        "/api/v1/reports/",
        json={"initiative": Initiative.objects.get().pk, "kind": kind},
    )
    elapsed = time.monotonic() - started
    if response is None:
        return None, elapsed, 0
    report_id = response.json().get("id") if response.status_code == 202 else None
    return report_id, elapsed, response.status_code


def wait_done(report_id: int, worker: Worker, timeout: float = 240) -> float:
    """Seconds until the report is done; fails if the worker exits first."""
    started = time.monotonic()

    def finished():
        expect(worker.alive, f"the worker exited:\n{worker.proc.poll()}")
        return status(report_id) == ReportStatus.DONE

    wait_for(finished, timeout, f"report {report_id} to be done", every=0.1)
    return time.monotonic() - started


__all__ = ["CLIENT_TIMEOUT", "partial", "request_report", "service", "wait_done"]
