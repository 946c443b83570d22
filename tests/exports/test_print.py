"""Printed by LibreOffice, the report workbook and a task list export fit each
sheet's width on one A4 landscape page, repeat the header row on every page,
show every date (no "###") and keep the summary's charts on the page."""

import datetime as dt
import io
import json
import re
import subprocess
from pathlib import Path

import openpyxl
import pytest
from django.utils import timezone

from reports.render import render
from tests.factories import make_task
from tracker import services

from .libreoffice import assert_one_page_wide, page_count, to_pdf

SNAPSHOT = Path(__file__).parents[1] / "reports" / "data" / "snapshot_month.json"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_report_workbook_prints_one_page_wide(tmp_path, language):
    snapshot = json.loads(SNAPSHOT.read_text())
    content = render("xlsx", snapshot, language=language)
    path = tmp_path / f"report-{language}.xlsx"
    path.write_bytes(content)
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    for sheet in workbook.worksheets:
        setup = sheet.page_setup
        assert (setup.orientation, setup.paperSize) == ("landscape", 9)
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.oddFooter.center.text == "&P / &N"
    tables = [s.title for s in workbook.worksheets[1:]]
    assert all(workbook[name].print_title_rows == "$1:$1" for name in tables)

    pdf = to_pdf(path)
    pages = assert_one_page_wide(pdf, workbook, tables)
    # It printed as 22 pages with the charts cut off at the right edge: now a
    # page or two per sheet.
    assert len(pages) <= 8
    text = "\n".join(pages)
    if language == "zh-hans":
        assert "2026年10月31日" in text
    else:
        assert "2026-10-31" in text
    # Page numbers in the footer, of all pages.
    assert re.search(rf"\b1\s*/\s*{len(pages)}\b", pages[0])


def test_the_summary_charts_sit_under_their_tables():
    import zipfile

    content = render("xlsx", json.loads(SNAPSHOT.read_text()), language="zh-hans")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        drawing = archive.read("xl/drawings/drawing1.xml").decode()
    # Every chart anchored at column A, under its table: none to the right of
    # the tables, past the printed width.
    columns = re.findall(r"<from><col>(\d+)</col>", drawing)
    assert len(columns) == 3 and set(columns) == {"0"}
    summary = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    # A table and its chart start a new page rather than split across two.
    assert len(summary.row_breaks.brk) == 2


def test_the_pdf_pages_look_right(tmp_path):
    """The pages as images, for a person to look at (kept under tmp_path)."""
    snapshot = json.loads(SNAPSHOT.read_text())
    path = tmp_path / "report.xlsx"
    path.write_bytes(render("xlsx", snapshot, language="zh-hans"))
    pdf = to_pdf(path)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", str(pdf), str(tmp_path / "page")], check=True
    )
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == page_count(pdf)


@pytest.mark.django_db
def test_a_task_list_export_prints_one_page_wide(
    client, initiative, sc_leader, tmp_path
):
    today = timezone.localdate()
    for n in range(60):
        task = make_task(
            initiative,
            code=f"ZB-{n:02d}",
            title=f"成渝地区双城经济圈合作事项第{n}项：产业链供应链协同",
            due_date=today + dt.timedelta(days=n - 20),
            planned_start=today - dt.timedelta(days=90),
        )
        services.milestone_create(
            task=task, title=f"阶段成果{n}", due_date=today + dt.timedelta(days=n - 30)
        )
    client.force_login(sc_leader)
    response = client.get("/tasks/export.xlsx", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    path = tmp_path / "tasks.xlsx"
    path.write_bytes(response.content)
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    pdf = to_pdf(path)
    pages = assert_one_page_wide(pdf, workbook, ["事项", "节点", "指标"])
    text = "\n".join(pages)
    assert f"{today.year}年" in text  # dates print, in Chinese
    # 60 tasks and 60 milestones: a few pages each, not dozens.
    assert 2 <= len(pages) <= 12
