"""The task detail page's status and light forms, and the joint office's
decision on an extension request: each posts to its own URL, makes one service
call, and is refused by the service (not by the view) when the user may not."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.tracker.pages import page_url, signed_in
from tracker import services
from tracker.choices import ClaimStatus, ExtensionStatus, TaskStatus
from tracker.models import ExtensionRequest, LightOverride, Task

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _version(task) -> int:
    return Task.objects.get(pk=task.pk).version


def _status(task) -> str:
    return Task.objects.get(pk=task.pk).status


def _page(client, task) -> str:
    response = client.get(page_url("task_detail", task.pk))
    assert response.status_code == 200
    return response.content.decode()


def test_url_names():
    for name in ("task_start", "task_suspend", "task_resume", "task_cancel"):
        assert page_url(name, 7).startswith("/tasks/7/")
    assert page_url("task_reopen", 7) == "/tasks/7/reopen/"
    assert page_url("task_light_override", 7) == "/tasks/7/light-override/"
    assert page_url("extension_decide", 7) == "/extension-requests/7/decide/"


def test_a_coordinator_starts_the_task(task, sc_coord):
    client = signed_in(sc_coord)
    assert 'data-action="start"' in _page(client, task)
    response = client.post(
        page_url("task_start", task.pk), {"start-version": task.version}
    )
    assert response.status_code == 302
    assert response["Location"] == page_url("task_detail", task.pk) + "#status"
    assert _status(task) == TaskStatus.IN_PROGRESS
    html = _page(client, task)
    assert 'data-action="start"' not in html
    assert 'class="messages"' in html


def test_the_joint_office_suspends_resumes_cancels_and_reopens(task, office):
    client = signed_in(office)
    html = _page(client, task)
    for action in ("start", "suspend", "cancel"):
        assert f'data-action="{action}"' in html
    assert 'data-action="resume"' not in html
    no_reason = client.post(
        page_url("task_suspend", task.pk), {"suspend-version": _version(task)}, **EN
    )
    assert no_reason.status_code == 400
    assert 'id="error-summary"' in no_reason.content.decode()
    assert _status(task) == TaskStatus.NOT_STARTED
    steps = [
        ("task_suspend", "suspend", {"reason": "专班研究决定暂缓"}, "suspended"),
        ("task_resume", "resume", {}, "in_progress"),
        ("task_cancel", "cancel", {"reason": "并入其他事项"}, "cancelled"),
        ("task_reopen", "reopen", {"reason": "恢复单列"}, "in_progress"),
    ]
    for url_name, prefix, fields, status in steps:
        data = {f"{prefix}-{k}": v for k, v in fields.items()}
        data[f"{prefix}-version"] = _version(task)
        response = client.post(page_url(url_name, task.pk), data)
        assert response.status_code == 302, response.content.decode()
        assert _status(task) == status
    assert 'data-action="reopen"' not in _page(client, task)


def test_cancelling_withdraws_the_open_claim(task, sc_coord, office):
    services.task_start(task=task, actor=sc_coord)
    claim = services.task_claim_completion(task=task, actor=sc_coord)
    response = signed_in(office).post(
        page_url("task_cancel", task.pk),
        {"cancel-version": _version(task), "cancel-reason": "并入其他事项"},
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.WITHDRAWN


def test_a_coordinator_posting_the_offices_form_gets_403(task, sc_coord):
    response = signed_in(sc_coord).post(
        page_url("task_suspend", task.pk),
        {"suspend-version": task.version, "suspend-reason": "想暂停"},
    )
    assert response.status_code == 403
    assert 'data-testid="forbidden"' in response.content.decode()
    assert _status(task) == TaskStatus.NOT_STARTED


def test_a_stale_status_change_is_a_concurrent_change(task, sc_coord, office):
    stale = task.version
    services.task_start(task=task, actor=sc_coord)
    response = signed_in(office).post(
        page_url("task_suspend", task.pk),
        {"suspend-version": stale, "suspend-reason": "专班研究决定暂缓"},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert 'data-testid="conflict"' in html and "专班研究决定暂缓" in html
    assert _status(task) == TaskStatus.IN_PROGRESS


def test_the_office_overrides_the_light_until_a_day(task, sc_coord, office):
    services.task_start(task=task, actor=sc_coord)
    client = signed_in(office)
    until = timezone.localdate() + dt.timedelta(days=10)
    response = client.post(
        page_url("task_light_override", task.pk),
        {
            "override-version": _version(task),
            "override-light": "red",
            "override-reason": "征地协调受阻",
            "override-expires_on": until.isoformat(),
        },
    )
    assert response.status_code == 302, response.content.decode()
    override = LightOverride.objects.get(task=task)
    assert override.light == "red" and override.reason == "征地协调受阻"
    # To the end of the chosen day, Beijing time.
    assert timezone.localtime(override.expires_at) == timezone.make_aware(
        dt.datetime.combine(until + dt.timedelta(days=1), dt.time())
    )
    assert 'data-light="red"' in _page(signed_in(sc_coord), task)
    past = client.post(
        page_url("task_light_override", task.pk),
        {
            "override-version": _version(task),
            "override-light": "green",
            "override-reason": "已解决",
            "override-expires_on": "2020-01-01",
        },
        **EN,
    )
    assert past.status_code == 400
    html = past.content.decode()
    assert 'id="id_override-expires_on"' in html
    assert "The override must expire in the future." in html
    assert LightOverride.objects.filter(task=task).count() == 1


def test_the_office_decides_an_extension_request(task, sc_coord, cq_coord, office):
    services.task_start(task=task, actor=sc_coord)
    request = services.task_request_extension(
        task=task,
        actor=cq_coord,
        requested_due_date=task.due_date + dt.timedelta(days=60),
        reason="环评批复延迟",
    )
    client = signed_in(office)
    html = _page(client, task)
    assert f'data-action="decide_extension" data-object="{request.pk}"' in html
    assert 'data-action="decide_extension"' not in _page(signed_in(cq_coord), task)
    url = page_url("extension_decide", request.pk)
    refused_bare = client.post(
        url, {"decision-version": _version(task), "decision-decision": "refuse"}, **EN
    )
    assert refused_bare.status_code == 400
    assert "Write the office&#x27;s opinion" in refused_bare.content.decode()
    assert ExtensionRequest.objects.get().status == ExtensionStatus.PENDING
    response = client.post(
        url,
        {
            "decision-version": _version(task),
            "decision-decision": "approve",
            "decision-opinion": "同意延期",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#extensions")
    assert ExtensionRequest.objects.get().status == ExtensionStatus.APPROVED
    assert Task.objects.get(pk=task.pk).due_date == request.requested_due_date
    assert 'data-action="decide_extension"' not in _page(client, task)
    # A coordinator's forged decision is refused by the service.
    other = services.task_request_extension(
        task=task,
        actor=cq_coord,
        requested_due_date=task.due_date + dt.timedelta(days=90),
        reason="再次申请",
    )
    forged = signed_in(cq_coord).post(
        page_url("extension_decide", other.pk),
        {
            "decision-version": _version(task),
            "decision-decision": "approve",
            "decision-opinion": "同意",
        },
    )
    assert forged.status_code == 403
    assert ExtensionRequest.objects.get(pk=other.pk).status == ExtensionStatus.PENDING
