import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from parks import services
from tracker.services.structure import industrial_park_create, park_pair_create

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def evidence(name="佐证材料.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def parks_world(initiative, sichuan, chongqing, office, sc_coord, cq_coord):
    """Two pairs of the 2021 batch: 甲(川)⇄乙(渝), 丙(川)⇄丁(渝)."""
    parks = {
        key: industrial_park_create(
            party=party, name=f"{key}园区", city_county=f"{key}县", batch=2021
        )
        for key, party in (
            ("甲", sichuan),
            ("乙", chongqing),
            ("丙", sichuan),
            ("丁", chongqing),
        )
    }
    pairs = [
        park_pair_create(initiative=initiative, parks=[parks["甲"], parks["乙"]]),
        park_pair_create(initiative=initiative, parks=[parks["丙"], parks["丁"]]),
    ]
    cycle = services.cycle_create(
        user=office,
        initiative=initiative,
        name="2024年绩效评价",
        batch=2021,
        period_start=dt.date(2023, 1, 1),
        period_end=dt.date(2023, 12, 31),
        submit_due=dt.date(2024, 9, 30),
        review_due=dt.date(2024, 10, 31),
        score_due=dt.date(2024, 11, 30),
        publish_due=dt.date(2024, 12, 12),
    )
    services.indicator_add(
        user=office,
        cycle=cycle,
        code="orders",
        name="产品互采订单",
        unit="亿元",
        rule="linear",
        lower=Decimal(0),
        upper=Decimal(100),
        weight=Decimal(50),
    )
    services.indicator_add(
        user=office,
        cycle=cycle,
        code="firms",
        name="共建企业数",
        unit="家",
        rule="threshold",
        threshold=Decimal(50),
        weight=Decimal(50),
    )
    assessments = {a.park.name[0]: a for a in cycle.assessments.select_related("park")}
    return {
        "cycle": cycle,
        "parks": parks,
        "pairs": pairs,
        "a": assessments,
        "office": office,
        "sc": sc_coord,
        "cq": cq_coord,
    }


def submit(world, key, user, orders="80", firms="60", **kwargs):
    return services.assessment_submit(
        user=user,
        assessment=world["a"][key],
        values={"orders": (orders, False, ""), "firms": (firms, True, "超")},
        evidence=[evidence()],
        **kwargs,
    )
