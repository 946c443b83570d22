"""The report renderers: a frozen snapshot in, HTML, PDF and XLSX out.

No database: the snapshots are two real ones, stored under data/. The PDF is
read back with poppler (`pdftotext`, `pdffonts`), the workbook with openpyxl,
the charts with an XML parser.
"""

import copy
import datetime as dt
import io
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from html import unescape
from pathlib import Path

import openpyxl

# Dates here are data for the renderers and their formats; none is compared with
# the clock.
import pytest
from django.utils import translation

from reports.render import charts, formatting, render, render_body, report_title
from reports.render.pdf import render_pdf_html

DATA = Path(__file__).parent / "data"
SVG = "{http://www.w3.org/2000/svg}"
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
SECTION_HEADINGS = [
    "Summary",
    "Change since the previous report",
    "Trend",
    "Progress by work stream",
    "Progress by party",
    "Overdue items",
    "Milestones due in the next 30 days",
    "Completed this period",
    "Extension requests and decisions",
    "Indicators",
    "Industrial park pairs",
    "Progress updates this period",
    "All tasks",
]


def _load(name):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def week():
    return _load("snapshot_week.json")


@pytest.fixture(scope="module")
def month():
    return _load("snapshot_month.json")


def _poppler(tool: str, path: Path, *args: str) -> str:
    if shutil.which(tool) is None:
        pytest.fail(
            f"{tool} is missing: install the Debian package poppler-utils "
            "(the PDF tests read the PDF back with it)."
        )
    result = subprocess.run(
        [tool, *args, str(path), "-"] if tool == "pdftotext" else [tool, str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def week_pdf_en(week, tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "week-en.pdf"
    path.write_bytes(render("pdf", week, language="en"))
    return path


@pytest.fixture(scope="module")
def week_pdf_zh(week, tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "week-zh.pdf"
    path.write_bytes(render("pdf", week, language="zh-hans"))
    return path


def _workbook(snapshot, language="en"):
    return openpyxl.load_workbook(
        io.BytesIO(render("xlsx", snapshot, language=language))
    )


# --- dispatch and titles ----------------------------------------------------------


def test_each_format_comes_out_as_its_kind_of_file(week):
    assert render("html", week, language="en").startswith(b"<!doctype html>")
    assert render("xlsx", week, language="en")[:2] == b"PK"


def test_an_unknown_format_is_refused(week):
    with pytest.raises(ValueError, match="docx"):
        render("docx", week)


def test_titles_name_the_kind_and_the_period(week, month):
    assert report_title(week, language="en").startswith(
        "Weekly progress report, 16–22 Nov 2026"
    )
    assert report_title(month, language="en").startswith(
        "Monthly progress report, October 2026"
    )
    # In Chinese the period is written the Chinese way, whatever the catalogue.
    assert "2026年11月16日—11月22日" in report_title(week, language="zh-hans")
    assert "2026年10月" in report_title(month, language="zh-hans")


def test_a_scoped_report_names_its_scope_in_the_title(week):
    scoped = copy.deepcopy(week)
    scoped["report"].update(scope="party", scope_name="四川省")
    assert "四川省" in report_title(scoped, language="en")
    assert "四川省" not in report_title(week, language="en")


# --- formatting ---------------------------------------------------------------------


def test_chinese_conventions():
    with translation.override("zh-hans"):
        assert formatting.format_date("2026-11-22") == "2026年11月22日"
        assert (
            formatting.format_datetime("2026-11-22T17:30:00+08:00")
            == "2026年11月22日 17:30"
        )
        # A UTC time is shown in Beijing time.
        assert (
            formatting.format_datetime("2026-11-22T16:30:00+00:00")
            == "2026年11月23日 00:30"
        )
        assert formatting.format_range("2026-11-16", "2026-11-22") == (
            "2026年11月16日—11月22日"
        )
        assert formatting.format_range("2025-12-29", "2026-01-04") == (
            "2025年12月29日—2026年1月4日"
        )
        assert formatting.format_period("quarterly", "2026-10-01", "2026-12-31") == (
            "2026年第四季度"
        )
        assert formatting.format_percent(43.5) == "43.5%"
        assert formatting.format_int(12345) == "12,345"
        assert formatting.format_number("16000") == "16,000"
        assert formatting.format_number("1234.5") == "1,234.5"


def test_english_conventions():
    with translation.override("en"):
        assert formatting.format_date(dt.date(2026, 11, 22)) == "22 Nov 2026"
        assert formatting.format_range("2026-11-16", "2026-11-22") == "16–22 Nov 2026"
        assert formatting.format_range("2026-10-27", "2026-11-02") == (
            "27 Oct – 2 Nov 2026"
        )
        assert formatting.format_period("monthly", "2026-10-01", "2026-10-31") == (
            "October 2026"
        )
        assert formatting.format_period("quarterly", "2026-10-01", "2026-12-31") == (
            "Q4 2026"
        )
        assert formatting.format_signed(-2) == "−2"
        assert formatting.format_percent(None) == "—"


def test_owners_are_written_party_by_party():
    owners = [
        {"party": "川", "agency": "四川省经信厅", "contact": "张伟", "phone": "028-1"},
        {"party": "渝", "agency": "重庆市经信委", "contact": "", "phone": ""},
    ]
    with translation.override("en"):
        assert formatting.owners_text(owners) == (
            "川: 四川省经信厅 (张伟 028-1); 渝: 重庆市经信委"
        )


# --- charts -------------------------------------------------------------------------


def _chart_svgs(snapshot):
    return [
        charts.status_by_work_stream(snapshot),
        charts.lights_by_party(snapshot),
        charts.trend(snapshot),
    ]


def _texts(root):
    return [t.text for t in root.iter(f"{SVG}text")]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_charts_are_well_formed_svg_with_title_desc_and_numbers(week, language):
    with translation.override(language):
        svgs = _chart_svgs(week)
    for svg in svgs:
        root = ET.fromstring(svg)  # raises on malformed XML
        assert root.tag == f"{SVG}svg"
        assert root.find(f"{SVG}title").text
        assert root.find(f"{SVG}desc").text
        assert "Noto Sans CJK SC" in root.get("font-family")
        assert "<script" not in svg and "style=" not in svg
    status, lights, trend = (ET.fromstring(s) for s in svgs)
    # The numbers are written, not left to colour: 10 tasks in 产业集群, the
    # lights of each party, the completion rate and the overdue count.
    assert "10" in _texts(status)
    assert {"4", "6", "13", "23"} <= set(_texts(lights))
    assert "43.5%" in _texts(trend) and "4" in _texts(trend)
    desc = lights.find(f"{SVG}desc").text
    assert "四川省" in desc and "13" in desc


def test_chart_text_is_escaped(week):
    hostile = copy.deepcopy(week)
    hostile["by_work_stream"][0]["name"] = '<script>alert("x")</script> & co'
    hostile["by_party"][0]["name"] = "]]> & <b>"
    with translation.override("en"):
        for svg in _chart_svgs(hostile):
            ET.fromstring(svg)
        status = charts.status_by_work_stream(hostile)
    assert "<script>" not in status
    assert '<script>alert("x")</script> & co' in "".join(
        ET.fromstring(status).itertext()
    )


def test_the_trend_draws_a_line_through_several_reports(week):
    snapshot = copy.deepcopy(week)
    earlier = []
    for weeks_back, (rate, overdue) in zip((2, 1), ((30.0, 6), (38.2, 5)), strict=True):
        start = dt.date(2026, 11, 16) - dt.timedelta(weeks=weeks_back)
        earlier.append(
            {
                "report_id": weeks_back,
                "period_start": start.isoformat(),
                "period_end": (start + dt.timedelta(days=6)).isoformat(),
                "summary": {
                    **snapshot["summary"],
                    "completion_rate": rate,
                    "overdue": overdue,
                },
            }
        )
    snapshot["trend"] = earlier + snapshot["trend"]
    with translation.override("en"):
        root = ET.fromstring(charts.trend(snapshot))
    line = root.find(f"{SVG}polyline")
    assert line is not None and len(line.get("points").split()) == 3
    assert {"30%", "38.2%", "43.5%", "6", "5", "4"} <= set(_texts(root))
    assert {"8 Nov", "15 Nov", "22 Nov"} <= set(_texts(root))


def test_a_single_report_trend_has_a_point_and_no_line(week):
    with translation.override("en"):
        root = ET.fromstring(charts.trend(week))
    assert root.find(f"{SVG}polyline") is None
    assert len(root.findall(f"{SVG}circle")) == 1


def test_empty_groups_still_make_valid_charts(week):
    empty = copy.deepcopy(week)
    empty["by_work_stream"] = []
    empty["by_party"][0].update(
        total=0, by_light=dict.fromkeys(empty["by_party"][0]["by_light"], 0)
    )
    empty["trend"] = []
    with translation.override("en"):
        for svg in _chart_svgs(empty):
            ET.fromstring(svg)


# --- HTML ---------------------------------------------------------------------------


def test_the_document_has_every_section_and_the_lights_in_words(week):
    html = render("html", week, language="en").decode()
    assert '<html lang="en">' in html
    assert "<style>" in html and "<script" not in html.lower()
    assert "<link" not in html  # the stylesheet is inline: nothing to fetch
    headings = re.findall(r"<h[23][^>]*>(.*?)</h[23]>", html)
    positions = [headings.index(h) for h in SECTION_HEADINGS]
    assert positions == sorted(positions)
    assert len(re.findall(r"<h1[ >]", html)) == 1
    # The light is colour AND text.
    assert re.search(r'class="light light-red">.*?</span>overdue</span>', html)
    assert "at risk" in html and "on track" in html
    # Overdue items: the task, its late milestone and days late, its owners.
    assert "NY-01" in html and "线路工程全线架线贯通" in html
    assert "国网四川省电力公司" in html and "028-86512203" in html
    # Empty sections say so.
    assert "No tasks were completed in this period." in html
    assert "No extension requests were made or decided in this period." in html
    assert "There is no previous report of this kind to compare with" in html
    assert "20 of 20 parks met their creation targets." in html
    # Three charts, inline.
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 3
    # Tables scroll inside a wrapper, and their headers have a scope.
    assert 'class="table-wrap"' in html
    assert '<th scope="col"' in html and '<th scope="row"' in html
    assert "<th>" not in html


def test_the_body_fragment_has_no_style_or_script(week):
    body = render_body(week, language="en")
    assert "<style" not in body and "<script" not in body
    assert "style=" not in body
    assert "<html" not in body and 'id="report-title"' in body


def test_english_fixed_labels_have_no_chinese(week):
    html = render("html", week, language="en").decode()
    labels = re.findall(r"<h[23][^>]*>(.*?)</h[23]>", html)
    labels += re.findall(r"<caption[^>]*>(.*?)</caption>", html)
    labels += re.findall(r'<th scope="col(?:group)?"[^>]*>(.*?)</th>', html)
    labels += re.findall(r"<dt>(.*?)</dt>", html)
    assert "Summary" in labels
    assert labels and not [label for label in labels if CJK.search(label)]


def test_text_from_the_snapshot_is_escaped(week):
    hostile = copy.deepcopy(week)
    hostile["tasks"][0]["title"] = "<script>alert(1)</script>"
    hostile["updates"][0]["excerpt"] = '<img src=x onerror="alert(1)">'
    html = render("html", hostile, language="en").decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img" not in html


def test_a_previous_report_shows_the_change(week):
    snapshot = copy.deepcopy(week)
    snapshot["previous"] = {
        "report_id": 1,
        "period_start": "2026-11-09",
        "period_end": "2026-11-15",
        "summary": {**snapshot["summary"], "completed": 8, "completion_rate": 34.8},
    }
    snapshot["changes"] = {
        "total": 0,
        "completed": 2,
        "overdue": 0,
        "completion_rate": 8.7,
        "by_light": {"red": 1, "amber": -1, "green": 0, "none": 0},
    }
    html = render_body(snapshot, language="en")
    assert "9–15 Nov 2026" in html
    assert "+8.7 percentage points" in html and "+2" in html and "−1" in html
    assert "There is no previous report" not in html


def test_an_empty_report_says_so_in_every_section(week):
    empty = copy.deepcopy(week)
    for key in (
        "overdue",
        "tasks",
        "upcoming_milestones",
        "completed",
        "extensions",
        "indicators",
        "parks",
        "updates",
        "by_work_stream",
    ):
        empty[key] = []
    empty["parks_summary"] = {}
    empty["updates_total"] = 0
    empty["summary"]["completion_rate"] = None
    empty["trend"][0]["summary"]["completion_rate"] = None
    html = unescape(render_body(empty, language="en"))
    for sentence in (
        "No items are overdue in this period.",
        "No milestones fall due in the next 30 days.",
        "No tasks were completed in this period.",
        "No indicators are tracked for these tasks.",
        "There are no park pairs in this report's scope.",
        "No progress updates were posted in this period.",
        "There are no tasks in this report's scope.",
        "There are no work streams in this report's scope.",
    ):
        assert sentence in html
    with translation.override("en"):
        assert "No items are overdue in this period." in render_pdf_html(empty)
    assert len(_workbook(empty).worksheets) == 5


# --- PDF ----------------------------------------------------------------------------


def test_the_pdf_has_the_figures_the_parks_and_the_overdue_tasks(week_pdf_en):
    text = _words(_poppler("pdftotext", week_pdf_en, "-layout"))
    assert "360" in text and "200" in text
    assert "20 of 20 parks met their creation targets" in text
    assert "NY-01" in text and "JQ-03" in text
    assert "Page 1 of" in text
    assert "All tasks" not in text  # summary tables only


def test_the_pdf_embeds_a_cjk_font(week_pdf_zh):
    fonts = _poppler("pdffonts", week_pdf_zh).replace("-", "").lower()
    assert "notosanscjk" in fonts
    assert week_pdf_zh.read_bytes().startswith(b"%PDF")
    text = _poppler("pdftotext", week_pdf_zh, "-layout")
    assert "川渝1000千伏特高压交流工程" in _words(text).replace(" ", "")


def test_the_pdf_cuts_long_lists_and_says_so(week):
    long = copy.deepcopy(week)
    item = long["overdue"][0]
    long["overdue"] = [
        {**item, "code": f"X-{n:02}", "days_overdue": 100 - n} for n in range(40)
    ]
    long["updates"] = long["updates"] * 3  # 27 quoted
    long["updates_total"] = 27
    with translation.override("en"):
        html = render_pdf_html(long)
    assert "X-29" in html and "X-30" not in html
    assert "Only the 30 most overdue of 40 tasks are listed here" in html
    assert "The latest 20 of 27 updates of the period are quoted." in html
    assert "All tasks" not in html
    # The page footer counts pages, the header carries the title.
    assert '"Page " counter(page) " of " counter(pages)' in html
    assert "@top-center" in html and "size: A4" in html
    full = render("html", long, language="en").decode()
    assert "X-39" in full


# --- XLSX ---------------------------------------------------------------------------


def _cells(sheet):
    return [cell for row in sheet.iter_rows() for cell in row]


def test_the_workbook_has_its_sheets_figures_and_native_charts(week):
    workbook = _workbook(week)
    assert workbook.sheetnames == [
        "Summary",
        "Tasks",
        "Milestones",
        "Indicators",
        "Parks",
    ]
    assert workbook.properties.creator == week["issuer"]
    assert workbook.properties.title.startswith("Weekly progress report")

    summary = workbook["Summary"]
    kinds = sorted(type(chart).__name__ for chart in summary._charts)
    assert kinds == ["BarChart", "BarChart", "LineChart"]
    values = [cell.value for cell in _cells(summary)]
    assert 0.435 in values  # the completion rate, as a percentage cell
    rate = next(c for c in _cells(summary) if c.value == 0.435)
    assert "%" in rate.number_format
    assert "战略资源储备保障" in values and "四川省" in values

    tasks = workbook["Tasks"]
    assert tasks.max_row == 1 + len(week["tasks"])
    assert tasks.auto_filter.ref.startswith("A1:")
    assert tasks.freeze_panes is not None
    first = [c.value for c in tasks[2]]
    assert first[0] == "NY-01" and "in progress" in first and "overdue" in first
    header = [c.value for c in tasks[1]]
    owners = first[header.index("Owners")]
    assert "川: 国网四川省电力公司 (张伟 028-86512203)" in owners
    due = tasks.cell(row=2, column=header.index("Due date") + 1)
    assert due.is_date and due.value.date() == dt.date(2026, 12, 31)
    assert due.number_format == "yyyy-mm-dd"

    indicators = workbook["Indicators"]
    numbers = [c.value for c in _cells(indicators) if isinstance(c.value, int)]
    assert 360 in numbers and 200 in numbers

    milestones = workbook["Milestones"]
    texts = [c.value for c in _cells(milestones)]
    assert "线路工程全线架线贯通" in texts  # an overdue task's late milestone
    assert "联合编制集群申报方案" in texts  # an upcoming one


def test_chinese_dates_use_a_chinese_number_format(week):
    tasks = _workbook(week, language="zh-hans").worksheets[1]
    assert tasks.cell(row=2, column=11).number_format == 'yyyy"年"m"月"d"日"'


def test_spreadsheet_formulas_in_the_snapshot_are_neutralised(week):
    hostile = copy.deepcopy(week)
    formula = '=HYPERLINK("http://x")'
    hostile["tasks"][0]["title"] = formula
    hostile["by_work_stream"][0]["name"] = "+1+1"
    workbook = _workbook(hostile)
    cell = workbook["Tasks"].cell(row=2, column=2)
    assert cell.value == "'" + formula
    assert cell.data_type == "s"
    summary_values = [c.value for c in _cells(workbook["Summary"])]
    assert "'+1+1" in summary_values and "+1+1" not in summary_values
    assert not [
        c
        for sheet in workbook.worksheets
        for c in _cells(sheet)
        if isinstance(c.value, str) and c.value.startswith("=")
    ]


def test_the_month_renders_in_every_format_and_language(month):
    for language in ("zh-hans", "en"):
        assert render("html", month, language=language)
        workbook = _workbook(month, language=language)
        assert len(workbook.worksheets) == 5
