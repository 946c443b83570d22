"""The monthly report of the demo task list: its snapshot, its PDF text and its
XLSX cells carry the article's figures and the overdue items."""

import datetime as dt
import io
import shutil
import subprocess

from django.db.models import Q
from openpyxl import load_workbook

from reports import services
from reports.choices import ReportStatus
from reports.models import Report
from tests.reports.demo import DEMO_DAY
from tracker.choices import MilestoneStatus
from tracker.models import Milestone, Task
from tracker.workflow import OPEN_STATES

# Figures are those of the period's last day: past due means due before it.
AS_OF = dt.date(2026, 10, 31)


def _expected_overdue_codes() -> set[str]:
    """Open tasks past due, or with a milestone past due and not done, as of
    the end of October, computed here without the report's code."""
    late = Milestone.objects.filter(due_date__lt=AS_OF).exclude(
        status=MilestoneStatus.DONE
    )
    return set(
        Task.objects.filter(status__in=OPEN_STATES)
        .filter(Q(due_date__lt=AS_OF) | Q(milestones__in=late))
        .values_list("code", flat=True)
    )


def _pdf_text(path) -> str:
    assert shutil.which("pdftotext"), (
        "pdftotext is missing: install the Debian package poppler-utils "
        "(make test does: scripts/debian-packages.sh)"
    )
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def test_the_report_is_october_and_finished(report):
    assert (report.period_start, report.period_end) == (
        dt.date(2026, 10, 1),
        dt.date(2026, 10, 31),
    )
    assert report.status == ReportStatus.DONE
    assert report.files.count() == 3


def test_snapshot_carries_the_articles_figures(report):
    snapshot = report.snapshot
    by_name = {i["name"]: i for i in snapshot["indicators"]}
    bandwidth = by_name["国际互联网数据专用通道带宽"]
    assert (bandwidth["target"], bandwidth["actual"], bandwidth["unit"]) == (
        "360",
        "360",
        "Gbps",
    )
    car_bodies = next(i for i in snapshot["indicators"] if i["target"] == "200")
    assert car_bodies["actual"] == "200" and car_bodies["percent"] == 100.0
    parks = snapshot["parks_summary"]
    assert (parks["pairs"], parks["parks"], parks["met"]) == (10, 20, 20)
    assert parks["cycles"] == ["首批产业合作示范园区绩效评价"]
    totals = parks["totals"]
    assert (totals["parks"], totals["met"]) == (20, 20)
    assert totals["firms"]["value"] == "1000" and totals["firms"]["is_lower_bound"]
    assert totals["share"]["value"] == "22"
    side = snapshot["parks"][0]["sides"][0]
    assert side["result"] == "met" and side["rank"] and side["score"]
    assert snapshot["summary"]["total"] == 23


def test_snapshot_lists_exactly_the_overdue_items(report):
    expected = _expected_overdue_codes()
    assert expected, "the demo should have overdue items at the end of October"
    overdue = report.snapshot["overdue"]
    assert {row["code"] for row in overdue} == expected
    assert report.snapshot["summary"]["overdue"] == len(expected)
    for row in overdue:
        assert row["days_overdue"] > 0 or row["late_milestone_days"] > 0
        assert {o["party"] for o in row["owners"]} <= {"川", "渝"} and row["owners"]


def test_pdf_text_has_the_figures_and_the_overdue_items(report):
    pdf = report.files.get(format="pdf")
    text = _pdf_text(pdf.file.path)
    compact = "".join(text.split())
    assert "360" in compact and "Gbps" in compact
    assert "200" in compact
    assert "20个园区" in compact or "20/20" in compact or "20个" in compact
    for code in _expected_overdue_codes():
        assert code in compact, f"{code} missing from the PDF"
    assert "2026年10月" in compact


def test_xlsx_cells_have_the_figures_and_the_overdue_items(report):
    xlsx = report.files.get(format="xlsx")
    workbook = load_workbook(io.BytesIO(xlsx.file.read()))
    cells = [
        cell
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    ]
    numbers = {float(c) for c in cells if isinstance(c, int | float)}
    texts = " ".join(str(c) for c in cells if isinstance(c, str))
    assert 360 in numbers and 200 in numbers and 20 in numbers
    assert "国际互联网数据专用通道带宽" in texts
    for code in _expected_overdue_codes():
        assert code in texts
    assert all(sheet._charts for sheet in workbook.worksheets[:1])


def test_generating_the_same_report_again_leaves_one(report):
    again, created = services.report_request(
        initiative=report.initiative, kind="monthly", today=DEMO_DAY
    )
    assert not created and again.pk == report.pk
    assert services.report_generate(report_id=report.pk) is None
    assert Report.objects.filter(kind="monthly").count() == 1
