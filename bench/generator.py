"""A deterministic, seedable world for the list benchmarks, grown in steps.

The parties, agencies, initiative, work streams and users are made through the
services; the bulk (tasks, their two owners, four milestones each, an approved
extension on every seventh, a progress update on every third) by bulk_create
from `random.Random(seed)`, so the same seed on the same day gives the same
rows. `grow(world, n)` adds tasks until there are `n`, so one database serves
1,000, then 10,000, then 50,000 tasks. Dates are relative to today: the light
depends on it."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone

from accounts import services as account_services
from accounts.choices import Role
from accounts.models import User
from bench.world import World, two_party_world
from tracker import services
from tracker.choices import (
    ExtensionStatus,
    MilestoneStatus,
    Priority,
    TaskList,
    TaskStatus,
)
from tracker.models import (
    ExtensionRequest,
    Milestone,
    ProgressUpdate,
    Task,
    TaskOwner,
    WorkStream,
)

STREAMS = 5
MILESTONES_PER_PARTY = 2
BATCH = 5000
LOADED = [
    f"tracker_{name}"
    for name in ("task", "taskowner", "milestone", "extensionrequest", "progressupdate")
]


@dataclass
class ListWorld:
    base: World
    leader: User  # Sichuan's leadership: the overview
    streams: list[WorkStream]
    rnd: random.Random
    tasks: int = 0
    timings: dict[int, float] = field(default_factory=dict)


def seed_world(seed: int) -> ListWorld:
    base = two_party_world()
    streams = [
        services.work_stream_create(
            initiative=base.initiative, code=f"ws{i}", name=f"工作领域{i}", sort_order=i
        )
        for i in range(STREAMS)
    ]
    leader = account_services.user_create(username="sc_leader", password="bench-pw-1")
    account_services.membership_grant(user=leader, party=base.sc, role=Role.LEADERSHIP)
    return ListWorld(base, leader, streams, random.Random(seed))


def grow(world: ListWorld, upto: int) -> None:
    """Add tasks (with owners, milestones, extensions, updates) up to `upto`,
    with the tables' user triggers (pghistory's) off while they load."""
    today = timezone.localdate()
    now = timezone.now()
    statuses = [TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS] * 4 + [
        TaskStatus.COMPLETION_CLAIMED,
        TaskStatus.SUSPENDED,
    ]
    with connection.cursor() as cursor:  # a throwaway database: no audit trail
        for table in LOADED:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    try:
        _load(world, upto, today, now, statuses)
    finally:
        with connection.cursor() as cursor:
            for table in LOADED:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
    world.tasks = max(world.tasks, upto)
    # Rows loaded with the triggers off bypass what keeps the derived state:
    # the tasks' counts and lights are computed here, as a repair would.
    services.tally_rebuild()
    services.lights_refresh()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _load(world: ListWorld, upto: int, today, now, statuses) -> None:
    w, rnd = world.base, world.rnd
    for start_at in range(world.tasks, upto, BATCH):
        batch = []
        for i in range(start_at, min(upto, start_at + BATCH)):
            start = today - dt.timedelta(days=rnd.randint(30, 700))
            due = start + dt.timedelta(days=rnd.randint(60, 1200))
            batch.append(
                Task(
                    initiative=w.initiative,
                    code=f"T-{i:05d}",
                    title=f"川渝合作事项第{i}项：{rnd.choice(TOPICS)}",
                    description="联合推进，按季度报送进展。",
                    work_stream=world.streams[i % STREAMS],
                    task_list=rnd.choice(TaskList.values),
                    lead_party=w.sc if i % 2 else w.cq,
                    status=rnd.choice(statuses),
                    priority=rnd.choice(Priority.values),
                    planned_start=start,
                    due_date=due,
                    original_due_date=due,
                    progress=rnd.randint(0, 95),
                )
            )
        tasks = Task.objects.bulk_create(batch)
        TaskOwner.objects.bulk_create(
            [
                TaskOwner(task=t, party=party, agency=agency, contact_name="联络人")
                for t in tasks
                for party, agency in ((w.sc, w.sc_lead), (w.cq, w.cq_lead))
            ]
        )
        milestones = []
        for t in tasks:
            for party in (w.sc, w.cq):
                for k in range(MILESTONES_PER_PARTY):
                    due = t.planned_start + dt.timedelta(days=rnd.randint(10, 900))
                    done = due < today and rnd.random() < 0.7
                    milestones.append(
                        Milestone(
                            task=t,
                            party=party,
                            title=f"{party.short_name}方节点{k + 1}",
                            due_date=due,
                            status=MilestoneStatus.DONE
                            if done
                            else MilestoneStatus.PENDING,
                            completed_at=now if done else None,
                            sort_order=k,
                        )
                    )
        Milestone.objects.bulk_create(milestones)
        ExtensionRequest.objects.bulk_create(
            [
                ExtensionRequest(
                    task=t,
                    party=w.sc,
                    requested_by=w.coordinator,
                    current_due_date=t.due_date,
                    requested_due_date=t.due_date + dt.timedelta(days=90),
                    granted_due_date=t.due_date + dt.timedelta(days=90),
                    reason="征地延误",
                    status=ExtensionStatus.APPROVED,
                    decided_by=w.coordinator,
                    decided_at=now,
                )
                for t in tasks
                if int(t.code[2:]) % 7 == 0
            ]
        )
        ProgressUpdate.objects.bulk_create(
            [
                ProgressUpdate(
                    task=t,
                    party=w.sc,
                    author=w.coordinator,
                    narrative="川方按计划推进，完成阶段目标。",
                    progress=t.progress,
                    reported_at=now - dt.timedelta(days=rnd.randint(1, 60)),
                )
                for t in tasks
                if int(t.code[2:]) % 3 == 0
            ]
        )


TOPICS = (
    "重大项目联合推进",
    "特高压输电通道建设",
    "页岩气产能基地",
    "汽车产业链协同",
    "数据中心集群",
    "合作园区共建",
    "成渝中线高铁配套",
    "生态环境联防联治",
)
