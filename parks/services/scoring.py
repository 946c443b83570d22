"""The scoring rules (parks.choices.ScoringRule), as pure functions over
decimals: the services feed them the values, the tests their boundaries."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from ..choices import ScoringRule

CENT = Decimal("0.01")
ZERO = Decimal("0")
ONE = Decimal("1")


def rounded(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def threshold_score(value, *, threshold, weight, higher_is_better=True) -> Decimal:
    if value is None or threshold is None:
        return ZERO
    reached = value >= threshold if higher_is_better else value <= threshold
    return rounded(Decimal(weight)) if reached else ZERO


def linear_score(value, *, lower, upper, weight, higher_is_better=True) -> Decimal:
    """Nothing at the lower bound or below, full weight at the upper bound or
    above, in proportion between; reversed when lower is better."""
    if value is None or lower is None or upper is None or upper <= lower:
        return ZERO
    if value <= lower:
        share = ZERO
    elif value >= upper:
        share = ONE
    else:
        share = (Decimal(value) - lower) / (upper - lower)
    if not higher_is_better:
        share = ONE - share
    return rounded(Decimal(weight) * share)


def places(values: Mapping[int, Decimal], *, higher_is_better=True) -> dict[int, int]:
    """Each key's place (1 = best); equal values share the better place."""
    ordered = sorted(values.values(), reverse=higher_is_better)
    return {key: ordered.index(value) + 1 for key, value in values.items()}


def rank_score(place, *, count, last_share, weight) -> Decimal:
    """The first gets full weight, the last `last_share` of it (0 to 1),
    linearly between; a single park gets full weight."""
    if place is None:
        return ZERO
    share = ONE
    if count > 1:
        last = Decimal(last_share if last_share is not None else 0)
        last = min(max(last, ZERO), ONE)
        share = ONE - (ONE - last) * Decimal(place - 1) / Decimal(count - 1)
    return rounded(Decimal(weight) * share)


def indicator_scores(indicator, values: Mapping[int, Decimal]) -> dict[int, Decimal]:
    """The score of each assessment (key) for `indicator`, from the values of
    every assessment of the cycle that reported it (a lower bound, 超…, is
    scored as its stated number)."""
    rule = indicator.rule
    kwargs = {"weight": indicator.weight}
    if rule == ScoringRule.THRESHOLD:
        return {
            key: threshold_score(
                value,
                threshold=indicator.threshold,
                higher_is_better=indicator.higher_is_better,
                **kwargs,
            )
            for key, value in values.items()
        }
    if rule == ScoringRule.LINEAR:
        return {
            key: linear_score(
                value,
                lower=indicator.lower,
                upper=indicator.upper,
                higher_is_better=indicator.higher_is_better,
                **kwargs,
            )
            for key, value in values.items()
        }
    ranked = places(values, higher_is_better=indicator.higher_is_better)
    return {
        key: rank_score(
            ranked[key], count=len(values), last_share=indicator.lower, **kwargs
        )
        for key in values
    }


def ranks(scores: Mapping[int, Decimal]) -> dict[int, int]:
    """Rank in the batch by score, 1 = best, ties share a rank."""
    return places(scores, higher_is_better=True)
