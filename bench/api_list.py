"""Throughput of ``GET /api/v1/tasks/?page_size=50`` on 10,000 tasks, as a ratio
against a plain Django view that runs the same SQL and returns JSON; plus the
queries per request at page sizes 10, 50 and 100.

    make bench                     # or: python -m bench.api_list [--seconds N]

Both views are called through Django's test client (full middleware stack, no
network), alternately in short rounds so that drift in the machine's speed
hits both alike, in the same process and run. The ratio is API requests per
second divided by plain requests per second; the target is ≥ 0.75.

The plain view authenticates with the same token, reads through the same
selector and sends PostgreSQL the very same statements (checked before timing:
token, memberships, COUNT, the page with its light, the owners), but runs the
page and the owners on a bare cursor and builds the same JSON by hand. What the
API costs on top of that is model instances, DRF's serializers, pagination,
filter backends and content negotiation.

Everything runs in a throwaway database (``test_bench_tracker``), created with
Django's test-runner utilities, filled with bulk_create and dropped at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import statistics
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
django.setup()

from django.db import connection  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    override_settings,
    setup_databases,
    teardown_databases,
)
from django.urls import include, path  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from bench.world import two_party_world  # noqa: E402
from tracker import services  # noqa: E402
from tracker.api.serializers import light_of  # noqa: E402
from tracker.choices import (  # noqa: E402
    ExtensionStatus,
    MilestoneStatus,
    Priority,
    TaskList,
    TaskStatus,
)
from tracker.models import (  # noqa: E402
    ExtensionRequest,
    Milestone,
    Task,
    TaskOwner,
)
from tracker.selectors import task_rows  # noqa: E402

TASKS = 10_000
MILESTONES_PER_PARTY = 2  # so four per task
STREAMS = 5
PAGE_SIZE = 50
PAGE_SIZES = (10, 50, 100)
TARGET = 0.75
DB_NAME = "test_bench_tracker"

API_URL = "/api/v1/tasks/"
PLAIN_URL = "/bench/plain-tasks/"


# --- the plain view ------------------------------------------------------------


def raw_rows(qs) -> list[dict]:
    """Run exactly the SQL the ORM would run for `qs`, on a bare cursor; rows
    as dicts keyed by annotation name or ``table.column``."""
    compiler = qs.query.get_compiler(using=qs.db)
    sql, params = compiler.as_sql()
    keys = [
        alias or f"{expr.alias}.{expr.target.column}"
        for expr, _sql, alias in compiler.select
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [dict(zip(keys, row, strict=True)) for row in cursor.fetchall()]


def _local(value):
    return timezone.localtime(value) if value is not None else None


def _party(row: dict, table: str = "accounts_party") -> dict | None:
    if row[f"{table}.id"] is None:
        return None
    return {
        "id": row[f"{table}.id"],
        "code": row[f"{table}.code"],
        "name": row[f"{table}.name"],
        "short_name": row[f"{table}.short_name"],
    }


def plain_tasks(request):
    """The task list without DRF: the same token lookup, the same selector and
    so the same SQL statements (asserted by `same_sql`), run on a bare cursor;
    JSON built by hand."""
    key = request.headers.get("Authorization", "").removeprefix("Token ")
    user = Token.objects.select_related("user").get(key=key).user
    page_size = min(int(request.GET.get("page_size", 20)), 100)
    qs = task_rows.task_rows_for_user(user=user).order_by("code", "id")
    count = task_rows.visible_task_count(user=user)
    rows = raw_rows(qs[:page_size])
    owners: dict[int, list[dict]] = {}
    by_task = task_rows.owner_rows([r["tracker_task.id"] for r in rows])
    for task_id, owner_rows in by_task.items():
        owners[task_id] = [
            {
                "id": o[0],
                "task": o[1],
                "party": {"id": o[2], "code": o[3], "name": o[4], "short_name": o[5]},
                "agency": {"id": o[6], "name": o[7], "short_name": o[8]},
                "contact_name": o[9],
                "contact_phone": o[10],
            }
            for o in owner_rows
        ]
    results = []
    for r in rows:
        task_id = r["tracker_task.id"]
        results.append(
            {
                "id": task_id,
                "initiative": r["tracker_task.initiative_id"],
                "code": r["tracker_task.code"],
                "title": r["tracker_task.title"],
                "work_stream": {
                    "id": r["tracker_workstream.id"],
                    "code": r["tracker_workstream.code"],
                    "name": r["tracker_workstream.name"],
                },
                "task_list": r["tracker_task.task_list"],
                "lead_party": _party(r),
                "status": r["tracker_task.status"],
                "status_label": str(TaskStatus(r["tracker_task.status"]).label),
                "priority": r["tracker_task.priority"],
                "planned_start": r["tracker_task.planned_start"],
                "due_date": r["tracker_task.due_date"],
                "original_due_date": r["tracker_task.original_due_date"],
                "extension_count": r["extension_count"],
                "days_overdue": r["days_overdue"],
                "slip_risk": r["slip_risk"],
                "progress": r["tracker_task.progress"],
                "completed_at": _local(r["tracker_task.completed_at"]),
                "light": light_of(_Row(r)),
                "owners": owners.get(task_id, []),
                "version": r["tracker_task.version"],
                "updated_at": _local(r["tracker_task.updated_at"]),
            }
        )
    return JsonResponse(
        {"count": count, "next": None, "previous": None, "results": results},
        json_dumps_params={"ensure_ascii": False},
    )


class _Row:
    """Attribute access to a row's annotations, for `light_of`."""

    def __init__(self, row: dict):
        self.__dict__.update({k: v for k, v in row.items() if "." not in k})


