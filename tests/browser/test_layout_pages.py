"""Every page a user can reach, at 1366×800 and at 375×812: nothing scrolls
sideways, no button is the browser's grey default, report table headers wrap
at words, and the task list shows every column on a desktop. A screenshot of
each page at both widths is saved (the directory is printed).

The pages are listed from the URL confs: a new named URL that is neither
visited here nor set aside with its reason fails `test_every_page_is_checked`.

One demo world serves all the pages: it is loaded once for the module, with its
own live server, and flushed at the end, as a transactional test would be; one
`transaction=True` test per page would load the demo 60 times."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

import pghistory
import pytest
from django.contrib.admin.utils import quote
from django.core.management import call_command
from django.test.utils import override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from pytest_django.live_server_helper import LiveServer

from .conftest import PHONE as _PHONE
from .conftest import Visitor

# Marked so that pytest-django sets up the test database even when only these
# tests run; each test itself only reads, through the live server.
pytestmark = pytest.mark.django_db

DESKTOP = {"width": 1366, "height": 800}
PHONE = dict(_PHONE)  # 375 × 812
WIDTHS = {"1366": DESKTOP, "375": PHONE}
SCREENSHOTS = Path(
    os.environ.get(
        "LAYOUT_SCREENSHOTS",
        Path(__file__).resolve().parents[2] / "var" / "screenshots",
    )
)

# --- which pages ---------------------------------------------------------------------


@dataclass(frozen=True)
class Visit:
    """One page as one person opens it. `path` is a format string filled from
    the world's ids (`{ny01}`, `{report}`…); `url` names the URL it checks."""

    url: str
    path: str
    who: str | None  # None: not signed in
    checks: tuple[str, ...] = field(default=())


