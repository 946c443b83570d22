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
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Left, RowNumber
from django.utils import timezone

from tracker.choices import ClaimStatus, Decision, Light, MilestoneStatus, TaskStatus
from tracker.models import (
    ClaimDecision,
    ExtensionRequest,
    Indicator,
    IndicatorReading,
    Milestone,
    ParkEvaluation,
    ParkPair,
    ProgressUpdate,
    Task,
    TaskOwner,
)
from tracker.selectors import with_light
from tracker.workflow import OPEN_STATES

from .choices import ReportStatus, ScopeKind

SNAPSHOT_SCHEMA_VERSION = 1
UPCOMING_DAYS = 30
TREND_REPORTS = 8
TREND_READINGS = 6
UPDATES_LIMIT = 200
EXCERPT_CHARS = 140


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def _number(value: Decimal | None) -> str | None:
    """A decimal as the shortest exact text: 360.0000 → "360", 1.5000 → "1.5"."""
    if value is None:
        return None
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def scope_tasks(report) -> QuerySet[Task]:
    qs = Task.objects.filter(initiative_id=report.initiative_id)
    if report.scope == ScopeKind.PARTY:
        qs = qs.filter(owners__party_id=report.scope_party_id)
    elif report.scope == ScopeKind.WORK_STREAM:
        qs = qs.filter(work_stream_id=report.scope_work_stream_id)
    return qs


def as_of_for(report, now: dt.datetime) -> dt.datetime:
    return min(_day_start(report.period_end + dt.timedelta(days=1)), now)


def _overdue_flag() -> Case:
    return Case(
        When(
            Q(status_then__in=OPEN_STATES)
            & (Q(days_overdue__gt=0) | Q(milestone_overdue=True)),
            then=Value(True),
        ),
        default=Value(False),
        output_field=BooleanField(),
    )


def _empty_counts() -> dict:
    return {
        "total": 0,
        "by_status": dict.fromkeys(TaskStatus.values, 0),
        "by_light": dict.fromkeys(Light.values, 0),
        "overdue": 0,
    }


def _finish(counts: dict) -> dict:
    by_status = counts["by_status"]
    counts["completed"] = by_status[TaskStatus.COMPLETED]
    counts["completion_rate"] = _rate(
        counts["completed"], counts["total"] - by_status[TaskStatus.CANCELLED]
    )
    return counts


def _fold(rows, key: str) -> dict:
    """Fold (key, status, light, overdue, n) aggregate rows into counts per key."""
    groups: dict = defaultdict(_empty_counts)
    for row in rows:
        counts = groups[row[key]]
        counts["total"] += row["n"]
        counts["by_status"][row["status_then"]] += row["n"]
        counts["by_light"][row["light"]] += row["n"]
        if row["overdue"]:
            counts["overdue"] += row["n"]
    return groups


def _status_counts(tasks, report):
    """Counts per work stream and per owner party, and the summary, from two
    GROUP BY queries."""
    grouped = tasks.annotate(overdue=_overdue_flag()).order_by()
    dims = ("status_then", "light", "overdue")
    stream_rows = grouped.values("work_stream_id", *dims).annotate(n=Count("pk"))
    party_rows = grouped.values("owners__party_id", *dims).annotate(n=Count("pk"))
    by_stream = _fold(stream_rows, "work_stream_id")
    by_party = _fold(party_rows, "owners__party_id")

    summary = _empty_counts()
    for counts in by_stream.values():
        summary["total"] += counts["total"]
        summary["overdue"] += counts["overdue"]
        for name in ("by_status", "by_light"):
            for k, n in counts[name].items():
                summary[name][k] += n

    streams = report.initiative.work_streams.order_by("sort_order", "code")
    if report.scope == ScopeKind.WORK_STREAM:
        streams = streams.filter(pk=report.scope_work_stream_id)
    parties = report.initiative.participations.select_related("party").order_by(
        "sort_order", "party__sort_order"
    )
    if report.scope == ScopeKind.PARTY:
        parties = parties.filter(party_id=report.scope_party_id)
    stream_list = [
        {"id": s.pk, "code": s.code, "name": s.name, **_finish(by_stream[s.pk])}
        for s in streams
    ]
    party_list = [
        {
            "id": p.party_id,
            "code": p.party.code,
            "name": p.party.name,
            "short_name": p.party.short_name,
            **_finish(by_party[p.party_id]),
        }
        for p in parties
    ]
    return _finish(summary), stream_list, party_list


