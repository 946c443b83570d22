"""The milestone form reached from the task page: who may change which
milestone and what, and errors shown with the input kept."""

from __future__ import annotations

import re

import pytest

from tests.clock import days, iso
from tests.tracker.pages import body as _body
from tests.tracker.pages import page_url as _url
from tests.tracker.pages import signed_in as _client
from tracker.choices import MilestoneStatus
from tracker.models import (
    Milestone,
)

pytestmark = pytest.mark.django_db


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
            f"{prefix}-due_date": iso(365),
        },
    )
    assert response.status_code == 302
    w.ms_cq.refresh_from_db()
    assert w.ms_cq.title == "重庆段完工（调整）"
    assert w.ms_cq.due_date == days(365)


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
