"""Reads of the dependency graph: what an item waits for and what waits for it
(with each one's light and due date), and the items a change reaches."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from django.db import connection
from django.db.models import OuterRef, Q, QuerySet, Subquery

from accounts.permissions import can

from ..models import Task, TaskDependency
from .lights import with_light

_CLOSURE = """
WITH RECURSIVE reached(id) AS (
    SELECT {step} FROM tracker_taskdependency WHERE {start} = ANY(%s)
  UNION
    SELECT d.{step} FROM tracker_taskdependency d
    JOIN reached r ON d.{start} = r.id
)
SELECT id FROM reached
"""


def _closure(task_ids: Collection[int], *, start: str, step: str) -> set[int]:
    ids = [int(pk) for pk in task_ids]
    if not ids:
        return set()
    sql = _CLOSURE.format(start=start, step=step)
    with connection.cursor() as cursor:
        cursor.execute(sql, [ids])
        return {row[0] for row in cursor.fetchall()}


def dependents_of(task_ids: Collection[int]) -> set[int]:
    """Every item that waits, directly or through others, for one of
    `task_ids` (the ids themselves only if they wait for one another): the
    items whose light a change to `task_ids` may turn. One query."""
    return _closure(task_ids, start="blocker_task_id", step="task_id")


def blockers_of(task_ids: Collection[int]) -> set[int]:
    """Every item one of `task_ids` waits for, directly or through others."""
    return _closure(task_ids, start="task_id", step="blocker_task_id")


@dataclass(frozen=True)
class DependencyRow:
    """One dependency as the item page and the API show it, from one side."""

    dependency: TaskDependency
    other: Task  # the item on the other side, annotated with its light
    milestone: object | None  # this side's milestone, if any
    other_milestone: object | None  # the other side's milestone, if any
    alert: object | None  # the open alert, when the blocker holds this item up

    @property
    def due_date(self):
        return (self.other_milestone or self.other).due_date


@dataclass(frozen=True)
class TaskDependencies:
    blocked_by: list[DependencyRow]  # 前置事项: what the item waits for
    blocks: list[DependencyRow]  # 后续事项: what waits for the item
    may_manage: bool


def _dependencies(task: Task) -> QuerySet[TaskDependency]:
    from ..models import DependencyAlert

    open_alert = DependencyAlert.objects.filter(
        dependency=OuterRef("pk"), closed_at__isnull=True
    ).order_by("-opened_at", "-pk")
    return (
        TaskDependency.objects.filter(Q(task=task) | Q(blocker_task=task))
        .select_related("milestone", "blocker_milestone")
        .annotate(open_alert_id=Subquery(open_alert.values("pk")[:1]))
        .order_by("pk")
    )


def dependencies_for_task(*, user, task: Task) -> TaskDependencies:
    """Both sides of `task`'s dependencies (a task the user may see: its
    selector checked that), each other item with its light. Three queries."""
    from ..models import DependencyAlert

    rows = list(_dependencies(task))
    other_ids = {d.blocker_task_id if d.task_id == task.pk else d.task_id for d in rows}
    others = {
        t.pk: t
        for t in with_light(Task.objects.filter(pk__in=other_ids)).only(
            "pk", "code", "title", "status", "due_date", "planned_start", "progress"
        )
    }
    alerts = DependencyAlert.objects.in_bulk(
        [d.open_alert_id for d in rows if d.open_alert_id]
    )
    blocked_by, blocks = [], []
    for d in rows:
        if d.task_id == task.pk:
            blocked_by.append(
                DependencyRow(
                    dependency=d,
                    other=others[d.blocker_task_id],
                    milestone=d.milestone,
                    other_milestone=d.blocker_milestone,
                    alert=alerts.get(d.open_alert_id),
                )
            )
        else:
            blocks.append(
                DependencyRow(
                    dependency=d,
                    other=others[d.task_id],
                    milestone=d.blocker_milestone,
                    other_milestone=d.milestone,
                    alert=alerts.get(d.open_alert_id),
                )
            )
    return TaskDependencies(
        blocked_by=blocked_by,
        blocks=blocks,
        may_manage=can(user, "manage_dependency", task),
    )


def task_ref_list_for_user(*, user) -> QuerySet[Task]:
    """The bare rows of the items `user` may see: what a dependency may name."""
    from . import _visible_tasks

    return _visible_tasks(user)


def dependency_list_for_task(*, task: Task) -> QuerySet[TaskDependency]:
    """The dependencies `task` (visible to the caller) has, both ways, for
    the API."""
    return _dependencies(task).select_related("task", "blocker_task")
