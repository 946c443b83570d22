"""From the uploaded bytes to rows of cells, refusing unsafe files first.

An XLSX file is a zip archive: its members are listed and measured with
`zipfile` before openpyxl opens anything, so that a macro workbook, external
links or a zip bomb are refused without being unpacked. A CSV file is the
items sheet (事项), in UTF-8 (with or without BOM) or GB18030."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from config.spreadsheet import unneutralise

from .columns import (
    EXAMPLE_CODE,
    ITEMS,
    SHEET_EN,
    SHEETS,
    all_columns,
    fold,
    header_index,
)
from .columns import sheet_named as _sheet_named
from .problems import FileRefused, Problem

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"


@dataclass
class Row:
    number: int  # as Excel numbers it
    cells: dict[str, object]  # column key → value as read


@dataclass
class Book:
    sheets: dict[str, list[Row]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        return sum(len(rows) for rows in self.sheets.values())


def read(data: bytes, file_name: str) -> Book:
    """The rows of a task list file, or FileRefused."""
    if len(data) > settings.IMPORTS_MAX_BYTES:
        raise FileRefused(
            _("The file is larger than %(limit)s MB."),
            limit=settings.IMPORTS_MAX_BYTES // (1024 * 1024),
        )
    if not data:
        raise FileRefused(_("The file is empty."))
    if data.startswith(OLE_SIGNATURE):
        raise FileRefused(
            _(
                "The file is encrypted (password-protected) or in the old .xls "
                "format: remove the password and save it as .xlsx."
            )
        )
    lower = file_name.lower()
    if lower.endswith(".xlsm") or lower.endswith(".xltm"):
        raise FileRefused(_("Workbooks with macros (.xlsm) are not accepted."))
    if data.startswith(ZIP_SIGNATURE):
        return _read_xlsx(data)
    if lower.endswith(".csv") or lower.endswith(".txt"):
        return _read_csv(data)
    raise FileRefused(_("This is not an Excel workbook (.xlsx) or a CSV file."))


# --- XLSX ---------------------------------------------------------------------


def _check_archive(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise FileRefused(_("The workbook is damaged: it cannot be opened.")) from exc
    with archive:
        members = archive.infolist()
        names = [m.filename for m in members]
        if "[Content_Types].xml" not in names or not any(
            n.startswith("xl/") for n in names
        ):
            raise FileRefused(_("This is not an Excel workbook (.xlsx) or a CSV file."))
        if len(members) > settings.IMPORTS_MAX_MEMBERS:
            raise FileRefused(_("The workbook has too many parts to be a task list."))
        if any(n.lower().endswith("vbaproject.bin") for n in names):
            raise FileRefused(_("Workbooks with macros (.xlsm) are not accepted."))
        if any(n.startswith("xl/externalLinks/") for n in names):
            raise FileRefused(
                _(
                    "The workbook links to other files (external links): break the "
                    "links in Excel (Data › Edit Links) and upload it again."
                )
            )
        unpacked = sum(m.file_size for m in members)
        packed = max(1, sum(m.compress_size for m in members))
        if (
            unpacked > settings.IMPORTS_MAX_UNPACKED_BYTES
            or unpacked / packed > settings.IMPORTS_MAX_RATIO
        ):
            raise FileRefused(
                _(
                    "The workbook unpacks to far more than its size (a possible zip "
                    "bomb): it is refused."
                )
            )


def _read_xlsx(data: bytes) -> Book:
    import openpyxl

    _check_archive(data)
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), data_only=True, keep_links=False
        )
    except Exception as exc:
        raise FileRefused(_("The workbook is damaged: it cannot be opened.")) from exc
    book = Book()
    for sheet in workbook.worksheets:
        name = _sheet_named(sheet.title)
        if name is None or sheet.sheet_state != "visible":
            continue
        if sheet.max_row > settings.IMPORTS_MAX_ROWS + 2:
            _too_many_rows()
        book.sheets[name] = _read_sheet(sheet, name, book.problems)
    if not book.sheets:
        raise FileRefused(
            _("The workbook has none of the sheets %(sheets)s."),
            sheets="、".join(SHEETS),
        )
    if book.row_count > settings.IMPORTS_MAX_ROWS:
        _too_many_rows()
    return book


def _too_many_rows():
    raise FileRefused(
        _("The file has more than %(limit)s rows: split it."),
        limit=settings.IMPORTS_MAX_ROWS,
    )


def _read_sheet(sheet, name: str, problems: list[Problem]) -> list[Row]:
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        return []
    columns = _match_header(name, list(header), problems)
    if not _complete(name, columns):
        return []  # the missing columns are reported; the rows cannot be read
    merged = {}
    for cell_range in sheet.merged_cells.ranges:
        if cell_range.max_row > 1:
            merged[(cell_range.min_row, cell_range.min_col)] = cell_range
    found = []
    for number, values in enumerate(rows, start=2):
        cells = {
            column.key: _clean(values[index])
            for index, column in columns.items()
            if index < len(values)
        }
        if not any(v not in (None, "") for v in cells.values()):
            continue
        if number == 2 and _is_english_header(name, values):
            continue
        if _is_example(cells):
            continue
        if sheet.row_dimensions[number].hidden:
            problems.append(
                Problem(
                    name,
                    number,
                    None,
                    _(
                        "This row is hidden but holds data: unhide it, or delete "
                        "it if it is not to be imported."
                    ),
                )
            )
            continue
        found.append(Row(number, cells))
    for (row, col), cell_range in sorted(merged.items()):
        key = columns.get(col - 1)
        problems.append(
            Problem(
                name,
                row,
                key.key if key else None,
                _("Merged cells (%(range)s): unmerge them and fill in each row."),
                {"range": cell_range.coord},
            )
        )
    return found


def _match_header(name: str, header: list, problems: list[Problem]) -> dict:
    known = header_index(name)
    columns = {}
    for index, title in enumerate(header):
        if title in (None, ""):
            continue
        column = known.get(fold(title))
        if column is None:
            problems.append(
                Problem(
                    name,
                    1,
                    None,
                    _("Unknown column “%(title)s”."),
                    {"title": title},
                )
            )
        elif not column.computed:
            columns[index] = column
    present = {c.key for c in columns.values()}
    for column in SHEETS[name]:
        if column.required and column.key not in present:
            problems.append(
                Problem(
                    name,
                    1,
                    column.key,
                    _("The column “%(title)s” is missing."),
                    {"title": column.zh},
                )
            )
    return columns


def _complete(name: str, columns: dict) -> bool:
    present = {c.key for c in columns.values()}
    return all(c.key in present for c in SHEETS[name] if c.required)


def _is_english_header(name: str, values) -> bool:
    english = {fold(c.en) for c in all_columns(name)}
    texts = [fold(v) for v in values if isinstance(v, str) and v.strip()]
    return bool(texts) and all(t in english for t in texts)


def _clean(value):
    if isinstance(value, str):
        # What the export quoted so as not to run as a formula, unquoted.
        return unneutralise(value.strip())
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    return value


# --- CSV ----------------------------------------------------------------------


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise FileRefused(_("The CSV file is neither UTF-8 nor GB18030 text.")) from exc


def _read_csv(data: bytes) -> Book:
    if b"\x00" in data:
        raise FileRefused(_("This is not an Excel workbook (.xlsx) or a CSV file."))
    text = _decode(data)
    book = Book()
    try:
        lines = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise FileRefused(
            _(
                "The CSV file could not be read: a cell is too long or its "
                "quotation marks do not match."
            )
        ) from exc
    if len(lines) > settings.IMPORTS_MAX_ROWS + 2:
        _too_many_rows()
    if not lines:
        raise FileRefused(_("The file is empty."))
    columns = _match_header(ITEMS, lines[0], book.problems)
    rows = []
    if not _complete(ITEMS, columns):
        book.sheets[ITEMS] = rows
        return book
    for number, values in enumerate(lines[1:], start=2):
        cells = {
            column.key: _clean(values[index])
            for index, column in columns.items()
            if index < len(values)
        }
        if not any(v not in (None, "") for v in cells.values()):
            continue
        if number == 2 and _is_english_header(ITEMS, values):
            continue
        if _is_example(cells):
            continue
        rows.append(Row(number, cells))
    book.sheets[ITEMS] = rows
    return book


__all__ = ["SHEET_EN", "Book", "FileRefused", "Row", "read"]


def _is_example(cells: dict) -> bool:
    code = cells.get("code") or cells.get("task") or ""
    return fold(str(code)) == fold(EXAMPLE_CODE)
