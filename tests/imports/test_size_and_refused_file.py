"""A large file is judged by its size before anything opens it, so the web
request never parses it; a refused upload leaves no stored file behind."""

from django.core.files.storage import default_storage
from django.utils import timezone

from imports import services
from imports.models import JobStatus
from imports.tasks import run_import
from tests.imports.conftest import good_sheets, workbook_bytes


def test_a_large_file_is_not_parsed_in_the_request(
    world, office, settings, monkeypatch
):
    data = workbook_bytes(good_sheets())
    settings.IMPORTS_INLINE_BYTES = len(data) - 1

    def no_read(*args, **kwargs):
        raise AssertionError("parsed in the request")

    with monkeypatch.context() as patched:
        patched.setattr(services, "read", no_read)
        job = services.import_job_create(
            initiative=world, actor=office, file_name="清单.xlsx", data=data
        )
    assert job.status == JobStatus.QUEUED
    assert job.in_worker
    assert job.rows_total == 0

    assert run_import(job.pk, False) == JobStatus.CHECKED
    job.refresh_from_db()
    assert job.rows_total == 9
    assert job.preview["summary"] == {"create": 9, "change": 0, "unchanged": 0}


def test_a_small_file_is_checked_in_the_request(world, office, settings):
    data = workbook_bytes(good_sheets())
    settings.IMPORTS_INLINE_BYTES = len(data)
    job = services.import_job_create(
        initiative=world, actor=office, file_name="清单.xlsx", data=data
    )
    assert job.status == JobStatus.CHECKED
    assert not job.in_worker


def stored_files() -> set[str]:
    folder = f"imports/{timezone.now():%Y/%m}"
    if not default_storage.exists(folder):
        return set()
    return set(default_storage.listdir(folder)[1])


def test_a_refused_upload_leaves_no_stored_file(world, office):
    before = stored_files()
    job = services.import_job_create(
        initiative=world, actor=office, file_name="清单.xlsx", data=b"not a book"
    )
    assert job.status == JobStatus.REFUSED
    assert job.sha256
    job.refresh_from_db()
    assert not job.file
    assert stored_files() == before

    kept = services.import_job_create(
        initiative=world,
        actor=office,
        file_name="清单.xlsx",
        data=workbook_bytes(good_sheets()),
    )
    assert kept.status == JobStatus.CHECKED
    assert stored_files() == before | {kept.file.name.rsplit("/", 1)[1]}
