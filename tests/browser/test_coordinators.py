"""Coordinators of both provinces at work in real browsers, on the demo list."""

import base64
import datetime as dt

import pghistory
import pytest
from django.utils.timezone import localdate

from tracker.choices import MilestoneStatus, TaskStatus
from tracker.demo import DEMO_PASSWORD, load_demo
from tracker.models import IndicatorReading, Milestone, ProgressUpdate, Task

from .conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True)
DESKTOP_WIDE = {"width": 1366, "height": 900}

# A real (1×1) PNG: evidence files are checked by their content, not their name.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


@pytest.fixture
def demo():
    # As `manage.py load_demo` runs it: in a command's audit context.
    with pghistory.context(source="command", command="load_demo"):
        load_demo()


def _open_task(visitor, code: str) -> Task:
    task = Task.objects.get(code=code)
    visitor.page.goto(f"/tasks/{task.pk}/")
    assert code in visitor.page.get_by_test_id("task-title").inner_text()
    return task


def test_chongqing_coordinator_posts_an_update_with_evidence(visitors, demo, tmp_path):
    evidence = tmp_path / "产能核定表.png"
    evidence.write_bytes(PNG)
    cq = visitors("cq_coord")
    cq.login("cq_coord", DEMO_PASSWORD)
    cq.shot("home")
    cq.page.goto("/tasks/")
    cq.shot("task-list")
    task = _open_task(cq, "NY-02")
    indicator = task.indicators.get()
    page = cq.page

    # The update form is open at the top of the page: nothing to unfold.
    assert page.get_by_test_id("update-details").is_visible()
    form = page.locator("#form-update")
    form.locator("#id_update-narrative").fill("页岩气新井投产，月度产能核定完成。")
    form.locator("#id_update-progress").fill("64")
    form.locator("#id_update-indicator").select_option(str(indicator.pk))
    form.locator("#id_update-period").fill(str(localdate() - dt.timedelta(days=30)))
    form.locator("#id_update-value").fill("812.5")
    form.locator("#id_update-evidence").set_input_files(str(evidence))
    cq.shot("update-form-filled")
    with page.expect_navigation():
        page.get_by_test_id("update-submit").click()

    first = page.get_by_test_id("feed-item").first
    assert "页岩气新井投产" in first.inner_text()
    assert "64" in first.get_by_test_id("feed-progress").inner_text()
    link = first.get_by_test_id("evidence-link")
    assert link.is_visible()
    cq.shot("feed-with-update")
    # The evidence link serves the very file that was sent.
    download = cq.context.request.get(link.get_attribute("href"))
    assert download.status == 200 and download.body() == PNG

    update = ProgressUpdate.objects.filter(task=task).latest()
    assert update.progress == 64 and update.party.code == "CQ"
    reading = IndicatorReading.objects.get(indicator=indicator, value="812.5")
    assert reading.evidence and reading.party.code == "CQ"


def test_sichuan_coordinator_cannot_edit_a_chongqing_milestone(visitors, demo):
    milestone = (
        Milestone.objects.filter(task__code="NY-02", party__code="CQ")
        .exclude(status=MilestoneStatus.DONE)
        .get()
    )
    sc = visitors("sc_coord")
    sc.login("sc_coord", DEMO_PASSWORD)
    _open_task(sc, "NY-02")
    page = sc.page
    row = page.locator(f"#milestone-{milestone.pk}")
    assert row.is_visible()
    assert row.get_by_test_id(f"ms-{milestone.pk}-edit").count() == 0
    assert page.locator(f"#form-ms-{milestone.pk}").count() == 0
    sc.shot("no-control-on-chongqing-milestone")

    # Forced: the same POST the Chongqing coordinator's form would send.
    response = sc.context.request.post(
        f"/milestones/{milestone.pk}/edit/",
        form={
            f"ms-{milestone.pk}-status": "done",
            f"ms-{milestone.pk}-version": str(milestone.version),
        },
        headers={"X-CSRFToken": sc.csrf_token(), "Referer": page.url},
    )
    assert response.status == 403
    page.goto(f"/milestones/{milestone.pk}/edit/")
    assert page.locator("#form-milestone").count() == 0
    sc.shot("milestone-edit-refused")
    milestone.refresh_from_db()
    assert milestone.status != MilestoneStatus.DONE


