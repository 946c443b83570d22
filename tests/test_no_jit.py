"""No statement of the service is JIT-compiled (DESIGN.md rule 14, issue 17).

The light's per-row subqueries give the heavy statements (the task list with
its light filter and sort, the home page, the overview, the report snapshot)
planner costs high enough to buy a compilation that takes far longer than the
statement: seconds on the home page. The app's connections turn JIT off
(config/settings/base.py). To prove that the setting, not the server's
defaults, is what keeps JIT away, the test database is first told to compile
everything (`jit = on`, every threshold 0) for new connections; a connection
without the app's options then shows JIT in its plan, the app's must not."""

from __future__ import annotations

import datetime as dt
import json

import psycopg
import pytest
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reports.models import Report
from reports.snapshot import report_snapshot
from tests.factories import make_task
from tracker import services
from tracker.choices import TaskStatus

pytestmark = pytest.mark.django_db(transaction=True)

FORCE_JIT = {
    "jit": "on",
    "jit_above_cost": "0",
    "jit_inline_above_cost": "0",
    "jit_optimize_above_cost": "0",
}
PAGES = {
    "coordinator": [
        "/api/v1/tasks/?light=red",
        "/api/v1/tasks/?ordering=light",
        "/api/v1/tasks/?ordering=-light&light=amber",
        "/api/v1/attention/",
        "/tasks/?sort=light",
        "/",
    ],
    "leader": ["/overview/", "/"],
}


def _world(initiative, sichuan, chongqing, sc_coord):
    today = timezone.localdate()
    for i in range(6):
        task = make_task(
            initiative,
            code=f"NY-{i:02d}",
            title=f"川渝合作事项{i}",
            due_date=today + dt.timedelta(days=20 * i - 30),
            status=TaskStatus.IN_PROGRESS,
        )
        for party in (sichuan, chongqing):
            services.milestone_create(
                task=task,
                title=f"{party.short_name}方节点",
                party=party,
                due_date=today + dt.timedelta(days=10 * i - 25),
            )
        services.progress_update_post(
            task=task, actor=sc_coord, narrative="按计划推进", progress=10 * i
        )


def _heavy_statements(initiative, sc_coord, sc_leader) -> dict[str, list[str]]:
    """Every SELECT the heavy pages and the report snapshot send, by source."""
    sent = {}
    for user, urls in (
        (sc_coord, PAGES["coordinator"]),
        (sc_leader, PAGES["leader"]),
    ):
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            sent[f"{user.username} {url}"] = [q["sql"] for q in ctx.captured_queries]
    today = timezone.localdate()
    report = Report.objects.create(
        initiative=initiative,
        kind="monthly",
        scope="initiative",
        period_start=today.replace(day=1) - dt.timedelta(days=31),
        period_end=today.replace(day=1) - dt.timedelta(days=1),
    )
    with CaptureQueriesContext(connection) as ctx:
        report_snapshot(report)
    sent["report_snapshot"] = [q["sql"] for q in ctx.captured_queries]
    return {
        where: [sql for sql in statements if sql.lstrip().upper().startswith("SELECT")]
        for where, statements in sent.items()
    }


def _plan(cursor, sql: str) -> list:
    cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
    plan = cursor.fetchone()[0]
    return plan if isinstance(plan, list) else json.loads(plan)


@pytest.fixture
def jit_forced_on():
    """The test database compiles every statement of a new connection unless
    the connection says otherwise; reset at the end."""
    name = connection.settings_dict["NAME"]
    assert name.startswith("test_")
    with connection.cursor() as cursor:
        for key, value in FORCE_JIT.items():
            cursor.execute(f'ALTER DATABASE "{name}" SET {key} = {value}')
    yield name
    with connection.cursor() as cursor:
        for key in FORCE_JIT:
            cursor.execute(f'ALTER DATABASE "{name}" RESET {key}')


def test_the_heavy_statements_are_never_jit_compiled(
    initiative, sichuan, chongqing, sc_coord, sc_leader, jit_forced_on
):
    _world(initiative, sichuan, chongqing, sc_coord)
    statements = _heavy_statements(initiative, sc_coord, sc_leader)
    assert all(statements.values()), statements

    # Without the app's connection options the server would compile them.
    cfg = connection.settings_dict
    bare = psycopg.connect(
        host=cfg["HOST"] or None,
        port=cfg["PORT"] or None,
        user=cfg["USER"] or None,
        password=cfg["PASSWORD"] or None,
        dbname=jit_forced_on,
        autocommit=True,
    )
    with bare, bare.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "on"
        sql = statements["report_snapshot"][0]
        assert "JIT" in _plan(cursor, sql)[0], (
            "the server does not JIT-compile even with jit forced on (is "
            "PostgreSQL's LLVM JIT installed?): this test could not fail"
        )

    # A new connection of the app, made from its settings as every process's is.
    app = connections.create_connection("default")
    try:
        with app.cursor() as cursor:
            cursor.execute("SHOW jit")
            assert cursor.fetchone()[0] == "off"
            compiled = [
                (where, sql[:120])
                for where, sqls in statements.items()
                for sql in sqls
                if "JIT" in _plan(cursor, sql)[0]
            ]
    finally:
        app.close()
    assert not compiled, compiled
