"""The task list as the API pages it: its tasks without model instances
for what a row only shows (the owners, read as plain rows per page), and its
length from the initiatives' stored counts (tracker.models.tally) where no
filter but the light narrows it."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from django.db.models import QuerySet, Sum

from ..models import Task, TaskLightTally, TaskOwner, TaskTally
from . import PARTY_ORDER, _stored_task_list, _visible_tasks, initiative_list_for_user


@functools.cache
def _stored_task_rows() -> QuerySet[Task]:
    return (
        _stored_task_list()
        .select_related(None)
        .select_related("work_stream", "lead_party")
        .prefetch_related(None)
    )


def task_rows_for_user(*, user) -> QuerySet[Task]:
    """The API's task list: as `task_list_for_user` with the stored light, but
    without the initiative's row and without the owners' prefetch, whose model
    instances (an owner, its party and its agency for each owner of each task)
    cost more than the rest of the page. `owner_rows` reads the page's owners
    as plain rows in one query instead."""
    return _visible_tasks(user, _stored_task_rows())


def visible_task_count(*, user, lights: Sequence[str] | None = None) -> int:
    """How many tasks the user sees (of `lights`, when given), from the
    initiatives' stored counts (tracker.models.tally) instead of counting the
    tasks: what a COUNT of `_visible_tasks(user)` (filtered by light) would
    say, read in time that does not grow with the tasks."""
    initiatives = initiative_list_for_user(user=user)
    if lights is None:
        rows = TaskTally.objects.filter(initiative__in=initiatives)
    else:
        rows = TaskLightTally.objects.filter(
            initiative__in=initiatives, light__in=lights
        )
    return rows.aggregate(n=Sum("n"))["n"] or 0


# An owner row's columns, in the order `owner_rows` gives them.
OWNER_ROW = (
    "id",
    "task_id",
    "party_id",
    "party__code",
    "party__name",
    "party__short_name",
    "agency_id",
    "agency__name",
    "agency__short_name",
    "contact_name",
    "contact_phone",
    "progress",
    "narrative",
    "progress_reported_at",
    "version",
)


def owner_rows(task_ids) -> dict[int, list[tuple]]:
    """The owners of `task_ids` as tuples of OWNER_ROW by task, each task's in
    the order of its parties (PARTY_ORDER, as the owners' prefetch)."""
    by_task: dict[int, list[tuple]] = {pk: [] for pk in task_ids}
    rows = (
        TaskOwner.objects.filter(task_id__in=by_task)
        .order_by(*PARTY_ORDER)
        .values_list(*OWNER_ROW)
    )
    for row in rows:
        by_task[row[1]].append(row)
    return by_task
