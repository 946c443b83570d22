"""Working days by the holiday calendar: the State Council's 2026 holidays and
make-up working days come with a fresh install (migration 0003), and the
office's edits in the admin count at once."""

import datetime as dt
import importlib

import pytest
from django.apps import apps

from supervision.choices import CalendarDayKind
from supervision.models import WorkCalendarDay
from supervision.workdays import (
    WorkCalendar,
    is_working_day,
    last_working_day,
    next_working_day,
)

pytestmark = pytest.mark.django_db

defaults = importlib.import_module(
    "supervision.migrations.0003_default_ladder_and_2026_calendar"
)


@pytest.fixture(autouse=True)
def calendar_2026():
    # As migrate made it (an earlier transactional test may have flushed it).
    defaults.create_calendar(apps)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2026-01-01", False),  # 元旦, a Thursday
        ("2026-01-04", True),  # a Sunday worked for it
        ("2026-02-13", True),  # the Friday before the Spring Festival
        ("2026-02-14", True),  # a Saturday worked (调休上班)
        ("2026-02-16", False),  # Monday of the Spring Festival
        ("2026-02-23", False),  # its last day, a Monday
        ("2026-02-24", True),
        ("2026-02-28", True),  # the second Saturday worked for it
        ("2026-03-01", False),  # an ordinary Sunday
        ("2026-04-06", False),  # 清明节, a Monday
        ("2026-05-05", False),  # 劳动节, a Tuesday
        ("2026-05-09", True),  # a Saturday worked for it
        ("2026-06-15", True),  # an ordinary Monday
        ("2026-06-19", False),  # 端午节, a Friday
        ("2026-09-20", True),  # a Sunday worked for the National Day
        ("2026-09-25", False),  # 中秋节, a Friday
        ("2026-10-07", False),  # 国庆节, a Wednesday
        ("2026-10-08", True),
        ("2026-10-10", True),  # a Saturday worked for it
    ],
)
def test_the_2026_calendar(day, working):
    assert is_working_day(d(day)) is working
    assert WorkCalendar(d("2026-01-01"), d("2026-12-31")).is_working_day(d(day)) is (
        working
    )


def test_the_notice_as_rows():
    rows = WorkCalendarDay.objects.filter(date__year=2026)
    holidays = rows.filter(kind=CalendarDayKind.HOLIDAY)
    makeup = rows.filter(kind=CalendarDayKind.MAKEUP_WORKDAY)
    # 3 + 9 + 3 + 5 + 3 + 3 + 7 days off; 6 weekend days worked.
    assert holidays.count() == 33
    assert sorted(makeup.values_list("date", flat=True)) == [
        d("2026-01-04"),
        d("2026-02-14"),
        d("2026-02-28"),
        d("2026-05-09"),
        d("2026-09-20"),
        d("2026-10-10"),
    ]
    assert WorkCalendarDay.objects.get(date=d("2026-02-17")).name == "春节"
    assert WorkCalendarDay.objects.get(date=d("2026-02-14")).name == "春节调休上班"


def test_next_and_last_working_day_across_the_spring_festival():
    assert next_working_day(d("2026-02-15")) == d("2026-02-24")
    assert next_working_day(d("2026-02-13")) == d("2026-02-13")
    assert last_working_day(d("2026-02-23")) == d("2026-02-14")
    assert last_working_day(d("2026-03-01")) == d("2026-02-28")


def test_the_offices_edits_count_at_once():
    # A year the State Council has not published yet: weekdays work.
    assert is_working_day(d("2027-01-01"))
    WorkCalendarDay.objects.create(
        date=d("2027-01-01"), kind=CalendarDayKind.HOLIDAY, name="元旦"
    )
    WorkCalendarDay.objects.create(
        date=d("2027-01-03"), kind=CalendarDayKind.MAKEUP_WORKDAY, name="元旦调休上班"
    )
    assert not is_working_day(d("2027-01-01"))
    assert is_working_day(d("2027-01-03"))  # a Sunday
    WorkCalendarDay.objects.filter(date=d("2026-06-19")).delete()
    assert is_working_day(d("2026-06-19"))


def test_loading_the_calendar_again_keeps_the_offices_edits():
    WorkCalendarDay.objects.filter(date=d("2026-06-19")).update(name="端午")
    defaults.create_calendar(apps)
    assert WorkCalendarDay.objects.get(date=d("2026-06-19")).name == "端午"
    assert WorkCalendarDay.objects.filter(date__year=2026).count() == 39
