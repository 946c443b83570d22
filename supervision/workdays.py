"""Working days by the holiday calendar (WorkCalendarDay): Monday to Friday
unless a public holiday, and a weekend day worked in exchange (调休上班)."""

from __future__ import annotations

import datetime as dt

from .choices import CalendarDayKind
from .models import WorkCalendarDay

SATURDAY = 5
# How far next_working_day looks: longer than any holiday (the Spring Festival
# with its weekends is nine days).
LOOKAHEAD_DAYS = 31


def _working(day: dt.date, kind: str | None) -> bool:
    if kind == CalendarDayKind.MAKEUP_WORKDAY:
        return True
    if kind == CalendarDayKind.HOLIDAY:
        return False
    return day.weekday() < SATURDAY


def is_working_day(day: dt.date) -> bool:
    """Whether people work on `day`: a weekday that is not a public holiday,
    or a make-up working day. One query."""
    kind = (
        WorkCalendarDay.objects.filter(date=day).values_list("kind", flat=True).first()
    )
    return _working(day, kind)


class WorkCalendar:
    """The calendar of a span of days, read in one query, for a job that asks
    about many days."""

    def __init__(self, first: dt.date, last: dt.date):
        self.first, self.last = first, last
        self.kinds = dict(
            WorkCalendarDay.objects.filter(date__range=(first, last)).values_list(
                "date", "kind"
            )
        )

    def is_working_day(self, day: dt.date) -> bool:
        if not self.first <= day <= self.last:
            return is_working_day(day)
        return _working(day, self.kinds.get(day))


def next_working_day(day: dt.date) -> dt.date:
    """`day` itself if people work on it, else the first working day after."""
    calendar = WorkCalendar(day, day + dt.timedelta(days=LOOKAHEAD_DAYS))
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def last_working_day(day: dt.date) -> dt.date:
    """`day` itself if people work on it, else the last working day before."""
    calendar = WorkCalendar(day - dt.timedelta(days=LOOKAHEAD_DAYS), day)
    while not calendar.is_working_day(day):
        day -= dt.timedelta(days=1)
    return day
