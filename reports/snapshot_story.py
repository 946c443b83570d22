"""What the opening summary (总体情况, reports/narrative/) needs beyond the
rest of the snapshot: each task's light, progress and status in the previous
report of the same kind and scope (read from that report's frozen snapshot,
so "turned red" compares two frozen reports), and the milestones due in the
next period. Two queries. See reports/snapshot.py."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from tracker.choices import MilestoneStatus
from tracker.models import Milestone

from .periods import PeriodOutOfRange, period_containing
from .snapshot_lists import iso, scope_tasks


def previous_tasks(previous: dict | None) -> dict[str, dict] | None:
    """{code: {"light", "progress", "status"}} of the previous report's tasks;
    None for a first report (or one whose snapshot has no task list)."""
    from .models import Report

    if not previous:
        return None
    tasks = (
        Report.objects.filter(pk=previous["report_id"])
        .values_list("snapshot__tasks", flat=True)
        .first()
    )
    if not tasks:
        return None
    return {
        row["code"]: {
            "light": row.get("light"),
            "progress": row.get("progress"),
            "status": row.get("status"),
        }
        for row in tasks
    }


def next_period(report, as_of: dt.datetime) -> dict | None:
    """The period after the report's, with the milestones due in it that were
    not done by the end of this period; None at the end of the calendar."""
    try:
        start, end = period_containing(
            report.kind, report.period_end + dt.timedelta(days=1)
        )
    except (ValueError, OverflowError, PeriodOutOfRange):
        return None
    rows = (
        Milestone.objects.filter(
            task__in=scope_tasks(report), due_date__gte=start, due_date__lte=end
        )
        .filter(~Q(status=MilestoneStatus.DONE) | Q(completed_at__gte=as_of))
        .order_by("due_date", "task__code", "sort_order", "id")
        .values("task__code", "task__title", "title", "party__short_name", "due_date")
    )
    return {
        "period_start": iso(start),
        "period_end": iso(end),
        "milestones": [
            {
                "task_code": row["task__code"],
                "task_title": row["task__title"],
                "title": row["title"],
                "party": row["party__short_name"],
                "due_date": iso(row["due_date"]),
            }
            for row in rows
        ],
    }
