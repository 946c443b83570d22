"""The downloadable template: one sheet per entry of imports.columns, Chinese
headers with a note on each, drop-down lists from the initiative's own
parties, agencies, work streams and choices, and one example row (which the
import passes over)."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import translation
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from tracker.models import Initiative

from .columns import EXAMPLE_CODE, SHEETS, Source, Type
from .parse import Lookups

LISTS_SHEET = "下拉列表"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
EXAMPLE_FONT = Font(italic=True, color="808080")


def _example(initiative: Initiative, lookups: Lookups) -> dict[str, dict]:
    party = lookups.parties[0] if lookups.parties else None
    agency = next(
        (a for (p, _), a in lookups.agencies.items() if party and p == party.pk),
        None,
    )
    stream = lookups.work_streams[0] if lookups.work_streams else None
    year = dt.date.today().year
    return {
        "事项": {
            "code": EXAMPLE_CODE,
            "title": "（示例）川渝供应链对接活动",
            "work_stream": stream.name if stream else "",
            "task_list": lookups.labels(Source.TASK_LISTS)[1],
            "lead_party": party.name if party else "",
            "priority": lookups.labels(Source.PRIORITIES)[1],
            "planned_start": dt.date(year, 1, 1),
            "due_date": dt.date(year, 12, 31),
            "status": lookups.labels(Source.STATUSES)[0],
            "description": "本行为填写示例，导入时不读取，可删除。",
        },
        "责任单位": {
            "task": EXAMPLE_CODE,
            "party": party.name if party else "",
            "agency": agency.name if agency else "",
            "contact_name": "张三",
            "contact_phone": "028-00000000",
        },
        "节点": {
            "task": EXAMPLE_CODE,
            "title": "完成首场对接活动",
            "party": "",
            "due_date": dt.date(year, 6, 30),
            "weight": 1,
            "description": "",
        },
        "指标": {
            "task": EXAMPLE_CODE,
            "name": "对接活动",
            "unit": "场",
            "baseline": 0,
            "target": 10,
            "direction": lookups.labels(Source.DIRECTIONS)[0],
            "party": "",
        },
    }


def template_build(*, initiative: Initiative) -> bytes:
    """The template workbook for `initiative`, as XLSX bytes."""
    with translation.override("zh-hans"):
        lookups = Lookups(initiative)
        workbook = Workbook()
        workbook.remove(workbook.active)
        lists = {}
        for name in SHEETS:
            workbook.create_sheet(name)
        hidden = workbook.create_sheet(LISTS_SHEET)
        hidden.sheet_state = "hidden"
        sources = [
            Source.PARTIES,
            Source.AGENCIES,
            Source.WORK_STREAMS,
            Source.TASK_LISTS,
            Source.STATUSES,
            Source.PRIORITIES,
            Source.DIRECTIONS,
        ]
        for index, source in enumerate(sources, start=1):
            letter = get_column_letter(index)
            values = lookups.labels(source)
            hidden.cell(row=1, column=index, value=source)
            for row, value in enumerate(values, start=2):
                hidden.cell(row=row, column=index, value=value)
            last = max(2, len(values) + 1)
            lists[source] = (
                f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${last}"
            )
        examples = _example(initiative, lookups)
        for name, columns in SHEETS.items():
            sheet = workbook[name]
            sheet.freeze_panes = "A2"
            for index, column in enumerate(columns, start=1):
                letter = get_column_letter(index)
                cell = sheet.cell(row=1, column=index, value=column.zh)
                cell.font = Font(bold=True)
                cell.fill = HEADER_FILL
                note = f"{column.en}\n{column.note}"
                if column.required:
                    note += "\n必填。"
                cell.comment = Comment(note, "专班")
                cell.comment.width, cell.comment.height = 260, 110
                sheet.column_dimensions[letter].width = max(12, len(column.zh) * 3)
                value = examples[name].get(column.key)
                example = sheet.cell(row=2, column=index, value=value)
                example.font = EXAMPLE_FONT
                area = f"{letter}2:{letter}1000"
                if column.type == Type.DATE:
                    example.number_format = "yyyy-mm-dd"
                    for row in range(3, 201):
                        sheet.cell(row=row, column=index).number_format = "yyyy-mm-dd"
                    check = DataValidation(
                        type="date",
                        operator="greaterThan",
                        formula1="36526",  # 2000-01-01
                        allow_blank=True,
                        showErrorMessage=True,
                        errorTitle="日期",
                        error="请填写日期，如 2025-12-31。",
                    )
                    sheet.add_data_validation(check)
                    check.add(area)
                elif column.source is not None:
                    check = DataValidation(
                        type="list",
                        formula1=lists[column.source],
                        allow_blank=not column.required,
                        showErrorMessage=True,
                        errorTitle=column.zh,
                        error="请从下拉列表中选择。",
                    )
                    sheet.add_data_validation(check)
                    check.add(area)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
