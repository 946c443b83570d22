"""SIGKILL of the worker at a random moment in the middle of a report, three
ways: the whole process group, the pool's children only, the main process
only. After each kill the report must be finished exactly once (by a worker
started again, or by the pool's new child), with whole files; the figure is
the time from the kill to the report being done."""

from __future__ import annotations

import datetime as dt
import os
import signal
import time
from functools import partial

from django.utils import timezone

from reports import services
from reports.choices import ReportStatus
from reports.models import Report, ReportFile
from tests.celery_worker import Worker
from tests.processes import wait_for
from tracker.models import Initiative

from .harness import Stage, expect, seconds
from .reports import check_done_once, status

MODES = ("group", "children", "main")
PAUSE = "0.7"  # seconds between a report's steps: its generation spans seconds
CONCURRENCY = 2  # prefork children, as deployed


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry))
    return found


def kill(worker: Worker, mode: str) -> None:
    pid = worker.proc.pid
    if mode == "group":
        os.killpg(pid, signal.SIGKILL)
    elif mode == "children":
        pool = children(pid)
        expect(pool, "the worker has no pool children to kill")
        for child in pool:
            os.kill(child, signal.SIGKILL)
    else:
        os.kill(pid, signal.SIGKILL)


def _request(initiative, months_back: int) -> int:
    today = timezone.localdate() - dt.timedelta(days=31 * months_back)
    report, created = services.report_request(
        initiative=initiative, kind="monthly", today=today
    )
    expect(created, f"the report for {today:%Y-%m} existed already")
    return report.pk


def _running(report_id: int) -> bool:
    return status(report_id) == ReportStatus.RUNNING


def _done(report_id: int) -> bool:
    return status(report_id) == ReportStatus.DONE


def run(stage: Stage, *, quick: bool, trials: int, rng) -> str:
    initiative = Initiative.objects.get()
    env = stage.env(REPORTS_STEP_PAUSE_SECONDS=PAUSE)

    def new_worker() -> Worker:
        return stage.start(Worker(stage.queue, concurrency=CONCURRENCY, **env))

    worker = new_worker()
    # Two undisturbed reports first (the first one warms the worker up): how
    # long generation takes here, now.
    months = -1
    for _warm in range(2):
        months += 1
        first = _request(initiative, months)
        wait_for(partial(_running, first), 180, "a report to start")
        started = time.monotonic()
        wait_for(partial(_done, first), 180, "a report to be done", every=0.05)
        window = time.monotonic() - started
        check_done_once(first, stage.media)
    undisturbed = window
    missed = 0

    parts = []
    for mode in MODES:
        recoveries = []
        steps = []
        while len(recoveries) < trials:
            months += 1
            report_id = _request(initiative, months)
            wait_for(partial(_running, report_id), 180, "the report to start")
            time.sleep(rng.uniform(0, 0.9 * window))
            step = Report.objects.values_list("step", flat=True).get(pk=report_id)
            if not _running(report_id):
                # Done before the moment drawn: not a kill mid-report. Draw
                # from a shorter window and try again with another report.
                missed += 1
                expect(missed <= trials, "reports keep finishing before the kill")
                window *= 0.7
                wait_for(partial(_done, report_id), 60, "the report")
                check_done_once(report_id, stage.media)
                continue
            steps.append(step)
            kill(worker, mode)
            killed = time.monotonic()
            if mode != "children":
                worker.proc.communicate(timeout=30)
                worker = new_worker()
            wait_for(
                partial(_done, report_id), 240, f"report {report_id} after the kill"
            )
            recoveries.append(time.monotonic() - killed)
            check_done_once(report_id, stage.media)
            expect(worker.alive, "the worker exited after its children were killed")
        parts.append(
            f"{mode} {len(recoveries)}/{trials} once, recovery {seconds(recoveries)}"
            f" (killed at steps {''.join(str(s) for s in sorted(steps))})"
        )
    total = Report.objects.count()
    expect(total == months + 1, f"{total} reports, expected {months + 1}")
    files = sum(1 for p in (stage.media / "reports").rglob("*") if p.is_file())
    expect(
        files == 3 * total == ReportFile.objects.count(),
        f"{files} files on disk for {total} reports",
    )
    return (
        "; ".join(parts)
        + f"; files intact ({files} for {total} reports), undisturbed report"
        f" {undisturbed:.1f} s, {missed} draws past its end redrawn"
    )
