"""The monthly report of a big initiative (the world of bench/report.py):
the data stage (`take_snapshot`) against the raw SQL of the same sections,
alternating; each format's time; and the peak RSS of a real Celery worker
process (solo pool, so the process that renders is the one measured)
generating the report from the broker, as in production."""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from django.test.utils import override_settings
from django.utils import timezone

from bench import report as rb
from bench.measure import Timed
from reports import services as report_services
from reports import snapshot as rs
from reports.choices import ReportStatus
from reports.models import Report
from reports.render import FORMATS, render


def build(tasks: int, milestones: int, history: int):
    world = rb.build(tasks, milestones, history)
    report, _ = rb.monthly_report(world.initiative)
    return report


def data_stage(report, rounds: int) -> tuple[Timed, dict, int, str]:
    """(timings of "snapshot" and "raw SQL", the snapshot, its query count,
    where the two sides' key figures disagree: empty when they agree)."""
    now = timezone.now()
    params = rb.raw_params(report, now)
    snap = rs.report_snapshot(report, now=now)
    try:
        rb.agree(snap, rb.raw_sections(params))
        disagree = ""
    except AssertionError as exc:
        disagree = str(exc)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        rs.take_snapshot(report, now=now)
    timed = Timed({"snapshot": [], "raw SQL": []}, {"snapshot": [], "raw SQL": []})
    for r in range(rounds + 1):
        for side in ("snapshot", "raw SQL") if r % 2 else ("raw SQL", "snapshot"):
            started = time.perf_counter()
            if side == "snapshot":
                rs.take_snapshot(report, now=now)
            else:
                rb.raw_stage(params, {})
            spent = time.perf_counter() - started
            if r:  # the first round warms both
                timed.rounds[side].append(spent)
                timed.calls[side].append(spent)
    return timed, snap, len(ctx.captured_queries), disagree


def formats(snap: dict, rounds: int) -> dict[str, tuple[float, int]]:
    """Each format: (median seconds, bytes)."""
    out = {}
    for fmt in FORMATS:
        times, data = [], b""
        while len(times) < rounds and sum(times[1:]) < rb.RENDER_BUDGET:
            started = time.perf_counter()
            data = render(fmt, snap)
            times.append(time.perf_counter() - started)
        out[fmt] = (statistics.median(times), len(data))
    return out


def _kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/{pid}/status")


def worker_peak_rss(report, timeout: float = 600) -> tuple[int, int, float]:
    """(idle RSS, peak RSS in KiB, seconds to generate) of a worker process
    generating `report` (still queued, never published)."""
    from tests.celery_worker import Worker

    queue = f"bench-{uuid.uuid4().hex[:10]}"
    media = tempfile.mkdtemp(prefix="bench-media-")
    worker = Worker(queue, MEDIA_ROOT=media).start()
    try:
        time.sleep(1)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and worker.alive:
            idle = _kib(worker.proc.pid, "VmRSS")
            time.sleep(0.5)
            if _kib(worker.proc.pid, "VmRSS") == idle and idle > 50_000:
                break  # loaded and settled
        assert worker.alive, "the worker exited"
        idle = _kib(worker.proc.pid, "VmRSS")
        started = time.monotonic()
        with override_settings(REPORTS_QUEUE=queue):
            assert report_services.report_enqueue(report_id=report.pk), "not queued"
        while True:
            status = Report.objects.values_list("status", flat=True).get(pk=report.pk)
            if status in (ReportStatus.DONE, ReportStatus.FAILED):
                break
            assert worker.alive, "the worker exited"
            if time.monotonic() - started > timeout:
                raise RuntimeError(f"the report was not generated in {timeout} s")
            time.sleep(0.2)
        spent = time.monotonic() - started
        assert status == ReportStatus.DONE, f"the worker's report {status}"
        made = sorted(report.files.values_list("format", flat=True))
        assert made == sorted(FORMATS), f"the worker made {made}"
        return idle, _kib(worker.proc.pid, "VmHWM"), spent
    finally:
        worker.stop()
        shutil.rmtree(media, ignore_errors=True)
