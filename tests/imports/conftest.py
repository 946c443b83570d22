"""A task list to import into: the conftest's two-party initiative with two
work streams and a few agencies, and workbooks built cell by cell."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from imports.columns import INDICATORS, ITEMS, MILESTONES, OWNERS, SHEETS
from tests.factories import AgencyFactory
from tracker import services

ITEM_ROWS = [
    [
        "IM-01",
        "川渝特高压配套工程",
        "能源保障",
        "共投共建",
        "四川省",
        "高",
        "2025-01-01",
        "2025-12-31",
        "未启动",
        "配套线路建设",
    ],
    [
        "IM-02",
        "工业互联网平台共建",
        "数字基础设施",
        "相向合作",
        "重庆市",
        "",
        "2025-03-01",
        "2026-06-30",
        "推进中",
        "",
    ],
]
OWNER_ROWS = [
    ["IM-01", "四川省", "四川省牵头单位", "李明", "028-1234567"],
    ["IM-01", "重庆市", "重庆市牵头单位", "王芳", ""],
    ["IM-02", "重庆市", "重庆市牵头单位", "王芳", "023-7654321"],
]
MILESTONE_ROWS = [
    ["IM-01", "完成可研批复", "", "2025-06-30", 2, ""],
    ["IM-01", "四川段开工", "四川省", "2025-09-30", 1, "成都段"],
]
INDICATOR_ROWS = [
    ["IM-01", "线路长度", "公里", 0, 658, "越高越好", ""],
    ["IM-02", "双跨平台", "个", None, 2, "", "重庆市"],
]


def rows_of(sheet: str, rows: list[list]) -> list[list]:
    return [[c.zh for c in SHEETS[sheet]], *rows]


def workbook_bytes(
    sheets: dict[str, list[list]], *, with_header=True, edit=None
) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows_of(name, rows) if with_header else rows:
            sheet.append(row)
    if edit is not None:
        edit(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def good_sheets() -> dict[str, list[list]]:
    return {
        ITEMS: [list(r) for r in ITEM_ROWS],
        OWNERS: [list(r) for r in OWNER_ROWS],
        MILESTONES: [list(r) for r in MILESTONE_ROWS],
        INDICATORS: [list(r) for r in INDICATOR_ROWS],
    }


@pytest.fixture
def world(initiative, sichuan, chongqing):
    return build_world(initiative, sichuan, chongqing)


def build_world(initiative, sichuan, chongqing):
    services.work_stream_create(initiative=initiative, code="energy", name="能源保障")
    services.work_stream_create(
        initiative=initiative, code="digital", name="数字基础设施", sort_order=1
    )
    AgencyFactory(party=sichuan, name="成都市经信局")
    AgencyFactory(party=chongqing, name="重庆市大数据局")
    return initiative
