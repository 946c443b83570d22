"""The export as CSV: the 事项 sheet only (a CSV file holds one table), in the
same columns as the workbook's (the import reads it as its 事项 sheet), UTF-8
with a byte-order mark so that Excel reads the Chinese right."""

from __future__ import annotations

import csv
import io

from config.spreadsheet import BOM, csv_cell

from .columns import PERCENT, TASK_COLUMNS, rows
from .data import ExportData


def export_csv(data: ExportData) -> bytes:
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer)
    writer.writerow([csv_cell(str(column.header)) for column in TASK_COLUMNS])
    for values in rows(TASK_COLUMNS, data.tasks, data.facts):
        writer.writerow(
            [
                # A rate as the percentage people type (45), not 0.45.
                round(value * 100) if column.kind == PERCENT else csv_cell(value)
                for column, value in zip(TASK_COLUMNS, values, strict=True)
            ]
        )
    return buffer.getvalue().encode("utf-8")
