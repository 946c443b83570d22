"""The joint office decides extension requests with a written opinion, on the
task page, on the workbench and through the API: the opinion reaches the
requesting party and is the reason of the change in the history; approving
keeps the original due date and the overdue record; nothing changes on a
refusal of the form."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from audit.models import ExtensionRequestEvent, TaskEvent
from config.api.concurrency import etag_for
from config.exceptions import InvalidInput, PermissionDenied, PreconditionFailed
from notifications.choices import Event
from notifications.models import Notification
from tests.tracker.pages import signed_in
from tracker import services
from tracker.choices import ExtensionStatus
from tracker.models import ExtensionRequest, Task

pytestmark = pytest.mark.django_db

OPINION = "理由不充分：重庆段征地已完成，请按原计划推进，每周报送进展。"


@pytest.fixture
def asked(w):
    """Chongqing asks for 60 more days on the item five days overdue."""
    return services.task_request_extension(
        task=w.task,
        actor=w.cq_coord,
        requested_due_date=w.task.due_date + dt.timedelta(days=60),
        reason="重庆段铁塔基础遇溶洞，需变更设计。",
    )


def _decide_url(extension) -> str:
    return reverse("tracker:extension_decide", args=[extension.pk])


def _form(task, **fields) -> dict:
    data = {"decision-version": Task.objects.get(pk=task.pk).version}
    data.update({f"decision-{k}": v for k, v in fields.items()})
    return data


def test_the_office_is_told_of_a_request(w, asked):
    told = Notification.objects.get(event=Event.EXTENSION_REQUESTED)
    assert told.recipient == w.office
    assert told.task == w.task
    assert "重庆市申请延期" in told.title
    assert "重庆段铁塔基础遇溶洞" in told.body
    assert told.link.startswith(reverse("tracker:task_detail", args=[w.task.pk]))
    # The requester is not told of their own act; no coordinator hears of it.
    assert not Notification.objects.filter(
        event=Event.EXTENSION_REQUESTED, recipient__in=[w.cq_coord, w.sc_coord]
    ).exists()


def test_refused_on_the_web_with_an_opinion(w, asked):
    """The issue's case: the coordinator sees the opinion, the due date is
    unchanged, the history shows the decision with the opinion as reason."""
    due = w.task.due_date
    response = signed_in(w.office).post(
        _decide_url(asked), _form(w.task, decision="refuse", opinion=OPINION)
    )
    assert response.status_code == 302
    asked.refresh_from_db()
    assert asked.status == ExtensionStatus.REFUSED
    assert asked.decision_note == OPINION
    assert asked.granted_due_date is None
    assert Task.objects.get(pk=w.task.pk).due_date == due

    page = signed_in(w.cq_coord).get(reverse("tracker:task_detail", args=[w.task.pk]))
    html = page.content.decode()
    assert OPINION in html
    assert "专班审批意见" in html and "未批准" in html
    assert due.isoformat() in html

    history = signed_in(w.cq_coord).get(
        reverse("tracker:task_detail", args=[w.task.pk]) + "?tab=history"
    )
    assert f"理由：{OPINION}" in history.content.decode()
    event = ExtensionRequestEvent.objects.filter(pgh_obj_id=asked.pk).latest("pgh_id")
    assert event.status == ExtensionStatus.REFUSED
    assert event.pgh_context["reason"] == OPINION

    told = Notification.objects.get(event=Event.EXTENSION_DECIDED)
    assert told.recipient == w.cq_coord
    assert "延期申请未获批准" in told.title and OPINION in told.body


def test_approved_with_a_date_of_the_office_keeps_the_overdue_record(w, asked):
    original = w.task.due_date
    chosen = original + dt.timedelta(days=30)  # not the 60 days asked for
    services.extension_request_decide(
        request=asked,
        actor=w.office,
        approve=True,
        opinion="同意延期30天，请于新期限前完成基础变更设计。",
        new_due_date=chosen,
        expected_version=Task.objects.get(pk=w.task.pk).version,
    )
    task = Task.objects.get(pk=w.task.pk)
    asked.refresh_from_db()
    assert task.due_date == chosen
    assert task.original_due_date == original
    assert asked.status == ExtensionStatus.APPROVED
    assert asked.granted_due_date == chosen
    assert asked.requested_due_date == original + dt.timedelta(days=60)
    assert asked.current_due_date == original
    assert asked.days_overdue == 5
    moved = TaskEvent.objects.filter(pgh_obj_id=task.pk).latest("pgh_id")
    assert moved.due_date == chosen
    assert moved.pgh_context["reason"].startswith("同意延期30天")
    told = Notification.objects.get(event=Event.EXTENSION_DECIDED)
    assert told.recipient == w.cq_coord and "延期申请已批准" in told.title

    html = (
        signed_in(w.cq_coord)
        .get(reverse("tracker:task_detail", args=[task.pk]))
        .content.decode()
    )
    assert f"新截止日期：{chosen.isoformat()}" in html
    assert "申请时已逾期5天" in html


def test_approving_without_a_date_grants_the_requested_one(w, asked):
    services.extension_request_decide(
        request=asked, actor=w.office, approve=True, opinion="同意。"
    )
    assert Task.objects.get(pk=w.task.pk).due_date == asked.requested_due_date


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"decision": "refuse", "opinion": "  "},
            "opinion",
            "请填写审批意见，申请方可见。",
        ),
        (
            {"decision": "approve", "opinion": ""},
            "opinion",
            "请填写审批意见，申请方可见。",
        ),
        (
            {"decision": "approve", "opinion": "同意", "new_due_date": "2000-01-01"},
            "new_due_date",
            "新的截止日期须晚于当前截止日期。",
        ),
    ],
)
def test_a_refused_form_changes_nothing(w, asked, fields, field, message):
    task = Task.objects.get(pk=w.task.pk)
    response = signed_in(w.office).post(_decide_url(asked), _form(task, **fields))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert f'id="id_decision-{field}"' in html
    asked.refresh_from_db()
    assert asked.status == ExtensionStatus.PENDING
    assert Task.objects.get(pk=task.pk).version == task.version
    assert not Notification.objects.filter(event=Event.EXTENSION_DECIDED).exists()


def test_a_stale_version_is_refused_on_the_page_and_in_the_api(w, asked):
    read = Task.objects.get(pk=w.task.pk)
    services.task_update(
        task=read, actor=w.office, expected_version=read.version, title="新名称"
    )
    page = signed_in(w.office).post(
        _decide_url(asked),
        {
            "decision-version": read.version,
            "decision-decision": "refuse",
            "decision-opinion": OPINION,
        },
    )
    assert page.status_code == 409
    assert "提交未保存：此事项已被他人修改" in page.content.decode()

    api = APIClient()
    api.force_authenticate(w.office)
    stale = api.post(
        f"/api/v1/extension-requests/{asked.pk}/decide/",
        {"approve": False, "opinion": OPINION},
        format="json",
        HTTP_IF_MATCH=etag_for(read),
    )
    assert stale.status_code == 412
    with pytest.raises(PreconditionFailed):
        services.extension_request_decide(
            request=asked,
            actor=w.office,
            approve=False,
            opinion=OPINION,
            expected_version=read.version,
        )
    asked.refresh_from_db()
    assert asked.status == ExtensionStatus.PENDING


@pytest.mark.parametrize("who", ["sc_coord", "cq_coord", "sc_leader", "cq_auditor"])
def test_only_the_office_decides(w, asked, who):
    user = getattr(w, who)
    with pytest.raises(PermissionDenied):
        services.extension_request_decide(
            request=asked, actor=user, approve=True, opinion="同意"
        )
    page = signed_in(user).post(
        _decide_url(asked), _form(w.task, decision="approve", opinion="同意")
    )
    assert page.status_code == 403
    api = APIClient()
    api.force_authenticate(user)
    response = api.post(
        f"/api/v1/extension-requests/{asked.pk}/decide/",
        {"approve": True, "opinion": "同意"},
        format="json",
        HTTP_IF_MATCH=etag_for(Task.objects.get(pk=w.task.pk)),
    )
    assert response.status_code == 403
    asked.refresh_from_db()
    assert asked.status == ExtensionStatus.PENDING


def test_the_api_takes_the_opinion_and_the_new_date(w, asked):
    api = APIClient()
    api.force_authenticate(w.office)
    url = f"/api/v1/extension-requests/{asked.pk}/decide/"
    tag = api.get(f"/api/v1/extension-requests/{asked.pk}/")["ETag"]
    blank = api.post(
        url, {"approve": True, "opinion": ""}, format="json", HTTP_IF_MATCH=tag
    )
    assert blank.status_code == 400
    assert "opinion" in blank.json()["errors"]
    chosen = (w.task.due_date + dt.timedelta(days=45)).isoformat()
    decided = api.post(
        url,
        {"approve": True, "opinion": "同意延期45天", "new_due_date": chosen},
        format="json",
        HTTP_IF_MATCH=tag,
        HTTP_IDEMPOTENCY_KEY="decide-ny01-1",
    )
    assert decided.status_code == 200, decided.content
    body = decided.json()
    assert body["status"] == "approved"
    assert body["granted_due_date"] == chosen
    assert body["decision_note"] == "同意延期45天"
    assert body["current_due_date"] == w.task.due_date.isoformat()
    assert decided["ETag"] == etag_for(Task.objects.get(pk=w.task.pk))


def test_the_service_refuses_a_blank_opinion_by_field(w, asked):
    with pytest.raises(InvalidInput) as refused:
        services.extension_request_decide(
            request=asked, actor=w.office, approve=False, opinion=""
        )
    assert set(refused.value.field_errors) == {"opinion"}
    assert ExtensionRequest.objects.get(pk=asked.pk).decided_at is None


def test_the_admin_s_bulk_approval_asks_for_the_opinion_first(w, asked, superuser):
    client = signed_in(superuser)
    url = reverse("admin:tracker_extensionrequest_changelist")
    selected = {"action": "approve", "_selected_action": [asked.pk]}
    ask = client.post(url, selected)
    assert ask.status_code == 200
    assert 'name="opinion"' in ask.content.decode()
    again = client.post(url, {**selected, "apply": "1", "opinion": " "})
    assert "请填写审批意见，申请方可见。" in again.content.decode()
    assert ExtensionRequest.objects.get(pk=asked.pk).status == ExtensionStatus.PENDING
    done = client.post(url, {**selected, "apply": "1", "opinion": "同意延期"})
    assert done.status_code == 302
    asked.refresh_from_db()
    assert asked.status == ExtensionStatus.APPROVED
    assert asked.decision_note == "同意延期"
    assert asked.granted_due_date == asked.requested_due_date
