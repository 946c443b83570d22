"""The results recorded before evaluation cycles (tracker.ParkEvaluation)
become published cycles, one per round, and the table goes: the migrations
run backwards to before it went, rows are made as they were made then, and
the migrations run forward again."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("parks", "0001_initial"),
    ("tracker", "0015_initiative_indicators_and_qualifiers"),
    ("audit", "0022_park_query_event"),
]


def _migrate(targets=None):
    """To `targets`, or forward to the latest of every app (None)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_each_round_becomes_a_published_cycle(parks_world):
    w = parks_world
    old = _migrate(BEFORE)
    try:
        ParkEvaluation = old.get_model("tracker", "ParkEvaluation")
        for key, result in (("甲", "met"), ("乙", "not_met"), ("丙", "met")):
            ParkEvaluation.objects.create(
                park_id=w["parks"][key].pk,
                round=2023,
                announced_on=dt.date(2023, 12, 20),
                result=result,
            )
        ParkEvaluation.objects.create(
            park_id=w["parks"]["甲"].pk,
            round=2022,
            announced_on=dt.date(2022, 12, 12),
            result="met",
        )
    finally:
        # Forward to the latest state (tracker 0016 took the table away):
        # the next test finds the schema as the suite made it.
        _migrate()
    from parks.models import EvaluationCycle

    cycles = {c.name: c for c in EvaluationCycle.objects.exclude(pk=w["cycle"].pk)}
    assert set(cycles) == {"2022年度园区绩效评价", "2023年度园区绩效评价"}
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
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('tracker_parkevaluation')")
        assert cursor.fetchone() == (None,)
        # The history table and its rows stay.
        cursor.execute("SELECT count(*) FROM audit_parkevaluationevent")
        assert cursor.fetchone()[0] >= 0
