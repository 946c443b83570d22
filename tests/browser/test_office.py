"""The joint office and a coordinator in real browsers, on the demo list: the
office refuses an extension with an opinion and sends a 催办 from its
workbench; Chongqing's coordinator sees both in the header's unread count,
reads the opinion in the notification centre and on the item, follows the
催办 to the item's page and answers it; the office sees the answer and how long it
took. Each page is photographed at 1366 and 375 px (BROWSER_ARTIFACTS)."""

from __future__ import annotations

import datetime as dt

import pghistory
import pytest

from accounts.models import User
from notifications.models import Notification
from supervision.models import Urge, UrgeTarget
from supervision.selectors.office import office_workbench_for_user
from tracker import services
from tracker.choices import ExtensionStatus
from tracker.demo import DEMO_PASSWORD, load_demo
from tracker.models import ExtensionRequest, Milestone, Task

from .conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True)
DESKTOP = {"width": 1366, "height": 900}
OPINION = "理由不充分：采购清单对接可在原期限内完成，请按原计划推进。"
MESSAGE = "请于本周五前报送重庆段最新进展及赶工措施。"
REPLY = "已召开赶工调度会，重庆段本周内完成剩余铁塔组立，周五前报送进展。"


@pytest.fixture
def demo():
    with pghistory.context(source="command", command="load_demo"):
        load_demo()
    # The demo's ledger has every overdue item reminded lately by the daily
    # ladder; here nothing has been chased yet, so the workbench lists them.
    Urge.objects.all().delete()
    jq08 = Task.objects.get(code="JQ-08")
    services.task_request_extension(
        task=jq08,
        actor=User.objects.get(username="cq_coord"),
        requested_due_date=jq08.due_date + dt.timedelta(days=180),
        reason="重庆链主企业采购清单需与四川方补充对接，申请顺延半年。",
    )
    return jq08


def _urged_item() -> Task:
    """An overdue item of the workbench whose 催办 goes to Chongqing: late by
    a milestone of Chongqing's (or a joint one) while its part is open."""
    admin = User.objects.get(username="admin")
    for task in office_workbench_for_user(user=admin).overdue:
        owners = {o.party.code: o.progress for o in task.owners.all()}
        late = Milestone.objects.select_related("party").get(pk=task.late_milestone_id)
        whose = late.party.code if late.party else "CQ"
        if whose == "CQ" and owners.get("CQ", 100) < 100:
            return task
    raise AssertionError("the demo has no item late by a milestone of Chongqing's")


def _both_widths(visitor, label: str) -> None:
    visitor.page.set_viewport_size(DESKTOP)
    visitor.shot(f"{label}-1366")
    visitor.page.set_viewport_size(PHONE)
    visitor.shot(f"{label}-375")
    wide = visitor.page.evaluate("document.documentElement.scrollWidth")
    assert wide <= PHONE["width"], f"{label} scrolls sideways at 375 px: {wide}"
    visitor.page.set_viewport_size(DESKTOP)


