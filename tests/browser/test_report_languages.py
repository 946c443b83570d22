"""A report downloaded in English, which was not stored: the page shows the
worker's progress (no inline script), then the file downloads by itself; at
desktop and phone widths. A real Celery worker makes the files, once."""

import pytest
from django.utils import timezone

from reports import services
from reports.choices import ReportStatus
from reports.models import ReportFile, ReportRendition
from tests.celery_worker import Worker, new_queue
from tracker.demo import DEMO_PASSWORD, load_demo
from tracker.models import Initiative

from .conftest import PHONE

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]

WIDE = {"width": 1366, "height": 900}


def _in_english(visitor) -> None:
    page = visitor.page
    page.select_option("#language", "en")
    with page.expect_navigation():
        page.locator("form.lang-form button[type=submit]").last.click()


def _fits_the_screen(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth + 1"
    )


def test_an_english_pdf_is_made_by_the_worker_while_the_page_shows_progress(
    visitors, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    queue = new_queue()
    settings.REPORTS_QUEUE = queue
    today = timezone.localdate()
    load_demo(today=today)
    report, _created = services.report_request(
        initiative=Initiative.objects.get(), kind="monthly", today=today
    )
    assert services.report_generate(report_id=report.pk).status == ReportStatus.DONE

    desk = visitors("sc_leader", viewport=WIDE)
    desk.login("sc_leader", DEMO_PASSWORD)
    _in_english(desk)
    phone = visitors("sc_leader", viewport=PHONE, is_mobile=True, has_touch=True)
    phone.login("sc_leader", DEMO_PASSWORD)
    _in_english(phone)

    for visitor, label in ((desk, "report-en-1366"), (phone, "report-en-375")):
        visitor.page.goto(f"/reports/{report.pk}/")
        assert visitor.page.locator("html").get_attribute("lang") == "en"
        assert _fits_the_screen(visitor.page), label
        visitor.shot(label)

    # The PDF link of the report page, in English: nothing stored yet.
    link = desk.page.locator("nav.downloads a", has_text="PDF")
    href = link.get_attribute("href")
    assert href == f"/reports/{report.pk}/download/pdf/?lang=en"
    response = desk.page.goto(href)
    assert response.status == 202
    assert "being prepared" in desk.page.locator("h1").inner_text()
    assert desk.page.locator("#report-status").inner_text().startswith("Queued")
    desk.shot("preparing-1366")
    assert phone.page.goto(href).status == 202  # the same rendition, not another
    assert _fits_the_screen(phone.page), "the progress page scrolls sideways"
    phone.shot("preparing-375")
    assert ReportRendition.objects.count() == 1

    worker = Worker(
        queue, MEDIA_ROOT=settings.MEDIA_ROOT, REPORTS_STEP_PAUSE_SECONDS="1"
    )
    worker.start()
    try:
        with (
            desk.page.expect_download(timeout=120_000) as desk_file,
            phone.page.expect_download(timeout=120_000) as phone_file,
        ):
            pass  # progress.js polls, then reloads into the download
        desk.shot("ready-1366")
        assert desk.page.locator("#report-ready").is_visible()
        for download in (desk_file.value, phone_file.value):
            assert download.suggested_filename.endswith(".pdf")
            with open(download.path(), "rb") as pdf:
                assert pdf.read(5) == b"%PDF-"
    finally:
        worker.stop()

    rendition = ReportRendition.objects.get()
    assert (rendition.status, rendition.attempts, rendition.step) == ("done", 1, 3)
    english = ReportFile.objects.filter(report=report, language="en")
    assert sorted(english.values_list("format", flat=True)) == ["html", "pdf", "xlsx"]
    assert "Traceback" not in worker.output, worker.output
