"""Report periods: the last complete week, month or quarter before a day."""

from __future__ import annotations

import datetime as dt

from .choices import ReportKind

ONE_DAY = dt.timedelta(days=1)


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def period_containing(kind: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The week (Monday–Sunday), month or quarter that contains `day`."""
    if kind == ReportKind.WEEKLY:
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=6)
    if kind == ReportKind.MONTHLY:
        start = _month_start(day)
        following = _month_start(start + dt.timedelta(days=32))
        return start, following - ONE_DAY
    if kind == ReportKind.QUARTERLY:
        start = _quarter_start(day)
        following = _quarter_start(start + dt.timedelta(days=95))
        return start, following - ONE_DAY
    raise ValueError(f"{kind} reports have no calendar period")


def last_complete_period(kind: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The latest period of `kind` that ended before `today` (what Monday's
    weekly report and the 1st's monthly report cover)."""
    start, _ = period_containing(kind, today)
    return period_containing(kind, start - ONE_DAY)


def recent_periods(
    kind: str, today: dt.date, count: int
) -> list[tuple[dt.date, dt.date]]:
    """The last `count` complete periods of `kind`, oldest first."""
    periods = []
    day = today
    for _ in range(count):
        start, end = last_complete_period(kind, day)
        periods.append((start, end))
        day = start
    return list(reversed(periods))
