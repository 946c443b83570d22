"""The 督办 tests' world: a joint Sichuan–Chongqing item under way and five
days overdue, each party's coordinator, leadership, an auditor, the joint
office, and a coordinator of a party outside the initiative. Built through
the services at the tests' frozen today (tests/clock.py)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from tests.conftest import _member
from tests.factories import PartyFactory, make_initiative, make_task
from tracker import services


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
