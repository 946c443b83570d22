"""Two worlds of the 督办 tests.

The ladder's: an item owned by Sichuan and Chongqing, a coordinator
and a leader in each, the joint office; the default ladder and the 2026
calendar as migrate makes them; runs at 09:00 Beijing time of a given day.

The office's (`w`): a joint Sichuan–Chongqing item under way and five days
overdue, each party's coordinator, leadership, an auditor, the joint office,
and a coordinator of a party outside the initiative. Built through the
services at the tests' frozen today (tests/clock.py)."""

from __future__ import annotations

import datetime as dt
import importlib
import zoneinfo
from types import SimpleNamespace

import pytest
import time_machine
from django.apps import apps

from accounts.services import membership_grant
from supervision.services.ladder import reminder_ladder_run
from tests.conftest import _member
from tests.factories import PartyFactory, UserFactory, make_initiative, make_task
from tracker import services

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


@pytest.fixture
def outsider(db):
    """Shaanxi's coordinator: a member of another initiative, not of this one."""
    shaanxi = PartyFactory(code="sn", name="陕西省", short_name="陕")
    make_task(make_initiative([shaanxi]), code="SX-01", title="陕西事项")
    return _member("sn_coord", shaanxi, "coordinator")


@pytest.fixture
def w(
    today,
    initiative,
    sichuan,
    chongqing,
    sc_coord,
    cq_coord,
    sc_leader,
    cq_auditor,
    office,
):
    """The joint item NY-01, both parties at 20 %, due five days ago, with a
    milestone of each party (Chongqing's past due)."""
    task = make_task(
        initiative,
        code="NY-01",
        title="川渝1000千伏特高压交流工程",
        due_date=today - dt.timedelta(days=5),
        planned_start=today - dt.timedelta(days=300),
    )
    for actor in (sc_coord, cq_coord):
        services.progress_update_post(
            task=task, actor=actor, narrative="铁塔组立推进中", progress=20
        )
    ms_cq = services.milestone_create(
        task=task,
        title="重庆段铁塔组立",
        due_date=today - dt.timedelta(days=2),
        party=chongqing,
    )
    ms_sc = services.milestone_create(
        task=task,
        title="四川段架线",
        due_date=today + dt.timedelta(days=40),
        party=sichuan,
    )
    task.refresh_from_db()
    return SimpleNamespace(
        task=task,
        today=today,
        sichuan=sichuan,
        chongqing=chongqing,
        sc_coord=sc_coord,
        cq_coord=cq_coord,
        sc_leader=sc_leader,
        cq_auditor=cq_auditor,
        office=office,
        ms_cq=ms_cq,
        ms_sc=ms_sc,
    )
