"""500 edits of one task sent at once, all with the ETag the clients read:
exactly one wins, every other is refused with 412 problem+json, the stored
title is the winner's (no lost update) and the history holds one event."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from audit.models import TaskEvent
from tracker.models import Task

from .api import CLIENT_TIMEOUT, Web, session
from .harness import Stage, expect

EDITS = 500
CLIENTS = 32


def run(stage: Stage, *, quick: bool, trials: int, rng) -> str:
    web = stage.start(Web(**stage.env()))
    task = Task.objects.filter(status="in_progress").order_by("pk").first()
    clients = [session("admin") for _ in range(CLIENTS)]
    read = clients[0].get(f"{web.url}/api/v1/tasks/{task.pk}/", timeout=CLIENT_TIMEOUT)
    expect(read.status_code == 200, f"reading the task answered {read.status_code}")
    etag = read.headers["ETag"]
    events_before = TaskEvent.objects.filter(pgh_obj_id=task.pk).count()
    version_before = task.version
    gate = threading.Barrier(CLIENTS)

    def edit(number: int):
        client = clients[number % CLIENTS]
        if number < CLIENTS:
            gate.wait(timeout=30)  # the first round leaves together
        response = client.patch(
            f"{web.url}/api/v1/tasks/{task.pk}/",
            json={"title": f"{task.title}（演练 {number}）"},
            headers={"If-Match": etag},
            timeout=60,
        )
        problem = response.headers.get("Content-Type", "").startswith(
            "application/problem+json"
        )
        return number, response.status_code, problem

    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(edit, range(EDITS)))

    won = [n for n, code, _ in results if 200 <= code < 300]
    refused = [n for n, code, problem in results if code == 412 and problem]
    other = sorted({code for _, code, problem in results if code != 412 or not problem})
    other = [c for c in other if not 200 <= c < 300]
    task.refresh_from_db()
    events = TaskEvent.objects.filter(pgh_obj_id=task.pk).count() - events_before
    expect(len(won) == 1, f"{len(won)} edits succeeded")
    expect(not other, f"answers other than 200 and 412 problem+json: {other}")
    expect(len(refused) == EDITS - 1, f"{len(refused)} refused with 412")
    expect(
        task.title.endswith(f"（演练 {won[0]}）"),
        f"the stored title {task.title!r} is not the winner's ({won[0]})",
    )
    expect(task.version == version_before + 1, "the version moved more than once")
    expect(events == 1, f"{events} audit events for the task")
    return (
        f"{EDITS} edits with one ETag from {CLIENTS} clients: 1 succeeded,"
        f" {len(refused)} got 412 problem+json, stored title is the winner's,"
        f" version +1, {events} audit event"
    )
