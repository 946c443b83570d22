"""The demo data's report states why each light is what it is: every red item
is listed with its reason, no completed item is red, and the spreadsheet has
the real days overdue of the item and of its late milestones."""

import datetime as dt
import html
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from reports.snapshot import report_snapshot
from tests.factories import make_task
from tracker import services as tracker_services
from tracker.choices import Light, TaskStatus
from tracker.lights import reason_text
from tracker.models import Task


def _red(report) -> list[dict]:
    return [t for t in report.snapshot["tasks"] if t["light"] == Light.RED]


def test_every_red_item_is_listed_with_its_reason(report):
    red = _red(report)
    assert red, "the demo should have red items at the end of October"
    overdue = {row["code"]: row for row in report.snapshot["overdue"]}
    assert {t["code"] for t in red} <= set(overdue)
    page = html.unescape(report.files.get(format="html").file.read().decode())
    for task in red:
        row = overdue[task["code"]]
        assert row["reason"]["code"] in (
            "task_overdue",
            "milestone_overdue",
            "override",
        )
        with translation.override("zh-hans"):
            sentence = reason_text(row["reason"])
        assert "逾期" in sentence or "人工调整亮灯" in sentence
        assert sentence in page, f"{task['code']}: {sentence} missing from the HTML"
    # The red items whose own due date is ahead: their light is a late milestone.
    by_milestone = [t for t in red if not t["days_overdue"]]
    assert by_milestone, "the demo has red items with a late milestone only"
    for task in by_milestone:
        assert task["milestone_days_overdue"] > 0
        assert task["reason"]["code"] == "milestone_overdue"
        assert task["reason"]["figures"]["milestone"]


def test_no_completed_item_is_red(report):
    completed = [
        t for t in report.snapshot["tasks"] if t["status"] == TaskStatus.COMPLETED
    ]
    assert completed, "the demo has completed items"
    for task in completed:
        assert task["light"] == Light.CLOSED
        assert task["reason"]["code"] == "closed"
        assert task["days_overdue"] == task["milestone_days_overdue"] == 0
    assert not {t["code"] for t in completed} & {
        row["code"] for row in report.snapshot["overdue"]
    }
    summary = report.snapshot["summary"]
    assert summary["by_light"][Light.CLOSED] == summary["completed"]
    assert summary["total"] == sum(summary["by_light"].values())


def test_the_spreadsheet_has_the_real_days_and_the_reasons(report):
    workbook = load_workbook(io.BytesIO(report.files.get(format="xlsx").file.read()))
    sheet = next(
        s
        for s in workbook.worksheets
        if "亮灯原因" in [c.value for c in next(s.iter_rows(max_row=1))]
    )
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    col = {name: header.index(name) for name in header if name}
    with translation.override("zh-hans"):
        code, light = gettext("Code"), gettext("Light")
    by_code = {row[col[code]]: row for row in rows[1:]}
    for task in _red(report):
        row = by_code[task["code"]]
        task_days, milestone_days = row[col["事项逾期天数"]], row[col["节点逾期天数"]]
        assert (task_days, milestone_days) == (
            task["days_overdue"],
            task["milestone_days_overdue"],
        )
        assert max(task_days, milestone_days) > 0, task["code"]
        assert row[col["亮灯原因"]] and "逾期" in row[col["亮灯原因"]]
        assert row[col[light]] == "红灯"
    for task in report.snapshot["tasks"]:
        if task["status"] == TaskStatus.COMPLETED:
            assert by_code[task["code"]][col[light]] == "已销号"


def test_snapshot_queries_do_not_grow_with_tasks(report):
    from accounts.models import Membership

    initiative = report.initiative
    coordinator = (
        Membership.objects.filter(role="coordinator", is_active=True).first().user
    )

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            report_snapshot(report)
        return len(captured)

    few = count()
    before = Task.objects.count()
    for i in range(6):
        task = make_task(initiative, code=f"Q-{i}", due_date=dt.date(2026, 10, 1))
        tracker_services.task_start(task=task, actor=coordinator)
        tracker_services.milestone_create(
            task=task, title=f"节点{i}", due_date=dt.date(2026, 9, 1)
        )
    assert Task.objects.count() == before + 6
    assert count() == few
