"""A worker killed with SIGKILL in the middle of a report: after a restart the
report is finished exactly once, with whole files and no leftovers."""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from reports import services
from reports.choices import ReportStatus
from reports.models import Report, ReportFile
from reports.storage import checksum
from tests.celery_worker import Worker, new_queue
from tests.processes import wait_for
from tests.reports.history import (
    done_transitions,
    report_lock_held,
    report_statuses,
)
from tracker.demo import load_demo
from tracker.models import Initiative

PAUSE = "1.5"  # seconds between steps in the first worker: time to kill it


def _report() -> Report:
    return Report.objects.get()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_leaves_a_report_finished_exactly_once(tmp_path, settings):
    media = tmp_path / "media"
    settings.MEDIA_ROOT = str(media)
    queue = new_queue()
    settings.REPORTS_QUEUE = queue
    today = timezone.localdate()
    load_demo(today=today)

    report, created = services.report_request(
        initiative=Initiative.objects.get(), kind="monthly", today=today
    )
    assert created  # queued to `queue` on commit (autocommit here)

    first = Worker(queue, MEDIA_ROOT=str(media), REPORTS_STEP_PAUSE_SECONDS=PAUSE)
    first.start()
    try:
        # Mid-report: the snapshot is taken, the worker is pausing between files.
        wait_for(
            lambda: _report().status == ReportStatus.RUNNING and _report().step >= 2,
            timeout=120,
            what="the first worker to be mid-report",
        )
        assert report_lock_held(report.pk)
        first.kill()
    finally:
        first.stop()
    killed = _report()
    assert killed.status == ReportStatus.RUNNING and killed.step < killed.steps_total
    assert killed.attempts == 1
    # Its lock died with its connection: that is how the sweeper can tell.
    wait_for(
        lambda: not report_lock_held(report.pk), 30, "the dead worker's lock to go"
    )

    second = Worker(queue, MEDIA_ROOT=str(media))
    second.start()
    try:
        # A starting worker sweeps: the orphaned report is queued again.
        done = wait_for(
            lambda: (r := _report()).status == ReportStatus.DONE and r,
            timeout=180,
            what="the report to be finished after the restart",
        )
        # A late duplicate message (the broker redelivering the first one) is
        # a no-op.
        from reports.tasks import generate_report

        result = generate_report.apply_async(args=[report.pk], queue=queue)
        assert result.get(timeout=60) is None
        assert services.report_sweep() == {"orphaned": 0, "stale": 0}
    finally:
        second.stop()

    assert Report.objects.count() == 1
    assert done.attempts == 2 and done.step == done.steps_total
    assert done.snapshot["summary"]["total"] == 27
    files = list(ReportFile.objects.filter(report=done).order_by("format"))
    assert [f.format for f in files] == ["html", "pdf", "xlsx"]
    for stored in files:
        assert checksum(stored.file.name) == stored.sha256
    # The demo's evidence files (park self-reports) live beside the reports.
    on_disk = sorted(
        p.name for p in (Path(media) / "reports").rglob("*") if p.is_file()
    )
    assert len(on_disk) == 3, on_disk
    assert not any(p.name.endswith(".part") for p in Path(media).rglob("*"))
    assert Path(files[1].file.path).read_bytes().startswith(b"%PDF")

    statuses = report_statuses(report.pk)
    assert done_transitions(statuses) == 1, statuses
    assert done.finished_at > done.started_at - dt.timedelta(seconds=1)
