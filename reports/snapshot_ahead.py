"""What a report sees ahead, as of the end of its period: each open item's
forecast finish date from its history before then (tracker.forecast), and the
items held up (amber) by a blocker that had slipped by then. See
reports/snapshot.py."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from tracker.choices import LightReason
from tracker.models import DependencyAlert
from tracker.selectors.forecast import forecasts_as_of

from .snapshot_lists import scope_tasks


def forecast_as_of(report, as_of: dt.datetime) -> list[dict]:
    """Per item of the report's scope open at `as_of`, by code: its due date
    then, forecast finish date, days late (forecast − due, may be ≤ 0),
    whether it is at risk and the confidence."""
    tasks = {
        row["pk"]: row
        for row in scope_tasks(report).values("pk", "code", "title").distinct()
    }
    found = forecasts_as_of(tasks, as_of=as_of)
    rows = [
        found[pk].as_json(task_id=pk, code=tasks[pk]["code"], title=tasks[pk]["title"])
        for pk in found
    ]
    return sorted(rows, key=lambda row: row["code"])


def dependency_alerts_as_of(tasks, as_of: dt.datetime) -> list[dict]:
    """The items of `tasks` (annotated by `with_light` as of `as_of`) amber
    because a blocker had slipped by then, one row per slipped blocker, with
    the reason as the lights word it (tracker.lights.reason_text)."""
    held = dict(
        tasks.filter(light_reason=LightReason.DEPENDENCY_DELAY).values_list(
            "pk", "code"
        )
    )
    alerts = (
        DependencyAlert.objects.filter(
            dependency__task__in=list(held), opened_at__lte=as_of
        )
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gt=as_of))
        .select_related("dependency__blocker_task", "dependency__blocker_milestone")
        .order_by("dependency__task__code", "dependency__blocker_task__code", "pk")
    )
    rows = []
    for alert in alerts:
        dependency = alert.dependency
        milestone = dependency.blocker_milestone
        rows.append(
            {
                "task_id": dependency.task_id,
                "code": held[dependency.task_id],
                "blocker_code": dependency.blocker_task.code,
                "blocker_kind": "milestone" if milestone is not None else "task",
                "reason": {
                    "code": str(LightReason.DEPENDENCY_DELAY),
                    "figures": {
                        "blocker": dependency.blocker_task.code,
                        "milestone": milestone.title if milestone else None,
                    },
                },
            }
        )
    return rows
