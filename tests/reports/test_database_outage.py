"""The database goes away in the middle of a report: once it is back, the
worker's own retry finishes the report, exactly once, with no sweep.

The worker reads and writes a private PostgreSQL on a spare loopback port (a
copy of the test database), which this test stops and starts; the shared
server is never touched."""

import time
from pathlib import Path

import psycopg
import pytest
from django.utils import timezone

from audit.models import ReportEvent
from reports import services
from reports.choices import ReportStatus
from reports.storage import checksum
from tests.celery_worker import Worker, database_url, new_queue
from tests.private_postgres import PrivatePostgres
from tests.processes import wait_for
from tests.reports.history import done_transitions
from tracker.demo import load_demo
from tracker.models import Initiative

PAUSE = "1.5"  # seconds between steps: time to stop the database mid-report
OUTAGE_SECONDS = 8


def _row(url: str, report_id: int) -> dict | None:
    try:
        with psycopg.connect(url, connect_timeout=2) as conn:
            cursor = conn.execute(
                "SELECT status, step, attempts, queued_at, error"
                " FROM reports_report WHERE id = %s",
                [report_id],
            )
            names = [column.name for column in cursor.description]
            found = cursor.fetchone()
    except psycopg.OperationalError:
        return None
    return dict(zip(names, found, strict=True)) if found else None


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_report_interrupted_by_a_database_restart_finishes_by_itself(
    tmp_path, settings
):
    media = tmp_path / "media"
    queue = new_queue()
    settings.REPORTS_QUEUE = queue
    today = timezone.localdate()
    load_demo(today=today)
    report, created = services.report_request(
        initiative=Initiative.objects.get(), kind="monthly", today=today
    )
    assert created  # published to `queue` on commit; no worker reads it yet

    server = PrivatePostgres().init()
    worker = None
    try:
        server.start()
        server.copy_database(database_url(), "tracker")
        url = server.url("tracker")
        before = _row(url, report.pk)
        assert before["status"] == ReportStatus.QUEUED

        worker = Worker(
            queue,
            DATABASE_URL=url,
            MEDIA_ROOT=str(media),
            REPORTS_STEP_PAUSE_SECONDS=PAUSE,
        ).start()
        wait_for(
            lambda: (
                (row := _row(url, report.pk))
                and row["status"] == ReportStatus.RUNNING
                and row["step"] >= 2
            ),
            timeout=120,
            what="the worker to be mid-report",
        )
        server.stop("fast")  # ends the worker's session, as a restart does
        time.sleep(OUTAGE_SECONDS)  # the worker's first retries find no server
        server.start()

        done = wait_for(
            lambda: (
                (row := _row(url, report.pk))
                and row["status"] == ReportStatus.DONE
                and row
            ),
            timeout=180,
            what="the report to finish after the database came back",
        )
        with psycopg.connect(url) as conn:
            statuses = [
                None,
                *(
                    row[0]
                    for row in conn.execute(
                        f"SELECT status FROM {ReportEvent._meta.db_table}"
                        " WHERE pgh_obj_id = %s ORDER BY pgh_id",
                        [report.pk],
                    )
                ),
            ]
            files = conn.execute(
                "SELECT format, file, sha256 FROM reports_reportfile"
                " WHERE report_id = %s ORDER BY format",
                [report.pk],
            ).fetchall()
            reports = conn.execute("SELECT count(*) FROM reports_report").fetchone()
    finally:
        if worker is not None:
            worker.stop()
        server.destroy()

    assert reports == (1,)
    # No sweep re-queued it: the message the request sent, retried by the task.
    assert done["queued_at"] == before["queued_at"]
    assert done["step"] == 4 and done["error"] == ""
    assert done["attempts"] == 2  # the interrupted one and the one that finished
    assert done_transitions(statuses) == 1, statuses
    assert [f[0] for f in files] == ["html", "pdf", "xlsx"]
    settings.MEDIA_ROOT = str(media)
    for _format, name, digest in files:
        assert checksum(name) == digest
    on_disk = sorted(p.name for p in Path(media).rglob("*") if p.is_file())
    assert len(on_disk) == 3, on_disk
    assert "the database went away" in worker.output
    assert "Unrecoverable" not in worker.output
