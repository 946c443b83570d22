"""The task page's completion (申请销号, 确认销号, 退回销号申请) and extension
forms."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.clock import iso
from tests.tracker.pages import body as _body
from tests.tracker.pages import page_url as _url
from tests.tracker.pages import signed_in as _client
from tests.tracker.pages import start as _start
from tests.tracker.pages import version as _version
from tracker import services
from tracker.choices import ExtensionStatus, TaskStatus
from tracker.models import (
    ExtensionRequest,
    Task,
)

pytestmark = pytest.mark.django_db


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
            "extension-requested_due_date": iso(365),
            "extension-reason": "用地审批延迟",
        },
    )
    assert response.status_code == 409
    assert 'data-testid="conflict"' in _body(response)
    assert "用地审批延迟" in _body(response)
    assert not ExtensionRequest.objects.exists()
