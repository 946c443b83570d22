"""The task list's export links in a browser, at 1366 and 375 px: they carry
the list's filter, download the file the list shows, and a large export's
status page offers the file once the worker wrote it."""

import io

import openpyxl
import pytest

from accounts.services import membership_grant, user_create
from tests.exports import conftest as exports_world
from tracker.exports import jobs
from tracker.models import ExportJob

from .conftest import PASSWORD

# The export tests' world: three visible tasks and one of another initiative.
world = exports_world.world

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = {"1366": {"width": 1366, "height": 800}, "375": {"width": 375, "height": 812}}


@pytest.fixture
def leader(initiative):
    user = user_create(username="zb_leader", password=PASSWORD, full_name="李明")
    membership_grant(
        user=user, party=initiative.parties.get(code="sc"), role="leadership"
    )
    return user


@pytest.mark.parametrize("width", WIDTHS)
def test_the_export_links_carry_the_filter_and_download_it(
    visitors,
    world,
    leader,
    width,
):
    visitor = visitors("zb_leader", viewport=WIDTHS[width])
    visitor.login("zb_leader")
    page = visitor.page
    page.goto("/tasks/?light=red")
    xlsx, csv = page.locator("#task-export-xlsx"), page.locator("#task-export-csv")
    assert xlsx.inner_text() == "导出 Excel" and csv.inner_text() == "导出 CSV"
    assert xlsx.get_attribute("href") == "/tasks/export.xlsx?light=red"
    assert xlsx.is_visible() and csv.is_visible()
    # Nothing scrolls sideways on a phone because of the links.
    assert (
        page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width]["width"]
    )
    visitor.shot(f"task-list-export-links-{width}")
    with page.expect_download() as download:
        xlsx.click()
    path = download.value.path()
    with open(path, "rb") as file:
        book = openpyxl.load_workbook(io.BytesIO(file.read()))
    assert book.sheetnames == ["事项", "责任单位", "节点", "指标"]
    codes = [r[0] for r in book["事项"].iter_rows(min_row=2, values_only=True)]
    assert codes == ["NY-01"]
    assert download.value.suggested_filename.startswith("tasks-")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_large_exports_status_page(
    visitors,
    world,
    leader,
    width,
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = str(tmp_path)
    job = ExportJob.objects.create(
        user=leader, format="xlsx", source="page", language="zh-hans"
    )
    visitor = visitors("zb_leader", viewport=WIDTHS[width])
    visitor.login("zb_leader")
    page = visitor.page
    page.goto(f"/tasks/exports/{job.pk}/")
    assert page.locator("#export-job").get_attribute("data-status") == "queued"
    assert "正在生成" in page.locator("#export-job").inner_text()
    visitor.shot(f"export-job-queued-{width}")
    jobs.export_job_run(job_id=job.pk)  # what the worker does
    page.goto(f"/tasks/exports/{job.pk}/")
    link = page.locator("#export-job-download")
    assert "共3项" in link.inner_text()
    assert (
        page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width]["width"]
    )
    visitor.shot(f"export-job-done-{width}")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".xlsx")