def _milestone_counts(report, as_of: dt.datetime, today: dt.date) -> dict:
    done_then = Q(status=MilestoneStatus.DONE, completed_at__lt=as_of)
    return Milestone.objects.filter(task__in=scope_tasks(report)).aggregate(
        milestones_total=Count("pk"),
        milestones_done=Count("pk", filter=done_then),
        milestones_overdue=Count("pk", filter=~done_then & Q(due_date__lt=today)),
    )


def _owners(report) -> dict[int, list[dict]]:
    owners = defaultdict(list)
    rows = (
        TaskOwner.objects.filter(task__in=scope_tasks(report))
        .order_by("task_id", "party__sort_order")
        .values(
            "task_id",
            "party__short_name",
            "agency__name",
            "contact_name",
            "contact_phone",
        )
    )
    for row in rows:
        owners[row["task_id"]].append(
            {
                "party": row["party__short_name"],
                "agency": row["agency__name"],
                "contact": row["contact_name"],
                "phone": row["contact_phone"],
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
}


def _task_row(row: dict, owners) -> dict:
    item = {key: row[column] for column, key in TASK_COLUMNS.items()}
    item["due_date"] = _iso(item["due_date"])
    item["original_due_date"] = _iso(item["original_due_date"])
    item["owners"] = owners[row["id"]]
    return item


def _tasks(tasks, owners) -> list[dict]:
    rows = tasks.order_by("work_stream__sort_order", "code").values(*TASK_COLUMNS)
    return [_task_row(row, owners) for row in rows]


def _overdue(tasks, owners, as_of: dt.datetime, today: dt.date) -> list[dict]:
    late_milestones = (
        Milestone.objects.filter(task=OuterRef("pk"), due_date__lt=today)
        .filter(~Q(status=MilestoneStatus.DONE) | Q(completed_at__gte=as_of))
        .order_by("due_date", "id")
    )
    rows = (
        tasks.annotate(overdue=_overdue_flag())
        .filter(overdue=True)
        .annotate(
            late_milestone=Subquery(late_milestones.values("title")[:1]),
            late_milestone_due=Subquery(late_milestones.values("due_date")[:1]),
        )
        .order_by("-days_overdue", "late_milestone_due", "code")
        .values(*TASK_COLUMNS, "late_milestone", "late_milestone_due")
    )
    result = []
    for row in rows:
        late_due = row["late_milestone_due"]
        result.append(
            {
                **_task_row(row, owners),
                "late_milestone": row["late_milestone"],
                "late_milestone_due": _iso(late_due),
                "late_milestone_days": (today - late_due).days if late_due else 0,
            }
        )
    return result


def _upcoming(report, as_of: dt.datetime, today: dt.date) -> list[dict]:
    rows = (
        Milestone.objects.filter(task__in=scope_tasks(report))
        .filter(
            due_date__gte=today,
            due_date__lte=today + dt.timedelta(days=UPCOMING_DAYS),
        )
        .filter(~Q(status=MilestoneStatus.DONE) | Q(completed_at__gte=as_of))
        .order_by("due_date", "task__code", "sort_order", "id")
        .values("task__code", "task__title", "title", "party__short_name", "due_date")
    )
    return [
        {
            "task_code": row["task__code"],
            "task_title": row["task__title"],
            "title": row["title"],
            "party": row["party__short_name"],
            "due_date": _iso(row["due_date"]),
            "days_left": (row["due_date"] - today).days,
        }
        for row in rows
    ]


def _completed(report, start: dt.datetime, as_of: dt.datetime) -> list[dict]:
    rows = list(
        scope_tasks(report)
        .filter(
            status=TaskStatus.COMPLETED, completed_at__gte=start, completed_at__lt=as_of
        )
        .order_by("completed_at", "code")
        .values("id", "code", "title", "work_stream__name", "completed_at")
    )
    confirmations = defaultdict(list)
    decisions = (
        ClaimDecision.objects.filter(
            claim__task_id__in=[row["id"] for row in rows],
            claim__status=ClaimStatus.CONFIRMED,
            decision=Decision.CONFIRM,
        )
        .order_by("claim__task_id", "decided_at")
        .values("claim__task_id", "party__short_name", "claim__party__short_name")
    )
    claimed_by = {}
    for row in decisions:
        confirmations[row["claim__task_id"]].append(row["party__short_name"])
        claimed_by[row["claim__task_id"]] = row["claim__party__short_name"]
    return [
        {
            "task_id": row["id"],
            "code": row["code"],
            "title": row["title"],
            "work_stream": row["work_stream__name"],
            "completed_at": _iso(row["completed_at"]),
            "claimed_by": claimed_by.get(row["id"]),
            "confirmed_by": confirmations.get(row["id"], []),
        }
        for row in rows
    ]


def _extensions(report, start: dt.datetime, as_of: dt.datetime) -> list[dict]:
    rows = (
        ExtensionRequest.objects.filter(task__in=scope_tasks(report))
        .filter(
            Q(requested_at__gte=start, requested_at__lt=as_of)
            | Q(decided_at__gte=start, decided_at__lt=as_of)
        )
        .order_by("requested_at", "id")
        .values(
            "task__code",
            "task__title",
            "party__short_name",
            "requested_at",
            "current_due_date",
            "requested_due_date",
            "days_overdue",
            "reason",
            "status",
            "decided_at",
            "decision_note",
        )
    )
    return [
        {
            "task_code": row["task__code"],
            "task_title": row["task__title"],
            "party": row["party__short_name"],
            "requested_at": _iso(row["requested_at"]),
            "current_due_date": _iso(row["current_due_date"]),
            "requested_due_date": _iso(row["requested_due_date"]),
            "days_overdue": row["days_overdue"],
            "reason": row["reason"],
            # A decision taken after the period is not yet known at its end.
            "status": row["status"]
            if row["decided_at"] is None or row["decided_at"] < as_of
            else "pending",
            "decided_at": _iso(row["decided_at"])
            if row["decided_at"] and row["decided_at"] < as_of
            else None,
            "decision_note": row["decision_note"]
            if row["decided_at"] and row["decided_at"] < as_of
            else "",
        }
        for row in rows
    ]


def _percent(actual: Decimal | None, target: Decimal | None) -> float | None:
    if actual is None or not target:
        return None
    return round(float(100 * actual / target), 1)


def _indicators(report, as_of: dt.datetime, today: dt.date) -> list[dict]:
    indicators = list(
        Indicator.objects.filter(task__in=scope_tasks(report))
        .order_by("task__work_stream__sort_order", "task__code", "sort_order", "id")
        .values(
            "id",
            "task__code",
            "task__title",
            "name",
            "unit",
            "party__short_name",
            "baseline",
            "target",
            "direction",
        )
    )
    readings = defaultdict(list)
    ranked = (
        IndicatorReading.objects.filter(
            indicator__task__in=scope_tasks(report),
            period__lte=today,
            reported_at__lt=as_of,
        )
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("indicator_id")],
                order_by=F("period").desc(),
            )
        )
        .filter(rank__lte=TREND_READINGS)
        .order_by("indicator_id", "period")
        .values("indicator_id", "period", "value")
    )
    for row in ranked:
        readings[row["indicator_id"]].append(row)
    result = []
    for ind in indicators:
        trend = readings.get(ind["id"], [])
        latest = trend[-1] if trend else None
        actual = latest["value"] if latest else None
        result.append(
            {
                "task_code": ind["task__code"],
                "task_title": ind["task__title"],
                "name": ind["name"],
                "unit": ind["unit"],
                "party": ind["party__short_name"],
                "direction": ind["direction"],
                "baseline": _number(ind["baseline"]),
                "target": _number(ind["target"]),
                "actual": _number(actual),
                "actual_period": _iso(latest["period"]) if latest else None,
                "percent": _percent(actual, ind["target"]),
                "trend": [
                    {"period": _iso(r["period"]), "value": _number(r["value"])}
                    for r in trend
                ],
            }
        )
    return result