urlpatterns = [
    path(PLAIN_URL.strip("/") + "/", plain_tasks),
    path("", include("config.urls")),
]


# --- data --------------------------------------------------------------------------


def build(n_tasks: int) -> str:
    """Parties, agencies, an initiative and a coordinator through the services;
    the bulk through bulk_create. Returns the coordinator's token."""
    world = two_party_world()
    sc, cq, sc_lead, cq_lead = world.sc, world.cq, world.sc_lead, world.cq_lead
    initiative = world.initiative
    streams = [
        services.work_stream_create(
            initiative=initiative, code=f"ws{i}", name=f"工作领域{i}", sort_order=i
        )
        for i in range(STREAMS)
    ]
    user = world.coordinator

    rnd = random.Random(20251128)
    today = timezone.localdate()
    statuses = [TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS] * 4 + [
        TaskStatus.COMPLETION_CLAIMED,
        TaskStatus.SUSPENDED,
    ]
    tasks = []
    for i in range(n_tasks):
        start = today - dt.timedelta(days=rnd.randint(30, 700))
        due = start + dt.timedelta(days=rnd.randint(60, 1200))
        tasks.append(
            Task(
                initiative=initiative,
                code=f"T-{i:05d}",
                title=f"川渝合作事项第{i}项：重大项目联合推进",
                description="联合推进，按季度报送进展。",
                work_stream=streams[i % STREAMS],
                task_list=rnd.choice(TaskList.values),
                lead_party=sc if i % 2 else cq,
                status=rnd.choice(statuses),
                priority=rnd.choice(Priority.values),
                planned_start=start,
                due_date=due,
                original_due_date=due,
                progress=rnd.randint(0, 95),
            )
        )
    tasks = Task.objects.bulk_create(tasks, batch_size=2000)
    TaskOwner.objects.bulk_create(
        [
            TaskOwner(task=t, party=party, agency=agency, contact_name="联络人")
            for t in tasks
            for party, agency in ((sc, sc_lead), (cq, cq_lead))
        ],
        batch_size=5000,
    )
    milestones = []
    for t in tasks:
        for party in (sc, cq):
            for k in range(MILESTONES_PER_PARTY):
                due = t.planned_start + dt.timedelta(days=rnd.randint(10, 900))
                done = due < today and rnd.random() < 0.7
                milestones.append(
                    Milestone(
                        task=t,
                        party=party,
                        title=f"{party.short_name}节点{k + 1}",
                        due_date=due,
                        status=MilestoneStatus.DONE
                        if done
                        else MilestoneStatus.PENDING,
                        completed_at=timezone.now() if done else None,
                        sort_order=k,
                    )
                )
    Milestone.objects.bulk_create(milestones, batch_size=5000)
    ExtensionRequest.objects.bulk_create(
        [
            ExtensionRequest(
                task=t,
                party=sc,
                requested_by=user,
                current_due_date=t.due_date,
                requested_due_date=t.due_date + dt.timedelta(days=90),
                granted_due_date=t.due_date + dt.timedelta(days=90),
                reason="征地延误",
                status=ExtensionStatus.APPROVED,
                decided_by=user,
                decided_at=timezone.now(),
            )
            for t in tasks[::7]
        ],
        batch_size=5000,
    )
    # The rows came in bulk, past the services: store their lights as the
    # services would have.
    services.lights_refresh()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return Token.objects.create(user=user).key


# --- measuring -----------------------------------------------------------------


