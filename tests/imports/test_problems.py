"""A file with many kinds of mistakes: each is reported at its sheet, row and
column, in Chinese and in English, and nothing at all is written."""

import re

from audit.models import TaskEvent
from imports import services
from imports.models import JobStatus
from tests.imports.conftest import good_sheets, workbook_bytes
from tracker.models import Task

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def broken_file() -> bytes:
    sheets = good_sheets()
    items, owners = sheets["事项"], sheets["责任单位"]
    milestones, indicators = sheets["节点"], sheets["指标"]
    items[1][7] = "2026-13-45"  # row 3: bad date
    items.append(list(items[0]))  # row 4: duplicate code IM-01
    items.append(
        ["IM-03", "", "能源保障", "共投共建", "", "", "", "2026-01-01", "", ""]
    )
    # row 5: title missing (required)
    items.append(
        [
            "IM-04",
            "无责任单位事项",
            "农业",
            "共投共建",
            "",
            "",
            "",
            "2026-01-01",
            "",
            "",
        ]
    )  # row 6: unknown work stream
    items.append(
        [
            "IM-05",
            "无责任单位事项",
            "能源保障",
            "共投共建",
            "",
            "",
            "",
            "2026-01-01",
            "",
            "",
        ]
    )  # row 7: no owner rows
    owners.append(["IM-02", "贵州省", "贵州省发改委", "张三", ""])  # row 5: party
    owners.append(["IM-01", "四川省", "四川省不存在局", "张三", ""])  # row 6: agency
    owners[1][2] = "成都市经信局"  # row 3: Chongqing's row names a Sichuan agency
    milestones.append(["IM-01", "越界节点", "", "2027-01-01", 1, ""])  # row 4
    milestones.append(["IM-01", "权重错误", "", "2025-05-01", "两个", ""])  # row 5
    milestones.append(["IM-99", "无主节点", "", "2025-05-01", 1, ""])  # row 6
    indicators[0][4] = "六百五十八"  # row 2: target not a number
    indicators.append(["IM-01", "隐藏指标", "个", 0, 1, "", ""])  # row 4, hidden

    def edit(book):
        book["指标"].row_dimensions[4].hidden = True
        # A merged cell across two rows of the milestones' description.
        book["节点"].merge_cells("F2:F3")

    return workbook_bytes(sheets, edit=edit)


EXPECTED = {
    ("事项", 3, "due_date"),
    ("事项", 4, "code"),
    ("事项", 5, "title"),
    ("事项", 6, "work_stream"),
    ("事项", 7, "code"),
    ("责任单位", 3, "agency"),
    ("责任单位", 5, "party"),
    ("责任单位", 6, "agency"),
    ("节点", 2, "description"),
    ("节点", 4, "due_date"),
    ("节点", 5, "weight"),
    ("节点", 6, "task"),
    ("指标", 2, "target"),
    ("指标", 4, None),
}


def test_every_problem_has_its_place_in_both_languages_and_nothing_is_written(
    world, office
):
    before = TaskEvent.objects.count()
    job = services.import_job_create(
        initiative=world, actor=office, file_name="错误清单.xlsx", data=broken_file()
    )
    assert job.status == JobStatus.CHECKED
    found = {(p["sheet"], p["row"], p["column"]) for p in job.problems}
    assert found == EXPECTED, job.problems
    for problem in job.problems:
        assert CHINESE.search(problem["zh"]), problem
        assert problem["en"] and problem["en"] != problem["zh"], problem
        assert len(re.findall(r"\b[A-Za-z]{2,}\b", problem["en"])) >= 2, problem
        assert problem["sheet_en"] in {"Items", "Owners", "Milestones", "Indicators"}
    by_place = {(p["sheet"], p["row"], p["column"]): p for p in job.problems}
    assert "not a date" in by_place[("事项", 3, "due_date")]["en"]
    assert "IM-01" in by_place[("事项", 4, "code")]["en"]
    assert "Duplicate" in by_place[("事项", 4, "code")]["en"]
    assert "responsible agency" in by_place[("事项", 7, "code")]["en"]
    assert "Unknown party" in by_place[("责任单位", 5, "party")]["en"]
    assert "Unknown agency" in by_place[("责任单位", 6, "agency")]["en"]
    assert "belongs to 四川省" in by_place[("责任单位", 3, "agency")]["en"]
    assert "outside the item's dates" in by_place[("节点", 4, "due_date")]["en"]
    assert "whole number" in by_place[("节点", 5, "weight")]["en"]
    assert "Merged cells" in by_place[("节点", 2, "description")]["en"]
    assert "hidden" in by_place[("指标", 4, None)]["en"]
    assert "not a number" in by_place[("指标", 2, "target")]["en"]

    assert not Task.objects.filter(initiative=world).exists()
    assert TaskEvent.objects.count() == before
    # And it cannot be imported as it is.
    import pytest

    from config.exceptions import InvalidInput

    with pytest.raises(InvalidInput):
        services.import_job_commit(job=job, actor=office)


def test_a_refusal_by_the_services_is_placed_and_rolls_everything_back(world, office):
    """A rule only the task list's services know (here: a milestone's party
    must own the item, said by the model) still lands on its row, and the
    items created before it in the same import are rolled back."""
    sheets = good_sheets()
    sheets["节点"][0][2] = "重庆市"  # IM-01 is owned by both: fine
    sheets["指标"][1][6] = "四川省"  # IM-02 is Chongqing's only
    job = services.import_job_create(
        initiative=world, actor=office, file_name="a.xlsx", data=workbook_bytes(sheets)
    )
    assert [(p["sheet"], p["row"], p["column"]) for p in job.problems] == [
        ("指标", 3, "party")
    ]
    assert not Task.objects.filter(initiative=world).exists()


def test_a_sheet_without_a_required_column_says_so_and_reads_none_of_its_rows(
    world, office
):
    book_rows = {
        "事项": [
            ["事项名称", "工作领域", "完成时限", "备注栏"],
            ["无编号事项", "能源保障", "2026-01-01", "x"],
        ]
    }
    job = services.import_job_create(
        initiative=world,
        actor=office,
        file_name="缺列.xlsx",
        data=workbook_bytes(book_rows, with_header=False),
    )
    found = {(p["sheet"], p["row"], p["column"], p["en"]) for p in job.problems}
    assert ("事项", 1, "code", "The column “事项编号” is missing.") in found
    assert ("事项", 1, "task_list", "The column “所属清单” is missing.") in found
    assert ("事项", 1, None, "Unknown column “备注栏”.") in found
    assert job.preview["summary"] == {"create": 0, "change": 0, "unchanged": 0}
