"""Sichuan and Chongqing report on the same joint item at the same time, each
in their own browser: both updates go through, and the page shows each
party's figure beside the item's derived one."""

import re

import pghistory
import pytest

from tracker.demo import DEMO_PASSWORD, load_demo
from tracker.models import Task, TaskOwner

from .conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True)
DESKTOP_WIDE = {"width": 1366, "height": 900}
CODE = "NY-01"  # the UHV line: owned by both provinces


@pytest.fixture
def demo():
    with pghistory.context(source="command", command="load_demo"):
        load_demo()


def _open_form(visitor, task: Task):
    page = visitor.page
    page.goto(f"/tasks/{task.pk}/")
    # The progress form is the page's first form, open without a click.
    assert page.get_by_test_id("update-details").is_visible()
    return page.locator("#form-update")


def _fill(form, narrative: str, progress: int) -> None:
    form.locator("#id_update-narrative").fill(narrative)
    form.locator("#id_update-progress").fill(str(progress))


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


@pytest.mark.parametrize("viewport", [DESKTOP_WIDE, PHONE], ids=["1366", "375"])
def test_both_provinces_report_on_one_joint_item_at_once(visitors, demo, viewport):
    task = Task.objects.get(code=CODE)
    sc = visitors("sc_coord", viewport=viewport)
    cq = visitors("cq_coord", viewport=viewport)
    sc.login("sc_coord", DEMO_PASSWORD)
    cq.login("cq_coord", DEMO_PASSWORD)

    # Both open the item and fill the form before either submits.
    sc_form, cq_form = _open_form(sc, task), _open_form(cq, task)
    _fill(sc_form, "四川段铁塔组立全部完成，进入架线施工。", 72)
    _fill(cq_form, "重庆段跨江段架线完成，开展带电调试准备。", 81)
    sc.shot("form-filled")
    cq.shot("form-filled")
    for visitor, form in ((sc, sc_form), (cq, cq_form)):
        # Submitted with Enter in the figure: headless Chromium loses a mouse
        # click that comes right after a full-page screenshot at phone width
        # (no request is sent; without the screenshot the click submits).
        # A generous wait: the machine may be busy, nothing here is timed.
        with visitor.page.expect_navigation(timeout=60_000):
            form.locator("#id_update-progress").press("Enter")

    # Neither met a conflict: both are back on the item with its message.
    for visitor in (sc, cq):
        page = visitor.page
        assert page.get_by_test_id("conflict").count() == 0
        assert re.search(rf"/tasks/{task.pk}/", page.url)
    parts = {o.party.code: o for o in TaskOwner.objects.filter(task=task)}
    sc_code, cq_code = sorted(parts, key=lambda c: parts[c].party.sort_order)
    assert (parts[sc_code].progress, parts[cq_code].progress) == (72, 81)
    task.refresh_from_db()
    assert task.progress == (72 + 81) // 2

    page = cq.page
    page.reload()
    figures = {
        cell.get_attribute("data-party"): cell.inner_text()
        for cell in page.get_by_test_id("owner-progress").all()
    }
    assert figures == {sc_code: "72%", cq_code: "81%"}
    assert f"{task.progress}%" in page.get_by_test_id("task-progress").inner_text()
    summary = page.get_by_test_id("party-progress").first.inner_text()
    assert "72%" in summary and "81%" in summary
    assert "整体进度按各方平均计算" in page.get_by_test_id("progress-rule").inner_text()
    page.locator("#owners").scroll_into_view_if_needed()
    cq.shot("both-parties-reported")
    _no_sideways_scroll(page)

    # The task list shows both parties beside the item's figure too.
    page.goto(f"/tasks/?search={CODE}")
    row = page.locator(f"[data-testid=task-row][data-code='{CODE}']")
    assert "72%" in row.inner_text() and "81%" in row.inner_text()
    cq.shot("task-list")