VISITS = {
    "sign-in": Visit("login", "/accounts/login/", None),
    "password-change": Visit("password_change", "/accounts/password/", "sc_coord"),
    "password-changed": Visit(
        "password_change_done", "/accounts/password/done/", "sc_coord"
    ),
    "home-coordinator": Visit("home", "/", "cq_coord"),
    "home-leadership": Visit("home", "/", "sc_leader"),
    "home-auditor": Visit("home", "/", "cq_auditor"),
    "home-office": Visit("home", "/", "admin"),
    "task-list": Visit("tracker:task_list", "/tasks/", "sc_coord", ("all-columns",)),
    "task-list-filtered": Visit(
        "tracker:task_list",
        "/tasks/?party={cq}&light=red&sort=-days_overdue",
        "sc_coord",
        ("all-columns",),
    ),
    "task-list-leadership": Visit(
        "tracker:task_list", "/tasks/?sort=-progress", "sc_leader", ("all-columns",)
    ),
    "task-in-progress": Visit("tracker:task_detail", "/tasks/{ny01}/", "sc_coord"),
    "task-claim-due": Visit("tracker:task_detail", "/tasks/{jq05}/", "sc_coord"),
    "task-claim-to-confirm": Visit("tracker:task_detail", "/tasks/{sz04}/", "cq_coord"),
    "task-own-claim-open": Visit("tracker:task_detail", "/tasks/{sz04}/", "sc_coord"),
    "task-extension-to-decide": Visit("tracker:task_detail", "/tasks/{jq08}/", "admin"),
    "task-not-started": Visit("tracker:task_detail", "/tasks/{jq07}/", "admin"),
    "task-completed": Visit("tracker:task_detail", "/tasks/{jq01}/", "cq_coord"),
    "task-leadership": Visit("tracker:task_detail", "/tasks/{ny01}/", "sc_leader"),
    "task-auditor": Visit("tracker:task_detail", "/tasks/{ny02}/", "cq_auditor"),
    "task-history": Visit(
        "tracker:task_detail", "/tasks/{ny01}/?tab=history", "sc_coord"
    ),
    "milestone-edit": Visit(
        "tracker:milestone_edit", "/milestones/{cq_milestone}/edit/", "cq_coord"
    ),
    "overview": Visit("tracker:overview", "/overview/", "sc_leader"),
    "office": Visit("supervision:office", "/office/", "admin"),
    "parks": Visit("parks:dashboard", "/parks/", "sc_leader"),
    "parks-cycle-office": Visit("parks:cycle", "/parks/cycles/{cycle}/", "admin"),
    "park": Visit("parks:park", "/parks/{park}/", "sc_coord"),
    "park-pair": Visit("parks:pair", "/parks/pairs/{pair}/", "cq_coord"),
    "imports": Visit("imports:upload", "/imports/", "admin"),
    "report-library": Visit("reports:library", "/reports/", "sc_leader"),
    "report-library-office": Visit("reports:library", "/reports/", "admin"),
    "report": Visit("reports:detail", "/reports/{report}/", "sc_leader", ("report",)),
    "report-queued": Visit("reports:detail", "/reports/{queued}/", "sc_leader"),
    "api-docs": Visit("docs", "/api/docs/", "sc_coord"),
    "notifications": Visit("notifications:centre", "/notifications/", "cq_coord"),
    "notification-settings": Visit(
        "notifications:preferences", "/notifications/preferences/", "cq_coord"
    ),
    "admin-index-auditor": Visit("admin:index", "/admin/", "cq_auditor"),
    "audit-log": Visit(
        "admin:audit_auditlog_changelist",
        "/admin/audit/auditlog/",
        "cq_auditor",
        ("audit-log",),
    ),
    "audit-log-event": Visit(
        "admin:audit_auditlog_change",
        "/admin/audit/auditlog/{event}/change/",
        "cq_auditor",
    ),
    "audit-history-lookup": Visit(
        "admin:audit_auditlog_history_lookup",
        "/admin/audit/auditlog/history/?model=tracker.task&id={ny01}",
        "cq_auditor",
    ),
    "audit-history": Visit(
        "admin:audit_auditlog_history",
        "/admin/audit/auditlog/history/tracker/task/{ny01}/",
        "cq_auditor",
    ),
    "audit-refused": Visit(
        "admin:audit_refusedevent_changelist",
        "/admin/audit/refusedevent/",
        "cq_auditor",
    ),
    "audit-seal-runs": Visit(
        "admin:audit_sealrun_changelist", "/admin/audit/sealrun/", "cq_auditor"
    ),
    "audit-seal-run": Visit(
        "admin:audit_sealrun_change",
        "/admin/audit/sealrun/{seal_run}/change/",
        "cq_auditor",
    ),
    "audit-seals": Visit(
        "admin:audit_auditseal_changelist", "/admin/audit/auditseal/", "cq_auditor"
    ),
    "audit-seal": Visit(
        "admin:audit_auditseal_change",
        "/admin/audit/auditseal/{seal}/change/",
        "cq_auditor",
    ),
    "audit-security-events": Visit(
        "admin:audit_securityevent_changelist",
        "/admin/audit/securityevent/",
        "cq_auditor",
    ),
    "audit-digest": Visit(
        "admin:audit_digestsubscription_changelist",
        "/admin/audit/digestsubscription/",
        "cq_auditor",
    ),
}

