"""A workbench's worth of rows (tests/supervision/test_office*.py): one of
each kind the joint office's workbench lists, and one beside each that it must
leave out, built through the services at the tests' frozen today."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import time_machine
from django.utils import timezone

from supervision.services.urges import urge_send
from tests.factories import make_task
from tracker import services
from tracker.models import Task


def _task(w, code, *, due, **kwargs) -> Task:
    return make_task(
        w.task.initiative,
        code=code,
        title=f"事项{code}",
        due_date=w.today + dt.timedelta(days=due),
        **kwargs,
    )


def _at(days: int):
    """The clock `days` from now (negative: before), for rows of the past."""
    return time_machine.travel(timezone.now() + dt.timedelta(days=days), tick=False)


def build(w, n: str = "") -> SimpleNamespace:
    """One row of each kind the workbench lists, and one beside it that it
    must leave out. `n` tells the codes of a second batch apart."""
    office, sc, cq = w.office, w.sc_coord, w.cq_coord
    rows = SimpleNamespace()
    # An extension request waiting; one decided already.
    rows.ext_task = _task(w, f"JQ-08{n}", due=20)
    rows.extension = services.task_request_extension(
        task=rows.ext_task,
        actor=cq,
        requested_due_date=rows.ext_task.due_date + dt.timedelta(days=180),
        reason="重庆链主企业采购清单需与四川方补充对接。",
    )
    decided = _task(w, f"JQ-09{n}", due=20)
    services.extension_request_decide(
        request=services.task_request_extension(
            task=decided,
            actor=sc,
            requested_due_date=decided.due_date + dt.timedelta(days=30),
            reason="设备到货推迟",
        ),
        actor=office,
        approve=False,
        opinion="不影响总体进度。",
    )
    # An override ending in three days; one ending in twenty.
    rows.soon = _task(w, f"SZ-02{n}", due=60)
    later = _task(w, f"SZ-03{n}", due=60)
    for task, days in ((rows.soon, 3), (later, 20)):
        services.light_override_set(
            task=task,
            actor=office,
            light="amber",
            reason="专班研判存在风险",
            expires_at=timezone.now() + dt.timedelta(days=days),
        )
    # A claim six days old, waiting for Chongqing; one of two days.
    rows.claimed = _task(w, f"JQ-05{n}", due=60)
    recent = _task(w, f"JQ-06{n}", due=60)
    for task, days in ((rows.claimed, -6), (recent, -2)):
        with _at(days):
            services.task_start(task=task, actor=sc)
            services.task_claim_completion(
                task=task, actor=sc, explanation="四川段已完工，请重庆方确认"
            )
    # Overdue and never urged; overdue and urged yesterday; late by a
    # milestone and urged five days ago; overdue but suspended or cancelled.
    rows.overdue = _task(w, f"NY-02{n}", due=-10)
    urged = _task(w, f"NY-03{n}", due=-10)
    with _at(-1):
        urge_send(task=urged, actor=office, message="请报送进展。")
    rows.milestone_late = _task(w, f"NY-04{n}", due=30)
    rows.late_milestone = services.milestone_create(
        task=rows.milestone_late,
        title="重庆段验收",
        due_date=w.today - dt.timedelta(days=4),
        party=w.chongqing,
    )
    with _at(-5):
        urge_send(task=rows.milestone_late, actor=office, message="请报送进展。")
    suspended = _task(w, f"NY-05{n}", due=-10)
    services.task_suspend(task=suspended, actor=office, reason="等待国家批复")
    cancelled = _task(w, f"NY-06{n}", due=-10)
    services.task_cancel(task=cancelled, actor=office, reason="调整出清单")
    return rows