def test_the_office_refuses_and_urges_and_the_coordinator_answers(visitors, demo):
    jq08 = demo
    extension = ExtensionRequest.objects.get(task=jq08)
    item = _urged_item()

    office = visitors("admin", viewport=DESKTOP)
    office.login("admin", DEMO_PASSWORD)
    page = office.page
    page.get_by_test_id("nav-office").click()
    page.wait_for_url("**/office/")
    assert "督办工作台" in page.get_by_test_id("office-title").inner_text()
    _both_widths(office, "workbench")

    # Refuse the extension, with an opinion, right on the workbench; first
    # without one, which is refused in Chinese and changes nothing.
    form = page.locator(f"#form-decision-{extension.pk}")
    form.locator(f"#id_decision-{extension.pk}-decision_1").check()
    with page.expect_navigation():
        form.get_by_role("button").click()
    assert (
        "请填写审批意见，申请方可见。"
        in page.get_by_test_id("error-summary").inner_text()
    )
    assert ExtensionRequest.objects.get(pk=extension.pk).status == "pending"
    office.shot("decision-refused-for-want-of-an-opinion")
    form = page.locator(f"#form-decision-{extension.pk}")
    form.locator(f"#id_decision-{extension.pk}-decision_1").check()
    form.locator(f"#id_decision-{extension.pk}-opinion").fill(OPINION)
    with page.expect_navigation():
        form.get_by_role("button").click()
    assert "延期申请的审批意见已记录" in page.locator("ul.messages").inner_text()
    extension.refresh_from_db()
    assert extension.status == ExtensionStatus.REFUSED
    assert Task.objects.get(pk=jq08.pk).due_date == extension.current_due_date

    # Send a 催办 on the overdue item.
    row = page.locator(f"#overdue-{item.pk}")
    row.locator("summary").click()
    row.locator(f"#id_urge-{item.pk}-message").fill(MESSAGE)
    office.shot("urge-form-filled")
    with page.expect_navigation():
        row.get_by_role("button").click()
    assert "催办已发送" in page.locator("ul.messages").inner_text()
    target = UrgeTarget.objects.get(urge__task=item, party__code="CQ")
    assert target.answered_at is None
    _both_widths(office, "workbench-after")

    # Chongqing's coordinator sees both in the header's unread count, reads
    # the decision in the notification centre, and follows the 催办 to the item.
    cq = visitors("cq_coord", viewport=DESKTOP)
    cq.login("cq_coord", DEMO_PASSWORD)
    unread = Notification.objects.filter(
        recipient__username="cq_coord", read_at__isnull=True
    )
    before = unread.count()
    assert unread.filter(event="extension_decided", task=jq08).count() == 1
    assert unread.filter(event="urge", task=item).count() == 1
    badge = cq.page.get_by_test_id("unread-badge")
    assert badge.locator("[aria-hidden]").inner_text() == str(before)
    cq.page.get_by_test_id("nav-inbox").click()
    cq.page.wait_for_url("**/notifications/**")
    decided = cq.page.get_by_test_id("notification").filter(has_text=jq08.title)
    assert OPINION in decided.first.inner_text()
    _both_widths(cq, "notification-centre")
    urged = cq.page.get_by_test_id("notification").filter(has_text=MESSAGE).first
    assert urged.get_attribute("data-read") == "false"
    with cq.page.expect_navigation():
        urged.get_by_role("link").click()
    assert f"/tasks/{item.pk}/" in cq.page.url
    assert unread.count() == before - 1
    assert badge.locator("[aria-hidden]").inner_text() == str(before - 1)

    cq.page.goto(f"/tasks/{jq08.pk}/#extensions")
    opinion = cq.page.get_by_test_id("extension-opinion").first
    assert OPINION in opinion.inner_text()
    assert "未批准" in cq.page.get_by_test_id("extension-status").first.inner_text()
    _both_widths(cq, "refused-extension")

    cq.page.goto(f"/tasks/{item.pk}/")
    urges = cq.page.get_by_test_id("urges")
    assert MESSAGE in urges.inner_text()
    assert "专班正在等待本方答复" in urges.inner_text()
    assert "未答复" in urges.locator('[data-party="CQ"]').inner_text()
    _both_widths(cq, "open-urge")
    answer = cq.page.locator(f"#form-answer-{target.pk}")
    answer.locator("textarea").fill(REPLY)
    with cq.page.expect_navigation():
        answer.get_by_role("button").click()
    answered = cq.page.get_by_test_id("urges").locator('[data-party="CQ"]')
    assert "已答复" in answered.inner_text() and REPLY in answered.inner_text()

    # The office sees the answer and how long it took.
    page.goto(f"/tasks/{item.pk}/#urges")
    answered = page.get_by_test_id("urges").locator('[data-party="CQ"]').first
    assert "已答复" in answered.inner_text()
    assert "1分钟内答复" in answered.get_by_test_id("urge-response-time").inner_text()
    assert REPLY in answered.inner_text()
    _both_widths(office, "answered-urge")
