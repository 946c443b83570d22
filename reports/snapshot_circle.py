"""The snapshot's circle-wide indicators (全域指标): the initiative's own
figures as they stood when the report was made. Two queries whatever their
number. Snapshots frozen before this key existed simply lack it, and the
renderers then leave the section out."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import F, Window
from django.db.models.functions import RowNumber

from charts.formatting import plain_number
from tracker.models import InitiativeIndicator, InitiativeIndicatorReading

from .choices import ScopeKind
from .snapshot_lists import TREND_READINGS, iso


def initiative_indicators_as_of(report, as_of: dt.datetime, today: dt.date) -> list:
    """The circle-wide indicators of the report's initiative with their latest
    readings up to `as_of`; none for a work-stream report (they describe the
    whole circle, not one stream)."""
    if report.scope == ScopeKind.WORK_STREAM:
        return []
    indicators = list(
        InitiativeIndicator.objects.filter(initiative_id=report.initiative_id)
        .order_by("sort_order", "id")
        .values("id", "name", "unit", "description", "target", "direction")
    )
    readings = defaultdict(list)
    ranked = (
        InitiativeIndicatorReading.objects.filter(
            indicator__initiative_id=report.initiative_id,
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
        .values("indicator_id", "period", "value", "qualifier", "note", "source")
    )
    for row in ranked:
        readings[row["indicator_id"]].append(row)
    result = []
    for ind in indicators:
        trend = readings.get(ind["id"], [])
        latest = trend[-1] if trend else None
        result.append(
            {
                "name": ind["name"],
                "unit": ind["unit"],
                "description": ind["description"],
                "direction": ind["direction"],
                "target": plain_number(ind["target"]),
                "actual": plain_number(latest["value"]) if latest else None,
                "actual_qualifier": latest["qualifier"] if latest else None,
                "actual_period": iso(latest["period"]) if latest else None,
                "note": latest["note"] if latest else "",
                "source": latest["source"] if latest else "",
                "trend": [
                    {
                        "period": iso(r["period"]),
                        "value": plain_number(r["value"]),
                        "qualifier": r["qualifier"],
                    }
                    for r in trend
                ],
            }
        )
    return result
