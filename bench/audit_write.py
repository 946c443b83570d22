"""Throughput of ``POST /api/v1/tasks/{id}/progress-updates/`` with the audit
history triggers on, as a ratio against the same POSTs with them disabled.

    make bench                     # or: python -m bench.audit_write [--seconds N]

Each POST is one service call that writes a progress update and the task's new
state; with history on, PostgreSQL's pghistory triggers also write an event row
for each (snapshot plus context). Three modes alternate in short rounds, in the
same process and run, so that drift in the machine's speed hits all alike:

- history: as deployed; triggers on, request context attached to every write;
- triggers off: pghistory's insert/update/delete triggers disabled on every
  tracked table (``ALTER TABLE … DISABLE TRIGGER``, what ``manage.py pgtrigger
  disable`` does), everything else as deployed;
- no audit: triggers off and the audit context middleware removed as well, so
  no context is attached to the SQL either; the whole cost of the audit trail.

The target, history / triggers off, is ≥ 0.85; history / no audit is printed
beside it. Other triggers (cross-table integrity, append-only) stay on.

Everything runs in a throwaway database (``test_bench_audit_write``), created
with Django's test-runner utilities and dropped at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
django.setup()

import pghistory.trigger  # noqa: E402
import pgtrigger  # noqa: E402
from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    override_settings,
    setup_databases,
    teardown_databases,
)
from rest_framework.authtoken.models import Token  # noqa: E402

from audit.sealing import event_models  # noqa: E402
from bench.world import two_party_world  # noqa: E402
from config.api.concurrency import etag_for  # noqa: E402
from tracker import services  # noqa: E402
from tracker.choices import TaskList  # noqa: E402
from tracker.models import TaskOwner  # noqa: E402

TASKS = 100
ROUND = 10  # POSTs per mode per round
TARGET = 0.85
DB_NAME = "test_bench_audit_write"
AUDIT_MIDDLEWARE = "audit.middleware.AuditContextMiddleware"

HISTORY, TRIGGERS_OFF, NO_AUDIT = "history", "triggers off", "no audit"
MODES = (HISTORY, TRIGGERS_OFF, NO_AUDIT)


# --- data --------------------------------------------------------------------------


def build(n_tasks: int) -> tuple[str, list[int]]:
    """Two parties, a Sichuan coordinator and `n_tasks` tasks owned by both,
    all through the services. Returns the coordinator's token and the task ids
    (POSTs go round them, so no task's update list grows long)."""
    world = two_party_world()
    sc, cq, sc_lead, cq_lead = world.sc, world.cq, world.sc_lead, world.cq_lead
    initiative = world.initiative
    stream = services.work_stream_create(
        initiative=initiative, code="energy", name="能源合作"
    )
    user = world.coordinator
    owners = [
        services.OwnerSpec(party=sc, agency=sc_lead, contact_name="联络人"),
        services.OwnerSpec(party=cq, agency=cq_lead, contact_name="联络人"),
    ]
    tasks = [
        services.task_create(
            initiative=initiative,
            code=f"T-{i:04d}",
            title=f"川渝合作事项第{i}项",
            work_stream=stream,
            due_date=dt.date(2027, 12, 31),
            owners=owners,
            task_list=TaskList.CO_BUILD,
            lead_party=sc,
        )
        for i in range(n_tasks)
    ]
    return Token.objects.create(user=user).key, [t.pk for t in tasks]


# --- the modes -----------------------------------------------------------------------


def history_triggers() -> list[tuple]:
    """pghistory's snapshot triggers on the tracked tables, as (model,
    trigger); not the other triggers (integrity checks, append-only)."""
    return [
        (model, trigger)
        for model, trigger in pgtrigger.registered()
        if isinstance(trigger, pghistory.trigger.Event)
    ]


class Switch:
    """Turns the history triggers off and on, only when the mode changes:
    each switch is DDL (ALTER TABLE … DISABLE TRIGGER, as `manage.py pgtrigger
    disable` does), and its cost is kept out of the timings."""

    def __init__(self, triggers: list[tuple]):
        self.triggers = triggers
        self.on = True

    def set(self, on: bool) -> bool:
        """True when the triggers were switched."""
        if on == self.on:
            return False
        for model, trigger in self.triggers:
            (trigger.enable if on else trigger.disable)(model)
        self.on = on
        return True


def clients(token: str) -> dict[str, Client]:
    """One client per mode. A client builds its middleware chain on its first
    request and keeps it, so the no-audit client is warmed up without it."""
    made = {}
    for mode in MODES:
        client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Token {token}")
        middleware = settings.MIDDLEWARE
        if mode == NO_AUDIT:
            middleware = [m for m in middleware if m != AUDIT_MIDDLEWARE]
        with override_settings(MIDDLEWARE=middleware):
            assert client.get("/api/v1/tasks/?page_size=1").status_code == 200
        made[mode] = client
    return made


class Poster:
    """POSTs progress updates round the tasks with ever-changing figures."""

    def __init__(self, task_ids: list[int]):
        self.targets = itertools.cycle(task_ids)
        self.counter = itertools.count(1)
        # Each task's ETag as the last answer gave it: a write names the
        # version it read, as a client must.
        self.etags: dict[int, str] = {}

    def post(self, client: Client) -> None:
        n = next(self.counter)
        task_id = next(self.targets)
        if task_id not in self.etags:
            # The If-Match of a progress update names the reporting party's
            # part (its owner row, Sichuan's here), which has a version of its own.
            part = TaskOwner.objects.get(task_id=task_id, party__code="SC")
            self.etags[task_id] = etag_for(part)
        response = client.post(
            f"/api/v1/tasks/{task_id}/progress-updates/",
            {"narrative": f"第{n}次进展报送：按计划推进。", "progress": 1 + n % 99},
            content_type="application/json",
            HTTP_IF_MATCH=self.etags[task_id],
        )
        assert response.status_code == 201, response.content[:500]
        self.etags[task_id] = response["ETag"]


def events_written() -> int:
    return sum(model.objects.count() for model in event_models())


def check_modes(poster: Poster, made: dict[str, Client], switch: Switch) -> dict:
    """Events per POST in each mode: proof that the modes differ as claimed."""
    per_post = {}
    for mode in MODES:
        switch.set(mode == HISTORY)
        before = events_written()
        for _ in range(5):
            poster.post(made[mode])
        per_post[mode] = (events_written() - before) / 5
    assert per_post[HISTORY] > 0 and per_post[TRIGGERS_OFF] == per_post[NO_AUDIT] == 0
    return per_post


def throughput(
    poster: Poster, made: dict[str, Client], switch: Switch, seconds: float
) -> tuple[dict[str, float], int]:
    """POSTs per second of each mode, in rounds of ROUND POSTs per mode until
    `seconds` have passed; the order of the modes rotates every round."""
    spent = dict.fromkeys(MODES, 0.0)
    done = dict.fromkeys(MODES, 0)
    deadline = time.perf_counter() + seconds
    rounds = 0
    while time.perf_counter() < deadline:
        order = MODES[rounds % 3 :] + MODES[: rounds % 3]
        rounds += 1
        for mode in order:
            if switch.set(mode == HISTORY):
                # DDL invalidates cached plans; the first statements after it
                # re-plan. Untimed, or it would weigh on whichever mode follows.
                poster.post(made[mode])
            started = time.perf_counter()
            for _ in range(ROUND):
                poster.post(made[mode])
            spent[mode] += time.perf_counter() - started
            done[mode] += ROUND
    return {mode: done[mode] / spent[mode] for mode in MODES}, rounds


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="measuring time")
    parser.add_argument("--tasks", type=int, default=TASKS)
    args = parser.parse_args(argv)

    from django.db import connection

    connection.settings_dict.setdefault("TEST", {})["NAME"] = DB_NAME
    started = time.perf_counter()
    old_config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    switch = Switch(history_triggers())
    try:
        token, task_ids = build(args.tasks)
        print(f"data: {args.tasks} tasks, {time.perf_counter() - started:.1f}s")
        print(f"history triggers switched: {len(switch.triggers)}")
        made = clients(token)
        poster = Poster(task_ids)
        for mode in MODES:  # warm up: first-call imports, plans, caches
            switch.set(mode == HISTORY)
            for _ in range(ROUND):
                poster.post(made[mode])
        per_post = check_modes(poster, made, switch)
        print(
            "audit events per POST: "
            + ", ".join(f"{mode} {n:g}" for mode, n in per_post.items())
        )
        rates, rounds = throughput(poster, made, switch, args.seconds)
        url = "POST /api/v1/tasks/{id}/progress-updates/"
        for mode in MODES:
            print(
                f"{url} [{mode}]: {rates[mode]:.1f} requests/s "
                f"({1000 / rates[mode]:.1f} ms each)"
            )
        ratio = rates[HISTORY] / rates[TRIGGERS_OFF]
        print(
            f"ratio history/triggers off: {ratio:.2f} "
            f"(target >= {TARGET}, {rounds} rounds of {ROUND} per mode)"
        )
        print(f"ratio history/no audit: {rates[HISTORY] / rates[NO_AUDIT]:.2f}")
        print("result: " + ("meets target" if ratio >= TARGET else "BELOW TARGET"))
    finally:
        switch.set(True)
        teardown_databases(old_config, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