def test_sichuan_claims_completion_and_chongqing_confirms(visitors, demo):
    sc = visitors("sc_coord")
    sc.login("sc_coord", DEMO_PASSWORD)
    task = _open_task(sc, "JQ-05")
    page = sc.page
    form = page.get_by_test_id("form-claim")
    form.locator("textarea").first.fill("四川段测试道路已全部开放，请重庆方确认。")
    with page.expect_navigation():
        page.get_by_test_id("claim-submit").click()
    assert page.get_by_test_id("open-claim").is_visible()
    sc.shot("claimed")
    task.refresh_from_db()
    assert task.status == TaskStatus.COMPLETION_CLAIMED

    cq = visitors("cq_coord")
    cq.login("cq_coord", DEMO_PASSWORD)
    cq.page.goto("/")
    waiting = cq.page.locator("#awaiting-confirmation")
    assert "JQ-05" in waiting.inner_text()
    cq.shot("home-awaiting-confirmation")
    _open_task(cq, "JQ-05")
    assert (
        "四川段测试道路已全部开放" in cq.page.get_by_test_id("open-claim").inner_text()
    )
    with cq.page.expect_navigation():
        cq.page.get_by_test_id("confirm-submit").click()
    task.refresh_from_db()
    assert task.status == TaskStatus.COMPLETED
    assert (
        str(TaskStatus.COMPLETED.label)
        in cq.page.get_by_test_id("task-status").inner_text()
        or "已完成" in cq.page.get_by_test_id("task-status").inner_text()
    )
    cq.shot("confirmed")


def test_two_browsers_edit_one_milestone_and_the_second_sees_the_conflict(
    visitors, demo
):
    milestone = (
        Milestone.objects.filter(task__code="NY-02", party__code="CQ")
        .exclude(status=MilestoneStatus.DONE)
        .get()
    )
    first = visitors("cq_coord-a")
    second = visitors("cq_coord-b")
    for visitor in (first, second):
        visitor.login("cq_coord", DEMO_PASSWORD)
        visitor.page.goto(f"/milestones/{milestone.pk}/edit/")

    status = "#form-milestone select[name$=status]"
    first.page.select_option(status, MilestoneStatus.IN_PROGRESS)
    with first.page.expect_navigation():
        first.page.get_by_test_id("milestone-submit").click()
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.IN_PROGRESS

    # The second browser still shows the old version; its person chose "done".
    second.page.select_option(status, MilestoneStatus.DONE)
    with second.page.expect_navigation():
        second.page.get_by_test_id("milestone-submit").click()
    conflict = second.page.get_by_test_id("conflict")
    assert conflict.is_visible()
    said = second.page.get_by_test_id("conflict-summary").inner_text()
    assert "cq_coord" in said
    # What they chose is still chosen, and the current value is shown beside it.
    assert second.page.locator(status).input_value() == MilestoneStatus.DONE
    assert second.page.get_by_test_id("conflict-current").first.inner_text().strip()
    second.shot("conflict")
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.IN_PROGRESS

    # Submitting again over the current version is the person's choice.
    with second.page.expect_navigation():
        second.page.get_by_test_id("milestone-submit").click()
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.DONE
    second.shot("resubmitted")


def test_a_change_made_straight_in_the_database_reads_as_such(visitors, demo):
    """Someone with the database's password edits a task by hand; the
    coordinator reading its history sees no colleague's name on it."""
    from django.db import connection

    task = Task.objects.get(code="NY-01")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE tracker_task SET description = '运维直接修改' WHERE id = %s",
            [task.pk],
        )
    for viewport, label in ((DESKTOP_WIDE, "1366"), (PHONE, "375")):
        sc = visitors("sc_coord", viewport=viewport)
        sc.login("sc_coord", DEMO_PASSWORD)
        sc.page.goto(f"/tasks/{task.pk}/?tab=history")
        first = sc.page.get_by_test_id("history-entry").first
        assert "直接数据库修改" in first.inner_text()
        assert sc.page.evaluate(
            "document.documentElement.scrollWidth <= window.innerWidth + 1"
        )
        sc.shot(f"history-direct-{label}")
