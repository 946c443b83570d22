"""The joint office sets up a DingTalk robot in the admin, in a browser, at a
desk and on a phone: the form takes it, the list shows it with its secret
masked, nothing scrolls sideways. Screenshots of each page at 1366 and 375 px
go to LAYOUT_SCREENSHOTS (default var/screenshots)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from accounts import services as account_services
from notifications.webhooks.models import ChatWebhook, WebhookDelivery
from tests.browser.conftest import PASSWORD, browser, visitors  # noqa: F401
from tests.factories import PartyFactory

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(
    os.environ.get(
        "LAYOUT_SCREENSHOTS",
        Path(__file__).resolve().parents[2] / "var" / "screenshots",
    )
)
WIDTHS = {"1366": {"width": 1366, "height": 800}, "375": {"width": 375, "height": 812}}
SECRET = "SEC7d2f0a9b4c1e8f3a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4"


def _no_sideways_scroll(page, label):
    wide, window = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert wide <= window, f"{label} scrolls sideways: {wide} > {window} px"


@pytest.mark.parametrize("width", WIDTHS)
def test_the_office_sets_up_a_dingtalk_robot(width, visitors):  # noqa: F811
    PartyFactory(code="sc", name="四川省", short_name="川")
    PartyFactory(code="cq", name="重庆市", short_name="渝", kind="municipality")
    account_services.user_create(
        username="office_admin",
        password=PASSWORD,
        full_name="黄志强",
        is_staff=True,
        is_superuser=True,
    )
    office = visitors("office", viewport=WIDTHS[width])
    office.login("office_admin")
    page = office.page
    SHOTS.mkdir(parents=True, exist_ok=True)

    def shot(name):
        _no_sideways_scroll(page, f"{name} at {width} px")
        page.screenshot(
            path=str(SHOTS / f"webhooks-{name}-{width}.png"), full_page=True
        )

    page.goto("/admin/notifications/chatwebhook/add/")
    page.fill("input[name=name]", "川渝专班钉钉群")
    page.select_option("select[name=kind]", "dingtalk")
    page.fill(
        "input[name=url]",
        "https://oapi.dingtalk.com/robot/send?access_token=f00dfacecafe1234",
    )
    page.fill("input[name=secret]", SECRET)
    page.check("input[name=events][value=urge]")
    page.check("input[name=events][value=escalation]")
    page.get_by_label("重庆市").check()
    page.fill("input[name=change_reason]", "专班群接入钉钉机器人")
    shot("add")
    with page.expect_navigation():
        page.click("input[name=_continue]")
    assert "川渝专班钉钉群" in page.locator(".messagelist").inner_text()
    shot("change")
    assert SECRET not in page.content()

    page.goto("/admin/notifications/chatwebhook/")
    html = page.content()
    assert "SEC7******" in html and SECRET not in html
    assert "f00dfacecafe1234" not in html
    shot("list")

    # The test message, by the list's action: queued, not sent by the page.
    page.check("input[name=_selected_action]")
    page.select_option("select[name=action]", "send_test")
    with page.expect_navigation():
        page.click("button[name=index]")
    assert "已将1条测试消息交给后台发送" in page.content()
    delivery = WebhookDelivery.objects.get()
    assert delivery.attempts == 0
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        attempts=2, response_code=200, last_error="errcode 310000: sign not match"
    )
    page.goto("/admin/notifications/webhookdelivery/")
    assert "errcode 310000" in page.content()
    shot("deliveries")
    page.goto(f"/admin/notifications/webhookdelivery/{delivery.pk}/change/")
    shot("delivery")

    hook = ChatWebhook.objects.get()
    assert (hook.secret, hook.events) == (SECRET, ["urge", "escalation"])
    assert [p.code for p in hook.parties.all()] == ["cq"]
