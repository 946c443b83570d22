"""Progress updates (POST) and milestone edits (PATCH) through the API with the
history (pghistory's triggers) on, against the same writes with the triggers
disabled on the bench's throwaway database (bench/audit_write.py's Switch).
The two modes alternate in rounds; the switch (DDL) and the first write after
it are kept out of the timings."""

from __future__ import annotations

import itertools
import time

from django.test import Client
from rest_framework.authtoken.models import Token

from bench.audit_write import Switch, events_written, history_triggers
from bench.generator import ListWorld
from bench.measure import Timed
from config.api.concurrency import etag_for
from tracker.choices import TaskStatus
from tracker.models import Milestone, Task, TaskOwner

HISTORY, OFF = "history", "triggers off"
POOL = 200  # writes go round this many tasks (milestones), so none grows long


class Writer:
    """Writes of one kind round a pool of objects, each naming the ETag it read."""

    def __init__(self, client: Client, kind: str, ids: list[int], etags: dict):
        self.client, self.kind = client, kind
        self.targets = itertools.cycle(ids)
        self.counter = itertools.count(1)
        # As the client last read them: a progress update names the version of
        # the reporting party's part (its owner row), a milestone edit the
        # milestone's; each answer gives the next.
        self.etags: dict[int, str] = etags

    def __call__(self) -> None:
        n, pk = next(self.counter), next(self.targets)
        if self.kind == "progress":
            response = self.client.post(
                f"/api/v1/tasks/{pk}/progress-updates/",
                {"narrative": f"第{n}次进展报送：按计划推进。", "progress": 1 + n % 99},
                content_type="application/json",
                HTTP_IF_MATCH=self.etags[pk],
            )
            expected = 201
        else:
            response = self.client.patch(
                f"/api/v1/milestones/{pk}/",
                {"description": f"第{n}次调整：倒排工期，压茬推进。"},
                content_type="application/json",
                HTTP_IF_MATCH=self.etags[pk],
            )
            expected = 200
        assert response.status_code == expected, response.content[:300]
        self.etags[pk] = response["ETag"]


def writers(world: ListWorld) -> dict[str, Writer]:
    token = Token.objects.get_or_create(user=world.base.coordinator)[0].key
    client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Token {token}")
    tasks = list(
        Task.objects.filter(status=TaskStatus.IN_PROGRESS)
        .order_by("id")
        .values_list("id", flat=True)[:POOL]
    )
    milestones = list(
        Milestone.objects.filter(task_id__in=tasks, party=world.base.sc)
        .order_by("id")
        .values_list("id", flat=True)[:POOL]
    )
    parts = TaskOwner.objects.filter(task_id__in=tasks, party=world.base.sc)
    return {
        "progress update (POST)": Writer(
            client, "progress", tasks, {o.task_id: etag_for(o) for o in parts}
        ),
        "milestone edit (PATCH)": Writer(
            client,
            "milestone",
            milestones,
            {m.pk: etag_for(m) for m in Milestone.objects.filter(pk__in=milestones)},
        ),
    }


def measure(world: ListWorld, rounds: int, per_round: int) -> dict[str, tuple]:
    """Per kind of write: (Timed with sides HISTORY and OFF, events per write
    with history)."""
    switch = Switch(history_triggers())
    out = {}
    try:
        for name, write in writers(world).items():
            for mode in (OFF, HISTORY):  # warm both; prove the modes differ
                switch.set(mode == HISTORY)
                before = events_written()
                for _ in range(3):
                    write()
                events = (events_written() - before) / 3
                if mode == OFF:
                    assert events == 0, f"{name}: history written with triggers off"
            assert events > 0, f"{name}: no history written"
            timed = Timed({HISTORY: [], OFF: []}, {HISTORY: [], OFF: []})
            for r in range(rounds):
                for mode in (HISTORY, OFF) if r % 2 else (OFF, HISTORY):
                    if switch.set(mode == HISTORY):
                        write()  # re-planning after DDL, untimed
                    spent = []
                    for _ in range(per_round):
                        started = time.perf_counter()
                        write()
                        spent.append(time.perf_counter() - started)
                    timed.rounds[mode].append(sum(spent) / len(spent))
                    timed.calls[mode].extend(spent)
            out[name] = (timed, events)
    finally:
        switch.set(True)
    return out
