"""Rank-rule indicators: scoring waits until every park of the cycle is agreed
or scored, and publication scores the ranks again among the values as they
stand, keeping the office's adjustment."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.utils import translation

from config.exceptions import TransitionNotAllowed
from parks import services
from parks.choices import AssessmentState

from .conftest import evidence, submit

pytestmark = pytest.mark.django_db

ORDER = (("甲", "sc", "cq"), ("乙", "cq", "sc"), ("丙", "sc", "cq"), ("丁", "cq", "sc"))


def _add_rank(w):
    services.indicator_add(
        user=w["office"],
        cycle=w["cycle"],
        code="revenue",
        name="园区营业收入",
        rule="rank",
        lower=D("0.4"),
        weight=D(10),
    )


def _submit(w, key, user, revenue):
    services.assessment_submit(
        user=w[user],
        assessment=w["a"][key],
        values={
            "orders": ("80", False, ""),
            "firms": ("60", False, ""),
            "revenue": (revenue, False, ""),
        },
        evidence=[evidence()],
    )


def test_scoring_refused_while_a_park_is_queried(parks_world):
    w = parks_world
    _add_rank(w)
    for key, user, _ in ORDER:
        _submit(w, key, user, "100")
    for key, _, reviewer in ORDER:
        if key != "乙":
            services.assessment_agree(user=w[reviewer], assessment=w["a"][key])
    services.assessment_query(
        user=w["sc"],
        assessment=w["a"]["乙"],
        indicator_code="revenue",
        comment="请补充营业收入的统计口径",
    )
    with translation.override("zh-hans"), pytest.raises(TransitionNotAllowed) as no:
        services.assessment_score(user=w["office"], assessment=w["a"]["甲"])
    assert str(no.value) == (
        "部分指标按园区排名计分，须待所有园区均已确认后再评分。尚未确认：乙园区。"
    )
    w["a"]["甲"].refresh_from_db()
    assert w["a"]["甲"].state == AssessmentState.AGREED
    assert w["a"]["甲"].score is None


def test_scoring_not_held_back_without_rank_indicators(parks_world):
    w = parks_world
    submit(w, "甲", w["sc"])
    services.assessment_agree(user=w["cq"], assessment=w["a"]["甲"])
    # 乙, 丙, 丁 have not even submitted.
    services.assessment_score(user=w["office"], assessment=w["a"]["甲"])
    w["a"]["甲"].refresh_from_db()
    assert w["a"]["甲"].state == AssessmentState.SCORED
    assert w["a"]["甲"].score == D("90.00")


def test_publish_scores_the_ranks_again(parks_world):
    w = parks_world
    _add_rank(w)
    revenue = {"甲": "300", "乙": "100", "丙": "200", "丁": "400"}
    for key, user, _ in ORDER:
        _submit(w, key, user, revenue[key])
    for key, _, reviewer in ORDER:
        services.assessment_agree(user=w[reviewer], assessment=w["a"][key])
    for key, _, _ in ORDER:
        services.assessment_score(user=w["office"], assessment=w["a"][key])
    # 丁 first (10), 甲 second (8), 丙 third (6), 乙 last (4); 90 from the rest.
    services.assessment_adjust(
        user=w["office"], assessment=w["a"]["甲"], score="95", reason="核减"
    )
    # A stale rank score, as if 甲 had been scored before the others reported.
    a = w["a"]["甲"]
    a.values.filter(indicator__code="revenue").update(computed_score=D("10.00"))
    a.__class__.objects.filter(pk=a.pk).update(computed_score=D("100.00"))

    services.cycle_publish(user=w["office"], cycle=w["cycle"])
    for x in w["a"].values():
        x.refresh_from_db()
    assert a.values.get(indicator__code="revenue").computed_score == D("8.00")
    assert a.computed_score == D("98.00")
    # The adjustment (95 − 100 = −5) is kept against the recomputed 98.
    assert a.score == D("93.00")
    assert {k: x.score for k, x in w["a"].items()} == {
        "甲": D("93.00"),
        "乙": D("94.00"),
        "丙": D("96.00"),
        "丁": D("100.00"),
    }
    assert {k: x.rank for k, x in w["a"].items()} == {
        "丁": 1,
        "丙": 2,
        "乙": 3,
        "甲": 4,
    }
    assert all(x.state == AssessmentState.PUBLISHED for x in w["a"].values())
