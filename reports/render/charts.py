"""The report's charts: its snapshot's figures, drawn by the shared `charts`
package (which the leadership overview draws with too). Here only what is
the report's own: which rows of the snapshot, and the names of its periods."""

from __future__ import annotations

from django.utils.translation import gettext as _

from charts import tasks as task_charts

from ..choices import ReportKind
from .formatting import format_period, format_short_period


def status_by_work_stream(snapshot: dict) -> str:
    rows = [(s["name"], s["by_status"]) for s in snapshot["by_work_stream"]]
    return task_charts.bars(task_charts.STATUS_BY_WORK_STREAM, rows)


def lights_by_party(snapshot: dict) -> str:
    rows = [(p["name"], p["by_light"]) for p in snapshot["by_party"]]
    return task_charts.bars(task_charts.LIGHTS_BY_PARTY, rows)


def _trend_title(kind: str) -> str:
    if kind == ReportKind.WEEKLY:
        return _("Weekly trend")
    if kind == ReportKind.MONTHLY:
        return _("Monthly trend")
    if kind == ReportKind.QUARTERLY:
        return _("Quarterly trend")
    return _("Trend")


def trend(snapshot: dict) -> str:
    """This report and the earlier ones of its kind."""
    kind = snapshot["report"]["kind"]
    points = [
        task_charts.TrendPoint(
            label=format_short_period(kind, p["period_start"], p["period_end"]),
            period=format_period(kind, p["period_start"], p["period_end"]),
            completion_rate=p["summary"].get("completion_rate"),
            overdue=p["summary"].get("overdue") or 0,
        )
        for p in snapshot.get("trend") or []
    ]
    return task_charts.completion_trend(points=points, title=_trend_title(kind))