# Named URLs that are not pages to look at, each with the reason.
NOT_PAGES = {
    "healthz": "a JSON health probe",
    "readyz": "a JSON readiness probe",
    "metrics": "Prometheus metrics (text), for the scraper",
    "logout": "POST only; answers with a redirect",
    "set_language": "POST only; answers with a redirect",
    "reports:generate": "POST only (the form is on the report library)",
    "tracker:progress_update_post": "POST only (the form is on the task page)",
    "tracker:reading_record": "POST; a GET goes back to the task page",
    "tracker:extension_decide": "POST only (the form is on the task page)",
    "tracker:dependency_add": "POST; a GET goes back to the task page",
    "tracker:dependency_remove": "POST; a GET goes back to the task page",
    "supervision:office_decide": "POST only (the forms are on the workbench)",
    "supervision:office_urge": "POST only (the forms are on the workbench)",
    "notifications:open": "marks the notification read and redirects to its item",
    "notifications:read_all": "POST only (the button is on the notification centre)",
    "admin:audit_auditlog_export": "a CSV or Excel download",
    "admin:audit_auditlog_add": "history is never added by hand",
    "admin:audit_auditlog_delete": "history is never deleted",
    "admin:audit_refusedevent_change": "needs a forged row: test_audit_admin_pages",
    "admin:audit_securityevent_change": "one row's fields; the list is checked",
    "admin:audit_digestsubscription_change": "the digest page is the list",
    "schema": "the OpenAPI document (YAML)",
    "parks:evidence": "a file download (the link is on the park's page)",
    "parks:cycle_publish": "POST only (the form is on the cycle's dashboard)",
    "reports:download": "files (PDF, XLSX, and the HTML document as an attachment); "
    "the report page shows the same document",
    "tracker:export_job": "a large export's status page, needing a job: "
    "tests/browser/test_task_export.py looks at it at 1366 and 375 px",
    "tracker:export_job_download": "a file download (XLSX or CSV)",
    "imports:template": "a file download (the XLSX template)",
    "imports:job": "an uploaded file's check, needing an upload: "
    "tests/browser/test_imports.py looks at it at 1366 and 375 px",
    "imports:commit": "POST only (the button is on the file's check)",
    "imports:status": "JSON the file's page polls while the worker runs",
}
NOT_PAGE_PREFIXES = {
    "tracker:task_": "the task's action forms post here (the task page is checked)",
    "parks:assessment_": "the assessment's forms post here, and its address "
    "redirects to the park's page (checked)",
    "parks_api:": "the JSON API (its pages are the API docs)",
    "api:": "the JSON API (its pages are the API docs)",
    "reports_api:": "the JSON API (its pages are the API docs)",
    "supervision_api:": "the JSON API (its pages are the API docs)",
    "notifications_api:": "the JSON API (its pages are the API docs)",
    "admin:": "the admin's own pages outside the audit trail (the words part "
    "renders each of them in Chinese)",
}
# Within the admin, these prefixes are pages auditors use: each must be visited
# or set aside above by its own name.
ADMIN_PAGES = ("admin:index", "admin:audit_")
# An audit model's add, delete and per-object history pages: nobody may add or
# delete history, and its own history is the audit log.
ADMIN_REFUSED = ("_add", "_delete", "_history")


