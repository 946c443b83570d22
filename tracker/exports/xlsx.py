"""The export as a workbook: the import's sheets (事项, 责任单位, 节点, 指标) in
the import's columns, then the computed ones; each a table with its header
frozen and filterable, printable on A4 landscape one page wide. The file
imports as it is (into the same list: nothing to change; into another one:
the same items)."""

from __future__ import annotations

import datetime as dt
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from charts.formatting import is_chinese
from config.spreadsheet import (
    LINE_HEIGHT,
    print_ready,
    set_text,
    wrapped_lines,
    xlsx_cell,
)

from .columns import DATE, PERCENT, SHEETS, TEXT, rows, sheet_title
from .data import ExportData

BOLD = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="F0F4F8")
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
SHEET_NAME_CHARS = str.maketrans(dict.fromkeys("[]:*?/\\", "-"))


def _date_format() -> str:
    return 'yyyy"年"m"月"d"日"' if is_chinese() else "yyyy-mm-dd"


def _sheet(workbook, name, columns, objects, facts, *, title: str):
    sheet = workbook.create_sheet(str(name).translate(SHEET_NAME_CHARS)[:31])
    date_format = _date_format()
    for number, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=number)
        set_text(cell, column.header)
        cell.font, cell.fill, cell.alignment = BOLD, HEAD_FILL, WRAP
        sheet.column_dimensions[get_column_letter(number)].width = column.width
    for row_number, values in enumerate(rows(columns, objects, facts), start=2):
        # The row as tall as its longest wrapped cell: LibreOffice keeps a
        # row's height from the file, and would cut the rest off.
        lines = max(
            (
                wrapped_lines(str(value), column.width)
                for column, value in zip(columns, values, strict=True)
                if column.wrap and value
            ),
            default=1,
        )
        if lines > 1:
            sheet.row_dimensions[row_number].height = lines * LINE_HEIGHT
        for number, (column, value) in enumerate(
            zip(columns, values, strict=True), start=1
        ):
            cell = sheet.cell(row=row_number, column=number)
            if column.kind == TEXT or isinstance(value, str):
                set_text(cell, "" if value is None else value)
            else:
                cell.value = xlsx_cell(value)
                if column.kind == DATE and isinstance(value, dt.date):
                    cell.number_format = date_format
                elif column.kind == PERCENT:
                    cell.number_format = "0%"
            cell.alignment = WRAP if column.wrap else TOP
    last = get_column_letter(len(columns))
    sheet.auto_filter.ref = f"A1:{last}{max(sheet.max_row, 1)}"
    sheet.freeze_panes = "C2"
    print_ready(sheet, title=title)
    return sheet


def export_xlsx(data: ExportData) -> bytes:
    title = _("Joint task list export, %(date)s") % {"date": data.today.isoformat()}
    workbook = Workbook()
    workbook.remove(workbook.active)
    for key, columns in SHEETS:
        _sheet(
            workbook,
            sheet_title(key),
            columns,
            data.sheet(key),
            data.facts,
            title=title,
        )
    workbook.properties.title = title
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
