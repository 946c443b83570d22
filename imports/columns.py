"""The columns of the task list workbook, defined once: the import's template
reads them, the import matches headers against them, and an export writes
them. A sheet is an ordered list of columns; a new field appears in the
template by being added here.

Each column: field key, Chinese header, English header, the note shown on the
header cell, its type, and where its drop-down list comes from (`None`: free
input)."""

from __future__ import annotations

from dataclasses import dataclass


class Type:
    TEXT = "text"
    DATE = "date"
    INTEGER = "integer"
    DECIMAL = "decimal"


class Source:
    """Drop-down lists, filled from the database for the initiative."""

    PARTIES = "parties"
    AGENCIES = "agencies"
    WORK_STREAMS = "work_streams"
    TASK_LISTS = "task_lists"
    STATUSES = "statuses"
    PRIORITIES = "priorities"
    MILESTONE_STATUSES = "milestone_statuses"
    DIRECTIONS = "directions"


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    note: str
    type: str = Type.TEXT
    source: str | None = None
    required: bool = False
    # Written by the export after the import's columns, from what the service
    # computes (progress, lights, days overdue …): the import knows the header
    # and passes over the column.
    computed: bool = False


ITEMS = "事项"
OWNERS = "责任单位"
MILESTONES = "节点"
INDICATORS = "指标"

SHEET_EN = {
    ITEMS: "Items",
    OWNERS: "Owners",
    MILESTONES: "Milestones",
    INDICATORS: "Indicators",
}

_CODE_NOTE = "合作事项编号，在本清单内唯一，如 NY-01。导入按编号对应已有事项。"

SHEETS: dict[str, list[Column]] = {
    ITEMS: [
        Column("code", "事项编号", "Item code", _CODE_NOTE, required=True),
        Column(
            "title", "事项名称", "Title", "合作事项名称，200字以内。", required=True
        ),
        Column(
            "work_stream",
            "工作领域",
            "Work stream",
            "从下拉列表选择本清单已有的工作领域。",
            source=Source.WORK_STREAMS,
            required=True,
        ),
        Column(
            "task_list",
            "所属清单",
            "List",
            "共投共建、相向合作或共同争取，三选一。",
            source=Source.TASK_LISTS,
            required=True,
        ),
        Column(
            "lead_party",
            "牵头省市",
            "Lead party",
            "可空；填写参与本清单的省市全称。",
            source=Source.PARTIES,
        ),
        Column(
            "priority",
            "优先级",
            "Priority",
            "高、中、低；空则为中。",
            source=Source.PRIORITIES,
        ),
        Column(
            "planned_start",
            "计划开始日期",
            "Planned start",
            "可空；日期，如 2025-01-01。",
            Type.DATE,
        ),
        Column(
            "due_date",
            "完成时限",
            "Due date",
            "日期，如 2025-12-31；已有事项的完成时限只能通过延期申请调整。",
            Type.DATE,
            required=True,
        ),
        Column(
            "status",
            "状态",
            "Status",
            "新事项为未启动或推进中，或按台账记为已销号、已取消；已有事项的状态按流程办理，导入不改。",
            source=Source.STATUSES,
        ),
        Column("description", "事项内容", "Description", "可空；事项的具体内容。"),
    ],
    OWNERS: [
        Column("task", "事项编号", "Item code", _CODE_NOTE, required=True),
        Column(
            "party",
            "省市",
            "Party",
            "责任单位所属省市；每个事项每个省市一行。",
            source=Source.PARTIES,
            required=True,
        ),
        Column(
            "agency",
            "责任单位",
            "Responsible agency",
            "填写该省市已登记的责任单位全称。",
            source=Source.AGENCIES,
            required=True,
        ),
        Column("contact_name", "联系人", "Contact person", "姓名。", required=True),
        Column("contact_phone", "联系电话", "Contact phone", "可空。"),
    ],
    MILESTONES: [
        Column("task", "事项编号", "Item code", _CODE_NOTE, required=True),
        Column(
            "title",
            "节点名称",
            "Milestone",
            "同一事项内按节点名称对应已有节点。",
            required=True,
        ),
        Column(
            "party",
            "省市",
            "Party",
            "空则为双方共同节点。",
            source=Source.PARTIES,
        ),
        Column(
            "due_date",
            "完成时限",
            "Due date",
            "日期，不晚于事项的完成时限。",
            Type.DATE,
            required=True,
        ),
        Column("weight", "权重", "Weight", "1–100 的整数；空则为1。", Type.INTEGER),
        Column("description", "说明", "Description", "可空。"),
    ],
    INDICATORS: [
        Column("task", "事项编号", "Item code", _CODE_NOTE, required=True),
        Column(
            "name",
            "指标名称",
            "Indicator",
            "同一事项内按指标名称对应已有指标。",
            required=True,
        ),
        Column("unit", "单位", "Unit", "如 场、台、Gbps。", required=True),
        Column("baseline", "基期值", "Baseline", "可空；数字。", Type.DECIMAL),
        Column("target", "目标值", "Target value", "可空；数字。", Type.DECIMAL),
        Column(
            "direction",
            "方向",
            "Direction of good",
            "越高越好或越低越好；空则为越高越好。",
            source=Source.DIRECTIONS,
        ),
        Column(
            "party",
            "省市",
            "Party",
            "空则为双方共同指标。",
            source=Source.PARTIES,
        ),
    ],
}


def _computed(key: str, zh: str, en: str, type: str = Type.TEXT) -> Column:
    return Column(key, zh, en, "导出时计算，导入时不读取。", type, computed=True)


# The export-only columns of each sheet, after its import columns: what the
# service computes from the workflow, the progress updates and the date.
EXPORT_ONLY: dict[str, list[Column]] = {
    ITEMS: [
        _computed("progress", "进度", "Progress", Type.DECIMAL),
        _computed("light", "亮灯", "Light"),
        _computed("light_reason", "亮灯原因", "Light reason"),
        _computed("days_overdue", "逾期天数", "Days overdue", Type.INTEGER),
        _computed(
            "milestone_days_overdue",
            "节点逾期天数",
            "Milestone days overdue",
            Type.INTEGER,
        ),
    ],
    OWNERS: [],
    MILESTONES: [
        _computed("status", "状态", "Status"),
        _computed("completed_at", "完成时间", "Completed at", Type.DATE),
        _computed("days_overdue", "逾期天数", "Days overdue", Type.INTEGER),
    ],
    INDICATORS: [
        _computed("actual", "完成值", "Actual", Type.DECIMAL),
        _computed("actual_as_of", "完成值截至", "Actual as of", Type.DATE),
    ],
}


def all_columns(sheet: str) -> list[Column]:
    """The sheet's columns as an export writes them: the import's, then the
    computed ones."""
    return [*SHEETS[sheet], *EXPORT_ONLY[sheet]]


# The code of the template's example row: an import passes over it.
EXAMPLE_CODE = "示例-01"


def header_index(sheet: str) -> dict[str, Column]:
    """Every spelling of each header of `sheet` (Chinese, English, field key),
    folded, to its column; the export-only columns included (flagged
    `computed`), so that an exported file reads without unknown columns."""
    found = {}
    for column in reversed(all_columns(sheet)):
        for name in (column.zh, column.en, column.key):
            found[fold(name)] = column
    return found


def sheet_named(name: str) -> str | None:
    """The sheet a workbook's tab names, in Chinese or in English."""
    folded = fold(name)
    for sheet, english in SHEET_EN.items():
        if folded in (fold(sheet), fold(english)):
            return sheet
    return None


def fold(text: str) -> str:
    return "".join(str(text).split()).casefold()
