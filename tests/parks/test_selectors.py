"""The cycle's dashboard (lights by the step's due date), a park's detail and a
pair side by side, each in a constant number of queries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parks import selectors
from parks.models import ParkAssessment
from tracker.services.structure import industrial_park_create, park_pair_create

from .conftest import submit

pytestmark = pytest.mark.django_db


def _count(fn, *args, **kwargs):
    with CaptureQueriesContext(connection) as ctx:
        result = fn(*args, **kwargs)
    return result, len(ctx)


def test_dashboard_lights_and_actions(parks_world):
    w = parks_world
    submit(w, "甲", w["sc"])
    # 2024-09-26 (Thu): values due Monday 09-30, 2 working days away → amber;
    # 甲 waits for review, due 10-31 → green.
    rows, _ = _count(
        selectors.cycle_dashboard, w["cycle"], w["cq"], today=dt.date(2024, 9, 26)
    )
    by_park = {r.park.name: r for r in rows}
    assert by_park["甲园区"].light == "green" and by_park["甲园区"].actions == (
        "query",
        "agree",
    )
    assert by_park["乙园区"].light == "amber" and by_park["乙园区"].actions == (
        "submit",
    )
    assert by_park["乙园区"].due == dt.date(2024, 9, 30)
    assert (
        by_park["甲园区"].pair == w["pairs"][0] and by_park["甲园区"].party.code == "sc"
    )
    rows, _ = _count(
        selectors.cycle_dashboard, w["cycle"], w["cq"], today=dt.date(2024, 10, 1)
    )
    assert {r.park.name: r.light for r in rows}["乙园区"] == "red"
    rows, _ = _count(
        selectors.cycle_dashboard, w["cycle"], w["cq"], today=dt.date(2024, 8, 1)
    )
    assert {r.light for r in rows} == {"green"}


def _grow(w, n):
    for i in range(n):
        parks = [
            industrial_park_create(
                party=party, name=f"扩{i}-{party.code}", city_county="某县", batch=2021
            )
            for party in (w["parks"]["甲"].party, w["parks"]["乙"].party)
        ]
        pair = park_pair_create(initiative=w["cycle"].initiative, parks=parks)
        for park in parks:
            ParkAssessment.objects.create(cycle=w["cycle"], park=park, pair=pair)


def test_query_counts_do_not_grow(parks_world):
    w = parks_world
    today = dt.date(2024, 9, 26)
    user = type(w["sc"]).objects.get(pk=w["sc"].pk)
    _, small = _count(selectors.cycle_dashboard, w["cycle"], user, today=today)
    _, detail_small = _count(selectors.park_detail, w["parks"]["甲"])
    _, pair_small = _count(selectors.pair_comparison, w["pairs"][0], w["cycle"])
    _grow(w, 10)
    user = type(w["sc"]).objects.get(pk=w["sc"].pk)
    rows, large = _count(selectors.cycle_dashboard, w["cycle"], user, today=today)
    assert len(rows) == 24
    assert small == large <= 6, (small, large)
    _, detail_large = _count(selectors.park_detail, w["parks"]["甲"])
    assert detail_small == detail_large == 4
    _, pair_large = _count(selectors.pair_comparison, w["pairs"][0], w["cycle"])
    assert pair_small == pair_large == 4


def test_park_detail_and_pair_comparison(parks_world):
    w = parks_world
    submit(w, "甲", w["sc"], orders="80", firms="60")
    detail = selectors.park_detail(w["parks"]["甲"])
    assert detail.park.party.code == "sc" and detail.park.city_county == "甲县"
    assert [p.pk for p in detail.pairs] == [w["pairs"][0].pk]
    assert [a.cycle for a in detail.results] == [w["cycle"]]
    comparison = selectors.pair_comparison(w["pairs"][0], w["cycle"])
    names = [c.park.name for c in comparison.columns]
    assert sorted(names) == ["乙园区", "甲园区"]
    rows = {
        indicator.code: dict(
            zip(names, [v.value if v else None for v in values], strict=True)
        )
        for indicator, values in comparison.rows()
    }
    assert rows == {
        "orders": {"甲园区": Decimal("80"), "乙园区": None},
        "firms": {"甲园区": Decimal("60"), "乙园区": None},
    }
    assert all(c.total is None and c.outcome == "" for c in comparison.columns)