def _parks(report, today: dt.date) -> tuple[list[dict], dict]:
    if report.scope == ScopeKind.WORK_STREAM:
        return [], {}
    pairs = ParkPair.objects.filter(initiative_id=report.initiative_id)
    if report.scope == ScopeKind.PARTY:
        pairs = pairs.filter(
            Q(park_a__party_id=report.scope_party_id)
            | Q(park_b__party_id=report.scope_party_id)
        )

    def latest(side: str):
        return ParkEvaluation.objects.filter(
            park=OuterRef(side), announced_on__lte=today
        ).order_by("-announced_on", "-round")

    annotations = {}
    for side in ("park_a", "park_b"):
        for field in ("result", "round", "announced_on"):
            annotations[f"{side}_{field}"] = Subquery(latest(side).values(field)[:1])
    rows = (
        pairs.annotate(**annotations)
        .order_by("park_a__party__sort_order", "park_a__city_county", "park_a__name")
        .values(
            "name",
            "paired_on",
            *[
                f"{side}__{field}"
                for side in ("park_a", "park_b")
                for field in ("name", "city_county", "party__short_name")
            ],
            *annotations,
        )
    )
    result, parks, met, rounds = [], 0, 0, set()
    for row in rows:
        sides = {}
        for side in ("park_a", "park_b"):
            outcome = row[f"{side}_result"]
            parks += 1
            met += outcome == "met"
            if row[f"{side}_round"]:
                rounds.add(row[f"{side}_round"])
            sides[side] = {
                "name": row[f"{side}__name"],
                "city": row[f"{side}__city_county"],
                "party": row[f"{side}__party__short_name"],
                "result": outcome,
                "round": row[f"{side}_round"],
                "announced_on": _iso(row[f"{side}_announced_on"]),
            }
        result.append(
            {"name": row["name"], "paired_on": _iso(row["paired_on"]), **sides}
        )
    summary = {
        "pairs": len(result),
        "parks": parks,
        "met": met,
        "rounds": sorted(rounds),
    }
    return result, summary


