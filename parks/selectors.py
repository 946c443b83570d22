"""Every read of park evaluation cycles a page, the API, a report or a task
uses, scoped to the requesting user (members of a party taking part in the
cycle's initiative; the joint office and superusers see every initiative)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from supervision.workdays import WorkCalendar
from tracker.choices import Light
from tracker.models import IndustrialPark, ParkPair, ParkPairMember
from tracker.selectors import get_visible, initiative_list_for_user, parties_of

from .choices import AssessmentState as S
from .models import AssessmentValue, CycleIndicator, EvaluationCycle, ParkAssessment

# The step whose due date an assessment in each state is waiting on.
DUE_FIELD = {
    S.DRAFT: "submit_due",
    S.QUERIED: "submit_due",
    S.SUBMITTED: "review_due",
    S.AGREED: "score_due",
    S.SCORED: "publish_due",
}


def amber_days() -> int:
    """Working days before a step's due date from which its light is amber."""
    return getattr(settings, "PARKS_AMBER_WORKING_DAYS", 3)


def cycle_list_for_user(*, user) -> QuerySet[EvaluationCycle]:
    return EvaluationCycle.objects.filter(
        initiative__in=initiative_list_for_user(user=user)
    ).select_related("initiative", "published_by")


def cycle_get_for_user(*, user, pk) -> EvaluationCycle:
    return get_visible(
        cycle_list_for_user(user=user).prefetch_related(
            Prefetch(
                "indicators",
                queryset=CycleIndicator.objects.order_by("sort_order", "id"),
            )
        ),
        pk,
    )


def assessment_list_for_user(*, user) -> QuerySet[ParkAssessment]:
    """With what `workflow.available_actions` and the serializers read."""
    return (
        ParkAssessment.objects.filter(
            cycle__initiative__in=initiative_list_for_user(user=user)
        )
        .select_related("cycle", "park__party", "park__agency", "pair")
        .prefetch_related(Prefetch("pair__members", queryset=_members_qs()))
    )


def _members_qs():
    return ParkPairMember.objects.select_related("park__party").order_by(
        "park__party__sort_order", "park__name"
    )


def assessment_get_for_user(*, user, pk) -> ParkAssessment:
    return get_visible(
        assessment_list_for_user(user=user).prefetch_related(
            Prefetch(
                "values",
                queryset=AssessmentValue.objects.select_related("indicator"),
            ),
            "evidence",
            Prefetch("steps", queryset=_steps_qs()),
        ),
        pk,
    )


def _steps_qs():
    from .models import AssessmentStep

    return AssessmentStep.objects.select_related("actor", "party", "indicator")


def park_list_for_user(*, user) -> QuerySet[IndustrialPark]:
    """The parks of the parties taking part in an initiative the user sees."""
    parties = parties_of(initiative_list_for_user(user=user))
    return IndustrialPark.objects.filter(party__in=parties).select_related(
        "party", "agency"
    )


def pair_list_for_user(*, user) -> QuerySet[ParkPair]:
    return (
        ParkPair.objects.filter(initiative__in=initiative_list_for_user(user=user))
        .select_related("initiative")
        .prefetch_related(Prefetch("members", queryset=_members_qs()))
    )


def light_for(
    state: str, cycle: EvaluationCycle, today: dt.date, calendar: WorkCalendar
) -> tuple[str, dt.date | None]:
    """The lateness light of an assessment in `state`: red past the due date of
    the step it waits on, amber within `amber_days()` working days of it,
    green before; none once published."""
    name = DUE_FIELD.get(state)
    if name is None:
        return "", None
    due = getattr(cycle, name)
    if today > due:
        return Light.RED, due
    days, day = 0, today
    while day < due and days <= amber_days():
        day += dt.timedelta(days=1)
        if calendar.is_working_day(day):
            days += 1
    return (Light.AMBER if days <= amber_days() else Light.GREEN), due


@dataclass
class DashboardRow:
    assessment: ParkAssessment
    park: IndustrialPark
    party: object
    pair: ParkPair | None
    state: str
    score: object
    outcome: str
    rank: int | None
    light: str
    due: dt.date | None
    actions: tuple[str, ...] = ()


def cycle_dashboard(
    cycle: EvaluationCycle, user, *, today: dt.date | None = None
) -> list[DashboardRow]:
    """Every park of the cycle's batch, in the parties' order: its state,
    score, result and rank, the light of the step it waits on, and what
    `user` may do on it now. Four queries whatever the number of parks."""
    from .workflow import available_actions

    today = today or timezone.localdate()
    rows = list(
        ParkAssessment.objects.filter(cycle=cycle)
        .select_related("park__party", "pair", "cycle")
        .prefetch_related(Prefetch("pair__members", queryset=_members_qs()))
    )
    last = max([today, cycle.publish_due])
    calendar = WorkCalendar(today, last + dt.timedelta(days=30))
    result = []
    for a in rows:
        light, due = light_for(a.state, cycle, today, calendar)
        result.append(
            DashboardRow(
                assessment=a,
                park=a.park,
                party=a.park.party,
                pair=a.pair,
                state=a.state,
                score=a.score,
                outcome=a.outcome,
                rank=a.rank,
                light=light,
                due=due,
                actions=available_actions(user, a),
            )
        )
    return result


