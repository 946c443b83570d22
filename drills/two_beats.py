"""Two beats at once (a second one started by mistake, or an old one not yet
gone during a deployment), both reading the same schedule, with a worker
running: every scheduled report is made once and generated once, however
often the job is sent. The sends are counted on the broker (MONITOR)."""

from __future__ import annotations

import json
import threading
import time
from functools import partial

import redis
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from reports.choices import ReportStatus
from reports.models import Report
from tests.celery_worker import Worker
from tests.processes import wait_for

from .harness import Beat, Stage, expect
from .reports import check_done_once

EVERY = 5  # seconds between the job's runs
JOB = "reports.generate_scheduled_reports"


def _count_sends(url: str, queue: str, counts: dict, ready: threading.Event):
    """Count the job's messages pushed onto `queue` until the connection ends."""
    client = redis.Redis.from_url(url)
    try:
        with client.monitor() as monitor:
            ready.set()
            for command in monitor.listen():
                words = command.get("command", "")
                if words.startswith(f"LPUSH {queue} ") and JOB in words:
                    counts["sends"] += 1
                elif counts.get("stop"):
                    return
    except (redis.ConnectionError, ValueError):
        return


def _all_done() -> bool:
    statuses = set(Report.objects.values_list("status", flat=True))
    return bool(statuses) and statuses == {ReportStatus.DONE}


def run(stage: Stage, *, quick: bool, trials: int, rng) -> str:
    window = 20 if quick else 60
    every, _ = IntervalSchedule.objects.get_or_create(
        every=EVERY, period=IntervalSchedule.SECONDS
    )
    PeriodicTask.objects.create(
        name="演练：每5秒生成周报",
        task=JOB,
        interval=every,
        args=json.dumps(["weekly"]),
        queue=stage.queue,
    )
    counts = {"sends": 0}
    ready = threading.Event()
    watcher = threading.Thread(
        target=_count_sends,
        args=(stage.servers.redis.url, stage.queue, counts, ready),
        daemon=True,
    )
    watcher.start()
    expect(ready.wait(10), "could not watch the broker")
    env = stage.env()
    stage.start(Worker(stage.queue, concurrency=2, **env))
    beats = [stage.start(Beat(env, stage.directory / f"beat{n}")) for n in (1, 2)]
    time.sleep(window)
    for beat in beats:
        beat.stop()
        expect("Traceback" not in beat.output, f"a beat failed:\n{beat.output[-2000:]}")
    sends = counts["sends"]
    counts["stop"] = True
    # The last sends are worked off; every report made is then done.
    wait_for(_all_done, 180, "the scheduled reports to be done")
    time.sleep(2 * EVERY)  # a late duplicate would show now
    reports = list(Report.objects.order_by("pk"))
    expect(sends >= 2, f"the job was sent {sends} times in {window} s")
    expect(
        len(reports) == 3,
        f"{len(reports)} reports for one period of three scopes: "
        f"{[(r.scope, r.scope_party_id) for r in reports]}",
    )
    for report in reports:
        check_done_once(report.pk, stage.media)
        expect(
            report.attempts == 1,
            f"report {report.pk} was generated {report.attempts} times",
        )
    wait_for(partial(_all_done), 5, "the reports to stay done")
    return (
        f"2 beats for {window} s, job every {EVERY} s: sent {sends} times"
        f" (~{window // EVERY} ticks); {len(reports)} reports each made once and"
        " generated once (1 attempt), files intact"
    )
