"""The task detail page and its action forms: who sees what, what each POST
changes, errors shown with the input kept, 403 for the wrong party, the
concurrent-change flow, the history tab, and a constant query count."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.services import membership_grant
from tests.factories import PartyFactory, UserFactory, make_initiative, make_task
from tests.tracker.pages import page_url as _url
from tests.tracker.pages import signed_in as _client
from tracker import services
from tracker.choices import ExtensionStatus, MilestoneStatus, TaskStatus
from tracker.models import (
    ExtensionRequest,
    IndicatorReading,
    Milestone,
    ProgressUpdate,
    Task,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def _media(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def w(initiative, sichuan, chongqing, sc_coord, cq_coord, sc_leader, cq_auditor):
    """A joint Sichuan–Chongqing task with each party's milestone, a joint
    milestone with parts, one indicator per party and a joint one."""
    today = timezone.localdate()
    task = make_task(
        initiative,
        code="NY-01",
        title="川渝1000千伏特高压交流工程",
        due_date=today + dt.timedelta(days=120),
    )
    ns = SimpleNamespace(task=task, today=today, sichuan=sichuan, chongqing=chongqing)
    ns.ms_cq = services.milestone_create(
        task=task,
        title="重庆段完工",
        due_date=today + dt.timedelta(days=30),
        party=chongqing,
    )
    ns.ms_sc = services.milestone_create(
        task=task,
        title="四川段完工",
        due_date=today + dt.timedelta(days=3),
        party=sichuan,
    )
    ns.ms_joint = services.milestone_create(
        task=task, title="联合验收", due_date=today + dt.timedelta(days=90)
    )
    ns.ms_part = services.milestone_create(
        task=task,
        title="四川侧验收材料",
        due_date=today + dt.timedelta(days=80),
        party=sichuan,
        parent=ns.ms_joint,
    )
    ns.ind_sc = services.indicator_create(
        task=task, name="四川段投资", unit="亿元", target=Decimal(50), party=sichuan
    )
    ns.ind_cq = services.indicator_create(
        task=task, name="重庆段投资", unit="亿元", target=Decimal(40), party=chongqing
    )
    task.refresh_from_db()
    return ns


def _body(response) -> str:
    return response.content.decode()


def _version(task) -> int:
    return Task.objects.get(pk=task.pk).version


def _start(task, actor):
    services.progress_update_post(task=task, actor=actor, narrative="开工", progress=10)
    task.refresh_from_db()


def _hidden_version(html: str, prefix: str) -> int:
    match = re.search(rf'name="{prefix}-version" value="(\d+)"', html)
    assert match, f"no hidden version for {prefix}"
    return int(match.group(1))


# --- access --------------------------------------------------------------------------


def test_url_names():
    assert _url("task_detail", 7) == "/tasks/7/"
    assert _url("progress_update_post", 7) == "/tasks/7/updates/"
    assert _url("reading_record", 7) == "/indicators/7/readings/"
    assert _url("milestone_edit", 7) == "/milestones/7/edit/"
    for name in ("task_claim", "task_confirm", "task_reject", "task_extension"):
        assert _url(name, 7).startswith("/tasks/7/")


def test_anonymous_users_are_sent_to_log_in(w):
    for url in (
        _url("task_detail", w.task.pk),
        _url("progress_update_post", w.task.pk),
        _url("milestone_edit", w.ms_sc.pk),
    ):
        response = Client().post(url) if "updates" in url else Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_task_of_another_initiative_is_404(w, sc_coord):
    shaanxi = PartyFactory(code="sx", name="陕西省")
    other = make_task(make_initiative([shaanxi]), code="SX-1")
    milestone = services.milestone_create(
        task=other, title="陕西段", due_date=w.today, party=shaanxi
    )
    client = _client(sc_coord)
    assert client.get(_url("task_detail", other.pk)).status_code == 404
    assert client.get(_url("task_detail", 999999)).status_code == 404
    assert client.get(_url("milestone_edit", milestone.pk)).status_code == 404
    response = client.post(
        _url("progress_update_post", other.pk),
        {
            "update-version": other.version,
            "update-narrative": "x",
            "update-progress": 5,
        },
    )
    assert response.status_code == 404
    assert not ProgressUpdate.objects.filter(task=other).exists()


def test_detail_shows_the_task(w, sc_coord, cq_coord):
    _start(w.task, sc_coord)
    services.task_request_extension(
        task=w.task,
        actor=cq_coord,
        requested_due_date=w.task.due_date + dt.timedelta(days=30),
        reason="环评批复延迟",
    )
    response = _client(sc_coord).get(_url("task_detail", w.task.pk))
    assert response.status_code == 200
    html = _body(response)
    assert "<h1" in html and html.count("<h1") == 1
    assert "川渝1000千伏特高压交流工程" in html
    assert 'data-light="' in html  # the light badge, with its text
    # owners per party
    assert html.count('data-testid="owner"') == 2
    assert "联络人" in html
    # milestones by due date, the part under its joint milestone
    order = [html.index(t) for t in ("四川段完工", "重庆段完工", "联合验收")]
    assert order == sorted(order)
    assert html.index("联合验收") < html.index("四川侧验收材料")
    assert 'data-state="due-soon"' in html  # 四川段完工 in 3 days
    # indicators, the feed, extension history
    assert html.count('data-testid="indicator"') == 2
    assert "<meter" not in html or "四川段投资" in html
    assert html.count('data-testid="feed-item"') == 1 and "开工" in html
    assert 'data-testid="extension"' in html and "环评批复延迟" in html
    assert "style=" not in html and "<script>" not in html


def test_light_override_reason_is_shown(w, office, sc_leader):
    services.light_override_set(
        task=w.task,
        actor=office,
        light="red",
        reason="征地协调受阻，专班研判为逾期风险",
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    html = _body(_client(sc_leader).get(_url("task_detail", w.task.pk)))
    assert 'data-light="red"' in html
    assert 'data-testid="light-override"' in html
    assert "征地协调受阻，专班研判为逾期风险" in html


def test_leadership_and_auditors_see_no_controls(w, sc_leader, cq_auditor, sc_coord):
    _start(w.task, sc_coord)
    for user in (sc_leader, cq_auditor):
        html = _body(_client(user).get(_url("task_detail", w.task.pk)))
        assert "川渝1000千伏特高压交流工程" in html
        assert '<form method="post" action="/tasks/' not in html
        assert 'data-testid="form-' not in html


def test_coordinators_see_only_their_controls(w, sc_coord, cq_coord):
    _start(w.task, sc_coord)
    html = _body(_client(sc_coord).get(_url("task_detail", w.task.pk)))
    for testid in ("form-update", "form-claim", "form-extension"):
        assert f'data-testid="{testid}"' in html
    assert f'data-testid="form-ms-{w.ms_sc.pk}"' in html
    assert f'data-testid="form-ms-{w.ms_joint.pk}"' in html  # joint: either party
    assert f'data-testid="form-ms-{w.ms_cq.pk}"' not in html
    assert f'data-testid="form-reading-{w.ind_sc.pk}"' in html
    assert f'data-testid="form-reading-{w.ind_cq.pk}"' not in html
    assert 'data-testid="form-confirm"' not in html  # nothing claimed yet
    # the progress form offers only the indicators the user reports
    form = html[html.index('id="form-update"') :]
    form = form[: form.index("</form>")]
    assert "四川段投资" in form and "重庆段投资" not in form


def test_get_on_an_action_url_goes_back_to_the_task(w, sc_coord):
    client = _client(sc_coord)
    for url in (
        _url("progress_update_post", w.task.pk),
        _url("task_claim", w.task.pk),
        _url("reading_record", w.ind_sc.pk),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(_url("task_detail", w.task.pk))


# --- progress updates --------------------------------------------------------------


def _update(task, **fields):
    data = {
        # The version of Sichuan's part: what its progress form carries.
        "update-version": task.owners.get(party__code="sc").version,
        "update-narrative": "铁塔组立完成过半",
        "update-progress": "45",
    }
    data.update({f"update-{k}": v for k, v in fields.items()})
    return data


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
        period="2025-03-31",
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
            w.task, indicator=w.ind_sc.pk, period="2025-03-31", value="3", evidence=fake
        ),
    )
    assert response.status_code == 400
    # The same check and message as the API (Chinese by default).
    assert "文件内容与文件类型不符。" in _body(response)
    assert not ProgressUpdate.objects.exists()
    assert not IndicatorReading.objects.exists()


def test_update_and_reading_are_one_transaction(w, sc_coord):
    services.indicator_reading_record(
        indicator=w.ind_sc, actor=sc_coord, period=dt.date(2025, 3, 31), value=1
    )
    before = _version(w.task)
    response = _client(sc_coord).post(
        _url("progress_update_post", w.task.pk),
        _update(w.task, indicator=w.ind_sc.pk, period="2025-03-31", value="3"),
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
            f"reading-{w.ind_sc.pk}-period": "2025-03-31",
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
            f"{prefix}-period": "2025-06-30",
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


# --- completion ---------------------------------------------------------------------


def test_claim_confirm_completes_the_task(w, sc_coord, cq_coord):
    _start(w.task, sc_coord)
    response = _client(sc_coord).post(
        _url("task_claim", w.task.pk),
        {"claim-version": _version(w.task), "claim-explanation": "各节点已按期完成"},
    )
    assert response.status_code == 302
    w.task.refresh_from_db()
    assert w.task.status == TaskStatus.COMPLETION_CLAIMED
    # The claimant cannot confirm its own claim; the counterpart can.
    sc_html = _body(_client(sc_coord).get(_url("task_detail", w.task.pk)))
    assert 'data-testid="form-confirm"' not in sc_html
    cq = _client(cq_coord)
    cq_html = _body(cq.get(_url("task_detail", w.task.pk)))
    assert 'data-testid="form-confirm"' in cq_html
    assert 'data-testid="form-reject"' in cq_html
    forced = _client(sc_coord).post(
        _url("task_confirm", w.task.pk), {"confirm-version": _version(w.task)}
    )
    assert forced.status_code == 403
    assert Task.objects.get(pk=w.task.pk).status == TaskStatus.COMPLETION_CLAIMED
    response = cq.post(
        _url("task_confirm", w.task.pk), {"confirm-version": _version(w.task)}
    )
    assert response.status_code == 302
    assert Task.objects.get(pk=w.task.pk).status == TaskStatus.COMPLETED


def test_claim_with_open_milestones_needs_an_explanation(w, sc_coord):
    _start(w.task, sc_coord)
    response = _client(sc_coord).post(
        _url("task_claim", w.task.pk),
        {"claim-version": _version(w.task), "claim-explanation": ""},
    )
    assert response.status_code == 400
    assert 'id="error-summary"' in _body(response)
    assert Task.objects.get(pk=w.task.pk).status == TaskStatus.IN_PROGRESS


def test_reject_needs_a_reason(w, sc_coord, cq_coord):
    _start(w.task, sc_coord)
    services.task_claim_completion(task=w.task, actor=sc_coord, explanation="完成")
    cq = _client(cq_coord)
    response = cq.post(
        _url("task_reject", w.task.pk), {"reject-version": _version(w.task)}
    )
    assert response.status_code == 400
    assert Task.objects.get(pk=w.task.pk).status == TaskStatus.COMPLETION_CLAIMED
    response = cq.post(
        _url("task_reject", w.task.pk),
        {"reject-version": _version(w.task), "reject-reason": "重庆段尚未验收"},
    )
    assert response.status_code == 302
    assert Task.objects.get(pk=w.task.pk).status == TaskStatus.IN_PROGRESS


def test_claim_in_the_wrong_state_is_refused_with_a_message(w, sc_coord):
    response = _client(sc_coord).post(  # not started yet
        _url("task_claim", w.task.pk),
        {"claim-version": _version(w.task), "claim-explanation": "完成"},
    )
    assert response.status_code == 409
    assert 'id="error-summary"' in _body(response)
    assert Task.objects.get(pk=w.task.pk).status == TaskStatus.NOT_STARTED


# --- extensions ---------------------------------------------------------------------


def test_extension_request(w, cq_coord):
    new_date = w.task.due_date + dt.timedelta(days=60)
    client = _client(cq_coord)
    bad = client.post(
        _url("task_extension", w.task.pk),
        {
            "extension-version": _version(w.task),
            "extension-requested_due_date": w.task.due_date.isoformat(),
            "extension-reason": "环评批复延迟",
        },
    )
    assert bad.status_code == 400
    assert "环评批复延迟" in _body(bad)
    assert not ExtensionRequest.objects.exists()
    response = client.post(
        _url("task_extension", w.task.pk),
        {
            "extension-version": _version(w.task),
            "extension-requested_due_date": new_date.isoformat(),
            "extension-reason": "环评批复延迟",
        },
    )
    assert response.status_code == 302
    request = ExtensionRequest.objects.get()
    assert request.requested_due_date == new_date and request.party == w.chongqing
    assert request.status == ExtensionStatus.PENDING
    html = _body(client.get(_url("task_detail", w.task.pk)))
    assert 'data-testid="form-extension"' not in html  # one pending at a time


def test_stale_extension_request_is_a_concurrent_change(w, sc_coord, cq_coord):
    stale = _version(w.task)
    _start(w.task, sc_coord)
    response = _client(cq_coord).post(
        _url("task_extension", w.task.pk),
        {
            "extension-version": stale,
            "extension-requested_due_date": "2030-01-01",
            "extension-reason": "用地审批延迟",
        },
    )
    assert response.status_code == 409
    assert 'data-testid="conflict"' in _body(response)
    assert "用地审批延迟" in _body(response)
    assert not ExtensionRequest.objects.exists()


# --- milestones ---------------------------------------------------------------------


def test_milestone_status_is_saved(w, sc_coord):
    client = _client(sc_coord)
    page = client.get(_url("milestone_edit", w.ms_sc.pk))
    assert page.status_code == 200
    assert 'data-testid="form-milestone"' in _body(page)
    assert f'name="ms-{w.ms_sc.pk}-title"' not in _body(page)  # not for coordinators
    response = client.post(
        _url("milestone_edit", w.ms_sc.pk),
        {
            f"ms-{w.ms_sc.pk}-version": w.ms_sc.version,
            f"ms-{w.ms_sc.pk}-status": MilestoneStatus.DONE,
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#milestone-{w.ms_sc.pk}")
    w.ms_sc.refresh_from_db()
    assert w.ms_sc.status == MilestoneStatus.DONE and w.ms_sc.completed_at


def test_administrator_edits_title_and_due_date(w, office):
    client = _client(office)
    prefix = f"ms-{w.ms_cq.pk}"
    assert f'name="{prefix}-title"' in _body(
        client.get(_url("milestone_edit", w.ms_cq.pk))
    )
    response = client.post(
        _url("milestone_edit", w.ms_cq.pk),
        {
            f"{prefix}-version": w.ms_cq.version,
            f"{prefix}-status": MilestoneStatus.IN_PROGRESS,
            f"{prefix}-title": "重庆段完工（调整）",
            f"{prefix}-due_date": "2030-06-30",
        },
    )
    assert response.status_code == 302
    w.ms_cq.refresh_from_db()
    assert w.ms_cq.title == "重庆段完工（调整）"
    assert w.ms_cq.due_date == dt.date(2030, 6, 30)


def test_bad_milestone_input_keeps_it(w, office):
    prefix = f"ms-{w.ms_cq.pk}"
    response = _client(office).post(
        _url("milestone_edit", w.ms_cq.pk),
        {
            f"{prefix}-version": w.ms_cq.version,
            f"{prefix}-status": "done",
            f"{prefix}-title": "",
            f"{prefix}-due_date": "2030-13-45",
        },
    )
    assert response.status_code == 400
    html = _body(response)
    assert 'id="error-summary"' in html and 'value="2030-13-45"' in html
    assert re.search(r'<option value="done"[^>]*selected', html)
    assert Milestone.objects.get(pk=w.ms_cq.pk).status == MilestoneStatus.PENDING


def test_sichuan_cannot_edit_a_chongqing_milestone(w, sc_coord):
    client = _client(sc_coord)
    html = _body(client.get(_url("task_detail", w.task.pk)))
    assert f'data-testid="ms-{w.ms_cq.pk}-edit"' not in html
    assert client.get(_url("milestone_edit", w.ms_cq.pk)).status_code == 403
    response = client.post(
        _url("milestone_edit", w.ms_cq.pk),
        {
            f"ms-{w.ms_cq.pk}-version": w.ms_cq.version,
            f"ms-{w.ms_cq.pk}-status": MilestoneStatus.DONE,
        },
    )
    assert response.status_code == 403
    assert 'data-testid="forbidden"' in _body(response)
    assert Milestone.objects.get(pk=w.ms_cq.pk).status == MilestoneStatus.PENDING


def test_joint_milestone_cannot_be_done_before_its_parts(w, sc_coord):
    prefix = f"ms-{w.ms_joint.pk}"
    response = _client(sc_coord).post(
        _url("milestone_edit", w.ms_joint.pk),
        {f"{prefix}-version": w.ms_joint.version, f"{prefix}-status": "done"},
    )
    assert response.status_code == 400
    assert 'id="error-summary"' in _body(response)
    assert Milestone.objects.get(pk=w.ms_joint.pk).status == MilestoneStatus.PENDING


# --- concurrent changes -------------------------------------------------------------


def test_two_stale_progress_updates(w, sc_coord):
    """Two Sichuan clerks open the page at the same version of their party's
    part; one posts first; the other's submission is refused with the first's
    change named, its input kept, and the form ready to go again over the new
    version. (Sichuan and Chongqing report on parts of their own: see
    test_party_progress.py.)"""
    second_clerk = UserFactory(username="sc_coord2")
    membership_grant(user=second_clerk, party=w.sichuan, role="coordinator")
    sc, cq = _client(sc_coord), _client(second_clerk)
    sc_version = _hidden_version(
        _body(sc.get(_url("task_detail", w.task.pk))), "update"
    )
    cq_version = _hidden_version(
        _body(cq.get(_url("task_detail", w.task.pk))), "update"
    )
    assert sc_version == cq_version
    first = sc.post(
        _url("progress_update_post", w.task.pk),
        {
            "update-version": sc_version,
            "update-narrative": "四川段完成",
            "update-progress": "60",
        },
    )
    assert first.status_code == 302
    second = cq.post(
        _url("progress_update_post", w.task.pk),
        {
            "update-version": cq_version,
            "update-narrative": "重庆段进展顺利的说明",
            "update-progress": "30",
        },
    )
    assert second.status_code == 409
    html = _body(second)
    assert 'data-testid="conflict"' in html and 'role="alert"' in html
    summary = re.search(r'data-testid="conflict-summary">([^<]*)<', html).group(1)
    assert "sc_coord" in summary and "四川省" in summary
    assert "60" in summary  # what Sichuan changed: the progress, to 60
    assert "重庆段进展顺利的说明" in html and 'value="30"' in html
    assert 'data-testid="conflict-current">60<' in html  # current beside yours
    assert 'data-testid="conflict-yours">30<' in html
    assert 'data-testid="conflict-reload"' in html
    current = w.task.owners.get(party=w.sichuan).version
    assert _hidden_version(html, "update") == current
    assert ProgressUpdate.objects.count() == 1
    # Submitting again over the new version goes through.
    again = cq.post(
        _url("progress_update_post", w.task.pk),
        {
            "update-version": current,
            "update-narrative": "重庆段进展顺利的说明",
            "update-progress": "30",
        },
    )
    assert again.status_code == 302
    assert ProgressUpdate.objects.count() == 2


def test_two_stale_milestone_edits(w, sc_coord, office):
    """The joint office and Sichuan's coordinator edit the same milestone."""
    prefix = f"ms-{w.ms_sc.pk}"
    office_client, sc = _client(office), _client(sc_coord)
    version = _hidden_version(_body(sc.get(_url("milestone_edit", w.ms_sc.pk))), prefix)
    first = office_client.post(
        _url("milestone_edit", w.ms_sc.pk),
        {
            f"{prefix}-version": version,
            f"{prefix}-status": "in_progress",
            f"{prefix}-title": "四川段完工",
            f"{prefix}-due_date": (w.today + dt.timedelta(days=10)).isoformat(),
        },
    )
    assert first.status_code == 302
    second = sc.post(
        _url("milestone_edit", w.ms_sc.pk),
        {f"{prefix}-version": version, f"{prefix}-status": "done"},
    )
    assert second.status_code == 409
    html = _body(second)
    summary = re.search(r'data-testid="conflict-summary">([^<]*)<', html).group(1)
    assert "office" in summary
    assert 'data-testid="conflict-yours">' in html
    assert re.search(r'<option value="done"[^>]*selected', html)  # input kept
    assert _hidden_version(html, prefix) == Milestone.objects.get(pk=w.ms_sc.pk).version
    assert Milestone.objects.get(pk=w.ms_sc.pk).status == MilestoneStatus.IN_PROGRESS


