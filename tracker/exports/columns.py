"""The columns of each exported sheet: the import's sheets (事项, 责任单位, 节点,
指标) with exactly the import's columns (`imports.columns.SHEETS`), in its
order and its value formats (names, choices by their label, dates as dates),
followed by the export-only computed columns (`imports.columns.EXPORT_ONLY`),
which the import recognises and passes over. An exported file therefore
imports as it is.

Headers are the import's, in the user's language (Chinese or English; the
import reads both). Widths are in characters of the default font; date
columns are wide enough for a Chinese date (2024年12月12日) not to print as
"###"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from charts.formatting import is_chinese
from config.spreadsheet import DATE_WIDTH
from imports import columns as spec
from imports.columns import INDICATORS, ITEMS, MILESTONES, OWNERS, SHEET_EN

from ..choices import Direction, Light, MilestoneStatus, Priority, TaskList, TaskStatus
from ..lights import reason_of, reason_text

DATE, TEXT, NUMBER, PERCENT = "date", "text", "number", "percent"


@dataclass(frozen=True)
class Column:
    spec: spec.Column
    width: float
    read: Callable[[Any, dict], Any]
    kind: str = TEXT
    wrap: bool = False

    @property
    def header(self) -> str:
        return self.spec.zh if is_chinese() else self.spec.en


def sheet_title(sheet: str) -> str:
    return sheet if is_chinese() else SHEET_EN[sheet]


def _label(choices, value) -> str:
    if value in (None, ""):
        return ""
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _name(obj) -> str:
    return obj.name if obj is not None else ""


def _days_late(milestone, facts: dict) -> int:
    if milestone.status == MilestoneStatus.DONE:
        return 0
    return max(0, (facts["today"] - milestone.due_date).days)


def _local_date(value: dt.datetime | None) -> dt.date | None:
    from django.utils import timezone

    return timezone.localtime(value).date() if value else None


# How each cell is read, by sheet and column key; what a column is written as
# (its kind) follows its type in `imports.columns`.
READ: dict[str, dict[str, Callable[[Any, dict], Any]]] = {
    ITEMS: {
        "code": lambda t, f: t.code,
        "title": lambda t, f: t.title,
        "work_stream": lambda t, f: t.work_stream.name,
        "task_list": lambda t, f: _label(TaskList, t.task_list),
        "lead_party": lambda t, f: _name(t.lead_party),
        "priority": lambda t, f: _label(Priority, t.priority),
        "planned_start": lambda t, f: t.planned_start,
        "due_date": lambda t, f: t.due_date,
        "status": lambda t, f: _label(TaskStatus, t.status),
        "description": lambda t, f: t.description,
        "progress": lambda t, f: t.progress / 100,
        "light": lambda t, f: _label(Light, t.light),
        "light_reason": lambda t, f: reason_text(reason_of(t)),
        "days_overdue": lambda t, f: t.days_overdue or 0,
        "milestone_days_overdue": lambda t, f: t.milestone_days_overdue or 0,
    },
    # A row of 责任单位 is (task, owner).
    OWNERS: {
        "task": lambda r, f: r[0].code,
        "party": lambda r, f: _name(r[1].party),
        "agency": lambda r, f: _name(r[1].agency),
        "contact_name": lambda r, f: r[1].contact_name,
        "contact_phone": lambda r, f: r[1].contact_phone,
    },
    MILESTONES: {
        "task": lambda m, f: m.task.code,
        "title": lambda m, f: m.title,
        "party": lambda m, f: _name(m.party),
        "due_date": lambda m, f: m.due_date,
        "weight": lambda m, f: m.weight,
        "description": lambda m, f: m.description,
        "status": lambda m, f: _label(MilestoneStatus, m.status),
        "completed_at": lambda m, f: _local_date(m.completed_at),
        "days_overdue": _days_late,
    },
    INDICATORS: {
        "task": lambda i, f: i.task.code,
        "name": lambda i, f: i.name,
        "unit": lambda i, f: i.unit,
        "baseline": lambda i, f: i.baseline,
        "target": lambda i, f: i.target,
        "direction": lambda i, f: _label(Direction, i.direction),
        "party": lambda i, f: _name(i.party),
        "actual": lambda i, f: i.latest_value,
        "actual_as_of": lambda i, f: i.latest_period,
    },
}
WIDE = {"title": 30, "description": 30, "light_reason": 30, "agency": 24, "name": 24}
WRAP = {"title", "description", "light_reason", "agency", "work_stream", "name"}
NARROW = {"code": 10, "task": 10, "progress": 8, "light": 8, "weight": 8}


def _kind(column: spec.Column) -> str:
    if column.key == "progress":
        return PERCENT
    if column.type == spec.Type.DATE:
        return DATE
    if column.type in (spec.Type.INTEGER, spec.Type.DECIMAL):
        return NUMBER
    return TEXT


def _width(column: spec.Column) -> float:
    if column.type == spec.Type.DATE:
        return DATE_WIDTH
    return WIDE.get(column.key) or NARROW.get(column.key) or 12


def sheet_columns(sheet: str) -> list[Column]:
    return [
        Column(
            column,
            _width(column),
            READ[sheet][column.key],
            _kind(column),
            wrap=column.key in WRAP,
        )
        for column in spec.all_columns(sheet)
    ]


TASK_COLUMNS = sheet_columns(ITEMS)
SHEETS = tuple((sheet, sheet_columns(sheet)) for sheet in spec.SHEETS)


def rows(columns: list[Column], objects, facts: dict):
    for obj in objects:
        yield [column.read(obj, facts) for column in columns]
