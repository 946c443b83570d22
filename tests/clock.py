"""The tests' "today": one frozen day against which every date whose meaning
depends on the clock is written (`days(30)`, not a fixed 2025 date), so the
suite reads the same on any real date.

A test or fixture that asks for the `today` fixture (tests/conftest.py) runs
with the clock at noon of TODAY in Beijing; helper modules use `frozen()`.
`TESTS_TODAY=2031-02-28 pytest …` moves the day, to show a module does not
depend on the one it was written on (a leap day, a year's end, …)."""

import contextlib
import datetime as dt
import os
import zoneinfo

import time_machine

TODAY = dt.date.fromisoformat(os.environ.get("TESTS_TODAY") or "2026-06-15")
# Noon in Beijing: half a day either way before the local date changes, and
# the clock keeps running from there (a frozen instant would stall anything
# that waits for time to pass).
NOON = dt.datetime.combine(
    TODAY, dt.time(12), tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")
)


def days(n: int) -> dt.date:
    """TODAY moved by `n` days (negative: before)."""
    return TODAY + dt.timedelta(days=n)


def iso(n: int) -> str:
    """`days(n)` as a form or API sends it."""
    return days(n).isoformat()


@contextlib.contextmanager
def frozen():
    with time_machine.travel(NOON, tick=True):
        yield TODAY