# --- history ------------------------------------------------------------------------


def test_history_tab_shows_a_change(w, sc_coord, cq_auditor):
    client = _client(sc_coord)
    client.post(
        _url("milestone_edit", w.ms_sc.pk),
        {
            f"ms-{w.ms_sc.pk}-version": w.ms_sc.version,
            f"ms-{w.ms_sc.pk}-status": "done",
        },
    )
    client.post(_url("progress_update_post", w.task.pk), _update(w.task))
    for user in (sc_coord, cq_auditor):
        response = _client(user).get(_url("task_detail", w.task.pk) + "?tab=history")
        assert response.status_code == 200
        html = _body(response)
        assert 'aria-current="page"' in html and 'data-testid="history"' in html
        entries = re.findall(r'data-testid="history-entry"', html)
        assert len(entries) >= 3
        assert "sc_coord" in html and "四川段完工" in html
        assert "45" in html  # progress 0 → 45
        assert 'data-testid="form-update"' not in html


# --- query counts -------------------------------------------------------------------


def _grow(w, sc_coord, cq_coord, start, stop):
    for i in range(start, stop):
        services.milestone_create(
            task=w.task,
            title=f"节点{i}",
            due_date=w.today + dt.timedelta(days=i),
            party=w.sichuan if i % 2 else w.chongqing,
        )
        services.progress_update_post(
            task=w.task,
            actor=sc_coord if i % 2 else cq_coord,
            narrative=f"进展{i}",
            progress=i,
        )
        services.indicator_reading_record(
            indicator=w.ind_sc,
            actor=sc_coord,
            period=dt.date(2024, 1, 1) + dt.timedelta(days=i),
            value=i,
            evidence=SimpleUploadedFile(f"{i}.pdf", PDF),
        )


def test_detail_query_count_is_constant(w, sc_coord, cq_coord):
    """The detail page costs the same number of queries with a dozen more
    milestones, progress updates and readings."""
    client = _client(sc_coord)
    url = _url("task_detail", w.task.pk)
    _grow(w, sc_coord, cq_coord, 0, 2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow(w, sc_coord, cq_coord, 2, 14)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small), [q["sql"][:80] for q in large.captured_queries]
    assert len(small) <= 12


# Session, user, grants, the task and its owners; one query per event table
# (10); at most one per kind of related object named on a page (party,
# indicator, milestone, agency, initiative, work stream, user) and two for the
# actors. However long the history.
HISTORY_MAX_QUERIES = 5 + 10 + 7 + 2


def test_history_query_count_is_bounded(
    w, sc_coord, cq_coord, django_assert_max_num_queries
):
    client = _client(sc_coord)
    url = _url("task_detail", w.task.pk) + "?tab=history"
    for start, stop in ((0, 2), (2, 14), (14, 40)):
        _grow(w, sc_coord, cq_coord, start, stop)
        with django_assert_max_num_queries(HISTORY_MAX_QUERIES):
            assert client.get(url).status_code == 200
