"""The columns of each exported sheet: header, width and how a cell is read.

Headers are translated when the sheet is written, so a Chinese user gets
Chinese headers and an English one English headers. Widths are in characters
of the default font; date columns are wide enough for a Chinese date
(2024年12月12日) not to print as "###"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from config.spreadsheet import DATE_WIDTH

from ..choices import Light, MilestoneStatus, TaskList, TaskStatus
from ..lights import reason_of, reason_text

DATE, TEXT, NUMBER, PERCENT = "date", "text", "number", "percent"


@dataclass(frozen=True)
class Column:
    header: Any  # a lazy translation
    width: float
    read: Callable[[Any, dict], Any]
    kind: str = TEXT
    wrap: bool = False


def _label(choices, value) -> str:
    if value in (None, ""):
        return ""
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def owners_text(task) -> str:
    """四川省：四川省经济和信息化厅（张三 028-…）；重庆市：…"""
    parts = []
    for owner in task.owners.all():
        contact = " ".join(v for v in (owner.contact_name, owner.contact_phone) if v)
        values = {
            "party": str(owner.party),
            "agency": str(owner.agency),
            "contact": contact,
        }
        if contact:
            parts.append(_("%(party)s: %(agency)s (%(contact)s)") % values)
        else:
            parts.append(_("%(party)s: %(agency)s") % values)
    return pgettext("clause separator", "; ").join(parts)


def lead_agency(task) -> str:
    for owner in task.owners.all():
        if owner.party_id == task.lead_party_id:
            return str(owner.agency)
    return ""


def _days_late(milestone, facts: dict) -> int:
    if milestone.status == MilestoneStatus.DONE:
        return 0
    return max(0, (facts["today"] - milestone.due_date).days)


def _local_date(value: dt.datetime | None) -> dt.date | None:
    from django.utils import timezone

    return timezone.localtime(value).date() if value else None


TASK_COLUMNS: list[Column] = [
    Column(_("Code"), 10, lambda t, f: t.code),
    Column(_("Task"), 30, lambda t, f: t.title, wrap=True),
    Column(_("Work stream"), 14, lambda t, f: t.work_stream.name, wrap=True),
    Column(_("Task list"), 12, lambda t, f: _label(TaskList, t.task_list), wrap=True),
    Column(_("Lead party"), 10, lambda t, f: str(t.lead_party or "")),
    Column(_("Lead agency"), 16, lambda t, f: lead_agency(t), wrap=True),
    Column(_("Owners"), 34, lambda t, f: owners_text(t), wrap=True),
    Column(_("Status"), 12, lambda t, f: _label(TaskStatus, t.status)),
    Column(_("Progress"), 8, lambda t, f: t.progress / 100, PERCENT),
    Column(_("Planned start"), DATE_WIDTH, lambda t, f: t.planned_start, DATE),
    Column(_("Due date"), DATE_WIDTH, lambda t, f: t.due_date, DATE),
    Column(_("Light"), 8, lambda t, f: _label(Light, t.light)),
    Column(_("Light reason"), 30, lambda t, f: reason_text(reason_of(t)), wrap=True),
    Column(_("Days overdue"), 9, lambda t, f: t.days_overdue or 0, NUMBER),
    Column(
        _("Milestone days overdue"),
        9,
        lambda t, f: t.milestone_days_overdue or 0,
        NUMBER,
    ),
]

MILESTONE_COLUMNS: list[Column] = [
    Column(_("Code"), 10, lambda m, f: m.task.code),
    Column(_("Task"), 30, lambda m, f: m.task.title, wrap=True),
    Column(_("Milestone"), 36, lambda m, f: m.title, wrap=True),
    Column(_("Party"), 10, lambda m, f: str(m.party or "")),
    Column(_("Due date"), DATE_WIDTH, lambda m, f: m.due_date, DATE),
    Column(_("Status"), 12, lambda m, f: _label(MilestoneStatus, m.status)),
    Column(
        _("Completed at"), DATE_WIDTH, lambda m, f: _local_date(m.completed_at), DATE
    ),
    Column(_("Days overdue"), 9, _days_late, NUMBER),
]

INDICATOR_COLUMNS: list[Column] = [
    Column(_("Code"), 10, lambda i, f: i.task.code),
    Column(_("Task"), 30, lambda i, f: i.task.title, wrap=True),
    Column(_("Indicator"), 30, lambda i, f: i.name, wrap=True),
    Column(_("Unit"), 10, lambda i, f: i.unit),
    Column(_("Party"), 10, lambda i, f: str(i.party or "")),
    Column(_("Baseline"), 12, lambda i, f: i.baseline, NUMBER),
    Column(_("Target"), 12, lambda i, f: i.target, NUMBER),
    Column(_("Actual"), 12, lambda i, f: i.latest_value, NUMBER),
    Column(_("Actual as of"), DATE_WIDTH, lambda i, f: i.latest_period, DATE),
]

SHEETS = (
    ("tasks", pgettext_lazy("sheet name", "Tasks"), TASK_COLUMNS),
    ("milestones", pgettext_lazy("sheet name", "Milestones"), MILESTONE_COLUMNS),
    ("indicators", pgettext_lazy("sheet name", "Indicators"), INDICATOR_COLUMNS),
)


def rows(columns: list[Column], objects, facts: dict):
    for obj in objects:
        yield [column.read(obj, facts) for column in columns]
