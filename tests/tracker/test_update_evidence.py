"""Evidence files on every progress update: with the update from the task
page or the API, uploaded ahead through the API, shown in the feed and the
updates list, downloaded by those who may see the task, kept in the history,
swept when left unattached."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import UpdateEvidenceEvent
from tests.config.api_plumbing import PDF
from tests.config.test_api_uploads import DOCX, png_1x1
from tests.conftest import _member
from tests.factories import PartyFactory, make_initiative
from tests.tracker.pages import page_url, signed_in
from tracker import services
from tracker.models import ProgressUpdate, UpdateEvidence
from tracker.services.evidence import EvidenceSpec

pytestmark = pytest.mark.django_db
PNG = png_1x1()


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


@pytest.fixture
def outsider(db):
    """A coordinator of a province in another joint initiative: the NY-01 item
    is not theirs to see."""
    guizhou = PartyFactory(code="gz", name="贵州省", short_name="黔")
    make_initiative([guizhou])
    return _member("gz_coord", guizhou, "coordinator")


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def named(name: str, content: bytes) -> io.BytesIO:
    upload = io.BytesIO(content)
    upload.name = name
    return upload


def post_update(client, task, files, **fields):
    data = {
        "update-version": str(task.owners.get(party__code="sc").version),
        "update-narrative": "特高压线路铁塔组立完成，召开现场推进会。",
        "update-progress": "45",
        "update-evidence_files": files,
        **fields,
    }
    return client.post(page_url("progress_update_post", task.pk), data)


# --- the task page ------------------------------------------------------------------


def test_update_with_two_files_on_an_item_without_indicators(
    task, sc_coord, cq_coord, media
):
    assert not task.indicators.exists()
    response = post_update(
        signed_in(sc_coord),
        task,
        [
            SimpleUploadedFile("现场照片.png", PNG, "image/png"),
            SimpleUploadedFile("推进会会议纪要.pdf", PDF, "application/pdf"),
        ],
    )
    assert response.status_code == 302, response.content.decode()
    update = ProgressUpdate.objects.get(task=task)
    files = list(update.evidence_files.order_by("id"))
    assert [(f.name, f.size, f.content_type) for f in files] == [
        ("现场照片.png", len(PNG), "image/png"),
        ("推进会会议纪要.pdf", len(PDF), "application/pdf"),
    ]
    assert {f.uploaded_by for f in files} == {sc_coord}
    assert len(stored_files(media)) == 2

    page = signed_in(cq_coord).get(page_url("task_detail", task.pk))
    html = page.content.decode()
    for row in files:
        assert f"/api/v1/evidence-files/{row.pk}/download/" in html
        assert row.name in html
    assert "进展佐证材料" in html  # the form's field, in Chinese

    download = signed_in(cq_coord).get(
        f"/api/v1/evidence-files/{files[1].pk}/download/"
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment;")
    # RFC 5987: the Chinese name percent-encoded as UTF-8.
    assert "filename*=utf-8''%E6%8E%A8%E8%BF%9B" in disposition


def test_the_form_takes_several_files_from_one_input(task, sc_coord):
    html = signed_in(sc_coord).get(page_url("task_detail", task.pk)).content.decode()
    assert 'name="update-evidence_files"' in html
    start = html.index('name="update-evidence_files"')
    tag = html[html.rindex("<input", 0, start) : html.index(">", start)]
    assert "multiple" in tag and 'type="file"' in tag
    assert 'enctype="multipart/form-data"' in html


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            [("施工方案.exe", b"MZ\x90\x00")],
            "施工方案.exe：仅接受",
        ),
        (
            [("现场照片.png", PNG), ("验收证书.pdf", b"<html>not a pdf</html>")],
            "验收证书.pdf：文件内容与文件类型不符。",
        ),
        (
            [("大图.png", PNG + b"\x00" * 1024 * 1024)],
            "大图.png：文件超过1 MB。",
        ),
    ],
    ids=["wrong-type", "one-of-two-bad", "too-big"],
)
def test_a_bad_file_saves_nothing(task, sc_coord, settings, media, files, message):
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    response = post_update(
        signed_in(sc_coord),
        task,
        [SimpleUploadedFile(name, content) for name, content in files],
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert not ProgressUpdate.objects.exists()
    assert not UpdateEvidence.objects.exists()
    assert stored_files(media) == []


def test_the_size_error_names_the_limit(task, sc_coord, settings):
    settings.EVIDENCE_MAX_BYTES = 2 * 1024 * 1024
    big = SimpleUploadedFile("航拍.png", PNG + b"\x00" * (2 * 1024 * 1024))
    html = post_update(signed_in(sc_coord), task, [big]).content.decode()
    assert "航拍.png：文件超过2 MB。" in html


def test_too_many_files_save_nothing(task, sc_coord, settings):
    settings.EVIDENCE_MAX_FILES_PER_UPDATE = 2
    files = [SimpleUploadedFile(f"照片{i}.png", PNG) for i in range(3)]
    response = post_update(signed_in(sc_coord), task, files)
    assert response.status_code == 400
    assert "最多选择2个文件" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_a_refused_update_keeps_no_file(task, sc_coord, media):
    """The service refuses what the form passed (a stale version): nothing
    of the update is kept, its files neither."""
    client = signed_in(sc_coord)
    read = {"update-version": str(task.owners.get(party__code="sc").version)}
    post_update(client, task, [SimpleUploadedFile("a.png", PNG)], **read)
    response = post_update(client, task, [SimpleUploadedFile("b.png", PNG)], **read)
    assert response.status_code == 409
    assert ProgressUpdate.objects.count() == 1
    assert list(UpdateEvidence.objects.values_list("name", flat=True)) == ["a.png"]


def test_download_is_a_404_for_who_may_not_see_the_item(task, sc_coord, outsider):
    update = services.progress_update_post(
        task=task,
        actor=sc_coord,
        narrative="验收",
        progress=10,
        evidence=EvidenceSpec(files=[SimpleUploadedFile("验收证书.pdf", PDF)]),
    )
    [row] = update.evidence_list
    url = f"/api/v1/evidence-files/{row.pk}/download/"
    assert signed_in(outsider).get(url).status_code == 404
    assert api(outsider).get(url).status_code == 404
    assert APIClient().get(url).status_code in (401, 403)
    assert api(sc_coord).get(url).status_code == 200


def test_history_shows_the_files(task, sc_coord, cq_auditor):
    services.progress_update_post(
        task=task,
        actor=sc_coord,
        narrative="验收",
        progress=10,
        evidence=EvidenceSpec(files=[SimpleUploadedFile("验收证书.pdf", PDF)]),
    )
    row = UpdateEvidence.objects.get()
    assert UpdateEvidenceEvent.objects.filter(pgh_obj_id=row.pk).exists()
    html = (
        signed_in(cq_auditor)
        .get(page_url("task_detail", task.pk) + "?tab=history")
        .content.decode()
    )
    assert "验收证书.pdf" in html


def test_admin_lists_files_read_only_for_auditors(task, sc_coord, cq_auditor):
    from audit.security import auditor_group_sync

    auditor_group_sync()
    cq_auditor.is_staff = True
    cq_auditor.save()
    services.progress_update_post(
        task=task,
        actor=sc_coord,
        narrative="验收",
        progress=10,
        evidence=EvidenceSpec(files=[SimpleUploadedFile("验收证书.pdf", PDF)]),
    )
    row = UpdateEvidence.objects.get()
    client = signed_in(cq_auditor)
    listing = client.get("/admin/tracker/updateevidence/")
    assert listing.status_code == 200
    assert "验收证书.pdf" in listing.content.decode()
    change = client.get(f"/admin/tracker/updateevidence/{row.pk}/change/")
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()
    assert client.get("/admin/tracker/updateevidence/add/").status_code == 403
    history = client.get(f"/admin/tracker/updateevidence/{row.pk}/history/")
    assert history.status_code == 200
    assert "验收证书.pdf" in history.content.decode()


# --- the API ------------------------------------------------------------------------


def task_etag(client, task) -> str:
    """The ETag a progress update names: that of Sichuan's part of the task,
    as the task's detail lists it."""
    response = client.get(f"/api/v1/tasks/{task.pk}/")
    assert response.status_code == 200
    (owner,) = [o for o in response.json()["owners"] if o["party"]["code"] == "sc"]
    return owner["etag"]


