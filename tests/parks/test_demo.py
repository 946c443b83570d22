"""The demo's 2024 cycle: every park published as met, totals as the article
gives them."""

import datetime as dt
from decimal import Decimal

import pytest

from parks.demo import NAME
from parks.models import AssessmentStep, EvaluationCycle
from parks.selectors import cycle_totals
from tests.clock import TODAY
from tracker.demo import load_demo

pytestmark = pytest.mark.django_db


def test_the_2024_cycle_matches_the_article():
    load_demo(today=TODAY)
    cycle = EvaluationCycle.objects.get(name=NAME)
    assert cycle.state == "published" and cycle.announced_on == dt.date(2024, 12, 12)
    assert list(cycle.indicators.values_list("name", flat=True)) == [
        "产品互采订单",
        "共建企业数",
        "共建规上企业营收增长",
        "园区营业收入",
        "合作企业营收占比",
    ]
    assessments = cycle.assessments.all()
    assert assessments.count() == 20
    assert {a.outcome for a in assessments} == {"met"}
    assert all(a.score >= cycle.pass_score for a in assessments)
    assert {a.state for a in assessments} == {"published"}
    assert sorted(a.rank for a in assessments)[0] == 1
    # Every park reviewed by its paired party, every step on file.
    assert AssessmentStep.objects.filter(assessment__cycle=cycle).count() == 80
    totals = cycle_totals(cycle)
    assert (totals.parks, totals.met) == (20, 20)
    orders = totals.sums["orders"]
    # 近千亿元: close to, and below, 1,000 亿元.
    assert Decimal(950) <= orders.value < Decimal(1000) and not orders.is_lower_bound
    # 超千家: the parks' lower bounds add up to 1,000.
    firms = totals.sums["firms"]
    assert firms.value == 1000 and firms.is_lower_bound
    # 营收超1.6万亿元 in 2023.
    assert totals.sums["revenue"].value > Decimal(16000)
    assert totals.share == Decimal("22.0")
    growth = cycle.indicators.get(code="growth")
    assert all(v.value > 10 for v in growth.values.all())
    # Loading again creates nothing.
    assert load_demo(today=TODAY)["park_evaluations"] == 0
    assert EvaluationCycle.objects.filter(name=NAME).count() == 1