def queries_per_request(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(ctx.captured_queries)


def sql_milliseconds(client: Client, url: str, samples: int = 5) -> list[float]:
    """Median time of each statement of one request, in milliseconds."""
    times = []
    for _ in range(samples):
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        times.append([float(q["time"]) * 1000 for q in ctx.captured_queries])
    return [statistics.median(column) for column in zip(*times, strict=True)]


def throughput(client: Client, seconds: float) -> tuple[float, float, int]:
    """Requests per second of the API and of the plain view, in alternating
    rounds of ten requests each until `seconds` have passed."""
    api_url = f"{API_URL}?page_size={PAGE_SIZE}"
    plain_url = f"{PLAIN_URL}?page_size={PAGE_SIZE}"
    spent = {api_url: 0.0, plain_url: 0.0}
    done = {api_url: 0, plain_url: 0}
    for url in spent:  # warm up: connections, caches, first-call imports
        for _ in range(5):
            client.get(url)
    deadline = time.perf_counter() + seconds
    rounds = 0
    while time.perf_counter() < deadline:
        rounds += 1
        order = (api_url, plain_url) if rounds % 2 else (plain_url, api_url)
        for url in order:
            started = time.perf_counter()
            for _ in range(10):
                client.get(url)
            spent[url] += time.perf_counter() - started
            done[url] += 10
    return done[api_url] / spent[api_url], done[plain_url] / spent[plain_url], rounds


# `now` is a parameter of the light-override subqueries: it differs per call.
_NOW = re.compile(r"'[0-9-]+ [0-9:.]+\+00:00'::timestamptz")


def same_sql(client: Client) -> None:
    """Both views must send PostgreSQL the very same statements."""
    sent = {}
    for url in (API_URL, PLAIN_URL):
        with CaptureQueriesContext(connection) as ctx:
            client.get(f"{url}?page_size={PAGE_SIZE}")
        sent[url] = [_NOW.sub("<now>", q["sql"]) for q in ctx.captured_queries]
    assert sent[API_URL] == sent[PLAIN_URL], "the two views ran different SQL"


def same_page(client: Client) -> None:
    """The comparison is honest only if both return the same rows."""
    api = client.get(f"{API_URL}?page_size={PAGE_SIZE}").json()
    plain = client.get(f"{PLAIN_URL}?page_size={PAGE_SIZE}").json()
    assert api["count"] == plain["count"] == TASKS, (api["count"], plain["count"])
    missing = set(api["results"][0]) ^ set(plain["results"][0])
    assert not missing, f"the plain view must show the API's fields; differ: {missing}"
    for a, p in zip(api["results"], plain["results"], strict=True):
        assert (a["id"], a["light"], a["extension_count"]) == (
            p["id"],
            p["light"],
            p["extension_count"],
        ), (a["id"], p["id"])
        assert [o["id"] for o in a["owners"]] == [o["id"] for o in p["owners"]]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="measuring time")
    parser.add_argument("--tasks", type=int, default=TASKS)
    args = parser.parse_args(argv)
    globals()["TASKS"] = args.tasks

    connection.settings_dict.setdefault("TEST", {})["NAME"] = DB_NAME
    started = time.perf_counter()
    old_config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    try:
        token = build(args.tasks)
        print(f"data: {args.tasks} tasks, {time.perf_counter() - started:.1f}s")
        with override_settings(ROOT_URLCONF=__name__):
            client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Token {token}")
            same_page(client)
            same_sql(client)
            for size in PAGE_SIZES:
                api = queries_per_request(client, f"{API_URL}?page_size={size}")
                plain = queries_per_request(client, f"{PLAIN_URL}?page_size={size}")
                print(
                    f"queries per request, page_size={size}: api {api}, plain {plain}"
                )
            sql = sql_milliseconds(client, f"{API_URL}?page_size={PAGE_SIZE}")
            names = ("token", "memberships", "count", "page", "owners")
            print(
                "SQL per request, ms (median): "
                + ", ".join(f"{n} {t:.1f}" for n, t in zip(names, sql, strict=False))
                + f"; total {sum(sql):.1f}"
            )
            api_rps, plain_rps, rounds = throughput(client, args.seconds)
        ratio = api_rps / plain_rps
        print(
            f"GET {API_URL}?page_size={PAGE_SIZE}: {api_rps:.1f} requests/s "
            f"({1000 / api_rps:.1f} ms each)"
        )
        print(
            f"plain Django view, same SQL: {plain_rps:.1f} requests/s "
            f"({1000 / plain_rps:.1f} ms each)"
        )
        print(f"ratio api/plain: {ratio:.2f} (target >= {TARGET}, {rounds} rounds)")
        print("result: " + ("meets target" if ratio >= TARGET else "BELOW TARGET"))
    finally:
        teardown_databases(old_config, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
