"""The opening summary (总体情况, reports/narrative/) at the top of the
workbook's summary sheet: a paragraph a row, its text across columns A–F,
wrapped, each row as tall as its text needs at the sheet's final widths."""

from __future__ import annotations

import math

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from charts.formatting import text_width
from config.spreadsheet import set_text

COLUMNS = 6  # A–F
LINE_POINTS = 17  # a wrapped line of Chinese text in the default font
WIDE_UNITS = 1.9  # a wide (CJK) character in column-width units
TOP_WRAP = Alignment(wrap_text=True, vertical="top")


def write_story(writer, context: dict) -> list[int]:
    """The heading and a row per paragraph; the rows written."""
    writer.gap()
    writer.line(_("Overall situation"), font=Font(bold=True, size=12))
    rows = []
    lead = pgettext("lead-in of a paragraph", ": ")
    for heading, text in context.get("story") or []:
        writer.row += 1
        row = writer.row
        cell = writer.sheet.cell(row=row, column=1)
        set_text(cell, f"{heading}{lead}{text}")
        cell.alignment = TOP_WRAP
        writer.sheet.merge_cells(
            start_row=row, start_column=1, end_row=row, end_column=COLUMNS
        )
        rows.append(row)
    return rows


def size_story(sheet, rows: list[int]) -> None:
    """Each paragraph's row tall enough for its wrapped lines (call once the
    columns have their widths)."""
    width = sum(
        sheet.column_dimensions[get_column_letter(c)].width or 8.43
        for c in range(1, COLUMNS + 1)
    )
    for row in rows:
        text = str(sheet.cell(row=row, column=1).value or "")
        lines = math.ceil(text_width(text) * WIDE_UNITS / max(width - 2, 10)) or 1
        sheet.row_dimensions[row].height = lines * LINE_POINTS + 4
