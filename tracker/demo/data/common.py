"""What the demo data modules share: date specs relative to the load day, the
constants they spell tasks with, and the milestone and indicator builders.

The demo task list of the Chengdu–Chongqing Economic Circle, as plain data.

Every figure comes from the 2024 review article in /work/shared/seed (restated
in DOMAIN.md). Dates are either fixed (what happened in 2024 and before) or
relative to the day the demo is loaded (``ago``, ``ahead``, ``year_end``), so
that every first load shows milestones due soon, overdue ones and recent weekly
progress reports.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tracker.choices import MilestoneStatus, Priority, Qualifier, TaskList, TaskStatus

D = dt.date


@dataclass(frozen=True)
class DaysFromToday:
    days: int


@dataclass(frozen=True)
class YearEnd:
    """31 December of the load day's year plus ``years``."""

    years: int = 0


DateSpec = dt.date | DaysFromToday | YearEnd


def ago(days: int) -> DaysFromToday:
    return DaysFromToday(-days)


def ahead(days: int) -> DaysFromToday:
    return DaysFromToday(days)


def year_end(years: int = 0) -> YearEnd:
    return YearEnd(years)


def resolve(spec: DateSpec | None, today: dt.date) -> dt.date | None:
    if spec is None or isinstance(spec, dt.date):
        return spec
    if isinstance(spec, DaysFromToday):
        return today + dt.timedelta(days=spec.days)
    return D(today.year + spec.years, 12, 31)


SC, CQ = "SC", "CQ"
SC_LEAD = "四川省经济和信息化厅"
CQ_LEAD = "重庆市经济和信息化委员会"
CO_BUILD = TaskList.CO_BUILD
RECIPROCAL = TaskList.RECIPROCAL
JOINT_APPLICATION = TaskList.JOINT_APPLICATION
HIGH, NORMAL = Priority.HIGH, Priority.NORMAL
NOT_STARTED = TaskStatus.NOT_STARTED
IN_PROGRESS = TaskStatus.IN_PROGRESS
COMPLETED = TaskStatus.COMPLETED
PENDING = MilestoneStatus.PENDING
WORKING = MilestoneStatus.IN_PROGRESS

# --- Tasks ---------------------------------------------------------------------
#
# owners: party -> (agency name, contact, phone)
# milestones: title, due, party (None = joint), done (completion day or None),
#   status (when not done), weight, parts (party milestones of a joint one)
# indicators: name, unit, target, baseline, party (None = joint), readings
#   (period, value, reporting party, note[, reported on]); a value is a string,
#   or over("1500") / odd("200") for a figure the article gives as a lower
#   bound (超1500公里, 200余辆)


@dataclass(frozen=True)
class Figure:
    value: str
    qualifier: str = Qualifier.EXACT


def over(value: str) -> Figure:
    """超过…: more than `value`."""
    return Figure(value, Qualifier.MORE_THAN)


def odd(value: str) -> Figure:
    """…余: `value` and some more."""
    return Figure(value, Qualifier.ODD)


def figure(value: str | Figure) -> Figure:
    return value if isinstance(value, Figure) else Figure(value)


def ms(
    title: str,
    due: DateSpec,
    *,
    party: str | None = None,
    done: DateSpec | None = None,
    status: str = PENDING,
    weight: int = 1,
    description: str = "",
    parts: list[dict] | None = None,
) -> dict:
    return {
        "title": title,
        "due": due,
        "party": party,
        "done": done,
        "status": status,
        "weight": weight,
        "description": description,
        "parts": parts or [],
    }


def ind(
    name: str,
    unit: str,
    *,
    target: str | None,
    baseline: str | None = None,
    party: str | None = None,
    description: str = "",
    readings: list[tuple] = (),
) -> dict:
    return {
        "name": name,
        "unit": unit,
        "target": target,
        "baseline": baseline,
        "party": party,
        "description": description,
        "readings": list(readings),
    }
