"""The task page's progress form and indicator readings: what each POST
changes, errors shown with the input kept, 403 for the wrong party."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.clock import days, iso
from tests.tracker.pages import EN, PDF
from tests.tracker.pages import body as _body
from tests.tracker.pages import page_url as _url
from tests.tracker.pages import signed_in as _client
from tests.tracker.pages import update_form as _update
from tests.tracker.pages import version as _version
from tracker import services
from tracker.choices import TaskStatus
from tracker.models import (
    IndicatorReading,
    ProgressUpdate,
)

pytestmark = pytest.mark.django_db


# --- progress updates --------------------------------------------------------------


def test_progress_update_is_posted(w, sc_coord):
    client = _client(sc_coord)
    response = client.post(_url("progress_update_post", w.task.pk), _update(w.task))
    assert response.status_code == 302
    assert response["Location"] == _url("task_detail", w.task.pk) + "#feed"
    w.task.refresh_from_db()
    # Sichuan's part is at 45; the joint item is the parties' average.
    assert w.task.owners.get(party=w.sichuan).progress == 45
    assert w.task.progress == 22 and w.task.status == TaskStatus.IN_PROGRESS
    update = ProgressUpdate.objects.get(task=w.task)
    assert update.party == w.sichuan and update.author == sc_coord
    page = client.get(response["Location"])
    assert "铁塔组立完成过半" in _body(page)
    assert 'class="messages"' in _body(page)


def test_progress_update_with_reading_and_evidence(w, sc_coord, cq_coord):
    client = _client(sc_coord)
    data = _update(
        w.task,
        indicator=w.ind_sc.pk,
        period=iso(-60),
        value="12.5",
        evidence=SimpleUploadedFile("验收报告.pdf", PDF, "application/pdf"),
    )
    response = client.post(_url("progress_update_post", w.task.pk), data)
    assert response.status_code == 302, _body(response)
    reading = IndicatorReading.objects.get(indicator=w.ind_sc)
    update = ProgressUpdate.objects.get(task=w.task)
    assert reading.value == Decimal("12.5") and reading.evidence
    assert reading.reported_at == update.reported_at
    html = _body(_client(cq_coord).get(_url("task_detail", w.task.pk)))
    feed = html[html.index('data-testid="feed"') :]
    assert f"/api/v1/readings/{reading.pk}/evidence/" in feed
    download = _client(cq_coord).get(f"/api/v1/readings/{reading.pk}/evidence/")
    assert download.status_code == 200


def test_bad_progress_update_changes_nothing_and_keeps_the_input(w, sc_coord):
    before = _version(w.task)
    response = _client(sc_coord).post(
        _url("progress_update_post", w.task.pk),
        _update(w.task, narrative="我写了很长的一段进展说明", progress="150"),
        **EN,
    )
    assert response.status_code == 400
    html = _body(response)
    assert 'role="alert"' in html and 'id="error-summary"' in html
    assert "我写了很长的一段进展说明" in html
    assert 'value="150"' in html
    assert "less than or equal to 100" in html
    assert not ProgressUpdate.objects.exists()
    assert _version(w.task) == before


def test_a_refused_file_refuses_the_whole_update(w, sc_coord):
    fake = SimpleUploadedFile("报告.pdf", b"<html><script>x</script></html>")
    response = _client(sc_coord).post(
        _url("progress_update_post", w.task.pk),
        _update(
            w.task, indicator=w.ind_sc.pk, period=iso(-60), value="3", evidence=fake
        ),
    )
    assert response.status_code == 400
    # The same check and message as the API (Chinese by default).
    assert "文件内容与文件类型不符。" in _body(response)
    assert not ProgressUpdate.objects.exists()
    assert not IndicatorReading.objects.exists()


def test_update_and_reading_are_one_transaction(w, sc_coord):
    services.indicator_reading_record(
        indicator=w.ind_sc, actor=sc_coord, period=days(-60), value=1
    )
    before = _version(w.task)
    response = _client(sc_coord).post(
        _url("progress_update_post", w.task.pk),
        _update(w.task, indicator=w.ind_sc.pk, period=iso(-60), value="3"),
    )
    assert response.status_code == 400
    assert "铁塔组立完成过半" in _body(response)
    assert not ProgressUpdate.objects.exists()  # taken back with the reading
    assert IndicatorReading.objects.get().value == 1
    assert _version(w.task) == before


def test_wrong_party_gets_403_and_nothing_changes(w, sc_leader, cq_coord):
    response = _client(sc_leader).post(
        _url("progress_update_post", w.task.pk), _update(w.task)
    )
    assert response.status_code == 403
    assert 'data-testid="forbidden"' in _body(response)
    assert not ProgressUpdate.objects.exists()
    response = _client(cq_coord).post(
        _url("reading_record", w.ind_sc.pk),
        {
            f"reading-{w.ind_sc.pk}-period": iso(-60),
            f"reading-{w.ind_sc.pk}-value": "9",
        },
    )
    assert response.status_code == 403
    assert not IndicatorReading.objects.exists()


# --- readings ------------------------------------------------------------------------


def test_reading_is_recorded_with_evidence(w, cq_coord):
    prefix = f"reading-{w.ind_cq.pk}"
    response = _client(cq_coord).post(
        _url("reading_record", w.ind_cq.pk),
        {
            f"{prefix}-period": iso(-10),
            f"{prefix}-value": "18",
            f"{prefix}-note": "二季度",
            f"{prefix}-evidence": SimpleUploadedFile("表.pdf", PDF),
        },
    )
    assert response.status_code == 302
    reading = IndicatorReading.objects.get(indicator=w.ind_cq)
    assert reading.value == 18 and reading.note == "二季度" and reading.evidence
    assert reading.party == w.chongqing


def test_bad_reading_keeps_the_input(w, cq_coord):
    prefix = f"reading-{w.ind_cq.pk}"
    response = _client(cq_coord).post(
        _url("reading_record", w.ind_cq.pk),
        {
            f"{prefix}-period": "",
            f"{prefix}-value": "abc",
            f"{prefix}-note": "备注内容",
        },
    )
    assert response.status_code == 400
    html = _body(response)
    assert "备注内容" in html and 'value="abc"' in html
    assert not IndicatorReading.objects.exists()
