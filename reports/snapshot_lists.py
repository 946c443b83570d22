"""The snapshot's lists of a period: milestones coming due, completions,
extension requests, indicators, park pairs and progress updates; one query
each (two where a list needs its related rows). See reports/snapshot.py."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import Left, RowNumber
from django.utils import timezone

from charts.formatting import plain_number
from parks.choices import AssessmentState
from parks.models import EvaluationCycle, ParkAssessment
from tracker.choices import ClaimStatus, Decision, MilestoneStatus, TaskStatus
from tracker.models import (
    ClaimDecision,
    ExtensionRequest,
    Indicator,
    IndicatorReading,
    Milestone,
    ParkPairMember,
    ProgressUpdate,
    Task,
)

from .choices import ScopeKind

UPCOMING_DAYS = 30
TREND_READINGS = 6
UPDATES_LIMIT = 200
EXCERPT_CHARS = 140


def iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def scope_tasks(report) -> QuerySet[Task]:
    qs = Task.objects.filter(initiative_id=report.initiative_id)
    if report.scope == ScopeKind.PARTY:
        qs = qs.filter(owners__party_id=report.scope_party_id)
    elif report.scope == ScopeKind.WORK_STREAM:
        qs = qs.filter(work_stream_id=report.scope_work_stream_id)
    return qs


def upcoming_milestones(report, as_of: dt.datetime, today: dt.date) -> list[dict]:
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
            "due_date": iso(row["due_date"]),
            "days_left": (row["due_date"] - today).days,
        }
        for row in rows
    ]


def completed_in_period(report, start: dt.datetime, as_of: dt.datetime) -> list[dict]:
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
            "completed_at": iso(row["completed_at"]),
            "claimed_by": claimed_by.get(row["id"]),
            "confirmed_by": confirmations.get(row["id"], []),
        }
        for row in rows
    ]


def extensions_in_period(report, start: dt.datetime, as_of: dt.datetime) -> list[dict]:
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
            "requested_at": iso(row["requested_at"]),
            "current_due_date": iso(row["current_due_date"]),
            "requested_due_date": iso(row["requested_due_date"]),
            "days_overdue": row["days_overdue"],
            "reason": row["reason"],
            # A decision taken after the period is not yet known at its end.
            "status": row["status"]
            if row["decided_at"] is None or row["decided_at"] < as_of
            else "pending",
            "decided_at": iso(row["decided_at"])
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


def indicators_as_of(report, as_of: dt.datetime, today: dt.date) -> list[dict]:
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
                "baseline": plain_number(ind["baseline"]),
                "target": plain_number(ind["target"]),
                "actual": plain_number(actual),
                "actual_period": iso(latest["period"]) if latest else None,
                "percent": _percent(actual, ind["target"]),
                "trend": [
                    {"period": iso(r["period"]), "value": plain_number(r["value"])}
                    for r in trend
                ],
            }
        )
    return result


def park_pairs(report, today: dt.date) -> tuple[list[dict], dict]:
    """Each pair with its parks (the parties' order) and each park's latest
    result published by ``today`` (score, outcome, rank in the batch, the
    cycle); and the totals of the latest cycle published by then. A query over
    the members and two for the totals."""
    if report.scope == ScopeKind.WORK_STREAM:
        return [], {}
    members = ParkPairMember.objects.filter(pair__initiative_id=report.initiative_id)
    if report.scope == ScopeKind.PARTY:
        members = members.filter(
            pair__members__park__party_id=report.scope_party_id
        ).distinct()
    latest = ParkAssessment.objects.filter(
        park=OuterRef("park"),
        state=AssessmentState.PUBLISHED,
        cycle__announced_on__lte=today,
    ).order_by("-cycle__announced_on", "-cycle__period_end", "-cycle_id")
    fields = {
        "outcome": "outcome",
        "score": "score",
        "rank": "rank",
        "cycle": "cycle__name",
        "cycle_id": "cycle_id",
        "announced_on": "cycle__announced_on",
    }
    rows = (
        members.annotate(
            **{
                f"latest_{key}": Subquery(latest.values(field)[:1])
                for key, field in fields.items()
            }
        )
        .order_by("pair_id", "park__party__sort_order", "park__name")
        .values(
            "pair_id",
            "pair__name",
            "pair__paired_on",
            "pair__batch",
            "park__name",
            "park__city_county",
            "park__party__short_name",
            "park__party__sort_order",
            *(f"latest_{key}" for key in fields),
        )
    )
    pairs: dict[int, dict] = {}
    parks, met, cycles = 0, 0, {}
    for row in rows:
        pair = pairs.setdefault(
            row["pair_id"],
            {
                "name": row["pair__name"],
                "paired_on": iso(row["pair__paired_on"]),
                "batch": row["pair__batch"],
                "sides": [],
                "_order": (
                    row["park__party__sort_order"],
                    row["park__city_county"],
                    row["park__name"],
                ),
            },
        )
        parks += 1
        met += row["latest_outcome"] == "met"
        if row["latest_cycle_id"]:
            cycles[row["latest_cycle_id"]] = (
                row["latest_announced_on"],
                row["latest_cycle"],
            )
        score = row["latest_score"]
        pair["sides"].append(
            {
                "name": row["park__name"],
                "city": row["park__city_county"],
                "party": row["park__party__short_name"],
                "result": row["latest_outcome"] or None,
                "score": None if score is None else plain_number(score),
                "rank": row["latest_rank"],
                "cycle": row["latest_cycle"],
                "announced_on": iso(row["latest_announced_on"]),
            }
        )
    result = sorted(pairs.values(), key=lambda pair: pair.pop("_order"))
    summary = {
        "pairs": len(result),
        "parks": parks,
        "met": met,
        "cycles": [name for _, name in sorted(cycles.values())],
    }
    if cycles:
        latest_id = max(cycles, key=lambda pk: cycles[pk])
        summary["totals"] = _cycle_totals(latest_id)
    return result, summary


def _cycle_totals(cycle_id: int) -> dict:
    from parks.selectors import cycle_totals

    cycle = EvaluationCycle.objects.get(pk=cycle_id)
    totals = cycle_totals(cycle)
    indicators = {i.code: i for i in cycle.indicators.all()}
    return {
        "cycle": cycle.name,
        "announced_on": iso(cycle.announced_on),
        "parks": totals.parks,
        "met": totals.met,
        **{
            code: {
                "name": indicators[code].name,
                "unit": indicators[code].unit,
                "value": plain_number(total.value),
                "is_lower_bound": total.is_lower_bound,
            }
            for code, total in totals.sums.items()
        },
        "share": None
        if totals.share is None
        else {
            "name": indicators["share"].name,
            "unit": "%",
            "value": plain_number(totals.share),
            "is_lower_bound": False,
        },
    }


def updates_in_period(
    report, start: dt.datetime, as_of: dt.datetime
) -> tuple[list, int]:
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
                "reported_at": iso(row["reported_at"]),
                "progress": row["progress"],
                "excerpt": text,
            }
        )
    total = len(result) if len(result) < UPDATES_LIMIT else updates.count()
    return result, total
