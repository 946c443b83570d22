"""A clerk's progress update with its evidence files, in a real browser: on
NY-01 (the UHV line), an item without indicators; the counterpart province
sees and downloads the files, on a desktop and on a phone."""

from pathlib import Path

import pghistory
import pytest

from tests.config.api_plumbing import PDF
from tests.config.test_api_uploads import png_1x1
from tracker.demo import DEMO_PASSWORD, load_demo
from tracker.models import ProgressUpdate, Task, UpdateEvidence

from .conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True)
DESKTOP_WIDE = {"width": 1366, "height": 900}
PNG = png_1x1()


@pytest.fixture
def demo():
    with pghistory.context(source="command", command="load_demo"):
        load_demo()


def _open_update_form(visitor, task):
    page = visitor.page
    page.goto(f"/tasks/{task.pk}/")
    # The progress form is the page's first form, open without a click.
    assert page.get_by_test_id("update-details").is_visible()
    return page.locator("#form-update")


def _fill(form, narrative: str, progress: str, files: list) -> None:
    form.locator("#id_update-narrative").fill(narrative)
    form.locator("#id_update-progress").fill(progress)
    form.locator("#id_update-evidence_files").set_input_files(files)


def test_update_with_two_evidence_files_on_an_item_without_indicators(
    visitors, demo, tmp_path
):
    task = Task.objects.get(code="NY-01")
    assert not task.indicators.exists()
    before = ProgressUpdate.objects.filter(task=task).count()
    photo = tmp_path / "铁塔组立现场照片.png"
    photo.write_bytes(PNG)
    minutes = tmp_path / "现场推进会会议纪要.pdf"
    minutes.write_bytes(PDF)
    fake = tmp_path / "验收证书.pdf"
    fake.write_bytes(b"<html>not a pdf</html>")

    sc = visitors("sc_coord", viewport=DESKTOP_WIDE)
    sc.login("sc_coord", DEMO_PASSWORD)
    page = sc.page

    # One of two files is not what its name says: a clear error, nothing saved.
    form = _open_update_form(sc, task)
    _fill(form, "四川段铁塔组立完成。", "75", [str(photo), str(fake)])
    with page.expect_navigation():
        page.get_by_test_id("update-submit").click()
    error = page.locator("#form-update .field-evidence_files")
    assert "验收证书.pdf：文件内容与文件类型不符。" in error.inner_text()
    sc.shot("refused-file-1366")
    assert ProgressUpdate.objects.filter(task=task).count() == before
    assert not UpdateEvidence.objects.exists()

    # The two right files.
    form = page.locator("#form-update")
    _fill(
        form, "四川段铁塔组立完成，召开现场推进会。", "75", [str(photo), str(minutes)]
    )
    sc.shot("update-form-filled-1366")
    with page.expect_navigation():
        page.get_by_test_id("update-submit").click()
    first = page.get_by_test_id("feed-item").first
    assert "召开现场推进会" in first.inner_text()
    links = first.get_by_test_id("evidence-file-link")
    assert links.all_inner_texts() == ["铁塔组立现场照片.png", "现场推进会会议纪要.pdf"]
    sizes = first.get_by_test_id("evidence-file-size").all_inner_texts()
    assert len(sizes) == 2 and all(s.strip() for s in sizes)
    first.scroll_into_view_if_needed()
    sc.shot("feed-with-files-1366")
    assert ProgressUpdate.objects.filter(task=task).count() == before + 1

    # Chongqing, the counterpart, on a phone: sees the files and downloads them.
    cq = visitors("cq_coord", viewport=PHONE, is_mobile=True, has_touch=True)
    cq.login("cq_coord", DEMO_PASSWORD)
    cq.page.goto(f"/tasks/{task.pk}/#feed")
    first = cq.page.get_by_test_id("feed-item").first
    links = first.get_by_test_id("evidence-file-link")
    assert links.count() == 2
    width = cq.page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways ({width} px)"
    first.scroll_into_view_if_needed()
    cq.shot("feed-with-files-375")
    form = _open_update_form(cq, task)
    form.locator("#id_update-evidence_files").set_input_files(
        [str(photo), str(minutes)]
    )
    form.scroll_into_view_if_needed()
    cq.shot("update-form-375")
    cq.page.goto(f"/tasks/{task.pk}/#feed")
    first = cq.page.get_by_test_id("feed-item").first
    links = first.get_by_test_id("evidence-file-link")
    with cq.page.expect_download() as download_info:
        links.nth(1).click()
    download = download_info.value
    assert download.suggested_filename == "现场推进会会议纪要.pdf"
    assert Path(download.path()).read_bytes() == PDF
    response = cq.context.request.get(links.nth(0).get_attribute("href"))
    assert response.status == 200 and response.body() == PNG
    assert response.headers["x-content-type-options"] == "nosniff"
