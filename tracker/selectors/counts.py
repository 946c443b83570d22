"""Task counts by status, light and overdue, per work stream and per owner
party, from two GROUP BY queries: shared by the leadership overview and the
progress reports (whose statuses are those as of a period's end)."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When

from ..choices import Light, TaskStatus
from ..workflow import OPEN_STATES


def overdue_q(status: str = "status") -> Q:
    """An open task past its due date, or with a milestone past due; on a
    queryset annotated by `with_light` (`status` names the status column)."""
    return Q(**{f"{status}__in": OPEN_STATES}) & (
        Q(days_overdue__gt=0) | Q(milestone_overdue=True)
    )


def overdue_flag(status: str = "status") -> Case:
    return Case(
        When(overdue_q(status), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def empty_counts() -> dict:
    return {
        "total": 0,
        "by_status": dict.fromkeys(TaskStatus.values, 0),
        "by_light": dict.fromkeys(Light.values, 0),
        "overdue": 0,
    }


def finish(counts: dict) -> dict:
    """Add the completed count and the completion rate (completed among the
    tasks not cancelled, in per cent, one decimal)."""
    by_status = counts["by_status"]
    counts["completed"] = by_status[TaskStatus.COMPLETED]
    whole = counts["total"] - by_status[TaskStatus.CANCELLED]
    counts["completion_rate"] = (
        round(100 * counts["completed"] / whole, 1) if whole else None
    )
    return counts


def _fold(rows, key: str, status: str) -> dict:
    groups: dict = defaultdict(empty_counts)
    for row in rows:
        counts = groups[row[key]]
        counts["total"] += row["n"]
        counts["by_status"][row[status]] += row["n"]
        counts["by_light"][row["light"]] += row["n"]
        if row["overdue"]:
            counts["overdue"] += row["n"]
    return groups


def grouped_counts(tasks: QuerySet, *, status: str = "status"):
    """(summary, counts per work stream id, counts per owner party id) of tasks
    annotated by `with_light`; the summary is finished, the groups are not."""
    grouped = tasks.annotate(overdue=overdue_flag(status)).order_by()
    dims = (status, "light", "overdue")
    by_stream = _fold(
        grouped.values("work_stream_id", *dims).annotate(n=Count("pk")),
        "work_stream_id",
        status,
    )
    by_party = _fold(
        grouped.values("owners__party_id", *dims).annotate(n=Count("pk")),
        "owners__party_id",
        status,
    )
    summary = empty_counts()
    for counts in by_stream.values():
        summary["total"] += counts["total"]
        summary["overdue"] += counts["overdue"]
        for name in ("by_status", "by_light"):
            for code, n in counts[name].items():
                summary[name][code] += n
    return finish(summary), by_stream, by_party
