"""Reads of the dashboards and the task list, scoped to the requesting user.

Each function takes the user and builds on the scoped selectors of the
package, so nothing here widens what a user sees. Lists are sliced or paged
in SQL and counted with GROUP BY, so their query count does not grow with
the number of tasks."""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    Count,
    QuerySet,
)

from accounts.permissions import grants

from ..choices import Light
from ..models import Task
from ..workflow import OPEN_STATES
from . import (
    initiative_list_for_user,
    owned_by,
    parties_of,
    progress_update_list_for_user,
    task_list_for_user,
    work_stream_label,
    work_streams_of,
)
from .counts import finish, grouped_counts, overdue_q
from .lights import order_tasks, with_stored_light

RECENT_UPDATES = 10
MOST_OVERDUE = 10

# Sort keys of the task list → ORDER BY; the code breaks ties everywhere.
TASK_SORTS = {
    "code": ("code",),
    "-code": ("-code",),
    "due_date": ("due_date", "code"),
    "-due_date": ("-due_date", "code"),
    "light": ("light_rank", "-overdue_days", "due_date", "code"),
    "-light": ("-light_rank", "overdue_days", "due_date", "code"),
    "progress": ("progress", "code"),
    "-progress": ("-progress", "code"),
    # By `overdue_days`: the task's own days overdue or its most overdue
    # milestone's, whichever is more, so that a red task whose due date is
    # ahead but whose milestone is late sorts among the late ones.
    "days_overdue": ("-overdue_days", "-days_overdue", "due_date", "code"),
    "-days_overdue": ("overdue_days", "days_overdue", "due_date", "code"),
    "next_due": ("next_due", "code"),
    "-next_due": ("-next_due", "code"),
}
DEFAULT_SORT = "code"


def task_table_for_user(*, user, today: dt.date | None = None) -> QuerySet[Task]:
    """The visible tasks of the task list page, by code, ranked by light for
    its sorts (tracker.forms_list filters and sorts them)."""
    return task_list_for_user(user=user, today=today).order_by(
        *TASK_SORTS[DEFAULT_SORT]
    )


def task_filter_choices_for_user(*, user) -> dict:
    """The work streams and parties a user may filter the task list by."""
    initiatives = initiative_list_for_user(user=user)
    return {
        "work_streams": work_streams_of(initiatives),
        "parties": parties_of(initiatives).order_by("sort_order", "code"),
    }


# --- coordinator home --------------------------------------------------------------


def coordinated_parties_for_user(*, user) -> list:
    """The parties the user coordinates, among those of visible initiatives."""
    parties = grants(user).coordinator_of
    if not parties:
        return []
    initiatives = initiative_list_for_user(user=user)
    return list(
        parties_of(initiatives).filter(pk__in=parties).order_by("sort_order", "code")
    )


def coordinated_tasks_for_user(*, user, today: dt.date | None = None):
    """The tasks owned by a party the user coordinates, most severe light first."""
    parties = grants(user).coordinator_of
    # In the order of the task list's sort by light, where "more" leads; read
    # through the light's index.
    qs = order_tasks(task_list_for_user(user=user, today=today), TASK_SORTS["light"])
    return qs.filter(owned_by(parties)) if parties else qs.none()


def coordinated_overdue_for_user(*, user, today: dt.date | None = None):
    """Open tasks of the user's coordinated parties past their due date, the
    longest overdue first (overdue milestones come from `attention_for_user`)."""
    return (
        coordinated_tasks_for_user(user=user, today=today)
        .filter(status__in=OPEN_STATES, days_overdue__gt=0)
        .order_by("-days_overdue", "due_date", "code")
    )


def light_counts(tasks: QuerySet[Task]) -> dict:
    """Counts of `tasks` (annotated by `with_light`) by light, with the total
    and the overdue count; one aggregate query. `tasks` holds each task once
    (filtered through EXISTS, never a join to its owners): no DISTINCT, which
    would sort every task."""
    rows = (
        tasks.order_by()
        .values("light")
        .annotate(n=Count("pk"), late=Count("pk", filter=overdue_q()))
    )
    counts = {"total": 0, "overdue": 0, "by_light": dict.fromkeys(Light.values, 0)}
    for row in rows:
        counts["by_light"][row["light"]] = row["n"]
        counts["total"] += row["n"]
        counts["overdue"] += row["late"]
    counts["lights"] = [
        {"code": code, "count": counts["by_light"][code]} for code in Light.values
    ]
    return counts


def visible_light_counts_for_user(*, user, today: dt.date | None = None) -> dict:
    return light_counts(
        with_stored_light(
            Task.objects.filter(initiative__in=initiative_list_for_user(user=user)),
            today=today,
        )
    )


def recent_updates_by_user(*, user, limit: int = RECENT_UPDATES):
    """The progress updates the user wrote, newest first."""
    if not user.is_authenticated:
        return []
    return list(progress_update_list_for_user(user=user).filter(author=user)[:limit])


# --- leadership overview -----------------------------------------------------------


def _finish(counts: dict) -> dict:
    counts = finish(counts)
    counts["lights"] = [
        {"code": code, "count": counts["by_light"][code]} for code in Light.values
    ]
    return counts


def breakdown_for_user(*, user, today: dt.date | None = None) -> dict:
    """Task counts by status and light, per work stream and per owner party, and
    in total (each group with its `name`, `by_status` and `by_light`, as the
    charts take them). Four queries."""
    initiatives = initiative_list_for_user(user=user)
    tasks = with_stored_light(
        Task.objects.filter(initiative__in=initiatives), today=today
    )
    summary, by_stream, by_party = grouped_counts(tasks)
    streams = list(work_streams_of(initiatives))
    label = work_stream_label(streams)
    parties = parties_of(initiatives).order_by("sort_order", "code")
    return {
        "summary": _finish(summary),
        "by_work_stream": [
            {
                "id": s.pk,
                "code": s.code,
                "name": label(s),
                **_finish(by_stream[s.pk]),
            }
            for s in streams
        ],
        "by_party": [
            {
                "id": p.pk,
                "code": p.code,
                "name": p.name,
                "short_name": p.short_name,
                **_finish(by_party[p.pk]),
            }
            for p in parties
        ],
    }


def most_overdue_for_user(
    *, user, today: dt.date, limit: int = MOST_OVERDUE
) -> list[dict]:
    """The `limit` most overdue open tasks, by the days their own due date or
    their most overdue milestone has passed (`overdue_days`), each once, with
    its light and the light's reason. Two queries (the rows, their owners)."""
    tasks = list(
        task_list_for_user(user=user, today=today)
        .filter(status__in=OPEN_STATES, overdue_days__gt=0)
        .order_by("-overdue_days", "code")[:limit]
    )
    items = []
    for task in tasks:
        by_milestone = task.milestone_days_overdue > task.days_overdue
        items.append(
            {
                "kind": "milestone" if by_milestone else "task",
                "task": task,
                "task_id": task.pk,
                "code": task.code,
                "title": task.title,
                "milestone_title": task.late_milestone_title,
                "due_date": task.late_milestone_due if by_milestone else task.due_date,
                "days_overdue": task.overdue_days,
                "light": task.light,
                "owners": list(task.owners.all()),
            }
        )
    return items
