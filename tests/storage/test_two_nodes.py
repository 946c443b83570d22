"""Two web nodes and two workers that share no filesystem: each has a working
directory, a var/ and a MEDIA_ROOT of its own; they share only PostgreSQL,
Redis and the S3 server. A report made by worker A downloads from web B;
evidence uploaded to web A downloads from web B; worker A killed mid-report
leaves the report to worker B, which finishes it exactly once."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest
import requests
from django.utils import timezone
from rest_framework.authtoken.models import Token

from reports import services
from reports.choices import ReportStatus
from reports.models import Report, ReportFile
from reports.storage import checksum
from tests.celery_worker import Worker, new_queue
from tests.config.api_plumbing import PDF
from tests.processes import WebServer, wait_for
from tests.reports.history import (
    done_transitions,
    report_lock_held,
    report_statuses,
)

PAUSE = "1.5"  # seconds between steps in worker A: time to kill it mid-report


def _report(pk: int) -> Report:
    return Report.objects.get(pk=pk)


class Node:
    """One machine's directories: nothing in them is seen by another node."""

    def __init__(self, root: Path, name: str, storage: dict[str, str]):
        self.dir = root / name
        self.dir.mkdir(parents=True)
        self.media = self.dir / "media"
        self.env = {
            **storage,
            "TRACKER_VAR_DIR": str(self.dir / "var"),
            "MEDIA_ROOT": str(self.media),
        }

    def files(self) -> list[Path]:
        return [p for p in self.media.rglob("*") if p.is_file()]


def _token(user) -> dict[str, str]:
    token, _ = Token.objects.get_or_create(user=user)
    return {"Authorization": f"Token {token.key}", "Accept-Language": "zh-hans"}


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_two_web_nodes_and_two_workers_share_only_database_broker_and_bucket(
    s3_server, settings, tmp_path, initiative, task, sc_leader, sc_coord, cq_coord
):
    started = time.monotonic()
    laps = []  # (what, when): printed at the end, asserted on never
    bucket = s3_server.new_bucket()
    url = f"s3://{bucket}/tracker"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_server.storage_settings(url),
    }
    settings.MEDIA_ROOT = str(tmp_path / "test-process-media")
    queue = new_queue()
    settings.REPORTS_QUEUE = queue
    today = timezone.localdate()
    leader, sc, cq = _token(sc_leader), _token(sc_coord), _token(cq_coord)

    storage = s3_server.environment(url)
    nodes = {
        name: Node(tmp_path, name, storage)
        for name in ("web-a", "web-b", "worker-a", "worker-b")
    }
    web_a = WebServer(cwd=nodes["web-a"].dir, **nodes["web-a"].env)
    web_b = WebServer(cwd=nodes["web-b"].dir, **nodes["web-b"].env)
    worker_a = Worker(
        queue,
        cwd=nodes["worker-a"].dir,
        REPORTS_STEP_PAUSE_SECONDS=PAUSE,
        **nodes["worker-a"].env,
    )
    worker_b = Worker(queue, cwd=nodes["worker-b"].dir, **nodes["worker-b"].env)
    try:
        web_a.start()
        web_b.start()
        worker_a.start()
        laps.append(("nodes up", time.monotonic()))

        # 1. A report that worker A makes, downloaded from web B.
        first, created = services.report_request(
            initiative=initiative, kind="monthly", today=today
        )
        assert created
        wait_for(
            lambda: _report(first.pk).status == ReportStatus.DONE,
            timeout=120,
            what="worker A to finish the first report",
        )
        for stored in ReportFile.objects.filter(report=first):
            response = requests.get(
                f"{web_b.url}/api/v1/reports/{first.pk}/download/{stored.format}/",
                headers=leader,
                timeout=60,
            )
            assert response.status_code == 200, response.text[:500]
            assert hashlib.sha256(response.content).hexdigest() == stored.sha256
            assert response.headers["X-Report-SHA256"] == stored.sha256
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert "filename*=utf-8''" in response.headers["Content-Disposition"]

        laps.append(("report by A from B", time.monotonic()))

        # 2. Evidence uploaded to web A, downloaded from web B by the same
        # person, and refused there to someone who may not see it.
        uploaded = requests.post(
            f"{web_a.url}/api/v1/uploads/",
            files={"file": ("验收证书.pdf", PDF, "application/pdf")},
            headers={**sc, "Idempotency-Key": "two-nodes-1"},
            timeout=60,
        )
        assert uploaded.status_code == 201, uploaded.text[:500]
        download_url = uploaded.json()["download_url"]
        download = requests.get(web_b.url + download_url, headers=sc, timeout=60)
        assert download.status_code == 200, download.text[:500]
        assert download.content == PDF
        assert download.headers["Content-Type"] == "application/pdf"
        assert "filename*=utf-8''" in download.headers["Content-Disposition"]
        refused = requests.get(web_b.url + download_url, headers=cq, timeout=60)
        assert refused.status_code == 404

        # 3. Worker A killed mid-report; worker B finishes it, once.
        second, created = services.report_request(
            initiative=initiative, kind="weekly", today=today
        )
        assert created
        wait_for(
            lambda: (
                (r := _report(second.pk)).status == ReportStatus.RUNNING and r.step >= 2
            ),
            timeout=120,
            what="worker A to be mid-report",
        )
        assert report_lock_held(second.pk)
        worker_a.kill()
        laps.append(("A killed", time.monotonic()))
        killed = _report(second.pk)
        assert killed.status == ReportStatus.RUNNING
        assert killed.step < killed.steps_total
        wait_for(lambda: not report_lock_held(second.pk), 30, "worker A's lock to go")

        worker_b.start()  # a starting worker sweeps: the orphan is queued again
        done = wait_for(
            lambda: (r := _report(second.pk)).status == ReportStatus.DONE and r,
            timeout=120,
            what="worker B to finish the report",
        )
        laps.append(("B done", time.monotonic()))
        assert done.attempts == 2 and done.step == done.steps_total
        assert done_transitions(report_statuses(second.pk)) == 1
        pdf = requests.get(
            f"{web_b.url}/api/v1/reports/{second.pk}/download/pdf/",
            headers=leader,
            timeout=60,
        )
        assert pdf.status_code == 200
        assert pdf.content.startswith(b"%PDF")
        stored_pdf = ReportFile.objects.get(report=second, format="pdf")
        assert hashlib.sha256(pdf.content).hexdigest() == stored_pdf.sha256
    finally:
        processes = (worker_b, worker_a, web_b, web_a)
        for process in processes:  # all told at once, then each waited for
            if process.proc is not None and process.proc.poll() is None:
                process.proc.terminate()
        for process in processes:
            process.stop()

    # Every file is an object in the bucket, whole; no node wrote one to disk.
    keys = set(s3_server.objects(bucket))
    files = ReportFile.objects.filter(report__in=[first, second])
    assert len(files) == 6
    for stored in files:
        assert f"tracker/{stored.file.name}" in keys
        assert checksum(stored.file.name) == stored.sha256
    assert any(key.startswith("tracker/evidence/") for key in keys), keys
    for name, node in nodes.items():
        assert node.files() == [], name
    laps.append(("checked", time.monotonic()))
    print(
        "two nodes:",
        ", ".join(f"{name} {at - started:.1f} s" for name, at in laps),
    )
