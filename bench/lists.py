"""Every list endpoint and page against the one-query view and against the
same-SQL view (bench/views.py), through Django's test client (the whole
middleware stack, no network), at one size of the world; and the page
statement's plan."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from rest_framework.authtoken.models import Token

from bench import views
from bench.generator import ListWorld
from bench.measure import Timed, alternate

ONE_QUERY_URL = "/bench/one-query/"


@dataclass(frozen=True)
class Endpoint:
    key: str
    label: str
    url: str
    kind: str  # "api" (token) or "page" (session)
    user: str = "coordinator"  # or "leader"


API = "/api/v1/tasks/"
ENDPOINTS = [
    Endpoint("list10", "task list API, page_size=10", f"{API}?page_size=10", "api"),
    Endpoint("list25", "task list API, page_size=25", f"{API}?page_size=25", "api"),
    Endpoint("list100", "task list API, page_size=100", f"{API}?page_size=100", "api"),
    Endpoint(
        "light", "task list API, light=red", f"{API}?light=red&page_size=25", "api"
    ),
    Endpoint(
        "sort",
        "task list API, ordering=light",
        f"{API}?ordering=light&page_size=25",
        "api",
    ),
    Endpoint(
        "search",
        "task list API, search=特高压",
        f"{API}?search=特高压&page_size=25",
        "api",
    ),
    Endpoint("attention", "attention API", "/api/v1/attention/", "api"),
    Endpoint("tasks", "page /tasks/", "/tasks/", "page"),
    Endpoint("tasks_light", "page /tasks/?sort=light", "/tasks/?sort=light", "page"),
    Endpoint("home", "page / (home)", "/", "page"),
    Endpoint(
        "overview", "page /overview/ (leadership)", "/overview/", "page", "leader"
    ),
]
# The lists an API client pages through (the targets' "task list").
LIST_KEYS = ("list10", "list25", "list100", "light", "sort", "search", "attention")
PAGE_KEYS = ("tasks", "tasks_light", "home", "overview")


@dataclass
class Measured:
    endpoint: Endpoint
    queries: int
    bytes: int
    timed: Timed


def clients(world: ListWorld) -> dict[str, Client]:
    token = Token.objects.get_or_create(user=world.base.coordinator)[0].key
    api = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Token {token}")
    made = {"api": api}
    for name, user in (
        ("coordinator", world.base.coordinator),
        ("leader", world.leader),
    ):
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        made[name] = client
    return made


def client_for(made: dict[str, Client], e: Endpoint) -> Client:
    return made["api"] if e.kind == "api" else made[e.user]


def _get(client: Client, url: str):
    response = client.get(url)
    assert response.status_code == 200, (
        url,
        response.status_code,
        response.content[:300],
    )
    return response


def capture(client: Client, url: str) -> tuple[list[dict], int]:
    with CaptureQueriesContext(connection) as ctx:
        response = _get(client, url)
    return ctx.captured_queries, len(response.content)


def measure(
    world: ListWorld, rounds: int, per_round: int, log=None
) -> dict[str, Measured]:
    made = clients(world)
    out = {}
    with override_settings(ROOT_URLCONF="bench.urls"):
        for e in ENDPOINTS:
            client = client_for(made, e)
            _get(client, e.url)  # warm: first-call imports, plans, caches
            queries, size = capture(client, e.url)
            views.REPLAY[e.key] = [
                q["sql"]
                for q in queries
                if q["sql"].lstrip().upper().startswith("SELECT")
            ]
            same = f"/bench/same-sql/{e.key}/"
            timed = alternate(
                {
                    "endpoint": lambda c=client, u=e.url: _get(c, u),
                    "one query": lambda c=client: _get(c, ONE_QUERY_URL),
                    "same SQL": lambda c=client, u=same: _get(c, u),
                },
                rounds,
                per_round,
            )
            out[e.key] = Measured(e, len(queries), size, timed)
            if log:
                log(
                    f"  {e.label}: p50 {timed.p50('endpoint') * 1000:.0f} ms, "
                    f"same SQL {timed.p50('same SQL') * 1000:.0f} ms"
                )
    return out


# --- the page statement's plan ------------------------------------------------------


def page_statement(world: ListWorld, key: str = "list25") -> str:
    """The statement that reads the shown rows of the task table: the one
    with a LIMIT over tracker_task (the slowest such, if several)."""
    e = next(e for e in ENDPOINTS if e.key == key)
    with override_settings(ROOT_URLCONF="bench.urls"):
        queries, _ = capture(client_for(clients(world), e), e.url)
    candidates = [
        q
        for q in queries
        if 'FROM "tracker_task"' in q["sql"] and "LIMIT" in q["sql"].upper()
    ]
    return max(candidates, key=lambda q: float(q["time"]))["sql"]


def plan_summary(sql: str) -> tuple[bool, str]:
    """(a sequential scan over the task table appears, the plan in brief)."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
        plan = cursor.fetchone()[0]
    plan = plan if isinstance(plan, list) else json.loads(plan)
    nodes = []

    def walk(node, depth=0):
        nodes.append((depth, node))
        for child in node.get("Plans", []):
            walk(child, depth + 1)

    walk(plan[0]["Plan"])
    seq = any(
        n["Node Type"] == "Seq Scan" and n.get("Relation Name") == "tracker_task"
        for _, n in nodes
    )
    on_task = [
        f"{n['Node Type']}"
        + (f" using {n['Index Name']}" if n.get("Index Name") else "")
        for _, n in nodes
        if n.get("Relation Name") == "tracker_task"
    ]
    top = plan[0]["Plan"]["Node Type"]
    brief = (
        f"top {top}; on tracker_task: {', '.join(dict.fromkeys(on_task)) or 'none'}; "
        f"{plan[0].get('Execution Time', 0):.1f} ms"
    )
    return seq, brief
