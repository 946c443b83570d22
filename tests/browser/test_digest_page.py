"""An auditor finds the daily chain digest mail on the admin index, subscribes
and unsubscribes, at desktop and phone widths; the digest shows whole."""

import pytest

from accounts.services import membership_grant, user_create
from audit.digest import digest_deliver
from audit.models import DigestSubscription
from audit.sealing import latest_seal, seal_new_events
from audit.security import auditor_group_sync

from .conftest import PASSWORD, PHONE

pytestmark = pytest.mark.django_db(transaction=True)

WIDE = {"width": 1366, "height": 900}


def _fits_the_screen(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth + 1"
    )


def test_an_auditor_subscribes_from_the_admin_at_both_widths(
    visitors, initiative, task
):
    auditor = user_create(
        username="cq_audit",
        password=PASSWORD,
        full_name="孙静怡",
        email="cq_audit@audit.gov.cn",
        is_staff=True,
    )
    membership_grant(
        user=auditor, party=initiative.parties.get(code="cq"), role="auditor"
    )
    auditor_group_sync()
    seal_new_events()
    head = latest_seal()

    desk = visitors("cq_audit", viewport=WIDE)
    desk.login("cq_audit")
    phone = visitors("cq_audit", viewport=PHONE, is_mobile=True, has_touch=True)
    phone.login("cq_audit")

    page = desk.page
    page.goto("/admin/")
    with page.expect_navigation():
        page.get_by_role("link", name="每日链摘要邮件").first.click()
    assert page.locator("h1").inner_text() == "每日链摘要邮件"
    digest = page.locator("dd code.digest-code")
    assert digest.inner_text() == head.chain_digest
    desk.shot("digest-1366")

    with page.expect_navigation():
        page.get_by_role("button", name="订阅每日邮件").click()
    assert "已订阅" in page.locator("ul.messagelist").inner_text()
    assert DigestSubscription.objects.filter(user=auditor).exists()
    desk.shot("digest-subscribed-1366")

    assert digest_deliver() == 1
    phone.page.goto("/admin/audit/digestsubscription/")
    assert head.chain_digest in phone.page.locator("table.digest-history").inner_text()
    assert _fits_the_screen(phone.page), "the page scrolls sideways at 375 px"
    code = phone.page.locator("dd code.digest-code")
    assert code.inner_text() == head.chain_digest  # wrapped, never cut
    box = code.bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"]
    phone.shot("digest-375")

    with phone.page.expect_navigation():
        phone.page.get_by_role("button", name="退订").click()
    assert "已退订" in phone.page.locator("ul.messagelist").inner_text()
    assert not DigestSubscription.objects.exists()
    phone.shot("digest-unsubscribed-375")