@dataclass
class ParkDetail:
    park: IndustrialPark
    pairs: list[ParkPair]
    results: list[ParkAssessment]


def park_detail(park: IndustrialPark) -> ParkDetail:
    """The park with its party, city/county, batch and agency, its pairs
    across batches (with their parks) and its assessments across cycles,
    latest first."""
    park = IndustrialPark.objects.select_related("party", "agency").get(pk=park.pk)
    pairs = list(
        ParkPair.objects.filter(members__park=park)
        .prefetch_related(Prefetch("members", queryset=_members_qs()))
        .order_by("-batch", "id")
    )
    results = list(
        ParkAssessment.objects.filter(park=park)
        .select_related("cycle", "pair")
        .order_by("-cycle__period_end", "-cycle_id")
    )
    return ParkDetail(park=park, pairs=pairs, results=results)


@dataclass
class ComparisonColumn:
    park: IndustrialPark
    assessment: ParkAssessment | None
    # indicator id → the reported value row (value, lower bound, score)
    values: dict[int, AssessmentValue] = field(default_factory=dict)

    @property
    def total(self):
        return None if self.assessment is None else self.assessment.score

    @property
    def outcome(self):
        return "" if self.assessment is None else self.assessment.outcome


@dataclass
class PairComparison:
    pair: ParkPair
    cycle: EvaluationCycle
    indicators: list[CycleIndicator]
    columns: list[ComparisonColumn]

    def rows(self):
        """(indicator, [value row or None per column]) for a table."""
        return [
            (i, [c.values.get(i.pk) for c in self.columns]) for i in self.indicators
        ]


def pair_comparison(pair: ParkPair, cycle: EvaluationCycle) -> PairComparison:
    """The pair's parks side by side in `cycle`: each indicator's value and
    score, the total and the result. Four queries whatever the size."""
    members = list(_members_qs().filter(pair=pair))
    indicators = list(cycle.indicators.order_by("sort_order", "id"))
    assessments = {
        a.park_id: a
        for a in ParkAssessment.objects.filter(
            cycle=cycle, park__in=[m.park_id for m in members]
        )
    }
    columns = [
        ComparisonColumn(park=m.park, assessment=assessments.get(m.park_id))
        for m in members
    ]
    by_assessment = {c.assessment.pk: c for c in columns if c.assessment}
    for value in AssessmentValue.objects.filter(assessment__in=list(by_assessment)):
        by_assessment[value.assessment_id].values[value.indicator_id] = value
    return PairComparison(
        pair=pair, cycle=cycle, indicators=indicators, columns=columns
    )


# The indicators whose figures add up across a cycle's parks (by code): the
# report's totals. The share is weighted by each park's revenue.
SUMMED_CODES = ("orders", "firms", "revenue")
SHARE_CODE, REVENUE_CODE = "share", "revenue"


@dataclass
class Total:
    value: Decimal
    # Some park gave only a lower bound (超…): the total is one too.
    is_lower_bound: bool = False


@dataclass
class CycleTotals:
    parks: int
    met: int
    # code → Total, for the summed indicators the cycle has
    sums: dict[str, Total]
    share: Decimal | None  # per cent, of the parks' revenue


def cycle_totals(cycle: EvaluationCycle) -> CycleTotals:
    """The parks of the cycle, how many met their targets, and the totals of
    the summed indicators. Two queries."""
    outcomes = list(cycle.assessments.values_list("outcome", flat=True))
    sums: dict[str, Total] = {}
    per_park: dict[int, dict[str, Decimal]] = {}
    rows = AssessmentValue.objects.filter(
        assessment__cycle=cycle,
        indicator__code__in=[*SUMMED_CODES, SHARE_CODE],
    ).values_list("assessment_id", "indicator__code", "value", "is_lower_bound")
    for assessment_id, code, value, lower in rows:
        per_park.setdefault(assessment_id, {})[code] = value
        if code in SUMMED_CODES:
            total = sums.setdefault(code, Total(Decimal(0)))
            total.value += value
            total.is_lower_bound |= lower
    weighted = [
        (v[SHARE_CODE], v[REVENUE_CODE])
        for v in per_park.values()
        if SHARE_CODE in v and REVENUE_CODE in v
    ]
    revenue = sum((r for _, r in weighted), Decimal(0))
    share = (
        (sum((s * r for s, r in weighted), Decimal(0)) / revenue).quantize(
            Decimal("0.1")
        )
        if revenue
        else None
    )
    return CycleTotals(
        parks=len(outcomes),
        met=sum(1 for o in outcomes if o == "met"),
        sums=sums,
        share=share,
    )
