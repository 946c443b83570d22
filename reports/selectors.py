"""Reads of the report library, scoped to the requesting user: a report is
visible to the members of the parties taking part in its initiative."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Prefetch, QuerySet, Window
from django.db.models.functions import RowNumber

from tracker.selectors import get_visible, initiative_list_for_user

from .choices import ReportKind, ReportStatus, ScopeKind
from .models import Report, ReportFile

WEEKLY_TREND_REPORTS = 8


def report_list_for_user(
    *,
    user,
    kind: str | None = None,
    scope: str | None = None,
    party_id: int | None = None,
    work_stream_id: int | None = None,
    period_from: dt.date | None = None,
    period_to: dt.date | None = None,
    status: str | None = None,
) -> QuerySet[Report]:
    qs = (
        Report.objects.filter(initiative__in=initiative_list_for_user(user=user))
        .select_related(
            "initiative", "scope_party", "scope_work_stream", "requested_by"
        )
        .prefetch_related(
            Prefetch("files", queryset=ReportFile.objects.order_by("format"))
        )
        .defer("snapshot")
    )
    if kind:
        qs = qs.filter(kind=kind)
    if scope:
        qs = qs.filter(scope=scope)
    if party_id:
        qs = qs.filter(scope_party_id=party_id)
    if work_stream_id:
        qs = qs.filter(scope_work_stream_id=work_stream_id)
    if period_from:
        qs = qs.filter(period_end__gte=period_from)
    if period_to:
        qs = qs.filter(period_start__lte=period_to)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-period_end", "kind", "scope", "-id")


def report_get_for_user(*, user, report_id, with_snapshot: bool = True) -> Report:
    qs = report_list_for_user(user=user)
    if with_snapshot:
        qs = qs.defer(None)
    return get_visible(qs, report_id)


def latest_reports_for_user(*, user, limit: int = 5) -> list[Report]:
    """The newest finished reports, for dashboards."""
    return list(report_list_for_user(user=user, status="done")[:limit])


def weekly_trend_for_user(*, user, limit: int = WEEKLY_TREND_REPORTS) -> list[dict]:
    """Per visible initiative, the summaries of its latest `limit` finished
    weekly reports of the whole initiative, oldest first. One query."""
    ranked = (
        Report.objects.filter(
            initiative__in=initiative_list_for_user(user=user),
            kind=ReportKind.WEEKLY,
            scope=ScopeKind.INITIATIVE,
            status=ReportStatus.DONE,
        )
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("initiative_id")],
                order_by=[F("period_end").desc(), F("id").desc()],
            )
        )
        .filter(rank__lte=limit)
        .order_by("initiative__code", "period_end", "id")
        .values(
            "id",
            "initiative_id",
            "initiative__name",
            "period_start",
            "period_end",
            "snapshot__summary",
        )
    )
    series: dict[int, dict] = {}
    for row in ranked:
        entry = series.setdefault(
            row["initiative_id"],
            {
                "initiative_id": row["initiative_id"],
                "initiative": row["initiative__name"],
                "points": [],
            },
        )
        summary = row["snapshot__summary"] or {}
        entry["points"].append(
            {
                "report_id": row["id"],
                "period_start": row["period_start"],
                "period_end": row["period_end"],
                "summary": summary,
                "completion_rate": summary.get("completion_rate"),
                "overdue": summary.get("overdue") or 0,
            }
        )
    return list(series.values())