def _named_urls(patterns, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = (
                    f"{namespace}:{pattern.namespace}"
                    if namespace
                    else (pattern.namespace)
                )
            names |= _named_urls(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def _set_aside(name: str) -> bool:
    if name in NOT_PAGES:
        return True
    if name.startswith(ADMIN_PAGES):
        # Pages auditors use: each is visited or named in NOT_PAGES, but for
        # the add, delete and per-object history pages every admin has.
        return name.endswith(ADMIN_REFUSED) and name != "admin:audit_auditlog_history"
    return name.startswith(tuple(NOT_PAGE_PREFIXES))


def test_every_page_is_checked():
    visited = {visit.url for visit in VISITS.values()}
    names = _named_urls(get_resolver().url_patterns)
    unchecked = sorted(n for n in names - visited if not _set_aside(n))
    assert not unchecked, (
        "pages nobody checks at 1366 and 375 px (add a Visit, or a reason to "
        f"NOT_PAGES): {unchecked}"
    )
    assert visited <= names, f"visits of URLs that do not exist: {visited - names}"


# --- the world -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, a claim waiting for Chongqing, an extension request waiting for
    the joint office, a finished and a queued report, a sealed audit trail; a
    live server; flushed when the module ends."""
    from django.db import connection, connections

    from accounts.models import Party, User
    from audit.models import AuditSeal, SealRun, TaskEvent
    from audit.sealing import seal_new_events
    from parks.models import EvaluationCycle
    from reports import services as report_services
    from reports.choices import ReportStatus
    from supervision.services.urges import urge_send
    from tracker import services
    from tracker.demo import DEMO_PASSWORD, load_demo
    from tracker.models import (
        IndustrialPark,
        Initiative,
        Milestone,
        ParkPairMember,
        Task,
    )

    # The world is flushed at the end: never a database other than the test one.
    assert connection.settings_dict["NAME"].startswith("test_"), "not a test database"
    base = tmp_path_factory.mktemp("layout")
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=str(base / "media"),
            AUDIT_ANCHOR_PATH=str(base / "anchors.log"),
        ),
    ):
        try:
            today = timezone.localdate()
            with pghistory.context(source="command", command="load_demo"):
                load_demo(today=today)
            users = {u.username: u for u in User.objects.all()}
            task = {t.code: t for t in Task.objects.all()}
            services.task_claim_completion(
                task=task["SZ-04"],
                actor=users["sc_coord"],
                explanation="四川段标识解析二级节点已全部上线，请重庆方确认。",
            )
            jq08 = task["JQ-08"]
            services.task_request_extension(
                task=jq08,
                actor=users["cq_coord"],
                requested_due_date=jq08.due_date + dt.timedelta(days=180),
                reason="重庆链主企业采购清单需与四川方补充对接，申请顺延半年。",
            )
            # A 催办 on NY-01: its page shows the 催办记录 and Sichuan's answer
            # form; the workbench has a decision and overdue items to show.
            urge_send(
                task=task["NY-01"],
                actor=users["admin"],
                message="请于本周五前报送线路工程全线架线贯通的最新进展。",
            )
            initiative = Initiative.objects.get()
            report, _ = report_services.report_request(
                initiative=initiative, kind="monthly", today=today
            )
            report = report_services.report_generate(report_id=report.pk)
            assert report.status == ReportStatus.DONE
            queued, _ = report_services.report_request(
                initiative=initiative, kind="weekly", today=today
            )
            seal_new_events()
            event = TaskEvent.objects.filter(pgh_obj_id=task["NY-01"].pk).first()
            ids = {
                "ny01": task["NY-01"].pk,
                "ny02": task["NY-02"].pk,
                "jq01": task["JQ-01"].pk,
                "jq05": task["JQ-05"].pk,
                "jq07": task["JQ-07"].pk,
                "jq08": jq08.pk,
                "sz04": task["SZ-04"].pk,
                "cq": Party.objects.get(code="CQ").pk,
                "cq_milestone": Milestone.objects.filter(
                    task__code="NY-02", party__code="CQ"
                )
                .exclude(status="done")
                .first()
                .pk,
                "report": report.pk,
                "queued": queued.pk,
                "event": quote(f"audit.TaskEvent:{event.pgh_id}"),
                "seal_run": SealRun.objects.order_by("-pk").first().pk,
                "seal": AuditSeal.objects.order_by("-pk").first().pk,
                "cycle": EvaluationCycle.objects.get().pk,
                "park": IndustrialPark.objects.get(name="成都经济技术开发区").pk,
                "pair": ParkPairMember.objects.get(
                    park__name="成都经济技术开发区"
                ).pair_id,
            }
            server = LiveServer("localhost")
            try:
                yield {"url": server.url, "ids": ids, "password": DEMO_PASSWORD}
            finally:
                server.stop()
        finally:
            call_command("flush", interactive=False, verbosity=0)
            # The server's and the browser loop's connections, or the test
            # database could not be dropped at the end of the session.
            connections.close_all()


@pytest.fixture(scope="module")
def signed_in(browser, world):
    """Each person's cookies, from one sign-in per person for the module."""
    states: dict[str, dict] = {}

    def state(username: str) -> dict:
        if username not in states:
            visitor = Visitor(browser, world["url"], username, "sign-in")
            visitor.login(username, world["password"])
            states[username] = visitor.context.storage_state()
            visitor.close()
        return states[username]

    return state


# --- what each page must show ----------------------------------------------------------

GREY_BUTTONS = """() => {
  const grey = s => s.backgroundColor === 'rgb(239, 239, 239)' || s.borderTopStyle === 'outset';
  const shown = [...document.querySelectorAll(
      'button, input[type=submit], input[type=button], input[type=reset], input[type=file]')]
    .filter(b => b.offsetParent !== null);
  return shown
    .filter(b => grey(b.type === 'file'
      ? getComputedStyle(b, '::file-selector-button') : getComputedStyle(b)))
    .map(b => (b.innerText || b.value || b.outerHTML).trim().slice(0, 60));
}"""

# A header cell taller than three of its lines has its words broken apart.
STACKED_HEADERS = """() => [...document.querySelectorAll('.report thead th')]
  .filter(th => th.offsetParent !== null)
  .filter(th => {
    const s = getComputedStyle(th);
    const line = parseFloat(s.lineHeight) || parseFloat(s.fontSize) * 1.6;
    const text = th.clientHeight - parseFloat(s.paddingTop) - parseFloat(s.paddingBottom);
    return text > line * 3.2;
  })
  .map(th => th.innerText.trim())"""

# The audit log at 1366 px: each time on one line, the request id column in view.
AUDIT_LOG = """() => {
  const lines = [...document.querySelectorAll('#result_list td.field-time')].map(td => {
    const range = document.createRange();
    range.selectNodeContents(td);
    return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
  });
  const id = document.querySelector('#result_list th.column-request_id').getBoundingClientRect();
  const box = document.querySelector('#result_list').parentElement.getBoundingClientRect();
  return {lines: Math.max(...lines), id: id.right, box: box.right, window: innerWidth};
}"""

HIDDEN_COLUMNS = """() => {
  const table = document.querySelector('#task-table');
  const box = table.parentElement;
  return {table: table.scrollWidth, box: box.clientWidth,
          columns: table.querySelectorAll('thead th').length};
}"""


@pytest.fixture(scope="module", autouse=True)
def _announce_screenshots():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots of every page at 1366 and 375 px: {SCREENSHOTS}")
    yield


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("label", list(VISITS))
def test_page_fits(label, width, browser, world, signed_in):
    visit = VISITS[label]
    viewport = WIDTHS[width]
    extra = {"is_mobile": True, "has_touch": True} if viewport is PHONE else {}
    if visit.who:
        extra["storage_state"] = signed_in(visit.who)
    visitor = Visitor(
        browser,
        world["url"],
        visit.who or "anonymous",
        label,
        viewport=viewport,
        **extra,
    )
    try:
        page = visitor.page
        response = page.goto(visit.path.format(**world["ids"]))
        assert response.status == 200, f"{label}: HTTP {response.status}"
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(SCREENSHOTS / f"{label}-{width}.png"), full_page=True)

        wide, window = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        assert wide <= window, f"{label} scrolls sideways at {width} px: {wide} px"
        grey = page.evaluate(GREY_BUTTONS)
        assert not grey, f"{label}: browser-default buttons {grey}"
        if "report" in visit.checks:
            stacked = page.evaluate(STACKED_HEADERS)
            assert not stacked, f"{label}: headers broken apart at {width}: {stacked}"
        if "all-columns" in visit.checks and viewport is DESKTOP:
            table = page.evaluate(HIDDEN_COLUMNS)
            assert table["table"] <= table["box"], (
                f"{label}: the task list is cut off at 1366 px: {table}"
            )
        if "audit-log" in visit.checks and viewport is DESKTOP:
            log = page.evaluate(AUDIT_LOG)
            assert log["lines"] == 1, f"the audit log's time wraps: {log}"
            assert log["id"] <= min(log["box"], log["window"]), (
                f"the audit log's request id is out of view: {log}"
            )
        errors = list(visitor.console_errors)
        assert not errors, f"{label}: browser console errors {errors}"
    finally:
        visitor.close()
