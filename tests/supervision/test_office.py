"""The joint office's workbench (/office/): what each section holds and what it
leaves out, the decisions and 催办 made right there (errors in Chinese,
nothing changed on error, a stale form refused), who may open it, and a
query count that does not grow with the rows."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from supervision.models import Urge
from supervision.selectors.office import office_workbench_for_user
from tests.supervision.workbench import build
from tests.tracker.pages import signed_in
from tracker import services
from tracker.choices import ExtensionStatus
from tracker.models import ExtensionRequest, Task

pytestmark = pytest.mark.django_db

OFFICE = reverse("supervision:office")


def test_each_section_holds_what_waits_and_nothing_else(w):
    rows = build(w)
    bench = office_workbench_for_user(user=w.office)
    assert [e.pk for e in bench.extensions] == [rows.extension.pk]
    assert [o.task.code for o in bench.overrides] == ["SZ-02"]
    [override] = bench.overrides
    assert override.days_left == 3
    assert [c.task.code for c in bench.claims] == ["JQ-05"]
    [claim] = bench.claims
    assert [p.code for p in claim.waiting_for] == ["cq"] and claim.days_waiting == 6
    # The most overdue first: NY-02 (10 days), NY-01 (5), NY-04 (milestone, 4).
    assert [t.code for t in bench.overdue] == ["NY-02", "NY-01", "NY-04"]
    late = bench.overdue[-1]
    assert late.days_overdue == 0 and late.milestone_days_overdue == 4
    assert late.late_milestone_id == rows.late_milestone.pk
    assert late.last_urged_at is not None
    assert bench.overdue[0].last_urged_at is None
    assert bench.counts == {"extensions": 1, "overrides": 1, "claims": 1, "overdue": 3}


def test_the_windows_follow_the_settings(w, settings):
    build(w)
    settings.SUPERVISION_UNREMINDED_DAYS = 6
    settings.SUPERVISION_CLAIM_WAIT_DAYS = 7
    settings.SUPERVISION_OVERRIDE_EXPIRY_DAYS = 30
    bench = office_workbench_for_user(user=w.office)
    assert [t.code for t in bench.overdue] == ["NY-02", "NY-01"]
    assert bench.claims == []
    assert [o.task.code for o in bench.overrides] == ["SZ-02", "SZ-03"]


def test_the_selector_costs_the_same_however_many_rows(w):
    build(w)
    with CaptureQueriesContext(connection) as few:
        office_workbench_for_user(user=w.office)
    build(w, "b")
    build(w, "c")
    with CaptureQueriesContext(connection) as many:
        bench = office_workbench_for_user(user=w.office)
    assert bench.counts["overdue"] == 7
    assert len(many) == len(few), [q["sql"][:80] for q in many.captured_queries]


def test_the_page_costs_the_same_however_many_rows(w):
    build(w)
    client = signed_in(w.office)
    with CaptureQueriesContext(connection) as few:
        assert client.get(OFFICE).status_code == 200
    build(w, "b")
    with CaptureQueriesContext(connection) as many:
        assert client.get(OFFICE).status_code == 200
    assert len(many) == len(few), [q["sql"][:80] for q in many.captured_queries]


def test_the_page_is_the_office_s(w):
    build(w)
    page = signed_in(w.office).get(OFFICE)
    assert page.status_code == 200
    html = page.content.decode()
    for section in ("extensions", "overdue", "claims", "overrides"):
        assert f'id="{section}"' in html
    assert re.search(r'data-testid="count-overdue">3<', html)
    assert re.search(r'data-testid="count-extensions">1<', html)
    assert 'data-testid="nav-office"' in html and "督办工作台" in html
    for user in (w.sc_coord, w.cq_coord, w.sc_leader, w.cq_auditor):
        refused = signed_in(user).get(OFFICE)
        assert refused.status_code == 403
        assert 'data-testid="nav-office"' not in refused.content.decode()
        home = signed_in(user).get(reverse("home")).content.decode()
        assert 'data-testid="nav-office"' not in home
    anonymous = Client().get(OFFICE)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def _decision(extension, **fields) -> dict:
    prefix = f"decision-{extension.pk}"
    data = {f"{prefix}-version": Task.objects.get(pk=extension.task_id).version}
    data.update({f"{prefix}-{k}": v for k, v in fields.items()})
    return data


def test_deciding_from_the_workbench(w):
    rows = build(w)
    url = reverse("supervision:office_decide", args=[rows.extension.pk])
    client = signed_in(w.office)
    blank = client.post(url, _decision(rows.extension, decision="refuse", opinion=""))
    assert blank.status_code == 400
    html = blank.content.decode()
    assert "提交未保存" in html and "请填写审批意见，申请方可见。" in html
    assert ExtensionRequest.objects.get(pk=rows.extension.pk).decided_at is None

    chosen = rows.ext_task.due_date + dt.timedelta(days=90)
    done = client.post(
        url,
        _decision(
            rows.extension,
            decision="approve",
            new_due_date=chosen.isoformat(),
            opinion="同意延期90天。",
        ),
    )
    assert done.status_code == 302
    assert done["Location"] == f"{OFFICE}#extensions"
    extension = ExtensionRequest.objects.get(pk=rows.extension.pk)
    assert extension.status == ExtensionStatus.APPROVED
    assert extension.granted_due_date == chosen
    after = client.get(OFFICE).content.decode()
    assert "延期申请的审批意见已记录。" in after
    assert re.search(r'data-testid="count-extensions">0<', after)


def test_a_stale_decision_is_shown_again_over_the_current_version(w):
    rows = build(w)
    read = _decision(rows.extension, decision="refuse", opinion="理由不充分。")
    task = Task.objects.get(pk=rows.ext_task.pk)
    services.task_update(
        task=task, actor=w.office, expected_version=task.version, title="改名"
    )
    url = reverse("supervision:office_decide", args=[rows.extension.pk])
    stale = signed_in(w.office).post(url, read)
    assert stale.status_code == 409
    html = stale.content.decode()
    assert "提交未保存：此事项已被他人修改" in html
    current = Task.objects.get(pk=task.pk).version
    assert f'name="decision-{rows.extension.pk}-version" value="{current}"' in html
    assert "理由不充分。" in html  # the input is kept
    assert ExtensionRequest.objects.get(pk=rows.extension.pk).decided_at is None


def test_urging_from_the_workbench(w):
    rows = build(w)
    task = rows.milestone_late
    url = reverse("supervision:office_urge", args=[task.pk])
    prefix = f"urge-{task.pk}"
    client = signed_in(w.office)
    page = client.get(OFFICE).content.decode()
    # Late by a milestone: the form names it.
    assert f'name="{prefix}-milestone" value="{rows.late_milestone.pk}"' in page
    data = {
        f"{prefix}-version": task.version,
        f"{prefix}-milestone": rows.late_milestone.pk,
    }
    before = Urge.objects.count()
    blank = client.post(url, {**data, f"{prefix}-message": " "})
    assert blank.status_code == 400
    assert "请填写催办内容。" in blank.content.decode()
    assert Urge.objects.count() == before
    sent = client.post(url, {**data, f"{prefix}-message": "请于本周内完成重庆段验收。"})
    assert sent.status_code == 302 and sent["Location"] == f"{OFFICE}#overdue"
    urge = Urge.objects.latest("sent_at")
    assert urge.task == task and urge.milestone == rows.late_milestone
    assert [t.party.code for t in urge.targets.all()] == ["cq"]
    bench = office_workbench_for_user(user=w.office)
    assert task.code not in [t.code for t in bench.overdue]
    # Nobody else urges from here.
    refused = signed_in(w.sc_leader).post(
        reverse("supervision:office_urge", args=[rows.overdue.pk]),
        {
            f"urge-{rows.overdue.pk}-version": rows.overdue.version,
            f"urge-{rows.overdue.pk}-message": "请报送",
        },
    )
    assert refused.status_code == 403
