"""The stored forecast of each open item (TaskForecast), which the task list
flags and filters by."""

from __future__ import annotations

from collections.abc import Collection

from django.db import transaction
from django.utils import timezone

from ..models import Task, TaskForecast
from ..selectors.forecast import forecasts_as_of


@transaction.atomic
def forecast_refresh(*, task_ids: Collection[int] | None = None) -> int:
    """Recompute the stored forecasts of `task_ids` (None: every item) from
    their history now: open items get theirs written, closed ones lose
    theirs. Called by the services that change what a forecast reads
    (progress reports, milestones, extensions, status) and by the nightly
    job, since a forecast moves with the date too. Returns the rows written."""
    ids = (
        set(Task.objects.values_list("pk", flat=True))
        if task_ids is None
        else set(task_ids)
    )
    if not ids:
        return 0
    found = forecasts_as_of(ids)
    TaskForecast.objects.filter(task__in=ids - set(found)).delete()
    now = timezone.now()
    rows = [
        TaskForecast(
            task_id=pk,
            forecast_date=f.forecast_date,
            due_date=f.due_date,
            slip_days=f.slip_days,
            at_risk=f.at_risk,
            confidence=f.confidence,
            pace_date=f.pace_date,
            milestone_delay_days=f.milestone_delay_days,
            extensions=f.extensions,
            computed_at=now,
        )
        for pk, f in found.items()
    ]
    TaskForecast.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["task"],
        update_fields=[
            "forecast_date",
            "due_date",
            "slip_days",
            "at_risk",
            "confidence",
            "pace_date",
            "milestone_delay_days",
            "extensions",
            "computed_at",
        ],
    )
    return len(rows)
