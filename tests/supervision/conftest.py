"""The ladder's world: an item owned by Sichuan and Chongqing, a coordinator
and a leader in each, the joint office; the default ladder and the 2026
calendar as migrate makes them; runs at 09:00 Beijing time of a given day."""

import datetime as dt
import importlib
import zoneinfo

import pytest
import time_machine
from django.apps import apps

from accounts.services import membership_grant
from supervision.services.ladder import reminder_ladder_run
from tests.factories import UserFactory, make_task

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
defaults = importlib.import_module(
    "supervision.migrations.0003_default_ladder_and_2026_calendar"
)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def at_nine(day: dt.date):
    """The clock at 09:00 Beijing time on `day`, as beat runs the ladder."""
    return time_machine.travel(
        dt.datetime.combine(day, dt.time(9), tzinfo=SHANGHAI), tick=False
    )


def run_on(day: dt.date | str):
    day = d(day) if isinstance(day, str) else day
    with at_nine(day):
        return reminder_ladder_run(today=day)


def run_every_day(first: str, last: str) -> dict[dt.date, object]:
    day, runs = d(first), {}
    while day <= d(last):
        runs[day] = run_on(day)
        day += dt.timedelta(days=1)
    return runs


def member(username: str, party, role: str, **fields):
    user = UserFactory(username=username, full_name=fields.pop("full_name", ""))
    membership_grant(user=user, party=party, role=role)
    return user


@pytest.fixture(autouse=True)
def ladder_defaults(db):
    # As migrate made them (an earlier transactional test may have flushed them).
    defaults.create_rules(apps)
    defaults.create_calendar(apps)


@pytest.fixture
def cq_leader(chongqing):
    return member("cq_leader", chongqing, "leadership")


@pytest.fixture
def people(sc_coord, cq_coord, office, sc_leader, cq_leader):
    return {
        "sc_coord": sc_coord,
        "cq_coord": cq_coord,
        "office": office,
        "sc_leader": sc_leader,
        "cq_leader": cq_leader,
    }


@pytest.fixture
def item(initiative, people):
    """川渝1000千伏特高压交流工程, due on Friday 13 February 2026, the last
    working day before the Spring Festival."""
    with at_nine(d("2026-01-05")):
        return make_task(
            initiative,
            code="NY-01",
            title="川渝1000千伏特高压交流工程",
            due_date=d("2026-02-13"),
        )