def _updates(report, start: dt.datetime, as_of: dt.datetime) -> tuple[list, int]:
    updates = ProgressUpdate.objects.filter(
        task__in=scope_tasks(report), reported_at__gte=start, reported_at__lt=as_of
    )
    rows = (
        updates.annotate(excerpt=Left("narrative", EXCERPT_CHARS + 1))
        .order_by("-reported_at", "-id")
        .values(
            "task__code",
            "task__title",
            "party__short_name",
            "author__full_name",
            "author__username",
            "reported_at",
            "progress",
            "excerpt",
        )[:UPDATES_LIMIT]
    )
    result = []
    for row in rows:
        text = row["excerpt"]
        if len(text) > EXCERPT_CHARS:
            text = text[:EXCERPT_CHARS].rstrip() + "…"
        result.append(
            {
                "task_code": row["task__code"],
                "task_title": row["task__title"],
                "party": row["party__short_name"],
                "author": row["author__full_name"] or row["author__username"],
                "reported_at": _iso(row["reported_at"]),
                "progress": row["progress"],
                "excerpt": text,
            }
        )
    total = len(result) if len(result) < UPDATES_LIMIT else updates.count()
    return result, total


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
            "period_start": _iso(row["period_start"]),
            "period_end": _iso(row["period_end"]),
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
    history = _history(report)
    previous = history[-1] if history else None
    parks, parks_summary = _parks(report, today)
    updates, updates_total = _updates(report, start, as_of)
    initiative = report.initiative
    owners = _owners(report)
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
            "period_start": _iso(report.period_start),
            "period_end": _iso(report.period_end),
            "as_of": _iso(as_of),
            "as_of_date": _iso(today),
            "generated_at": _iso(now),
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
                "period_start": _iso(report.period_start),
                "period_end": _iso(report.period_end),
                "summary": summary,
            },
        ],
        "by_work_stream": streams,
        "by_party": parties,
        "overdue": _overdue(tasks, owners, as_of, today),
        "tasks": _tasks(tasks, owners),
        "upcoming_milestones": _upcoming(report, as_of, today),
        "completed": _completed(report, start, as_of),
        "extensions": _extensions(report, start, as_of),
        "indicators": _indicators(report, as_of, today),
        "parks": parks,
        "parks_summary": parks_summary,
        "updates": updates,
        "updates_total": updates_total,
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
