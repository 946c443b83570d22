"""A Chongqing coordinator meets their notifications in a real browser: the
unread count in the header, the centre, opening one (read, and on to the
item), 全部标为已读, and their settings; on a desktop and on a 375 px phone.
Screenshots of each step (BROWSER_ARTIFACTS chooses where)."""

import pghistory
import pytest

from accounts.models import User
from notifications import preferences
from notifications.models import MailSettings, Notification
from notifications.services import notify
from tracker import services
from tracker.demo import DEMO_PASSWORD, load_demo
from tracker.models import Task

from .conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True)
DESKTOP = {"width": 1366, "height": 900}

FITS = "[document.documentElement.scrollWidth, window.innerWidth]"


@pytest.fixture
def notified():
    """The demo; Sichuan claims SZ-04 done (Chongqing's coordinator is told),
    and the joint office urges Chongqing on three items."""
    with pghistory.context(source="command", command="load_demo"):
        load_demo()
    users = {u.username: u for u in User.objects.all()}
    # Without what the demo itself told Chongqing's coordinator (an item held
    # up by another's delay): the centre holds only what follows.
    Notification.objects.filter(recipient=users["cq_coord"]).delete()
    sz04 = Task.objects.get(code="SZ-04")
    services.task_claim_completion(
        task=sz04,
        actor=users["sc_coord"],
        explanation="四川段标识解析二级节点已全部上线，请重庆方确认。",
    )
    for code in ("NY-01", "NY-02", "JQ-08"):
        task = Task.objects.get(code=code)
        notify(
            event="urge",
            recipients=[users["cq_coord"]],
            title=f"专班催办：{task.title}",
            body="请于本周五前报送最新进展，并说明滞后原因。",
            task=task,
            link=f"/tasks/{task.pk}/",
            actor=users["admin"],
        )
    return sz04


def _badge(page) -> str | None:
    badge = page.get_by_test_id("unread-badge")
    return badge.locator("[aria-hidden]").inner_text() if badge.count() else None


def _fits(page) -> None:
    wide, window = page.evaluate(FITS)
    assert wide <= window, f"{page.url} scrolls sideways: {wide} > {window}"


def test_a_coordinator_reads_the_claim_and_sets_preferences(visitors, notified):
    cq = visitors("cq_coord", viewport=DESKTOP)
    cq.login("cq_coord", DEMO_PASSWORD)
    page = cq.page
    assert _badge(page) == "4"
    cq.shot("header-with-badge")

    page.get_by_test_id("nav-inbox").click()
    page.wait_for_url("**/notifications/")
    items = page.get_by_test_id("notification")
    assert items.count() == 4
    assert page.locator('[data-testid=notification][data-read="false"]').count() == 4
    _fits(page)
    cq.shot("centre")

    claim = items.filter(has_text="四川省申请销号")
    assert "对方申请销号" in claim.inner_text()
    with page.expect_navigation():
        claim.get_by_role("link").click()
    assert page.url.endswith(f"/tasks/{notified.pk}/")
    assert _badge(page) == "3"
    cq.shot("task-opened")

    page.goto("/notifications/")
    claim = page.get_by_test_id("notification").filter(has_text="四川省申请销号")
    assert claim.get_attribute("data-read") == "true"
    page.get_by_test_id("unread-tab").click()
    assert page.get_by_test_id("notification").count() == 3
    with page.expect_navigation():
        page.get_by_test_id("read-all").get_by_role("button").click()
    assert "全部消息已标为已读。" in page.content()
    assert _badge(page) is None
    assert not Notification.objects.filter(
        recipient__username="cq_coord", read_at__isnull=True
    ).exists()
    cq.shot("all-read")

    page.get_by_role("link", name="消息设置").click()
    page.wait_for_url("**/notifications/preferences/")
    row = page.locator("tr[data-event=reminder]")
    row.locator("input[name=reminder-enabled]").uncheck()
    page.locator("tr[data-event=urge] input[name=urge-email]").uncheck()
    assert page.locator("input[name=urge-in_app]").is_disabled()
    page.get_by_label("每天汇总发送一封邮件").check()
    cq.shot("preferences-changed")
    with page.expect_navigation():
        page.get_by_role("button", name="保存设置").click()
    assert "消息设置已保存。" in page.content()
    _fits(page)
    cq.shot("preferences-saved")
    user = User.objects.get(username="cq_coord")
    choices = {c.event: c for c in preferences.choices_for(user)}
    assert not choices["reminder"].enabled
    assert choices["urge"].in_app and not choices["urge"].email
    assert MailSettings.objects.get(user=user).daily_digest


def test_on_a_phone(visitors, notified):
    cq = visitors("cq_coord", viewport=PHONE, is_mobile=True, has_touch=True)
    cq.login("cq_coord", DEMO_PASSWORD)
    page = cq.page
    assert page.get_by_test_id("unread-badge").is_visible()
    assert _badge(page) == "4"
    _fits(page)
    cq.shot("phone-header")
    page.goto("/notifications/")
    _fits(page)
    cq.shot("phone-centre")
    page.goto("/notifications/preferences/")
    _fits(page)
    # Each box says what it is on a phone, where the table's head is hidden.
    assert page.locator("tr[data-event=urge] .box-text").first.is_visible()
    cq.shot("phone-preferences")