def upload(client, name: str, content: bytes, key: str):
    return client.post(
        "/api/v1/uploads/",
        {"file": named(name, content)},
        format="multipart",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_upload_then_attach(task, sc_coord, cq_coord):
    sc = api(sc_coord)
    first = upload(sc, "验收证书.pdf", PDF, "up-1")
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["name"] == "验收证书.pdf" and body["size"] == len(PDF)
    assert body["expires_at"] > body["uploaded_at"]
    # A retry with the same key creates nothing new.
    again = upload(sc, "验收证书.pdf", PDF, "up-1")
    assert again.status_code == 201 and again.json() == body
    second = upload(sc, "会议纪要.docx", DOCX, "up-2").json()
    assert UpdateEvidence.objects.filter(update__isnull=True).count() == 2

    posted = sc.post(
        f"/api/v1/tasks/{task.pk}/progress-updates/",
        {
            "narrative": "完成验收",
            "progress": 80,
            "evidence_ids": [body["id"], second["id"]],
        },
        format="json",
        HTTP_IF_MATCH=task_etag(sc, task),
        HTTP_IDEMPOTENCY_KEY="pu-1",
    )
    assert posted.status_code == 201, posted.content
    names = [f["name"] for f in posted.json()["evidence_files"]]
    assert names == ["验收证书.pdf", "会议纪要.docx"]
    update = ProgressUpdate.objects.get(task=task)
    assert update.evidence_files.count() == 2

    listed = api(cq_coord).get(f"/api/v1/tasks/{task.pk}/progress-updates/").json()
    files = listed["results"][0]["evidence_files"]
    assert [f["name"] for f in files] == names
    download = api(cq_coord).get(files[1]["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == DOCX

    # Once attached, an upload cannot be named again.
    reused = sc.post(
        f"/api/v1/tasks/{task.pk}/progress-updates/",
        {"narrative": "再次报送", "progress": 85, "evidence_ids": [body["id"]]},
        format="json",
        HTTP_IF_MATCH=task_etag(sc, task),
    )
    assert reused.status_code == 400
    assert "evidence_ids" in reused.json()["errors"]


def test_someone_elses_upload_is_refused(task, sc_coord, cq_coord):
    theirs = upload(api(cq_coord), "重庆段照片.png", PNG, "cq-1").json()
    sc = api(sc_coord)
    refused = sc.post(
        f"/api/v1/tasks/{task.pk}/progress-updates/",
        {"narrative": "借用他人材料", "progress": 50, "evidence_ids": [theirs["id"]]},
        format="json",
        HTTP_IF_MATCH=task_etag(sc, task),
    )
    assert refused.status_code == 400
    assert "evidence_ids" in refused.json()["errors"]
    assert not ProgressUpdate.objects.exists()
    assert UpdateEvidence.objects.get(pk=theirs["id"]).update is None
    # Nor may they download it before it is attached.
    url = theirs["download_url"]
    assert sc.get(url).status_code == 404
    assert api(cq_coord).get(url).status_code == 200


def test_an_expired_upload_is_refused(task, sc_coord):
    sc = api(sc_coord)
    mine = upload(sc, "照片.png", PNG, "old-1").json()
    UpdateEvidence.objects.filter(pk=mine["id"]).update(
        uploaded_at=timezone.now() - dt.timedelta(hours=25)
    )
    refused = sc.post(
        f"/api/v1/tasks/{task.pk}/progress-updates/",
        {"narrative": "报送", "progress": 50, "evidence_ids": [mine["id"]]},
        format="json",
        HTTP_IF_MATCH=task_etag(sc, task),
    )
    assert refused.status_code == 400


def test_multipart_update_with_several_evidence_parts(task, sc_coord, media):
    sc = api(sc_coord)
    posted = sc.post(
        f"/api/v1/tasks/{task.pk}/progress-updates/",
        {
            "narrative": "铁塔组立完成",
            "progress": "60",
            "evidence_files": [named("照片.png", PNG), named("纪要.pdf", PDF)],
        },
        format="multipart",
        HTTP_IF_MATCH=task_etag(sc, task),
        HTTP_IDEMPOTENCY_KEY="mp-1",
    )
    assert posted.status_code == 201, posted.content
    assert [f["name"] for f in posted.json()["evidence_files"]] == [
        "照片.png",
        "纪要.pdf",
    ]
    bad = sc.post(
        f"/api/v1/tasks/{task.pk}/progress-updates/",
        {
            "narrative": "第二次",
            "progress": "70",
            "evidence_files": [named("照片.png", PNG), named("纪要.pdf", b"nope")],
        },
        format="multipart",
        HTTP_IF_MATCH=task_etag(sc, task),
    )
    assert bad.status_code == 400, bad.content
    assert bad.json()["errors"] == {
        "evidence_files.1": ["纪要.pdf：文件内容与文件类型不符。"]
    }
    assert ProgressUpdate.objects.count() == 1
    assert len(stored_files(media)) == 2


def test_only_coordinators_upload(sc_leader):
    response = upload(api(sc_leader), "照片.png", PNG, "l-1")
    assert response.status_code == 403
    assert not UpdateEvidence.objects.exists()


def test_a_bad_upload_names_the_file(sc_coord):
    response = upload(api(sc_coord), "报告.pdf", b"<html>", "bad-1")
    assert response.status_code == 400
    assert response.json()["errors"]["file"] == ["报告.pdf：文件内容与文件类型不符。"]


def test_updates_list_costs_the_same_however_many_files(task, sc_coord, cq_coord):
    def post(n):
        services.progress_update_post(
            task=task,
            actor=sc_coord,
            narrative="报送",
            progress=10 + n,
            evidence=EvidenceSpec(
                files=[SimpleUploadedFile(f"{n}-{i}.png", PNG) for i in range(n)]
            ),
        )

    client = api(cq_coord)
    url = f"/api/v1/tasks/{task.pk}/progress-updates/"
    post(1)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in (2, 3, 4):
        post(n)
    with CaptureQueriesContext(connection) as many:
        body = client.get(url).json()
    assert sum(len(u["evidence_files"]) for u in body["results"]) == 10
    assert len(many) == len(few)
    page = signed_in(cq_coord)
    page.get(page_url("task_detail", task.pk))
    with CaptureQueriesContext(connection) as detail_many:
        page.get(page_url("task_detail", task.pk))
    post(5)
    with CaptureQueriesContext(connection) as detail_more:
        page.get(page_url("task_detail", task.pk))
    assert len(detail_more) == len(detail_many)


# --- the sweeper ----------------------------------------------------------------------


def test_sweeper_removes_unattached_uploads_older_than_a_day(task, sc_coord, media):
    from tracker.tasks import sweep_evidence_uploads

    sc = api(sc_coord)
    old = upload(sc, "旧.png", PNG, "s-1").json()
    fresh = upload(sc, "新.png", PNG, "s-2").json()
    services.progress_update_post(
        task=task,
        actor=sc_coord,
        narrative="报送",
        progress=10,
        evidence=EvidenceSpec(files=[SimpleUploadedFile("附.pdf", PDF)]),
    )
    day_ago = timezone.now() - dt.timedelta(hours=25)
    UpdateEvidence.objects.filter(pk=old["id"]).update(uploaded_at=day_ago)
    UpdateEvidence.objects.exclude(update=None).update(uploaded_at=day_ago)
    old_file = UpdateEvidence.objects.get(pk=old["id"]).file.path

    with pytest.MonkeyPatch.context() as patch:
        # on_commit callbacks run at once: the test's transaction never commits.
        patch.setattr(
            "django.db.transaction.on_commit",
            lambda func, using=None, robust=False: func(),
        )
        assert sweep_evidence_uploads() == {"deleted": 1}
        assert sweep_evidence_uploads() == {"deleted": 0}
    assert not Path(old_file).exists()
    assert set(UpdateEvidence.objects.values_list("name", flat=True)) == {
        "新.png",
        "附.pdf",
    }
    assert fresh["id"] in UpdateEvidence.objects.values_list("id", flat=True)
    assert len(stored_files(media)) == 2


def test_sweeper_is_scheduled():
    import importlib

    from django.apps import apps
    from django_celery_beat.models import PeriodicTask

    # As migrate runs it (and again: it leaves an existing schedule alone).
    # A transactional test elsewhere may have emptied the table since.
    migration = importlib.import_module(
        "tracker.migrations.0010_evidence_sweep_schedule"
    )
    migration.create_schedule(apps, None)
    migration.create_schedule(apps, None)
    schedule = PeriodicTask.objects.get(task="tracker.sweep_evidence_uploads")
    assert schedule.enabled and schedule.interval.every == 1
