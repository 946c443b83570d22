"""Report periods at the ends of the calendar (0001-01-01 and 9999-12-31)."""

import datetime as dt

# The periods are computed from explicit days; none is compared with the clock.
import pytest
from django.utils import timezone, translation

from reports.periods import (
    PeriodOutOfRange,
    last_complete_period,
    period_containing,
    recent_periods,
)
from reports.render.formatting import format_period
from reports.snapshot import as_of_for

LAST = dt.date.max  # 9999-12-31, a Friday
FIRST = dt.date.min  # 0001-01-01, a Monday


@pytest.mark.parametrize(
    ("kind", "day", "period"),
    [
        ("monthly", LAST, (dt.date(9999, 12, 1), LAST)),
        ("monthly", dt.date(9999, 12, 1), (dt.date(9999, 12, 1), LAST)),
        ("quarterly", LAST, (dt.date(9999, 10, 1), LAST)),
        ("quarterly", dt.date(9999, 10, 1), (dt.date(9999, 10, 1), LAST)),
        (
            "weekly",
            dt.date(9999, 12, 26),
            (dt.date(9999, 12, 20), LAST - dt.timedelta(5)),
        ),
        ("weekly", FIRST, (FIRST, dt.date(1, 1, 7))),
        ("monthly", dt.date(2024, 2, 10), (dt.date(2024, 2, 1), dt.date(2024, 2, 29))),
        (
            "quarterly",
            dt.date(2026, 11, 25),
            (dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
        ),
    ],
)
def test_periods_near_the_ends_of_the_calendar(kind, day, period):
    assert period_containing(kind, day) == period


def test_a_week_that_would_cross_the_calendar_has_no_period():
    with pytest.raises(PeriodOutOfRange):
        period_containing("weekly", LAST)
    for kind in ("weekly", "monthly", "quarterly"):
        with pytest.raises(PeriodOutOfRange):
            last_complete_period(kind, dt.date(1, 1, 3))
        with pytest.raises(PeriodOutOfRange):
            recent_periods(kind, dt.date(1, 2, 3), 8)
    assert last_complete_period("monthly", LAST) == (
        dt.date(9999, 11, 1),
        dt.date(9999, 11, 30),
    )


def test_the_last_month_of_the_calendar_is_named():
    with translation.override("zh-hans"):
        assert format_period("monthly", dt.date(9999, 12, 1), LAST) == "9999年12月"
    with translation.override("en"):
        assert format_period("monthly", dt.date(9999, 12, 1), LAST) == "December 9999"


def test_a_period_that_runs_to_the_end_of_the_calendar_is_as_of_now():
    class Row:
        period_end = LAST

    now = timezone.now()
    assert as_of_for(Row(), now) == now
