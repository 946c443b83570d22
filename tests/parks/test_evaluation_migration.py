"""The results recorded before evaluation cycles become published cycles (the
data migration's function, run on rows made as they were made then)."""

import datetime as dt
import importlib

import pytest
from django.apps import apps

from parks.models import EvaluationCycle
from tracker.models import ParkEvaluation

pytestmark = pytest.mark.django_db

migration = importlib.import_module("parks.migrations.0002_reminders_and_evaluations")


def test_each_round_becomes_a_published_cycle(parks_world):
    w = parks_world
    for key, result in (("甲", "met"), ("乙", "not_met"), ("丙", "met")):
        ParkEvaluation.objects.create(
            park=w["parks"][key],
            round=2023,
            announced_on=dt.date(2023, 12, 20),
            result=result,
        )
    ParkEvaluation.objects.create(
        park=w["parks"]["甲"],
        round=2024,
        announced_on=dt.date(2024, 12, 12),
        result="met",
    )
    migration.evaluations_to_cycles(apps)
    cycles = {c.name: c for c in EvaluationCycle.objects.exclude(pk=w["cycle"].pk)}
    assert set(cycles) == {"2023年度园区绩效评价", "2024年度园区绩效评价"}
    c2023 = cycles["2023年度园区绩效评价"]
    assert c2023.state == "published" and c2023.announced_on == dt.date(2023, 12, 20)
    assert not c2023.indicators.exists()
    results = {
        a.park.name: (a.state, a.outcome, a.pair_id is not None, a.score)
        for a in c2023.assessments.select_related("park")
    }
    assert results == {
        "甲园区": ("published", "met", True, None),
        "乙园区": ("published", "not_met", True, None),
        "丙园区": ("published", "met", True, None),
    }
