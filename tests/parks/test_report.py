"""The report's parks: a pair of any size with each park's latest published
result and the latest cycle's totals; snapshots frozen before cycles (rounds,
two sides) still render, in the page and in the workbook's Parks sheet."""

import copy
import io
import json
from html import unescape
from pathlib import Path

import openpyxl
import pytest

from reports.render import render, render_body

DATA = Path(__file__).resolve().parents[1] / "reports" / "data"


@pytest.fixture
def week():
    return json.loads((DATA / "snapshot_week.json").read_text(encoding="utf-8"))


def _side(name, party, score, rank):
    return {
        "name": name,
        "city": "某地",
        "party": party,
        "result": "met",
        "score": score,
        "rank": rank,
        "cycle": "首批产业合作示范园区绩效评价",
        "announced_on": "2024-12-12",
    }


@pytest.fixture
def cycles(week):
    snapshot = copy.deepcopy(week)
    snapshot["parks"] = [
        {
            "name": "三方结对",
            "paired_on": None,
            "batch": 2021,
            "sides": [
                _side("甲园区", "川", "91.5", 1),
                _side("乙园区", "渝", "88", 2),
                _side("丙园区", "黔", "70.25", 3),
            ],
        }
    ]
    snapshot["parks_summary"] = {
        "pairs": 1,
        "parks": 3,
        "met": 3,
        "cycles": ["首批产业合作示范园区绩效评价"],
        "totals": {
            "cycle": "首批产业合作示范园区绩效评价",
            "announced_on": "2024-12-12",
            "parks": 3,
            "met": 3,
            "orders": {
                "name": "产品互采订单",
                "unit": "亿元",
                "value": "980",
                "is_lower_bound": False,
            },
            "firms": {
                "name": "共建企业数",
                "unit": "家",
                "value": "1000",
                "is_lower_bound": True,
            },
            "share": {
                "name": "合作企业营收占比",
                "unit": "%",
                "value": "22",
                "is_lower_bound": False,
            },
        },
    }
    return snapshot


def _parks_sheet(snapshot, language):
    workbook = openpyxl.load_workbook(
        io.BytesIO(render("xlsx", snapshot, language=language))
    )
    return [[c.value for c in row] for row in workbook.worksheets[-1].iter_rows()]


def test_pairs_of_any_size_with_scores_ranks_and_totals(cycles):
    html = unescape(render_body(cycles, language="zh-hans"))
    for name in ("甲园区", "乙园区", "丙园区"):
        assert name in html
    assert 'rowspan="3"' in html
    assert "91.5" in html and "70.25" in html
    assert "产品互采订单：980亿元" in html
    assert "共建企业数：超1000家" in html
    assert "合作企业营收占比：22%" in html
    assert "3个园区中3个达到创建目标" in html
    rows = _parks_sheet(cycles, "zh-hans")
    assert rows[0][2] == "园区" and len(rows) == 4
    assert [r[2] for r in rows[1:]] == ["甲园区", "乙园区", "丙园区"]
    assert rows[1][6] == 91.5 and rows[1][7] == 1
    assert rows[1][8] == "首批产业合作示范园区绩效评价"


def test_a_snapshot_frozen_before_cycles_still_renders(week):
    assert "park_a" in week["parks"][0] and "rounds" in week["parks_summary"]
    html = unescape(render_body(week, language="en"))
    assert "20 of 20 parks met their creation targets." in html
    assert "Evaluation rounds: 2024." in html
    assert week["parks"][0]["park_a"]["name"] in html
    assert "round 2024, announced" in html
    rows = _parks_sheet(week, "en")
    assert len(rows) == 21
    assert rows[1][8] == 2024
