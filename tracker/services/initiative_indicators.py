"""Circle-wide indicators (全域指标): the joint office defines them and records
their values from published statistics. A province's coordinator reports the
indicators of the items their province owns, not the circle's figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from config.validation import validated_save

from ..choices import Direction, Qualifier
from ..models import Initiative, InitiativeIndicator, InitiativeIndicatorReading
from ._common import require


@transaction.atomic
def initiative_indicator_create(
    *,
    initiative: Initiative,
    name: str,
    unit: str,
    target: Decimal | None = None,
    baseline: Decimal | None = None,
    direction: str = Direction.HIGHER,
    description: str = "",
    sort_order: int = 0,
) -> InitiativeIndicator:
    return validated_save(
        InitiativeIndicator(
            initiative=initiative,
            name=name,
            unit=unit,
            target=target,
            baseline=baseline,
            direction=direction,
            description=description,
            sort_order=sort_order,
        )
    )


@transaction.atomic
def initiative_indicator_reading_record(
    *,
    indicator: InitiativeIndicator,
    actor: User,
    period: dt.date,
    value: Decimal,
    qualifier: str = Qualifier.EXACT,
    note: str = "",
    source: str = "",
    reported_at: dt.datetime | None = None,
) -> InitiativeIndicatorReading:
    """The joint office records a circle-wide figure for a period."""
    require(actor, "record_initiative_reading", indicator)
    # One writer per indicator at a time: the period check and the insert
    # see the same readings.
    InitiativeIndicator.objects.select_for_update().filter(pk=indicator.pk).get()
    return validated_save(
        InitiativeIndicatorReading(
            indicator=indicator,
            period=period,
            value=value,
            qualifier=qualifier,
            note=note,
            source=source,
            reported_by=actor,
            reported_at=reported_at or timezone.now(),
        )
    )
