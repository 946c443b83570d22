"""A cycle takes the parks paired under its own initiative in its batch: not
a park another initiative paired in the same batch, not an unpaired park."""

from __future__ import annotations

import pytest

from parks.services.cycles import cycle_assessments_create
from tests.factories import make_initiative
from tracker.services.structure import industrial_park_create, park_pair_create

pytestmark = pytest.mark.django_db


def test_cycle_takes_only_its_initiatives_pairs(parks_world, sichuan, chongqing):
    w = parks_world
    cycle = w["cycle"]
    before = set(cycle.assessments.values_list("park__name", flat=True))
    assert before == {"甲园区", "乙园区", "丙园区", "丁园区"}

    other = make_initiative([sichuan, chongqing])
    theirs = [
        industrial_park_create(party=party, name=name, city_county="某县", batch=2021)
        for party, name in ((sichuan, "戊园区"), (chongqing, "己园区"))
    ]
    park_pair_create(initiative=other, parks=theirs)
    industrial_park_create(party=sichuan, name="庚园区", city_county="某县", batch=2021)
    ours = [
        industrial_park_create(party=party, name=name, city_county="某县", batch=2021)
        for party, name in ((sichuan, "辛园区"), (chongqing, "壬园区"))
    ]
    park_pair_create(initiative=cycle.initiative, parks=ours)

    assert cycle_assessments_create(cycle=cycle) == 2
    after = set(cycle.assessments.values_list("park__name", flat=True))
    assert after == before | {"辛园区", "壬园区"}
    assert all(a.pair_id for a in cycle.assessments.all())
