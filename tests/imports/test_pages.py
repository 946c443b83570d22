"""The import page of the joint office: upload, dry run, import; the status
endpoint the page polls; the template download; the admin's entry."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from imports.models import ImportJob, JobStatus
from tests.imports.conftest import good_sheets, workbook_bytes
from tracker.models import Task

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def post_file(client, world, data, name="清单.xlsx"):
    return client.post(
        reverse("imports:upload"),
        {"initiative": world.code, "file": SimpleUploadedFile(name, data, XLSX)},
    )


def test_only_the_joint_office_sees_the_page(client, world, sc_coord, office):
    client.force_login(sc_coord)
    assert client.get(reverse("imports:upload")).status_code == 403
    assert client.get(reverse("imports:template")).status_code == 403
    client.force_login(office)
    page = client.get(reverse("imports:upload"))
    assert page.status_code == 200
    assert "导入合作事项清单" in page.content.decode()


def test_upload_dry_run_then_import(client, world, office):
    client.force_login(office)
    response = post_file(client, world, workbook_bytes(good_sheets()))
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:job", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert "试导入结果" in page
    assert 'data-testid="commit"' in page
    assert job.sha256 in page
    assert not Task.objects.filter(initiative=world).exists()

    status = client.get(reverse("imports:status", args=[job.pk])).json()
    assert status["status"] == "checked" and status["finished"] is True

    response = client.post(reverse("imports:commit", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert Task.objects.filter(initiative=world).count() == 2
    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert 'data-testid="job-done"' in page
    assert 'data-testid="commit"' not in page


def test_problems_are_listed_in_the_readers_language(client, world, office):
    sheets = good_sheets()
    sheets["事项"][0][7] = "明年"
    client.force_login(office)
    job_url = post_file(client, world, workbook_bytes(sheets))["Location"]
    page = client.get(job_url).content.decode()
    assert "“明年”不是有效日期" in page
    assert 'data-testid="commit"' not in page
    client.post(reverse("set_language"), {"language": "en"})
    page = client.get(job_url).content.decode()
    assert "“明年” is not a date" in page
    assert "Items" in page and "Due date" in page


def test_a_refused_file_says_why_on_its_page(client, world, office):
    client.force_login(office)
    job_url = post_file(
        client, world, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512
    )["Location"]
    page = client.get(job_url).content.decode()
    assert "文件已加密" in page


def test_someone_elses_job_is_not_found(client, world, office, superuser):
    client.force_login(office)
    post_file(client, world, workbook_bytes(good_sheets()))
    job = ImportJob.objects.get()
    client.force_login(superuser)
    assert client.get(reverse("imports:job", args=[job.pk])).status_code == 404
    assert client.get(reverse("imports:status", args=[job.pk])).status_code == 404
    assert client.post(reverse("imports:commit", args=[job.pk])).status_code == 404


def test_the_template_downloads(client, world, office):
    client.force_login(office)
    response = client.get(reverse("imports:template"), {"initiative": world.code})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert b"".join(response.streaming_content).startswith(b"PK")


def test_the_recent_files_list_costs_the_same_for_more_files(client, world, office):
    client.force_login(office)
    data = workbook_bytes(good_sheets())
    post_file(client, world, data)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("imports:upload")).status_code == 200
    for _ in range(4):
        post_file(client, world, data)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("imports:upload")).status_code == 200
    assert len(many) == len(few)


def test_the_admin_links_to_the_import_page(client, world, superuser):
    client.force_login(superuser)
    page = client.get(reverse("admin:imports_importjob_changelist"))
    assert page.status_code == 200
    assert reverse("imports:upload") in page.content.decode()


@pytest.mark.django_db
def test_a_coordinator_cannot_commit_through_the_page(client, world, office, sc_coord):
    client.force_login(office)
    post_file(client, world, workbook_bytes(good_sheets()))
    job = ImportJob.objects.get()
    client.force_login(sc_coord)
    assert client.post(reverse("imports:commit", args=[job.pk])).status_code == 403
    assert not Task.objects.filter(initiative=world).exists()
