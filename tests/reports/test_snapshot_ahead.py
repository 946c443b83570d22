"""The snapshot's view ahead: each open item's forecast as of the period's end
(from the history before it), and the items a slipped blocker held up then."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from reports import services as report_services
from reports.snapshot import report_snapshot
from tests.factories import make_task
from tracker import services
from tracker.lights import reason_text

pytestmark = pytest.mark.django_db


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def test_forecast_and_dependency_alerts_in_the_snapshot(
    initiative, sichuan, sc_coord, cq_coord, office
):
    today = timezone.localdate()
    grid = make_task(
        initiative, parties=[sichuan], code="NY-02", due_date=today + dt.timedelta(60)
    )
    centre = make_task(
        initiative, code="SZ-01", title="数据中心", due_date=today + dt.timedelta(90)
    )
    done = make_task(initiative, code="ZB-01", due_date=today + dt.timedelta(30))
    for task in (grid, centre, done):
        services.task_start(task=task, actor=office)
    services.task_cancel(task=done, actor=office, reason="调整出清单")
    # Sichuan's part of the grid: 1 point a day, 60 % on the eve of today.
    for n, progress in ((-40, 20), (-20, 40), (-1, 60)):
        services.progress_update_post(
            task=grid,
            actor=sc_coord,
            narrative="按计划推进",
            progress=progress,
            reported_at=_at(today + dt.timedelta(n)),
        )
    services.dependency_add(task=centre, actor=cq_coord, blocker_task=grid)
    request = services.task_request_extension(
        task=grid,
        actor=sc_coord,
        requested_due_date=today + dt.timedelta(120),
        reason="设备到货延迟",
    )
    services.extension_request_decide(
        request=request, actor=office, approve=True, opinion="同意"
    )
    report, _ = report_services.report_request(
        initiative=initiative,
        kind="on_demand",
        period_start=today - dt.timedelta(30),
        period_end=today,
    )
    snapshot = report_snapshot(report)

    forecast = {row["code"]: row for row in snapshot["forecast"]}
    assert set(forecast) == {"NY-02", "SZ-01"}  # ZB-01 is no longer open
    assert forecast["NY-02"] == {
        "task_id": grid.pk,
        "code": "NY-02",
        "title": grid.title,
        "due_date": (today + dt.timedelta(120)).isoformat(),
        # 40 points to go at 1 a day from the eve of today: ahead of the due
        # date, so the due date (the rule never forecasts before it).
        "forecast_date": (today + dt.timedelta(120)).isoformat(),
        "slip_days": 0,
        "at_risk": False,
        # One extension granted: a step down from high.
        "confidence": "medium",
    }
    assert forecast["SZ-01"]["confidence"] == "low"

    assert snapshot["dependency_alerts"] == [
        {
            "task_id": centre.pk,
            "code": "SZ-01",
            "blocker_code": "NY-02",
            "blocker_kind": "task",
            "reason": {
                "code": "dependency_delay",
                "figures": {"blocker": "NY-02", "milestone": None},
            },
        }
    ]
    row = next(t for t in snapshot["tasks"] if t["code"] == "SZ-01")
    assert row["light"] == "amber"
    with translation.override("zh-hans"):
        assert reason_text(row["reason"]) == "受 NY-02 延误影响"

    # As of a period that ended before the slip, nothing was held up.
    earlier, _ = report_services.report_request(
        initiative=initiative,
        kind="on_demand",
        period_start=today - dt.timedelta(30),
        period_end=today - dt.timedelta(2),
    )
    before = report_snapshot(earlier)
    assert before["dependency_alerts"] == []
    then = {row["code"]: row for row in before["forecast"]}
    assert then["NY-02"]["due_date"] == (today + dt.timedelta(60)).isoformat()
    assert then["NY-02"]["confidence"] == "medium"  # two reports, 20 days
