"""A large file: its dry run and its import run in a real Celery worker
process, and the status the page polls follows them to the end."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import TaskEvent
from imports.models import ImportJob, JobStatus
from tests.celery_worker import Worker, new_queue
from tests.imports.conftest import workbook_bytes
from tracker.models import Task

ROWS = 40


@pytest.fixture
def worker(settings):
    queue = new_queue()
    settings.REPORTS_QUEUE = queue
    # "Large" is lowered so that a test file is large without taking minutes.
    settings.IMPORTS_INLINE_ROWS = ROWS // 2
    worker = Worker(queue).start()
    try:
        yield worker
    finally:
        worker.stop()
        if worker.proc.returncode not in (0, -15):
            print(worker.output)


def large_file() -> bytes:
    items = [
        [
            f"BIG-{n:03d}",
            f"批量事项{n}",
            "能源保障",
            "共投共建",
            "",
            "",
            "",
            "2026-12-31",
            "",
            "",
        ]
        for n in range(ROWS // 2)
    ]
    owners = [
        [f"BIG-{n:03d}", "四川省", "四川省牵头单位", "李明", ""]
        for n in range(ROWS // 2)
    ]
    return workbook_bytes({"事项": items, "责任单位": owners})


def wait_for(client, job, until: set[str], timeout=120) -> dict:
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        status = client.get(reverse("imports:status", args=[job.pk])).json()
        seen.append(status["status"])
        if status["status"] in until and status["finished"]:
            return status
        time.sleep(0.3)
    raise AssertionError(f"job {job.pk} stuck: {seen[-5:]}")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_large_file_is_checked_and_imported_by_the_worker(
    client, world, office, worker
):
    client.force_login(office)
    response = client.post(
        reverse("imports:upload"),
        {
            "initiative": world.code,
            "file": SimpleUploadedFile("大清单.xlsx", large_file()),
        },
    )
    job = ImportJob.objects.get()
    assert job.rows_total == ROWS and job.in_worker
    page = client.get(response["Location"]).content.decode()
    assert "data-import-status" in page  # the page polls

    status = wait_for(client, job, {JobStatus.CHECKED})
    assert status["percent"] == 100
    job.refresh_from_db()
    assert job.problems == []
    assert job.preview["summary"]["create"] == ROWS
    assert not Task.objects.filter(initiative=world).exists()

    client.post(reverse("imports:commit", args=[job.pk]))
    assert client.get(reverse("imports:status", args=[job.pk])).json()["status"] in {
        JobStatus.COMMITTING,
        JobStatus.DONE,
    }
    wait_for(client, job, {JobStatus.DONE})
    assert Task.objects.filter(initiative=world).count() == ROWS // 2
    events = TaskEvent.objects.filter(pgh_obj__initiative=world)
    assert {e.pgh_context["user"] for e in events} == {office.pk}
    assert all(
        job_sha in e.pgh_context["reason"] for e in events for job_sha in [job.sha256]
    )
    assert {e.pgh_context["source"] for e in events} == {"celery"}
