"""Spreadsheet cells that stay what they are, and sheets that print.

One helper for every CSV and XLSX the service writes (the task list exports,
the report workbook, the audit log export).

A cell that starts with ``= + - @``, a tab or a carriage return can be read as
a formula by Excel, LibreOffice or WPS (``=HYPERLINK(...)`` that leaks data
when clicked, or worse); such text gets a leading single quote in CSV, and in
XLSX is written as a string cell with the same quote, which shows it as the
text it is. :func:`neutralise` first removes the control characters a
spreadsheet drops on reading (and XML cannot hold), then looks at the first
character a reader would see: checking before normalising let
``\\x01=HYPERLINK(...)`` through, since the spreadsheet drops the ``\\x01``
and runs the rest.

CSV is UTF-8 with a byte-order mark: without it Excel reads Chinese as GBK and
shows mojibake.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from decimal import Decimal
from typing import Any

from django.utils import timezone

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Full-width forms too: some spreadsheet imports fold them to ASCII.
_FORMULA_STARTS = frozenset("=+-@＝＋－＠")
# C0 controls other than tab, line feed and carriage return (what openpyxl's
# ILLEGAL_CHARACTERS_RE refuses), and DEL.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"


def normalise_text(text: str) -> str:
    """Text as a spreadsheet will read it: without control characters."""
    return _CONTROL_CHARACTERS.sub("", text)


def _looks_like_formula(text: str) -> bool:
    if text.startswith(FORMULA_PREFIXES):
        return True
    # Blanks and invisible format characters (zero-width space, BOM) in front
    # of the sign: some readers trim them before deciding what a cell is.
    for char in text:
        if char.isspace() or unicodedata.category(char) in ("Cf", "Zs"):
            continue
        return char in _FORMULA_STARTS
    return False


def neutralise(value: Any) -> Any:
    """The value; text normalised, and quoted when a spreadsheet would run it
    as a formula."""
    if not isinstance(value, str):
        return value
    text = normalise_text(value)
    return "'" + text if _looks_like_formula(text) else text


def unneutralise(text: str) -> str:
    """The text a neutralised cell stands for: an import reads an exported
    ``'=1+1`` (or ``'+86 28 …``) back as ``=1+1``, and the export quotes it
    again. A quote before anything else is the user's and stays."""
    if text.startswith("'") and _looks_like_formula(text[1:]):
        return text[1:]
    return text


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def csv_cell(value: Any) -> str:
    """One CSV field: dates as ISO, datetimes in local time, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return _local(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float | Decimal):
        return str(value)
    return neutralise(str(value))


def xlsx_cell(value: Any) -> Any:
    """One XLSX value: numbers and dates as themselves (datetimes as the local
    wall time, Excel has no time zones), anything else as neutralised text."""
    if value is None or isinstance(value, bool | int | float | Decimal | dt.date):
        if isinstance(value, dt.datetime):
            return _local(value).replace(tzinfo=None)
        return value
    return neutralise(str(value))


def set_text(cell, value: Any) -> None:
    """Write `value` into an openpyxl cell as a string cell, never a formula:
    openpyxl would otherwise take any text starting with ``=`` for one."""
    cell.value = neutralise(str(value))
    cell.data_type = "s"


# --- printing ------------------------------------------------------------------

# A wide (CJK) character is about 1.9 column-width units; a line of the
# default font about 15 points high (Chinese fonts a little more).
UNITS_PER_EM = 1.9
LINE_HEIGHT = 16


def wrapped_lines(text: str, width: float) -> int:
    """How many lines `text` wraps to in a column `width` characters wide."""
    from charts.formatting import text_width

    usable = max(width - 1, 1)
    return sum(
        max(1, math.ceil(text_width(line) * UNITS_PER_EM / usable))
        for line in str(text).split("\n")
    )


def fit_row_heights(sheet, columns, *, first_row: int = 2) -> None:
    """Each row as tall as its longest wrapped cell in `columns` (numbers):
    LibreOffice keeps a row's height from the file, and would cut the rest off
    on screen and on paper."""
    from openpyxl.utils import get_column_letter

    widths = {
        column: sheet.column_dimensions[get_column_letter(column)].width or 8.43
        for column in columns
    }
    for row in range(first_row, sheet.max_row + 1):
        lines = max(
            (
                wrapped_lines(value, widths[column])
                for column in columns
                if isinstance(value := sheet.cell(row=row, column=column).value, str)
                and value
            ),
            default=1,
        )
        if lines > 1:
            sheet.row_dimensions[row].height = lines * LINE_HEIGHT


# Column width (in characters of the default font) a date or date-time needs in
# the fonts LibreOffice and Excel use, Chinese dates (2024年12月12日) included:
# narrower and the cell prints as "###".
DATE_WIDTH = 15
DATETIME_WIDTH = 20


def print_ready(
    sheet,
    *,
    title: str,
    header_rows: str | None = "1:1",
    landscape: bool = True,
) -> None:
    """A4, landscape, every column on one page's width (as many pages down as
    it takes), the header row repeated on every page, the title in the page
    header and "page P of N" in the footer."""
    setup = sheet.page_setup
    setup.paperSize = "9"  # A4
    setup.orientation = "landscape" if landscape else "portrait"
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = False
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.page_margins.header = sheet.page_margins.footer = 0.3
    if header_rows:
        sheet.print_title_rows = header_rows
    # "&" starts a header code: a literal one is doubled.
    safe_title = normalise_text(str(title)).replace("&", "&&")
    sheet.oddHeader.center.text = safe_title
    sheet.oddHeader.center.size = 10
    sheet.oddFooter.center.text = "&P / &N"
    sheet.oddFooter.center.size = 9
    sheet.oddFooter.right.text = "&A"
    sheet.oddFooter.right.size = 9
