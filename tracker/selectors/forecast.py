"""The history a forecast reads (tracker.forecast), as of any instant: the
due date then, each party's latest reports before it, the milestones
completed by then and the extensions granted by then. A fixed number of
queries whatever the number of items (tasks, reports, milestones,
extensions)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection

from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from ..choices import ExtensionStatus, MilestoneStatus, TaskStatus
from ..forecast import PACE_REPORTS, Forecast, History, forecast
from ..models import ExtensionRequest, Milestone, ProgressUpdate, Task, TaskOwner
from ..workflow import OPEN_STATES


def histories_as_of(
    task_ids: Collection[int], *, as_of: dt.datetime | None = None
) -> dict[int, History]:
    """The history of each of `task_ids` open at `as_of` (default now), as
    the rows tell it then; items closed by then have none."""
    now = as_of or timezone.now()
    today = timezone.localdate(now)
    tasks = Task.objects.filter(pk__in=list(task_ids)).filter(
        Q(status__in=OPEN_STATES) | Q(status=TaskStatus.COMPLETED, completed_at__gt=now)
    )
    rows = {t["pk"]: t for t in tasks.values("pk", "original_due_date")}
    ids = list(rows)
    if not ids:
        return {}
    due = {pk: row["original_due_date"] for pk, row in rows.items()}
    extensions: dict[int, int] = defaultdict(int)
    granted = (
        ExtensionRequest.objects.filter(
            task__in=ids,
            status=ExtensionStatus.APPROVED,
            decided_at__lte=now,
            granted_due_date__isnull=False,
        )
        .order_by("task", "decided_at", "pk")
        .values_list("task", "granted_due_date")
    )
    for task_id, day in granted:
        due[task_id] = day
        extensions[task_id] += 1
    parties: dict[int, dict[int, list]] = defaultdict(dict)
    for task_id, party_id in TaskOwner.objects.filter(task__in=ids).values_list(
        "task", "party"
    ):
        parties[task_id][party_id] = []
    latest = (
        ProgressUpdate.objects.filter(task__in=ids, reported_at__lt=now)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("task"), F("party")],
                order_by=[F("reported_at").desc(), F("pk").desc()],
            )
        )
        .filter(rank__lte=PACE_REPORTS)
        .values_list("task", "party", "reported_at", "progress")
    )
    for task_id, party_id, at, progress in latest:
        day = timezone.localdate(at)
        parties[task_id].setdefault(party_id, []).append((day, progress))
    done: dict[int, list] = defaultdict(list)
    completed = Milestone.objects.filter(
        task__in=ids, status=MilestoneStatus.DONE, completed_at__lt=now
    ).values_list("task", "due_date", "completed_at")
    for task_id, due_date, at in completed:
        done[task_id].append((due_date, timezone.localdate(at)))
    return {
        pk: History(
            today=today,
            due_date=due[pk],
            parts=[sorted(reports) for reports in parties[pk].values()],
            milestones=done[pk],
            extensions=extensions[pk],
        )
        for pk in ids
    }


def forecasts_as_of(
    task_ids: Collection[int], *, as_of: dt.datetime | None = None
) -> dict[int, Forecast]:
    """The forecast of each of `task_ids` open at `as_of` (default now)."""
    return {
        pk: forecast(history)
        for pk, history in histories_as_of(task_ids, as_of=as_of).items()
    }


def stored_forecast(task: Task):
    """The task's stored forecast (TaskForecast), None when it has none: read
    from what its selector fetched (`select_related("forecast")`)."""
    from ..models import TaskForecast

    try:
        return task.forecast
    except TaskForecast.DoesNotExist:
        return None
