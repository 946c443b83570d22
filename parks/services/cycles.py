"""An administrator opens a cycle (one assessment per park of its batch) and
names its indicators."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import grants
from config.exceptions import InvalidInput, PermissionDenied, TransitionNotAllowed
from config.validation import validated_save
from tracker.models import IndustrialPark, Initiative, ParkPairMember

from ..choices import ScoringRule
from ..models import CycleIndicator, EvaluationCycle, ParkAssessment
from ..workflow import FROZEN_MESSAGE
from ._common import lock_cycle


def _require_office(user: User) -> None:
    if not grants(user).administrator:
        raise PermissionDenied(_("Only the joint office manages evaluation cycles."))


@transaction.atomic
def cycle_create(
    *,
    user: User,
    initiative: Initiative,
    name: str,
    batch: int,
    period_start: dt.date,
    period_end: dt.date,
    submit_due: dt.date,
    review_due: dt.date,
    score_due: dt.date,
    publish_due: dt.date,
    pass_score: Decimal | int = 60,
) -> EvaluationCycle:
    """A cycle of `batch` with one draft assessment per park designated in
    that batch, each with the pair the park is in for that batch."""
    _require_office(user)
    if not submit_due <= review_due <= score_due <= publish_due:
        raise InvalidInput(
            field_errors={
                "publish_due": [
                    _("The steps' due dates must follow one another in order.")
                ]
            }
        )
    cycle = validated_save(
        EvaluationCycle(
            initiative=initiative,
            name=name.strip(),
            batch=batch,
            period_start=period_start,
            period_end=period_end,
            submit_due=submit_due,
            review_due=review_due,
            score_due=score_due,
            publish_due=publish_due,
            pass_score=pass_score,
        )
    )
    cycle_assessments_create(cycle=cycle)
    return cycle


def cycle_assessments_create(*, cycle: EvaluationCycle) -> int:
    """One draft assessment per park paired under the cycle's initiative in
    its batch that has none yet, with the pair the park is in for that batch (the admin's add
    form calls it too). Returns how many were made."""
    pairs = dict(
        ParkPairMember.objects.filter(
            batch=cycle.batch, pair__initiative=cycle.initiative_id
        ).values_list("park_id", "pair_id")
    )
    made = ParkAssessment.objects.bulk_create(
        ParkAssessment(cycle=cycle, park=park, pair_id=pairs.get(park.pk))
        # The parks paired under this cycle's initiative in its batch, not
        # every park designated in the batch by any initiative.
        for park in IndustrialPark.objects.filter(
            pair_memberships__pair__initiative=cycle.initiative_id,
            pair_memberships__batch=cycle.batch,
        )
        .exclude(assessments__cycle=cycle)
        .distinct()
        .order_by("pk")
    )
    return len(made)


RULE_FIELDS = {
    ScoringRule.THRESHOLD: ("threshold",),
    ScoringRule.LINEAR: ("lower", "upper"),
    ScoringRule.RANK: ("lower",),
}


@transaction.atomic
def indicator_add(
    *,
    user: User,
    cycle: EvaluationCycle,
    code: str,
    name: str,
    rule: str,
    weight: Decimal | int,
    unit: str = "",
    description: str = "",
    threshold: Decimal | None = None,
    lower: Decimal | None = None,
    upper: Decimal | None = None,
    higher_is_better: bool = True,
    sort_order: int | None = None,
) -> CycleIndicator:
    """An indicator of an open cycle, before any park has submitted."""
    _require_office(user)
    cycle = lock_cycle(cycle)
    if cycle.assessments.exclude(state="draft").exists():
        raise TransitionNotAllowed(
            _("Parks have already submitted; the indicators cannot change now.")
        )
    fields = {"threshold": threshold, "lower": lower, "upper": upper}
    missing = [f for f in RULE_FIELDS.get(rule, ()) if fields[f] is None]
    if missing:
        raise InvalidInput(
            field_errors={f: [_("This rule needs this figure.")] for f in missing}
        )
    if rule == ScoringRule.LINEAR and upper <= lower:
        raise InvalidInput(
            field_errors={"upper": [_("The upper bound must exceed the lower.")]}
        )
    if rule == ScoringRule.RANK and not Decimal(0) <= lower <= Decimal(1):
        raise InvalidInput(
            field_errors={
                "lower": [_("The last park's share is a fraction from 0 to 1.")]
            }
        )
    if sort_order is None:
        sort_order = cycle.indicators.count() + 1
    return validated_save(
        CycleIndicator(
            cycle=cycle,
            code=code,
            name=name,
            rule=rule,
            weight=weight,
            unit=unit,
            description=description,
            higher_is_better=higher_is_better,
            sort_order=sort_order,
            **fields,
        )
    )


__all__ = ["FROZEN_MESSAGE", "cycle_create", "indicator_add"]
