"""An auditor reads the audit log, an event, a history with a direct database
change and a forged context, the rows the sealer refused and its runs, at
desktop and phone widths, in Chinese."""

import datetime as dt
import json

import pghistory
import pytest
from django.contrib.admin.utils import quote
from django.db import connection
from django.utils import timezone

from accounts.services import membership_grant, user_create
from audit.models import TaskEvent
from audit.sealing import seal_new_events
from audit.security import auditor_group_sync
from tests.audit.chain import connect_as, forge_event
from tracker import services
from tracker.models import Task

from .conftest import PASSWORD, PHONE

pytestmark = pytest.mark.django_db(transaction=True)

WIDE = {"width": 1366, "height": 900}


def _fits_the_screen(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth + 1"
    )


def _by_hand(task, description, context=None):
    owner = connection.settings_dict["USER"]
    with (
        connect_as(owner, application_name="psql-ops") as conn,
        conn.transaction(),
    ):
        if context is not None:
            conn.execute(
                "SELECT set_config('pghistory.context_metadata', %s, true)",
                [json.dumps(context)],
            )
        conn.execute(
            "UPDATE tracker_task SET description = %s WHERE id = %s",
            [description, task.pk],
        )


@pytest.fixture
def trail(task, sc_coord, settings, tmp_path):
    """A task's history: the coordinator's work through the service, a direct
    change by hand, a context naming the coordinator set by hand, and a
    back-dated row the sealer refused."""
    settings.AUDIT_ANCHOR_PATH = str(tmp_path / "anchors.log")
    with pghistory.context(user=sc_coord.pk, source="api", request_id="req-7f3a"):
        services.task_start(task=task, actor=sc_coord)
    with pghistory.context(user=sc_coord.pk, source="api", request_id="req-8b21"):
        services.progress_update_post(
            task=Task.objects.get(pk=task.pk),
            actor=sc_coord,
            narrative="完成选线",
            progress=30,
        )
    _by_hand(task, "运维手工订正说明")
    _by_hand(task, "冒名修改", context={"user": sc_coord.pk, "source": "api"})
    seal_new_events()
    forged = forge_event(written_at=timezone.now() - dt.timedelta(days=365))
    assert seal_new_events().refused == 1
    return {
        "direct": TaskEvent.objects.get(description="运维手工订正说明"),
        "unsigned": TaskEvent.objects.get(description="冒名修改"),
        "forged": forged,
    }


def test_an_auditor_reads_who_wrote_what_at_both_widths(visitors, trail, task):
    auditor = user_create(
        username="cq_audit", password=PASSWORD, full_name="孙静怡", is_staff=True
    )
    membership_grant(
        user=auditor, party=task.initiative.parties.get(code="cq"), role="auditor"
    )
    auditor_group_sync()
    history = f"/admin/audit/auditlog/history/tracker/task/{task.pk}/"
    unsigned = f"audit.TaskEvent:{trail['unsigned'].pgh_id}"

    for viewport, width in ((WIDE, "1366"), (PHONE, "375")):
        phone = viewport is PHONE
        extra = {"is_mobile": True, "has_touch": True} if phone else {}
        visitor = visitors("cq_audit", viewport=viewport, **extra)
        visitor.login("cq_audit")
        page = visitor.page

        page.goto("/admin/audit/auditlog/")
        warning = page.locator("p.audit-refused-note")
        assert "封存程序判定1条历史记录" in warning.inner_text()
        assert page.locator("td.field-actor", has_text="直接数据库修改").count() >= 1
        assert (
            page.locator("td.field-actor", has_text="上下文未经应用签名").count() == 1
        )
        if phone:
            assert _fits_the_screen(page), "the log scrolls sideways at 375 px"
        visitor.shot(f"log-{width}")

        page.goto(f"/admin/audit/auditlog/{quote(unsigned)}/change/")
        entry = page.locator(f'[id="{unsigned}"]')
        assert "上下文未经应用签名" in entry.inner_text()
        # Who really wrote it, as the database saw it: open to read.
        session = entry.locator("details.audit-session")
        assert session.get_attribute("open") is not None
        assert "psql-ops" in session.locator("dl").inner_text()
        visitor.shot(f"event-{width}")

        page.goto(history)
        direct = page.locator(f'[id="audit.TaskEvent:{trail["direct"].pgh_id}"]')
        text = direct.inner_text()
        assert "直接数据库修改" in text and "psql-ops" in text and "后端进程号" in text
        if phone:
            assert _fits_the_screen(page), "the history scrolls sideways at 375 px"
        visitor.shot(f"history-{width}")

        page.goto("/admin/audit/auditlog/")
        with page.expect_navigation():
            page.get_by_role("link", name="查看被拒收的记录").click()
        assert page.locator("h1").inner_text() == "被拒收的历史记录"
        row = page.locator("#result_list tbody tr").first
        assert "所标时间却早于该次封存" in row.inner_text()
        if phone:
            assert _fits_the_screen(page), "the refused rows scroll sideways"
        visitor.shot(f"refused-{width}")

        page.goto("/admin/audit/sealrun/")
        assert page.locator("h1").inner_text() == "封存批次"
        refused_run = page.locator("#result_list a.audit-warning")
        assert refused_run.inner_text() == "⚠ 1"
        if phone:
            assert _fits_the_screen(page), "the runs scroll sideways at 375 px"
        visitor.shot(f"runs-{width}")

        with page.expect_navigation():
            page.locator("#result_list th.field-number a").first.click()
        assert "数据库快照" in page.locator("#content").inner_text()
        if phone:
            assert _fits_the_screen(page), "a run scrolls sideways at 375 px"
        visitor.shot(f"run-{width}")
