"""The joint office imports its task list in a real browser: uploads a file
with a mistake and reads where it is, uploads the corrected file, reads the
dry run and imports it. Each page at 1366 and 375 px (BROWSER_ARTIFACTS)."""

from __future__ import annotations

import pytest

from tests.imports.conftest import build_world, good_sheets, workbook_bytes
from tracker.models import Task

from .conftest import PASSWORD, PHONE

pytestmark = pytest.mark.django_db(transaction=True)
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture
def world(initiative, sichuan, chongqing):
    return build_world(initiative, sichuan, chongqing)


def _both_widths(visitor, label: str) -> None:
    visitor.page.set_viewport_size(DESKTOP)
    visitor.shot(f"{label}-1366")
    visitor.page.set_viewport_size(PHONE)
    visitor.shot(f"{label}-375")
    wide = visitor.page.evaluate("document.documentElement.scrollWidth")
    assert wide <= PHONE["width"], f"{label} scrolls sideways at 375 px: {wide}"
    visitor.page.set_viewport_size(DESKTOP)


def _upload(page, path) -> None:
    page.goto("/imports/")
    page.get_by_test_id("upload-form").locator("input[type=file]").set_input_files(
        str(path)
    )
    with page.expect_navigation():
        page.get_by_test_id("upload-submit").click()


def test_the_office_checks_corrects_and_imports_a_file(
    visitors, world, office, tmp_path
):
    office.set_password(PASSWORD)
    office.save()
    sheets = good_sheets()
    sheets["责任单位"][1][2] = "成都市经信局"  # Chongqing's row, a Sichuan agency
    sheets["节点"][0][3] = "2027-01-01"  # after the item's due date
    wrong = tmp_path / "清单-有误.xlsx"
    wrong.write_bytes(workbook_bytes(sheets))
    right = tmp_path / "清单.xlsx"
    right.write_bytes(workbook_bytes(good_sheets()))

    clerk = visitors("office", viewport=DESKTOP)
    clerk.login("office")
    page = clerk.page
    page.goto("/imports/")
    assert page.get_by_test_id("imports-title").inner_text() == "导入合作事项清单"
    _both_widths(clerk, "upload-page")

    _upload(page, wrong)
    problems = page.get_by_test_id("problem")
    assert problems.count() == 2
    first = problems.nth(0).inner_text()
    assert "责任单位" in first and "3" in first and "成都市经信局" in first
    assert "超出事项的起止日期" in problems.nth(1).inner_text()
    assert page.get_by_test_id("commit").count() == 0
    _both_widths(clerk, "problems")

    _upload(page, right)
    assert page.get_by_test_id("count-create").inner_text() == "9"
    assert page.get_by_test_id("job-status").get_attribute("data-status") == "checked"
    assert not Task.objects.filter(initiative=world).exists()
    _both_widths(clerk, "dry-run")

    with page.expect_navigation():
        page.get_by_test_id("commit").click()
    assert page.get_by_test_id("job-done").is_visible()
    assert page.get_by_test_id("job-status").get_attribute("data-status") == "done"
    _both_widths(clerk, "imported")
    assert Task.objects.filter(initiative=world).count() == 2
