"""The scoring rules at their boundaries (parks/services/scoring.py), and the
rank rule through the service on a cycle's parks."""

from decimal import Decimal as D

import pytest

from parks import services
from parks.services.scoring import (
    linear_score,
    places,
    rank_score,
    ranks,
    threshold_score,
)

from .conftest import evidence


@pytest.mark.parametrize(
    ("value", "higher", "expected"),
    [
        (D("49.9999"), True, D("0")),
        (D("50"), True, D("20.00")),
        (D("51"), True, D("20.00")),
        (D("50"), False, D("20.00")),
        (D("50.0001"), False, D("0")),
        (D("10"), False, D("20.00")),
    ],
)
def test_threshold(value, higher, expected):
    assert (
        threshold_score(value, threshold=D(50), weight=D(20), higher_is_better=higher)
        == expected
    )


@pytest.mark.parametrize(
    ("value", "higher", "expected"),
    [
        (D("-5"), True, D("0.00")),
        (D("10"), True, D("0.00")),
        (D("10.0001"), True, D("0.00")),
        (D("15"), True, D("10.00")),
        (D("12.5"), True, D("5.00")),
        (D("19.99"), True, D("19.98")),
        (D("20"), True, D("20.00")),
        (D("1000"), True, D("20.00")),
        (D("10"), False, D("20.00")),
        (D("20"), False, D("0.00")),
        (D("17.5"), False, D("5.00")),
    ],
)
def test_linear(value, higher, expected):
    assert (
        linear_score(
            value, lower=D(10), upper=D(20), weight=D(20), higher_is_better=higher
        )
        == expected
    )


def test_linear_rounds_half_up():
    # 20 × 1/8 = 2.5 → exact; 10 × 1/3 = 3.333… → 3.33; 5 × 0.001 = 0.005 → 0.01.
    assert linear_score(D(1), lower=D(0), upper=D(8), weight=D(20)) == D("2.50")
    assert linear_score(D(1), lower=D(0), upper=D(3), weight=D(10)) == D("3.33")
    assert linear_score(D("0.001"), lower=D(0), upper=D(1), weight=D(5)) == D("0.01")


def test_rank_first_full_last_share_ties_share_a_place():
    assert places({1: D(9), 2: D(7), 3: D(9), 4: D(1)}) == {1: 1, 2: 3, 3: 1, 4: 4}
    assert places({1: D(9), 2: D(1)}, higher_is_better=False) == {1: 2, 2: 1}
    assert rank_score(1, count=5, last_share=D("0.5"), weight=D(20)) == D("20.00")
    assert rank_score(5, count=5, last_share=D("0.5"), weight=D(20)) == D("10.00")
    assert rank_score(3, count=5, last_share=D("0.5"), weight=D(20)) == D("15.00")
    assert rank_score(1, count=1, last_share=D("0"), weight=D(20)) == D("20.00")
    assert rank_score(2, count=2, last_share=D("0"), weight=D(20)) == D("0.00")
    assert ranks({1: D(90), 2: D(80), 3: D(90)}) == {1: 1, 2: 3, 3: 1}


@pytest.mark.django_db
def test_rank_rule_and_lower_bound_through_the_service(parks_world):
    w = parks_world
    services.indicator_add(
        user=w["office"],
        cycle=w["cycle"],
        code="revenue",
        name="园区营业收入",
        rule="rank",
        lower=D("0.4"),
        weight=D(10),
    )
    # revenue: 甲 300 (超), 乙 100, 丙 200, 丁 300: 甲 and 丁 share the first place.
    figures = {"甲": "300", "乙": "100", "丙": "200", "丁": "300"}
    for key, user in (("甲", "sc"), ("乙", "cq"), ("丙", "sc"), ("丁", "cq")):
        services.assessment_submit(
            user=w[user],
            assessment=w["a"][key],
            values={
                "orders": ("0", False, ""),
                "firms": ("0", False, ""),
                "revenue": (figures[key], key == "甲", ""),
            },
            evidence=[evidence()],
        )
    for key, reviewer in (("甲", "cq"), ("乙", "sc"), ("丙", "cq"), ("丁", "sc")):
        services.assessment_agree(user=w[reviewer], assessment=w["a"][key])
    # A rank is scored once every park is agreed.
    for key in ("甲", "乙", "丙", "丁"):
        services.assessment_score(user=w["office"], assessment=w["a"][key])
    scores = {
        key: a.values.get(indicator__code="revenue").computed_score
        for key, a in w["a"].items()
    }
    # 4 parks: place 1 → 10, place 3 → 10 × (1 − 0.6 × 2/3) = 6, place 4 → 4.
    assert scores == {
        "甲": D("10.00"),
        "丁": D("10.00"),
        "丙": D("6.00"),
        "乙": D("4.00"),
    }
