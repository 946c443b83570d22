"""Worlds built once per module: the permission matrix's, shared by the API
permission modules, and the workflow's, shared by the modules that walk the
transition table; and the task page's world, built for each test."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.test import override_settings

from tests.clock import frozen
from tests.factories import make_task
from tests.tracker.api_world import World, build_world
from tests.tracker.workflow_world import WorkflowWorld, build_workflow_world
from tests.worlds import rolled_back
from tracker import services


@pytest.fixture(scope="module")
def _world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module inside a transaction rolled back at its end;
    each test (pytest-django's `db`) and each matrix cell run in savepoints.
    The clock stays at the tests' today (tests/clock.py) until the module ends,
    so the world's dates mean the same to every test."""
    media = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media")))
    with media, frozen(), rolled_back(django_db_blocker):
        yield build_world()


@pytest.fixture
def world(_world, db) -> World:
    return _world


@pytest.fixture(scope="module")
def _workflow_world(django_db_setup, django_db_blocker):
    """A task in every state (tests/tracker/workflow_world.py), built once for
    the module inside a transaction rolled back at its end; each test runs in
    a savepoint of its own (pytest-django's `db`); at the tests' today, like
    the matrix's world."""
    with frozen(), rolled_back(django_db_blocker):
        yield build_workflow_world()


@pytest.fixture
def workflow_world(_workflow_world, db) -> WorkflowWorld:
    return _workflow_world


@pytest.fixture
def w(
    initiative,
    sichuan,
    chongqing,
    sc_coord,
    cq_coord,
    sc_leader,
    cq_auditor,
    settings,
    tmp_path,
    today,
):
    """The task page's world: a joint Sichuan–Chongqing task with each party's
    milestone, a joint milestone with parts, one indicator per party and a
    joint one, dated from the tests' frozen today; uploads go to a folder of
    the test's own."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    task = make_task(
        initiative,
        code="NY-01",
        title="川渝1000千伏特高压交流工程",
        due_date=today + dt.timedelta(days=120),
    )
    ns = SimpleNamespace(task=task, today=today, sichuan=sichuan, chongqing=chongqing)
    ns.ms_cq = services.milestone_create(
        task=task,
        title="重庆段完工",
        due_date=today + dt.timedelta(days=30),
        party=chongqing,
    )
    ns.ms_sc = services.milestone_create(
        task=task,
        title="四川段完工",
        due_date=today + dt.timedelta(days=3),
        party=sichuan,
    )
    ns.ms_joint = services.milestone_create(
        task=task, title="联合验收", due_date=today + dt.timedelta(days=90)
    )
    ns.ms_part = services.milestone_create(
        task=task,
        title="四川侧验收材料",
        due_date=today + dt.timedelta(days=80),
        party=sichuan,
        parent=ns.ms_joint,
    )
    ns.ind_sc = services.indicator_create(
        task=task, name="四川段投资", unit="亿元", target=Decimal(50), party=sichuan
    )
    ns.ind_cq = services.indicator_create(
        task=task, name="重庆段投资", unit="亿元", target=Decimal(40), party=chongqing
    )
    task.refresh_from_db()
    return ns
