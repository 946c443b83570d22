"""Pairs and batches that change: a park is in one pair per batch, may be
paired again in a later batch, a pair may hold more than two parties' parks,
and a second batch leaves the first batch's pairs and results as they were."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import AgencyFactory, PartyFactory
from tracker.models import ParkPair, ParkPairMember, Participation
from tracker.services.structure import industrial_park_create, park_pair_create

pytestmark = pytest.mark.django_db


def _park(party, key, batch=2021):
    return industrial_park_create(
        party=party, name=f"{key}园区", city_county=f"{key}县", batch=batch
    )


def test_a_park_is_paired_once_per_batch_and_again_in_a_later_one(
    initiative, sichuan, chongqing
):
    a, b, c = _park(sichuan, "甲"), _park(chongqing, "乙"), _park(chongqing, "丙")
    first = park_pair_create(initiative=initiative, parks=[a, b])
    assert first.batch == 2021
    with pytest.raises(ValidationError) as refused:
        park_pair_create(initiative=initiative, parks=[a, c], batch=2021)
    assert "该园区在此批次中已有结对。" in str(refused.value)
    assert ParkPair.objects.count() == 1

    later = park_pair_create(initiative=initiative, parks=[a, c], batch=2023)
    assert sorted(p.name for p in later.parks.all()) == ["丙园区", "甲园区"]
    # The first batch's pair is as it was.
    assert sorted(p.name for p in first.parks.all()) == ["乙园区", "甲园区"]
    assert set(
        ParkPairMember.objects.filter(park=a).values_list("batch", flat=True)
    ) == {
        2021,
        2023,
    }


@pytest.mark.parametrize(
    "case, message",
    [
        ("same party", "结对园区须属于不同省市。"),
        ("one park", "结对至少需要两个园区。"),
        ("same park twice", "结对至少需要两个园区。"),
        ("designated later", "认定晚于该批次，不能在该批次结对。"),
    ],
)
def test_a_pair_that_cannot_be_is_refused_in_chinese_and_nothing_is_written(
    initiative, sichuan, chongqing, case, message
):
    a, b = _park(sichuan, "甲"), _park(chongqing, "乙", batch=2024)
    other_sc = _park(sichuan, "丙")
    parks, batch = {
        "same party": ([a, other_sc], None),
        "one park": ([a], None),
        "same park twice": ([a, a], None),
        "designated later": ([a, b], 2022),
    }[case]
    with pytest.raises(ValidationError) as refused:
        park_pair_create(initiative=initiative, parks=parks, batch=batch)
    assert message in str(refused.value)
    assert not ParkPair.objects.exists() and not ParkPairMember.objects.exists()


def test_a_pair_may_hold_the_parks_of_three_parties(initiative, sichuan, chongqing):
    guizhou = PartyFactory(name="贵州省", short_name="贵州")
    Participation.objects.create(
        initiative=initiative,
        party=guizhou,
        lead_agency=AgencyFactory(party=guizhou, is_lead=True),
        sort_order=3,
    )
    pair = park_pair_create(
        initiative=initiative,
        parks=[_park(sichuan, "甲"), _park(chongqing, "乙"), _park(guizhou, "丁")],
    )
    assert pair.ordered_members().count() == 3
    assert {m.park.party_id for m in pair.ordered_members()} == {
        sichuan.pk,
        chongqing.pk,
        guizhou.pk,
    }
    assert str(pair) == " ⇄ ".join(m.park.name for m in pair.ordered_members())
