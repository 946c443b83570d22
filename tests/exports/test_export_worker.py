"""A large export runs in a real Celery worker: the request writes the job
row, the worker writes the file, the page and the API offer it when done."""

import io

import openpyxl
import pytest

from tests.celery_worker import Worker, new_queue
from tests.processes import wait_for
from tracker.exports import jobs
from tracker.models import ExportJob

from .conftest import csv_rows


def _job(pk) -> ExportJob:
    return ExportJob.objects.get(pk=pk)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_large_export_is_written_by_the_worker(
    client, world, sc_leader, tmp_path, settings, monkeypatch
):
    media = tmp_path / "media"
    settings.MEDIA_ROOT = str(media)
    queue = new_queue()
    settings.REPORTS_QUEUE = queue
    # Any export is "large" here: the web answers with a job.
    monkeypatch.setattr(jobs, "SYNC_LIMIT", 0)
    client.force_login(sc_leader)

    page = client.get(
        "/tasks/export.xlsx", {"sort": "-code", "page": "2"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert page.status_code == 302
    page_job = ExportJob.objects.get(source="page")
    api = client.get("/api/v1/tasks/export.csv", {"ordering": "code", "light": "red"})
    assert api.status_code == 202
    api_job = ExportJob.objects.get(source="api")
    assert _job(page_job.pk).status == ExportJob.Status.QUEUED

    worker = Worker(queue, MEDIA_ROOT=str(media)).start()
    try:
        for pk in (page_job.pk, api_job.pk):
            wait_for(
                lambda pk=pk: _job(pk).status == ExportJob.Status.DONE,
                timeout=120,
                what=f"export job {pk} to be done",
            )
    finally:
        worker.stop()

    done = _job(page_job.pk)
    assert done.task_count == 3 and done.size > 0 and done.finished_at
    status_page = client.get(page["Location"]).content.decode()
    assert 'data-status="done"' in status_page
    download = client.get(f"/tasks/exports/{done.pk}/download/")
    assert download.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    # The page's sort, every page of it, in the requester's language.
    assert book.sheetnames == ["Items", "Owners", "Milestones", "Indicators"]
    assert [r[0] for r in book["Items"].iter_rows(min_row=2, values_only=True)] == [
        "SZ-01",
        "NY-02",
        "NY-01",
    ]

    status = client.get(f"/api/v1/export-jobs/{api_job.pk}/").json()
    assert status["status"] == "done" and status["task_count"] == 1
    assert status["download_url"].endswith(
        f"/api/v1/export-jobs/{api_job.pk}/download/"
    )
    rows = csv_rows(client.get(status["download_url"]))
    assert [row[0] for row in rows[1:]] == ["NY-01"]

    # Run again (a redelivered message): the finished job is left as it was.
    again = jobs.export_job_run(job_id=api_job.pk)
    assert (again.file, again.finished_at) == (
        _job(api_job.pk).file,
        _job(api_job.pk).finished_at,
    )


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_job_the_broker_did_not_take_is_written_when_a_worker_connects(
    client, world, sc_leader, tmp_path, settings, monkeypatch
):
    media = tmp_path / "media"
    settings.MEDIA_ROOT = str(media)
    queue = new_queue()
    settings.REPORTS_QUEUE = queue
    monkeypatch.setattr(jobs, "SYNC_LIMIT", 0)

    def broker_away(*args, **kwargs):
        raise ConnectionError("broker away")

    monkeypatch.setattr("config.celery.publish", broker_away)
    client.force_login(sc_leader)
    response = client.get("/tasks/export.csv")
    assert response.status_code == 302  # the row is written, the page answers
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.QUEUED
    monkeypatch.undo()

    worker = Worker(queue, MEDIA_ROOT=str(media)).start()
    try:
        wait_for(
            lambda: _job(job.pk).status == ExportJob.Status.DONE,
            timeout=120,
            what="the swept export job to be done",
        )
    finally:
        worker.stop()
    assert _job(job.pk).task_count == 3
