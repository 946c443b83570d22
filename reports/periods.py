"""Report periods: the last complete week, month or quarter before a day.

Python's dates end on 9999-12-31 and begin on 0001-01-01. Month and quarter ends
are read from the calendar rather than reached by adding days (which overflows
in the last months of year 9999); a week that would cross either end of the
calendar has no period and raises PeriodOutOfRange."""

from __future__ import annotations

import calendar
import datetime as dt

from .choices import ReportKind


class PeriodOutOfRange(ValueError):
    """The period would begin before 0001-01-01 or end after 9999-12-31."""


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _shift(day: dt.date, days: int) -> dt.date:
    try:
        return day + dt.timedelta(days=days)
    except OverflowError as exc:
        raise PeriodOutOfRange(f"{day} {days:+d} days is outside the calendar") from exc


def period_containing(kind: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The week (Monday–Sunday), month or quarter that contains `day`."""
    if kind == ReportKind.WEEKLY:
        start = _shift(day, -day.weekday())
        return start, _shift(start, 6)
    if kind == ReportKind.MONTHLY:
        return day.replace(day=1), _month_end(day.year, day.month)
    if kind == ReportKind.QUARTERLY:
        first_month = 3 * ((day.month - 1) // 3) + 1
        return (
            dt.date(day.year, first_month, 1),
            _month_end(day.year, first_month + 2),
        )
    raise ValueError(f"{kind} reports have no calendar period")


def last_complete_period(kind: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The latest period of `kind` that ended before `today` (what Monday's
    weekly report and the 1st's monthly report cover)."""
    start, _ = period_containing(kind, today)
    return period_containing(kind, _shift(start, -1))


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
