"""Reports, evidence, exports and imports with STORAGE_URL=s3://…: the files
are objects in the bucket (checked over HTTP with a client of our own), the
downloads are the same bytes with the same headers as from the disk, and
nothing is written under MEDIA_ROOT."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from config import storage_url
from config.storage_backends import LocalStorage, ObjectStorage
from imports import services as imports
from imports.models import JobStatus
from reports import services as reports
from reports.models import ReportFile
from reports.storage import checksum, remove_leftovers, write_atomically
from tests.config.api_plumbing import PDF
from tests.config.test_api_uploads import png_1x1
from tests.imports.conftest import build_world, good_sheets, workbook_bytes
from tests.parks.conftest import PDF as PARK_PDF
from tests.parks.conftest import submit
from tests.tracker.pages import page_url, signed_in
from tests.tracker.test_update_evidence import post_update
from tracker.exports import jobs
from tracker.models import ExportJob, ProgressUpdate, Task, UpdateEvidence

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_authenticate(user)
    return client


def body(response) -> bytes:
    return b"".join(response.streaming_content)


# --- the setting ----------------------------------------------------------------------


@pytest.mark.parametrize("url", ["", "file://", "file:///srv/tracker/media"])
def test_unset_or_file_is_the_local_disk(url):
    assert storage_url.default_storage(url) == {"BACKEND": storage_url.LOCAL_BACKEND}


def test_a_file_url_with_a_path_is_the_media_root():
    assert storage_url.media_root("file:///srv/tracker/media") == "/srv/tracker/media"
    assert storage_url.media_root("file://") is None
    assert storage_url.media_root("s3://bucket") is None


def test_s3_is_a_private_bucket_addressed_by_path():
    found = storage_url.default_storage(
        "s3://chengyu-files/tracker/prod",
        endpoint_url="http://127.0.0.1:9000",
        access_key="key",
        secret_key="secret",
        region="",
    )
    assert found["BACKEND"] == storage_url.OBJECT_BACKEND
    options = found["OPTIONS"]
    assert options["bucket_name"] == "chengyu-files"
    assert options["location"] == "tracker/prod"
    assert options["endpoint_url"] == "http://127.0.0.1:9000"
    assert options["region_name"] == "us-east-1"
    assert options["addressing_style"] == "path"
    assert options["default_acl"] is None
    assert options["file_overwrite"] is False


@pytest.mark.parametrize("url", ["s3://", "ftp://host/dir", "/var/media"])
def test_anything_else_is_refused_at_start(url):
    with pytest.raises(ImproperlyConfigured):
        storage_url.default_storage(url)


def test_the_default_is_the_local_disk():
    assert isinstance(storages["default"], LocalStorage)


# --- the backend ----------------------------------------------------------------------


def test_replacing_an_object_leaves_one_whole_object(bucket):
    assert isinstance(storages["default"], ObjectStorage)
    name = "reports/2026/weekly-all-1.html"
    assert checksum(name) is None
    write_atomically(name, b"<html>first</html>")
    size, digest = write_atomically(name, b"<html>second</html>")
    assert (size, digest) == (19, hashlib.sha256(b"<html>second</html>").hexdigest())
    assert bucket.objects() == {name: b"<html>second</html>"}
    assert checksum(name) == digest
    assert remove_leftovers(name) == 0
    assert bucket.media_files() == []


def test_uploads_with_one_name_keep_both_files(bucket):
    first = default_storage.save("evidence/现场照片.png", io.BytesIO(b"one"))
    second = default_storage.save("evidence/现场照片.png", io.BytesIO(b"two"))
    assert first != second
    assert bucket.objects() == {first: b"one", second: b"two"}


def test_a_missing_object_is_a_missing_file(bucket):
    with pytest.raises(FileNotFoundError):
        default_storage.open("reports/none.pdf", "rb")


# --- reports ------------------------------------------------------------------------


def test_a_report_is_written_to_the_bucket_and_served_from_it(
    bucket, initiative, task, sc_leader
):
    client = api(sc_leader)
    created = client.post(
        "/api/v1/reports/",
        {
            "initiative": initiative.pk,
            "kind": "on_demand",
            "period_start": "2026-11-01",
            "period_end": "2026-11-07",
        },
        format="json",
    )
    report_id = created.json()["id"]
    reports.report_generate(report_id=report_id)

    files = list(ReportFile.objects.filter(report_id=report_id).order_by("format"))
    assert [f.format for f in files] == ["html", "pdf", "xlsx"]
    objects = bucket.objects()
    assert set(objects) == {f.file.name for f in files}
    for stored in files:
        content = objects[stored.file.name]
        assert hashlib.sha256(content).hexdigest() == stored.sha256
        assert len(content) == stored.size
        assert checksum(stored.file.name) == stored.sha256

        response = client.get(f"/api/v1/reports/{report_id}/download/{stored.format}/")
        assert response.status_code == 200
        assert body(response) == content
        assert response["Content-Length"] == str(len(content))
        assert response["X-Report-SHA256"] == stored.sha256
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment;")
        # The Chinese title, percent-encoded (RFC 5987).
        assert "filename*=utf-8''" in response["Content-Disposition"]
    pdf = client.get(f"/api/v1/reports/{report_id}/download/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    assert "private" in pdf["Cache-Control"]
    page = signed_in(sc_leader).get(f"/reports/{report_id}/download/xlsx/")
    assert page.status_code == 200
    assert body(page) == objects[files[2].file.name]

    # A retried step finds its file whole in the bucket and leaves it.
    html = files[0]
    last_modified = _last_modified(bucket, html.file.name)
    reports._render_step(html.report, "html")
    assert _last_modified(bucket, html.file.name) == last_modified
    assert bucket.media_files() == []


def _last_modified(bucket, name):
    key = f"{bucket.prefix}/{name}"
    return bucket.server.client().head_object(Bucket=bucket.name, Key=key)["ETag"]


# --- evidence -----------------------------------------------------------------------

PNG = png_1x1()


def test_update_evidence_goes_to_the_bucket_and_comes_back(
    bucket, task, sc_coord, cq_coord
):
    response = post_update(
        signed_in(sc_coord),
        task,
        [
            SimpleUploadedFile("现场照片.png", PNG, "image/png"),
            SimpleUploadedFile("推进会会议纪要.pdf", PDF, "application/pdf"),
        ],
    )
    assert response.status_code == 302, response.content.decode()
    files = list(ProgressUpdate.objects.get(task=task).evidence_files.order_by("id"))
    objects = bucket.objects()
    assert set(objects) == {f.file.name for f in files}
    assert sorted(objects.values()) == sorted([PNG, PDF])

    download = signed_in(cq_coord).get(
        f"/api/v1/evidence-files/{files[1].pk}/download/"
    )
    assert download.status_code == 200
    assert body(download) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "filename*=utf-8''%E6%8E%A8%E8%BF%9B" in download["Content-Disposition"]
    assert bucket.media_files() == []


def test_park_evidence_goes_to_the_bucket_and_comes_back(bucket, parks_world):
    w = parks_world
    assessment = submit(w, "甲", w["sc"])
    [row] = assessment.evidence.all()
    assert bucket.objects() == {row.file.name: PARK_PDF}
    download = signed_in(w["cq"]).get(f"/parks/evidence/{row.pk}/")
    assert download.status_code == 200
    assert body(download) == PARK_PDF
    assert download["Content-Type"] == "application/pdf"
    assert "filename*=utf-8''" in download["Content-Disposition"]
    assert bucket.media_files() == []


# --- exports and imports --------------------------------------------------------------


def test_an_export_job_is_written_to_the_bucket_and_served_from_it(
    bucket, task, sc_leader, monkeypatch
):
    monkeypatch.setattr(jobs, "SYNC_LIMIT", 0)
    client = api(sc_leader)
    assert client.get("/api/v1/tasks/export.csv").status_code == 202
    job = jobs.export_job_run(job_id=ExportJob.objects.get().pk)
    assert job.status == ExportJob.Status.DONE
    objects = bucket.objects()
    assert list(objects) == [job.file]
    for url in (
        f"/api/v1/export-jobs/{job.pk}/download/",
        f"/tasks/exports/{job.pk}/download/",
    ):
        response = (client if url.startswith("/api") else signed_in(sc_leader)).get(url)
        assert response.status_code == 200, url
        assert body(response) == objects[job.file]
        assert response["Content-Disposition"].startswith("attachment;")
    assert task.code.encode() in objects[job.file]
    assert bucket.media_files() == []


@pytest.fixture
def world(initiative, sichuan, chongqing):
    return build_world(initiative, sichuan, chongqing)


def test_an_import_file_is_kept_in_the_bucket_and_read_back(bucket, world, office):
    data = workbook_bytes(good_sheets())
    job = imports.import_job_create(
        initiative=world, actor=office, file_name="川渝清单.xlsx", data=data
    )
    assert job.status == JobStatus.CHECKED
    assert bucket.objects() == {job.file.name: data}
    # The commit reads the file back from the bucket and checks its SHA-256.
    job = imports.import_job_commit(job=job, actor=office)
    assert job.status == JobStatus.DONE, job.problems
    assert Task.objects.filter(initiative=world).count() == 2
    assert bucket.media_files() == []


def test_pages_still_link_to_the_web_not_the_bucket(bucket, task, sc_coord):
    post_update(signed_in(sc_coord), task, [SimpleUploadedFile("a.png", PNG)])
    html = signed_in(sc_coord).get(page_url("task_detail", task.pk)).content.decode()
    assert "/api/v1/evidence-files/" in html
    assert bucket.server.endpoint not in html


def test_swept_uploads_leave_the_bucket(
    bucket, sc_coord, django_capture_on_commit_callbacks
):
    from tracker.services import evidence_sweep, evidence_upload

    old = evidence_upload(actor=sc_coord, file=SimpleUploadedFile("旧.png", PNG))
    fresh = evidence_upload(actor=sc_coord, file=SimpleUploadedFile("新.png", PNG))
    assert set(bucket.objects()) == {old.file.name, fresh.file.name}
    day_ago = timezone.now() - dt.timedelta(hours=25)
    UpdateEvidence.objects.filter(pk=old.pk).update(uploaded_at=day_ago)
    with django_capture_on_commit_callbacks(execute=True):
        assert evidence_sweep() == 1
    assert set(bucket.objects()) == {fresh.file.name}
