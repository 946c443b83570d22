"""The demo's first evaluation cycle: 首批产业合作示范园区绩效评价, announced on
2024-12-12, every one of the 20 parks of the first batch meeting its creation
targets, with values whose totals are the article's: mutual procurement
orders close to 100 billion yuan (近千亿元: 980 亿元), more than 1,000
enterprises in co-construction (each park's count a lower bound, 超…家),
co-built large enterprises' revenue growing over 10 % a year, park revenue
above 1.6 trillion yuan in 2023 (16,630 亿元) and cooperating enterprises' share
of it 22 %. Taken through the services, step by step, as the parties and the
joint office would; loading again creates nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Q

from . import services
from .models import EvaluationCycle

NAME = "首批产业合作示范园区绩效评价"
ANNOUNCED_ON = dt.date(2024, 12, 12)
CYCLE = {
    "batch": 2021,
    "period_start": dt.date(2021, 1, 1),
    "period_end": dt.date(2023, 12, 31),
    "submit_due": dt.date(2024, 9, 30),
    "review_due": dt.date(2024, 10, 31),
    "score_due": dt.date(2024, 11, 29),
    "publish_due": dt.date(2024, 12, 12),
    "pass_score": Decimal(60),
}
# code, name, unit, rule, figures, weight
INDICATORS = [
    ("orders", "产品互采订单", "亿元", "linear", {"lower": 0, "upper": 60}, 20),
    ("firms", "共建企业数", "家", "threshold", {"threshold": 30}, 20),
    ("growth", "共建规上企业营收增长", "%", "threshold", {"threshold": 10}, 20),
    ("revenue", "园区营业收入", "亿元", "rank", {"lower": Decimal("0.5")}, 20),
    ("share", "合作企业营收占比", "%", "linear", {"lower": 10, "upper": 30}, 20),
]
# Per park, in the order of tracker.demo.data.PARKS:
# orders (亿元, since creation), firms (家, 超), growth (% a year),
# revenue (亿元, 2023), share (%, 2023).
VALUES = {
    "成都经济技术开发区": ("88", "88", "12.3", "2150", "27.0"),
    "成都天府国际生物城": ("80", "72", "15.1", "620", "31.0"),
    "德阳经济技术开发区": ("44", "45", "10.8", "980", "19.5"),
    "绵阳高新技术产业开发区": ("48", "52", "11.6", "1320", "21.0"),
    "遂宁经济技术开发区": ("40", "40", "10.9", "640", "18.5"),
    "内江经济技术开发区": ("36", "38", "10.4", "560", "17.0"),
    "资阳高新技术产业开发区": ("33", "35", "11.2", "410", "16.5"),
    "广安经济技术开发区": ("40", "41", "12.0", "590", "20.0"),
    "达州高新技术产业开发区": ("34", "33", "10.6", "520", "15.5"),
    "泸州高新技术产业开发区": ("37", "36", "11.1", "610", "18.0"),
    "重庆两江新区鱼复工业园": ("84", "90", "13.4", "2480", "24.5"),
    "重庆国际生物城": ("76", "70", "14.2", "540", "30.5"),
    "重庆璧山高新技术产业开发区": ("45", "47", "11.5", "760", "20.5"),
    "重庆西永微电子产业园区": ("50", "60", "12.8", "1650", "23.0"),
    "重庆潼南高新技术产业开发区": ("38", "39", "10.7", "480", "18.0"),
    "重庆荣昌高新技术产业开发区": ("40", "44", "11.3", "520", "19.5"),
    "重庆大足高新技术产业开发区": ("35", "37", "10.5", "470", "17.5"),
    "重庆合川高新技术产业开发区": ("42", "42", "11.9", "610", "19.0"),
    "重庆万州经济技术开发区": ("44", "46", "10.2", "420", "16.0"),
    "重庆永川高新技术产业开发区": ("46", "45", "11.0", "300", "22.4"),
}
NOTES = {"firms": "超{value}家"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _evidence(park_name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        f"{park_name}绩效自评报告.pdf", PDF, content_type="application/pdf"
    )


@transaction.atomic
def load_evaluation(*, initiative, office, coordinators: dict[int, object]) -> int:
    """The cycle, published; `coordinators` maps a party's id to the
    coordinator who reports (and reviews) for it. Returns 1 when it was
    created, 0 when it was already there."""
    # Also there when the results recorded before cycles were migrated into one.
    if EvaluationCycle.objects.filter(
        Q(name=NAME) | Q(batch=CYCLE["batch"], announced_on=ANNOUNCED_ON),
        initiative=initiative,
    ).exists():
        return 0
    cycle = services.cycle_create(
        user=office, initiative=initiative, name=NAME, **CYCLE
    )
    for code, name, unit, rule, figures, weight in INDICATORS:
        services.indicator_add(
            user=office,
            cycle=cycle,
            code=code,
            name=name,
            unit=unit,
            rule=rule,
            weight=Decimal(weight),
            **{k: Decimal(v) for k, v in figures.items()},
        )
    assessments = list(
        cycle.assessments.select_related("park").order_by("park__party", "pk")
    )
    for a in assessments:
        figures = dict(
            zip([i[0] for i in INDICATORS], VALUES[a.park.name], strict=True)
        )
        services.assessment_submit(
            user=coordinators[a.park.party_id],
            assessment=a,
            values={
                code: (
                    value,
                    code == "firms",
                    NOTES.get(code, "").format(value=value),
                )
                for code, value in figures.items()
            },
            evidence=[_evidence(a.park.name)],
        )
    for a in assessments:
        reviewer = next(
            user for party, user in coordinators.items() if party != a.park.party_id
        )
        services.assessment_agree(user=reviewer, assessment=a)
    for a in assessments:
        services.assessment_score(user=office, assessment=a)
    services.cycle_publish(user=office, cycle=cycle, announced_on=ANNOUNCED_ON)
    return 1
