"""The report as a workbook: the summary with native charts, then every task,
the milestones and the indicators as filterable tables.

Numbers are numbers, rates are fractions shown as percentages, dates are date
cells; every text cell goes through the spreadsheet helper
(`config.spreadsheet.set_text`), so a title such as ``=HYPERLINK(...)`` stays
text in Excel, LibreOffice and WPS.

Every sheet prints: A4 landscape, all columns on one page's width, the header
row repeated, the report's title above and "page of pages" below; date columns
wide enough that no date prints as "###"; the summary's charts sit under
their tables, inside the width the tables print at.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import LineChart, Reference
from openpyxl.chart.marker import Marker
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from charts import tasks as task_charts
from config.spreadsheet import (
    DATE_WIDTH,
    DATETIME_WIDTH,
    fit_row_heights,
    print_ready,
    set_text,
)
from tracker.choices import Light, TaskStatus

from .context import build_context, stated
from .formatting import (
    direction_label,
    format_date,
    format_short_period,
    is_chinese,
    light_label,
    light_reason,
    owners_text,
    party_label,
    party_progress_text,
    priority_label,
    status_label,
    task_list_label,
    text_width,
    to_datetime,
)
from .xlsx_cells import Day, Percent, Stamp, as_number
from .xlsx_charts import axes_visible, chart_below, chart_rows, stacked_bar_chart
from .xlsx_circle import circle_indicators_rows
from .xlsx_parks import parks_rows
from .xlsx_story import size_story, write_story

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
DIGEST = Font(name="Consolas")
HEAD_FILL = PatternFill("solid", fgColor="F0F4F8")
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
PERCENT = "0.0%"
WHOLE_PERCENT = "0%"
SHEET_NAME_CHARS = str.maketrans(dict.fromkeys("[]:*?/\\", "-"))


class SheetWriter:
    """Rows written one after another, with the cell types and widths kept."""

    def __init__(self, sheet: Worksheet, formats: dict):
        self.sheet = sheet
        self.formats = formats
        self.row = 0
        self.widths: dict[int, float] = {}

    def put(self, row: int, column: int, value, *, font=None, fill=None):
        cell = self.sheet.cell(row=row, column=column)
        number_format = None
        if isinstance(value, Percent):
            cell.value, number_format = float(value) / 100, PERCENT
        elif isinstance(value, Stamp):
            cell.value, number_format = value.value, self.formats["datetime"]
        elif isinstance(value, Day):
            cell.value, number_format = value.value, self.formats["date"]
        elif isinstance(value, bool):
            cell.value = str(value)
        elif isinstance(value, int | float | Decimal) or value is None:
            cell.value = value
        else:
            # Stored as text whatever it looks like: never a formula.
            set_text(cell, ILLEGAL_CHARACTERS_RE.sub("", str(value)))
            width = max(text_width(line, 1) for line in str(value).split("\n"))
            self.widths[column] = max(self.widths.get(column, 0), width * 1.9 + 2)
        if number_format:
            cell.number_format = number_format
            needed = DATETIME_WIDTH if isinstance(value, Stamp) else DATE_WIDTH
            self.widths[column] = max(self.widths.get(column, 0), needed)
        elif cell.value is not None and not isinstance(cell.value, str):
            self.widths[column] = max(self.widths.get(column, 0), 9)
        if font:
            cell.font = font
        if fill:
            cell.fill = fill
        return cell

    def line(self, *values, font=None, fill=None) -> int:
        self.row += 1
        for column, value in enumerate(values, start=1):
            self.put(self.row, column, value, font=font, fill=fill)
        return self.row

    def header(self, *labels) -> int:
        row = self.line(*labels, font=BOLD, fill=HEAD_FILL)
        for column in range(1, len(labels) + 1):
            self.sheet.cell(row=row, column=column).alignment = WRAP
        return row

    def gap(self, lines: int = 1):
        self.row += lines

    def table(self, labels, rows, *, freeze: str | None = "A2"):
        """A whole-sheet table: header, rows, filter and frozen header."""
        first = self.header(*labels)
        for values in rows:
            self.line(*values)
        last_column = get_column_letter(len(labels))
        self.sheet.auto_filter.ref = f"A{first}:{last_column}{max(self.row, first)}"
        if freeze:
            self.sheet.freeze_panes = freeze

    def fit(self, *, limit: float = 60, wrap: tuple[int, ...] = ()):
        for column, width in self.widths.items():
            letter = get_column_letter(column)
            self.sheet.column_dimensions[letter].width = min(max(width, 8), limit)
        for column in wrap:
            for (cell,) in self.sheet.iter_rows(
                min_row=2, min_col=column, max_col=column
            ):
                cell.alignment = WRAP
        if wrap:
            fit_row_heights(self.sheet, wrap)
            # Every cell of a tall row at its top, as the wrapped ones are.
            for row in self.sheet.iter_rows(min_row=2):
                for cell in row:
                    if cell.column not in wrap:
                        cell.alignment = TOP


def _sheet_name(text: str) -> str:
    return str(text).translate(SHEET_NAME_CHARS)[:31]


def _group_table(writer: SheetWriter, heading: str, label: str, groups) -> tuple:
    writer.line(heading, font=BOLD)
    row = writer.row + 1
    writer.put(row, 3, _("By status"), font=BOLD)
    writer.put(row, 3 + len(TaskStatus.values), _("By status light"), font=BOLD)
    writer.row = row
    header = writer.header(
        label,
        pgettext("count of tasks", "Tasks"),
        *[status_label(code) for code in TaskStatus.values],
        *[light_label(code) for code in Light.values],
        _("Overdue tasks"),
        _("Completion rate"),
    )
    for group in groups:
        rate = group.get("completion_rate")
        writer.line(
            group["name"],
            group["total"],
            *[group["by_status"].get(code, 0) for code in TaskStatus.values],
            *[group["by_light"].get(code, 0) for code in Light.values],
            group["overdue"],
            Percent(rate) if rate is not None else None,
        )
    return header, writer.row


def _summary_sheet(writer: SheetWriter, context: dict, snapshot: dict):
    sheet = writer.sheet
    report, summary = context["report"], context["summary"]
    writer.line(context["title"], font=TITLE)
    story_rows = write_story(writer, context)
    writer.gap()
    writer.line(_("Initiative"), context["initiative"]["name"])
    if context["is_scoped"]:
        writer.line(_("Scope"), report.get("scope_name") or "")
    writer.line(_("Report period"), context["period"])
    writer.line(_("Period start"), Day(report["period_start"]))
    writer.line(_("Period end"), Day(report["period_end"]))
    writer.line(_("Issued by"), context["issuer"])
    writer.line(_("Generated at"), Stamp(report.get("generated_at")))
    writer.line(_("Figures as of"), Day(report.get("as_of_date")))
    _seal_lines(writer, context["audit_seal"])
    writer.gap()

    writer.line(pgettext("the report's figures", "Summary"), font=BOLD)
    rate = summary.get("completion_rate")
    writer.line(pgettext("count of tasks", "Tasks"), summary["total"])
    writer.line(_("Completed"), summary["completed"])
    writer.line(_("Completion rate"), Percent(rate) if rate is not None else None)
    writer.line(_("Overdue tasks"), summary["overdue"])
    writer.line(_("Milestones"), summary.get("milestones_total"))
    writer.line(_("Milestones done"), summary.get("milestones_done"))
    writer.line(_("Milestones overdue"), summary.get("milestones_overdue"))
    if summary.get("urges") is not None:
        writer.line(_("Urged this period"), summary["urges"])
        writer.line(_("Notices this period"), summary.get("notices"))
    parks = snapshot.get("parks_summary") or {}
    if parks.get("parks"):
        writer.line(_("Parks evaluated"), parks["parks"])
        writer.line(_("Parks that met their creation targets"), parks.get("met", 0))
    changes = context["changes"]
    writer.gap()
    writer.line(_("Change since the previous report"), font=BOLD)
    if changes:
        writer.line(_("Previous report"), changes["previous_period"])
        writer.line(pgettext("count of tasks", "Tasks"), changes["total"])
        writer.line(_("Completed"), changes["completed"])
        writer.line(_("Overdue tasks"), changes["overdue"])
        writer.line(
            _("Completion rate (percentage points)"), changes["completion_rate"]
        )
        for row in changes["light_rows"]:
            writer.line(row["label"], row["change"])
    else:
        writer.line(
            _(
                "There is no previous report of this kind to compare with: this is the first."
            )
        )
    writer.gap()

    writer.header(_("Status"), pgettext("count of tasks", "Tasks"))
    for row in context["status_rows"]:
        writer.line(row["label"], row["count"])
    writer.gap()
    writer.header(_("Light"), pgettext("count of tasks", "Tasks"))
    for row in context["light_rows"]:
        writer.line(row["label"], row["count"])
    writer.gap()

    _page_break(writer)
    header, last = _group_table(
        writer,
        _("Progress by work stream"),
        _("Work stream"),
        snapshot.get("by_work_stream") or [],
    )
    if last > header:
        chart = stacked_bar_chart(
            writer,
            _("Tasks by status in each work stream"),
            header,
            last,
            3,
            [task_charts.STATUS_COLOURS[code][0] for code in TaskStatus.values],
        )
        chart_below(writer, chart, chart_rows(last - header))
    writer.gap()
    header, last = _group_table(
        writer, _("Progress by party"), _("Party"), snapshot.get("by_party") or []
    )
    if last > header:
        chart = stacked_bar_chart(
            writer,
            _("Status lights of each party's tasks"),
            header,
            last,
            3 + len(TaskStatus.values),
            [task_charts.LIGHT_COLOURS[code][0] for code in Light.values],
        )
        chart_below(writer, chart, chart_rows(last - header))
    writer.gap()

    _page_break(writer)
    writer.line(_("Trend"), font=BOLD)
    header = writer.header(
        _("Report period"), _("Period end"), _("Completion rate"), _("Overdue tasks")
    )
    kind = report["kind"]
    for point in snapshot.get("trend") or []:
        rate = point["summary"].get("completion_rate")
        writer.line(
            format_short_period(kind, point["period_start"], point["period_end"]),
            Day(point["period_end"]),
            Percent(rate) if rate is not None else None,
            point["summary"].get("overdue", 0),
        )
    if writer.row > header:
        chart = LineChart()
        chart.title = _("Completion rate")
        chart.y_axis.number_format = WHOLE_PERCENT
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 1
        chart.add_data(
            Reference(sheet, min_col=3, min_row=header, max_row=writer.row),
            titles_from_data=True,
        )
        chart.set_categories(
            Reference(sheet, min_col=1, min_row=header + 1, max_row=writer.row)
        )
        for series in chart.series:
            series.marker = Marker(symbol="circle", size=7)
            series.graphicalProperties.line.solidFill = task_charts.RATE_COLOUR.lstrip(
                "#"
            )
        axes_visible(chart)
        chart.legend = None
        chart.height, chart.width = 7, 18
        chart_below(writer, chart, 7 / 0.53 + 1)
    writer.fit(limit=40)
    sheet.column_dimensions["A"].width = 36
    sheet.column_dimensions["B"].width = max(
        sheet.column_dimensions["B"].width or 0, 16
    )
    size_story(sheet, story_rows)


def _seal_lines(writer: SheetWriter, seal: dict | None):
    """The audit chain's head when the report was made (nothing for a snapshot
    older than the key). The digest is a text cell, whole, in a monospace font."""
    if seal is None:
        return
    if not seal["sealed"]:
        writer.line(
            _("Audit seal"),
            _("The audit trail had not been sealed yet when this report was made."),
        )
        return
    row = writer.line(_("Audit seal: entry"), seal["position"])
    writer.sheet.cell(row=row, column=2).number_format = "0"  # never 1.2E+10
    writer.line(_("Audit seal: sealed at"), Stamp(seal["sealed_at"]))
    # Not counted in the column's width: the cells to its right are empty, so
    # the digest shows whole without widening the summary's value column.
    width = writer.widths.get(2)
    row = writer.line(_("Audit seal: chain digest"), seal["chain_digest"])
    writer.widths[2] = width or 0
    writer.sheet.cell(row=row, column=2).font = DIGEST


def _page_break(writer: SheetWriter):
    """A new printed page for what follows: a table and its chart are not
    split across two pages."""
    writer.sheet.row_breaks.append(Break(id=writer.row))


def _tasks_sheet(writer: SheetWriter, snapshot: dict):
    rows = []
    # A snapshot taken before reports counted 催办 and 通报 has no such columns.
    chased = snapshot["summary"].get("urges") is not None
    for task in snapshot.get("tasks") or []:
        progress = task.get("progress")
        rows.append(
            [
                task["code"],
                task["title"],
                task.get("work_stream") or "",
                task_list_label(task.get("task_list")),
                task.get("lead_party") or "",
                priority_label(task.get("priority")),
                status_label(task.get("status")),
                light_label(task.get("light")),
                light_reason(task),
                Percent(progress) if progress is not None else None,
                Day(task.get("due_date")),
                Day(task.get("original_due_date")),
                task.get("days_overdue") or 0,
                _milestone_days(task),
                owners_text(task.get("owners")),
                party_progress_text(task.get("owners")),
                *((task.get("urges") or 0, task.get("notices") or 0) if chased else ()),
            ]
        )
    labels = [
        _("Code"),
        _("Task"),
        _("Work stream"),
        _("Task list"),
        _("Lead party"),
        _("Priority"),
        _("Status"),
        _("Light"),
        _("Light reason"),
        _("Progress"),
        _("Due date"),
        _("Original due date"),
        _("Task days overdue"),
        _("Milestone days overdue"),
        _("Owners"),
        _("Parties' progress"),
        *((_("Urged this period"), _("Notices this period")) if chased else ()),
    ]
    writer.table(labels, rows, freeze="C2")
    for row in range(2, writer.row + 1):
        writer.sheet.cell(row=row, column=10).number_format = WHOLE_PERCENT
    writer.fit(limit=50, wrap=(2, 9, 15))


def _milestone_days(task: dict) -> int:
    """Days its most overdue open milestone is late (a snapshot taken before
    reports kept the figure has it on its overdue rows only)."""
    return task.get("milestone_days_overdue") or task.get("late_milestone_days") or 0


def _milestones_sheet(writer: SheetWriter, snapshot: dict):
    late, upcoming = _("late"), _("due within 30 days")
    rows = [
        [
            late,
            Day(item.get("late_milestone_due")),
            None,
            item.get("late_milestone_days"),
            item["late_milestone"],
            item["code"],
            item["title"],
            owners_text(item.get("owners")),
        ]
        for item in snapshot.get("overdue") or []
        if item.get("late_milestone")
    ]
    rows += [
        [
            upcoming,
            Day(item.get("due_date")),
            item.get("days_left"),
            None,
            item["title"],
            item["task_code"],
            item["task_title"],
            party_label(item.get("party")),
        ]
        for item in snapshot.get("upcoming_milestones") or []
    ]
    labels = [
        _("Kind"),
        _("Due date"),
        _("Days left"),
        _("Days overdue"),
        _("Milestone"),
        _("Code"),
        _("Task"),
        _("Party or owners"),
    ]
    writer.table(labels, rows)
    writer.fit(limit=50, wrap=(5, 7, 8))


def _indicators_sheet(writer: SheetWriter, snapshot: dict):
    indicators = snapshot.get("indicators") or []
    readings = max([len(i.get("trend") or []) for i in indicators] or [0])
    labels = [
        _("Code"),
        _("Task"),
        _("Indicator"),
        _("Unit"),
        _("Party"),
        _("Direction"),
        _("Baseline"),
        _("Target"),
        _("Actual"),
        _("Actual as of"),
        _("Percent of target"),
        _("Latest readings"),
    ]
    for n in range(1, readings + 1):
        labels += [
            _("Reading %(n)s: date") % {"n": n},
            _("Reading %(n)s: value") % {"n": n},
        ]
    rows = []
    for item in indicators:
        trend = item.get("trend") or []
        percent = item.get("percent")
        row = [
            item.get("task_code") or "",
            item.get("task_title") or "",
            item.get("name") or "",
            item.get("unit") or "",
            party_label(item.get("party")),
            direction_label(item.get("direction")),
            as_number(item.get("baseline")),
            as_number(item.get("target")),
            as_number(item.get("actual")),
            Day(item.get("actual_period")),
            Percent(percent) if percent is not None else None,
            pgettext("clause separator", "; ").join(
                f"{format_date(p['period'])}: {stated(p['value'], p.get('qualifier'))}"
                for p in trend
            ),
        ]
        for point in trend:
            row += [Day(point.get("period")), as_number(point.get("value"))]
        rows.append(row)
    writer.table(labels, rows, freeze="D2")
    writer.fit(limit=45, wrap=(2, 3))


def render_xlsx(snapshot: dict) -> bytes:
    context = build_context(snapshot, medium="xlsx")
    zh = is_chinese()
    date_format = 'yyyy"年"m"月"d"日"' if zh else "yyyy-mm-dd"
    formats = {"date": date_format, "datetime": f"{date_format} hh:mm"}
    workbook = Workbook()
    summary = workbook.active
    summary.title = _sheet_name(pgettext("sheet name", "Summary"))
    _summary_sheet(SheetWriter(summary, formats), context, snapshot)
    for title, build in (
        (pgettext("sheet name", "Tasks"), _tasks_sheet),
        (pgettext("sheet name", "Milestones"), _milestones_sheet),
        (pgettext("sheet name", "Indicators"), _indicators_sheet),
    ):
        build(SheetWriter(workbook.create_sheet(_sheet_name(title)), formats), snapshot)
    # Sheets whose rows come from their own modules: (title, rows, freeze, fit).
    tables = [
        (pgettext("sheet name", "Parks"), parks_rows(snapshot), "D2", (40, (3, 9))),
    ]
    if "initiative_indicators" in snapshot:  # older snapshots: no such sheet
        tables.append(
            (
                pgettext("sheet name", "Circle-wide indicators"),
                circle_indicators_rows(snapshot),
                "B2",
                (45, (1, 7)),
            )
        )
    for title, (labels, rows), freeze, (limit, wrap) in tables:
        writer = SheetWriter(workbook.create_sheet(_sheet_name(title)), formats)
        writer.table(labels, rows, freeze=freeze)
        writer.fit(limit=limit, wrap=wrap)
    for sheet in workbook.worksheets:
        # The summary is a page of figures, not one table: no row to repeat.
        header_rows = None if sheet is summary else "1:1"
        print_ready(sheet, title=context["title"], header_rows=header_rows)

    properties = workbook.properties
    properties.title = context["title"]
    properties.subject = context["subject"]
    properties.creator = context["issuer"] or None
    properties.lastModifiedBy = context["issuer"] or None
    properties.language = "zh-CN" if zh else "en"
    generated = to_datetime(snapshot["report"].get("generated_at"))
    if generated:
        # The workbook's core properties are in UTC.
        properties.created = generated.astimezone(dt.UTC).replace(tzinfo=None)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
