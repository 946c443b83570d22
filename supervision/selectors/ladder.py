"""The reads of the daily reminder ladder: which open items and milestones a
rung reaches today and has not yet fired for. The ladder is the service's own
job, not a user's: nothing here is scoped to a person."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q

from tracker.choices import MilestoneStatus
from tracker.models import Milestone, Task, TaskOwner
from tracker.workflow import OPEN_STATES

from ..choices import ReminderKind, Watch
from ..models import ReminderFiring, ReminderRule


@dataclass(frozen=True)
class DueItem:
    """An item, or one of its milestones, with the due date a rung counts
    from and the owner parties it concerns."""

    task: Task
    milestone: Milestone | None
    due_date: dt.date
    party_ids: tuple[int, ...]

    @property
    def key(self) -> tuple[int, int | None, dt.date]:
        return (
            self.task.pk,
            self.milestone.pk if self.milestone else None,
            self.due_date,
        )


def due_window(rule: ReminderRule, today: dt.date) -> Q:
    """The due dates a rung reaches on `today`.

    A due-date reminder goes out from N days before the due date until the
    due date itself: on the first working day of that span if its own day is
    a skipped one; past the due date the overdue reminder says more. The
    overdue reminder and the notices reach every due date at least N days
    past: a notice whose day was skipped (or missed) goes out on the next
    run, once."""
    if rule.kind == ReminderKind.DUE_SOON:
        return Q(
            due_date__gte=today, due_date__lte=today + dt.timedelta(days=rule.days)
        )
    return Q(due_date__lte=today - dt.timedelta(days=rule.days))


def _owners() -> Prefetch:
    return Prefetch(
        "owners",
        queryset=TaskOwner.objects.select_related("party").order_by(
            "party__sort_order", "party_id"
        ),
    )


def _task_parties(task: Task) -> tuple[int, ...]:
    return tuple(owner.party_id for owner in task.owners.all())


def open_tasks_due(window: Q) -> list[DueItem]:
    """Open items (not closed, cancelled or suspended) whose due date is in
    the window."""
    tasks = (
        Task.objects.filter(window, status__in=OPEN_STATES)
        .prefetch_related(_owners())
        .order_by("due_date", "code", "pk")
    )
    return [DueItem(task, None, task.due_date, _task_parties(task)) for task in tasks]


def open_milestones_due(window: Q) -> list[DueItem]:
    """Milestones not done, of open items, whose due date is in the window.

    A joint milestone broken down by party is chased through its parties'
    parts, each addressed to its own party; only once every part is done is
    the joint milestone itself chased (it still waits to be closed)."""
    open_parts = Milestone.objects.filter(parent=OuterRef("pk")).exclude(
        status=MilestoneStatus.DONE
    )
    milestones = (
        Milestone.objects.filter(window, task__status__in=OPEN_STATES)
        .exclude(status=MilestoneStatus.DONE)
        .filter(~Exists(open_parts))
        .select_related("task")
        .prefetch_related(Prefetch("task__owners", queryset=_owners().queryset))
        .order_by("due_date", "task__code", "sort_order", "pk")
    )
    return [
        DueItem(
            milestone.task,
            milestone,
            milestone.due_date,
            (milestone.party_id,)
            if milestone.party_id
            else _task_parties(milestone.task),
        )
        for milestone in milestones
    ]


def ladder_due_items(*, rule: ReminderRule, today: dt.date) -> list[DueItem]:
    """What the rule fires for on `today`: the items and milestones it
    watches whose due date its rung has reached, less those it already fired
    for (at this due date; the overdue reminder: today)."""
    window = due_window(rule, today)
    items = []
    if rule.watches in (Watch.TASK, Watch.BOTH):
        items += open_tasks_due(window)
    if rule.watches in (Watch.MILESTONES, Watch.BOTH):
        items += open_milestones_due(window)
    if not items:
        return []
    fired = ReminderFiring.objects.filter(
        rule=rule, task_id__in={item.task.pk for item in items}
    )
    if rule.kind == ReminderKind.OVERDUE:
        fired = fired.filter(day=today)
    done = set(fired.values_list("task_id", "milestone_id", "due_date"))
    return [item for item in items if item.key not in done]
