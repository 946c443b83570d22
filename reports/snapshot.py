"""The frozen data of a report, taken in SQL: aggregates in the database, one
query per section, never one per task.

The snapshot is plain JSON (codes, names, ISO dates, numbers; decimals as
strings) so that it can be stored on the report and rendered again, in any
language, without touching the live tables. Its shape is described by
`SNAPSHOT_SCHEMA_VERSION` and the keys built below; renderers read only this.

"As of" is the end of the period (the start of the next day in Asia/Shanghai),
or now for a period that has not ended: statuses, progress, milestones and
lights are those the rows say the task had then (see `with_light`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    Count,
    F,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from audit.digest import seal_for_snapshot
from tracker.choices import Light, MilestoneStatus
from tracker.lights import reason_of
from tracker.models import (
    Milestone,
    ProgressUpdate,
    TaskOwner,
)
from tracker.selectors import with_light
from tracker.selectors.counts import finish, grouped_counts, overdue_flag

from .choices import ReportStatus, ScopeKind
from .snapshot_ahead import dependency_alerts_as_of, forecast_as_of
from .snapshot_circle import initiative_indicators_as_of
from .snapshot_lists import (
    completed_in_period,
    extensions_in_period,
    indicators_as_of,
    iso,
    park_pairs,
    scope_tasks,
    upcoming_milestones,
    updates_in_period,
)
from .snapshot_story import next_period, previous_tasks
from .snapshot_supervision import urges_in_period

SNAPSHOT_SCHEMA_VERSION = 1
TREND_REPORTS = 8


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def as_of_for(report, now: dt.datetime) -> dt.datetime:
    if report.period_end >= timezone.localdate(now):
        # Also keeps off the day after 9999-12-31, which no date can hold.
        return now
    return min(_day_start(report.period_end + dt.timedelta(days=1)), now)


def _status_counts(tasks, report):
    """Counts per work stream and per owner party, and the summary, from two
    GROUP BY queries."""
    summary, by_stream, by_party = grouped_counts(tasks, status="status_then")
    streams = report.initiative.work_streams.order_by("sort_order", "code")
    if report.scope == ScopeKind.WORK_STREAM:
        streams = streams.filter(pk=report.scope_work_stream_id)
    parties = report.initiative.participations.select_related("party").order_by(
        "sort_order", "party__sort_order"
    )
    if report.scope == ScopeKind.PARTY:
        parties = parties.filter(party_id=report.scope_party_id)
    stream_list = [
        {"id": s.pk, "code": s.code, "name": s.name, **finish(by_stream[s.pk])}
        for s in streams
    ]
    party_list = [
        {
            "id": p.party_id,
            "code": p.party.code,
            "name": p.party.name,
            "short_name": p.party.short_name,
            **finish(by_party[p.party_id]),
        }
        for p in parties
    ]
    return summary, stream_list, party_list


def _milestone_counts(report, as_of: dt.datetime, today: dt.date) -> dict:
    done_then = Q(status=MilestoneStatus.DONE, completed_at__lt=as_of)
    return Milestone.objects.filter(task__in=scope_tasks(report)).aggregate(
        milestones_total=Count("pk"),
        milestones_done=Count("pk", filter=done_then),
        milestones_overdue=Count("pk", filter=~done_then & Q(due_date__lt=today)),
    )


def _owners(report, as_of: dt.datetime) -> dict[int, list[dict]]:
    """Each task's owner parties, with each party's own progress at the end
    of the period (its last report before then, else its part's figure)."""
    owners = defaultdict(list)
    reported = ProgressUpdate.objects.filter(
        task=OuterRef("task"), party=OuterRef("party"), reported_at__lt=as_of
    ).order_by("-reported_at", "-id")
    rows = (
        TaskOwner.objects.filter(task__in=scope_tasks(report))
        .annotate(
            progress_then=Coalesce(
                Subquery(reported.values("progress")[:1]), F("progress")
            )
        )
        .order_by("task_id", "party__sort_order")
        .values(
            "task_id",
            "party__short_name",
            "agency__name",
            "contact_name",
            "contact_phone",
            "progress_then",
        )
    )
    for row in rows:
        owners[row["task_id"]].append(
            {
                "party": row["party__short_name"],
                "agency": row["agency__name"],
                "contact": row["contact_name"],
                "phone": row["contact_phone"],
                "progress": row["progress_then"],
            }
        )
    return owners


# The columns of a task row, as `values()` names them and as the snapshot does.
TASK_COLUMNS = {
    "id": "task_id",
    "code": "code",
    "title": "title",
    "work_stream__name": "work_stream",
    "task_list": "task_list",
    "lead_party__short_name": "lead_party",
    "priority": "priority",
    "status_then": "status",
    "progress_then": "progress",
    "light": "light",
    "due_date": "due_date",
    "original_due_date": "original_due_date",
    "days_overdue": "days_overdue",
    "milestone_days_overdue": "milestone_days_overdue",
    "overdue_days": "overdue_days",
}
# What `tracker.lights.reason_of` reads to state the light's reason; kept in
# the snapshot as a code and figures, worded when the report is rendered.
REASON_COLUMNS = (
    "light_reason",
    "computed_light",
    "override_light",
    "override_set_by",
    "override_expires_at",
    "override_reason",
    "completed_at",
    "late_milestone_title",
    "late_milestone_count",
    "soon_milestone_title",
    "milestone_days_left",
    "progress_now",
    "elapsed_percent",
    "lag_percent",
    "delayed_by",
    "delayed_by_milestone",
)


def _task_row(row: dict, owners) -> dict:
    item = {key: row[column] for column, key in TASK_COLUMNS.items()}
    item["due_date"] = iso(item["due_date"])
    item["original_due_date"] = iso(item["original_due_date"])
    item["reason"] = reason_of(row)
    item["owners"] = owners[row["id"]]
    return item


def _tasks(tasks, owners) -> list[dict]:
    rows = tasks.order_by("work_stream__sort_order", "code").values(
        *TASK_COLUMNS, *REASON_COLUMNS
    )
    return [_task_row(row, owners) for row in rows]


def _overdue(tasks, owners, today: dt.date) -> list[dict]:
    """Open tasks past their due date or with a milestone past due, and any
    other task whose light is red (an override): every red light with its
    reason, the longest overdue first."""
    rows = (
        tasks.annotate(overdue=overdue_flag("status_then"))
        .filter(Q(overdue=True) | Q(light=Light.RED))
        .order_by("-overdue_days", "-days_overdue", "late_milestone_due", "code")
        .values(*TASK_COLUMNS, *REASON_COLUMNS, "late_milestone_due")
    )
    result = []
    for row in rows:
        late_due = row["late_milestone_due"]
        result.append(
            {
                **_task_row(row, owners),
                "late_milestone": row["late_milestone_title"],
                "late_milestone_due": iso(late_due),
                "late_milestone_days": (today - late_due).days if late_due else 0,
            }
        )
    return result


def _history(report) -> list[dict]:
    """The summaries of earlier finished reports of the same kind and scope."""
    from .models import Report

    rows = (
        Report.objects.filter(
            initiative_id=report.initiative_id,
            kind=report.kind,
            scope=report.scope,
            scope_party_id=report.scope_party_id,
            scope_work_stream_id=report.scope_work_stream_id,
            status=ReportStatus.DONE,
            period_end__lt=report.period_end,
        )
        .order_by("-period_end")
        .values("id", "period_start", "period_end", "snapshot__summary")[
            : TREND_REPORTS - 1
        ]
    )
    return [
        {
            "report_id": row["id"],
            "period_start": iso(row["period_start"]),
            "period_end": iso(row["period_end"]),
            "summary": row["snapshot__summary"],
        }
        for row in reversed(rows)
    ]


def _changes(summary: dict, previous: dict | None) -> dict | None:
    if not previous:
        return None
    before = previous["summary"]

    def delta(a, b):
        return None if a is None or b is None else round(a - b, 1)

    return {
        "total": summary["total"] - before["total"],
        "completed": summary["completed"] - before["completed"],
        "overdue": summary["overdue"] - before["overdue"],
        "completion_rate": delta(summary["completion_rate"], before["completion_rate"]),
        "by_light": {
            k: summary["by_light"][k] - before["by_light"].get(k, 0)
            for k in summary["by_light"]
        },
    }


def report_snapshot(report, *, now: dt.datetime | None = None) -> dict:
    """Everything a report shows, as of the end of its period."""
    now = now or timezone.now()
    as_of = as_of_for(report, now)
    today = timezone.localdate(as_of - dt.timedelta(microseconds=1))
    start = _day_start(report.period_start)
    tasks = with_light(scope_tasks(report), as_of=as_of, today=today)

    summary, streams, parties = _status_counts(tasks, report)
    summary.update(_milestone_counts(report, as_of, today))
    chased = urges_in_period(report, start, as_of)
    summary.update(chased.totals())
    history = _history(report)
    previous = history[-1] if history else None
    parks, parks_summary = park_pairs(report, today)
    updates, updates_total = updates_in_period(report, start, as_of)
    initiative = report.initiative
    owners = _owners(report, as_of)
    overdue = _overdue(tasks, owners, today)
    task_rows = _tasks(tasks, owners)
    chased.annotate(overdue)
    chased.annotate(task_rows)
    return {
        "schema": SNAPSHOT_SCHEMA_VERSION,
        "report": {
            "id": report.pk,
            "kind": report.kind,
            "scope": report.scope,
            "scope_name": (
                report.scope_party.name
                if report.scope == ScopeKind.PARTY
                else report.scope_work_stream.name
                if report.scope == ScopeKind.WORK_STREAM
                else initiative.name
            ),
            "period_start": iso(report.period_start),
            "period_end": iso(report.period_end),
            "as_of": iso(as_of),
            "as_of_date": iso(today),
            "generated_at": iso(now),
        },
        "issuer": settings.REPORTS_ISSUER,
        "initiative": {
            "id": initiative.pk,
            "code": initiative.code,
            "name": initiative.name,
            "short_name": initiative.short_name,
        },
        "summary": summary,
        "previous": previous,
        "changes": _changes(summary, previous),
        "trend": [
            *history,
            {
                "report_id": report.pk,
                "period_start": iso(report.period_start),
                "period_end": iso(report.period_end),
                "summary": summary,
            },
        ],
        "by_work_stream": streams,
        "by_party": parties,
        "overdue": overdue,
        "tasks": task_rows,
        "upcoming_milestones": upcoming_milestones(report, as_of, today),
        "completed": completed_in_period(report, start, as_of),
        "extensions": extensions_in_period(report, start, as_of),
        "indicators": indicators_as_of(report, as_of, today),
        "initiative_indicators": initiative_indicators_as_of(report, as_of, today),
        "parks": parks,
        "parks_summary": parks_summary,
        "updates": updates,
        "updates_total": updates_total,
        # What the opening summary (reports/narrative/) compares and looks
        # ahead to: the previous report's task lights, next period's milestones.
        "previous_tasks": previous_tasks(previous),
        "next_period": next_period(report, as_of),
        # Seeing ahead: each open item's forecast from its history before the
        # period's end, and the items a slipped blocker held up then.
        "forecast": forecast_as_of(report, as_of),
        "dependency_alerts": dependency_alerts_as_of(tasks, as_of),
        # The audit chain's head as the report is made, printed on it so that
        # the digest leaves the system with the report (audit/digest.py).
        "audit_seal": seal_for_snapshot(),
    }


def take_snapshot(report, *, now: dt.datetime | None = None) -> dict:
    """The data stage of a report: `report_snapshot` in one consistent view of
    the database (REPEATABLE READ when this is the outermost transaction).

    JIT compilation is off for it: its statements are estimated as costly (a
    correlated subquery per task) but run in well under a second, and
    PostgreSQL spent longer compiling them than running them (bench/report.py)."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        with connection.cursor() as cursor:
            if outermost:
                cursor.execute(
                    "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"
                )
            cursor.execute("SET LOCAL jit = off")
        return report_snapshot(report, now=now)
