"""The home page of each role and the leadership overview: who sees what,
what waits for whom, the trend from finished reports, and query counts that
do not grow with the number of tasks."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Agency
from reports.choices import ReportStatus
from reports.models import Report
from reports.snapshot import report_snapshot
from tests.factories import PartyFactory, make_initiative, make_task
from tracker import services
from tracker.choices import TaskList, TaskStatus

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _today():
    return timezone.localdate()


def _section(body: str, ident: str) -> str:
    """The HTML of the element with id `ident`, up to its section's end."""
    start = body.index(f'id="{ident}"')
    return body[start : body.index("</section>", start)]


@pytest.fixture
def world(initiative, sichuan, chongqing, sc_coord, cq_coord):
    """Tasks as a Sichuan coordinator meets them on a Monday morning."""
    today = _today()
    late = make_task(
        initiative,
        code="NY-01",
        title="特高压交流工程",
        due_date=today - dt.timedelta(days=3),
        status=TaskStatus.IN_PROGRESS,
    )
    soon = make_task(
        initiative,
        code="NY-02",
        title="页岩气产能基地",
        due_date=today + dt.timedelta(days=300),
        status=TaskStatus.IN_PROGRESS,
    )
    services.milestone_create(
        task=soon,
        title="川方环评批复",
        party=sichuan,
        due_date=today + dt.timedelta(days=5),
    )
    services.milestone_create(
        task=soon,
        title="川方用地预审",
        party=sichuan,
        due_date=today - dt.timedelta(days=2),
    )
    services.milestone_create(
        task=soon,
        title="渝方管网接入",
        party=chongqing,
        due_date=today + dt.timedelta(days=6),
    )
    cq_only = make_task(
        initiative,
        code="SZ-01",
        title="重庆独有事项",
        parties=[chongqing],
        due_date=today + dt.timedelta(days=60),
    )
    claimed = make_task(
        initiative,
        code="ZB-01",
        title="航空装备创新中心",
        due_date=today + dt.timedelta(days=30),
        status=TaskStatus.IN_PROGRESS,
    )
    services.task_claim_completion(task=claimed, actor=cq_coord)
    services.progress_update_post(
        task=soon, actor=sc_coord, narrative="川方完成可研报告编制", progress=30
    )
    services.progress_update_post(
        task=late, actor=cq_coord, narrative="渝方进展说明", progress=50
    )
    return {"late": late, "soon": soon, "cq_only": cq_only, "claimed": claimed}


def _weekly_report(initiative, start, *, scope="initiative", party=None, kind="weekly"):
    length = {"weekly": 6, "monthly": 30}[kind]
    report = Report.objects.create(
        initiative=initiative,
        kind=kind,
        scope=scope,
        scope_party=party,
        period_start=start,
        period_end=start + dt.timedelta(days=length),
    )
    report.snapshot = report_snapshot(report)
    report.status = ReportStatus.DONE
    report.step = report.steps_total
    report.finished_at = timezone.now()
    report.save()
    return report


# --- home ------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_login(client):
    for url in ("/", "/overview/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_coordinator_home_shows_what_their_party_owns(client, sc_coord, world):
    client.force_login(sc_coord)
    response = client.get("/", **EN)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Coordinator home" in body
    mine = _section(body, "my-tasks")
    codes = re.findall(r'data-testid="my-task-row" data-code="([^"]+)"', mine)
    # Most severe light first; Chongqing's own task is not Sichuan's business.
    assert codes[0] == "NY-01"
    assert sorted(codes) == ["NY-01", "NY-02", "ZB-01"]
    assert "light-red" in mine and "overdue" in mine
    assert reverse("tracker:task_detail", args=[world["late"].pk]) in mine


def test_coordinator_home_shows_what_waits_for_them(client, sc_coord, world):
    client.force_login(sc_coord)
    body = client.get("/", **EN).content.decode()

    waiting = _section(body, "awaiting-confirmation")
    assert "ZB-01" in waiting and 'data-testid="confirmation-item"' in waiting

    upcoming = _section(body, "upcoming-milestones")
    assert "川方环评批复" in upcoming and "in 5 days" in upcoming
    assert "渝方管网接入" not in upcoming  # the other party's milestone

    overdue = _section(body, "overdue")
    assert 'data-code="NY-01"' in overdue
    assert "川方用地预审" in overdue and "2 days overdue" in overdue
    assert "NY-02" not in re.findall(r'data-code="([^"]+)"', overdue)

    updates = _section(body, "recent-updates")
    assert "川方完成可研报告编制" in updates
    assert "渝方进展说明" not in updates  # written by someone else


def test_the_claiming_party_has_nothing_to_confirm(client, cq_coord, world):
    client.force_login(cq_coord)
    body = client.get("/", **EN).content.decode()
    waiting = _section(body, "awaiting-confirmation")
    assert 'data-testid="confirmation-item"' not in waiting
    assert "SZ-01" in _section(body, "my-tasks")


def test_leadership_home_is_a_summary_pointing_to_the_overview(
    client, sc_leader, initiative, world
):
    report = _weekly_report(initiative, _today() - dt.timedelta(days=14))
    client.force_login(sc_leader)
    body = client.get("/", **EN).content.decode()
    assert 'id="awaiting-confirmation"' not in body
    assert 'id="my-tasks"' not in body
    cta = body[body.index('id="overview-cta"') :]
    assert reverse("tracker:overview") in cta.split("</p>")[0]
    summary = _section(body, "summary")
    assert re.search(r'id="summary-total">4<', summary)
    assert re.search(r'id="summary-overdue">2<', summary)  # NY-01, NY-02's milestone
    assert reverse("reports:detail", args=[report.pk]) in _section(
        body, "latest-reports"
    )


def test_the_office_sees_extension_requests_awaiting_decision(
    client, office, sc_coord, world
):
    services.task_request_extension(
        task=world["late"],
        actor=sc_coord,
        requested_due_date=_today() + dt.timedelta(days=30),
        reason="征地手续延后",
    )
    client.force_login(office)
    body = client.get("/", **EN).content.decode()
    pending = _section(body, "pending-extensions")
    assert "NY-01" in pending


def test_a_user_without_membership_is_told_to_ask_for_access(client, reporter, world):
    client.force_login(reporter)
    body = client.get("/", **EN).content.decode()
    assert 'id="not-a-member"' in body
    assert "特高压" not in body
    body = client.get("/overview/", **EN).content.decode()
    assert 'id="not-a-member"' in body
    assert "特高压" not in body


def test_pages_need_no_inline_style_or_script(client, sc_coord, sc_leader, world):
    for user in (sc_coord, sc_leader):
        client.force_login(user)
        for url in ("/", "/overview/", "/tasks/"):
            body = client.get(url).content.decode()
            assert " style=" not in body and "<style" not in body, url
            assert "<script" not in body and " onclick=" not in body, url
            assert body.count("<h1") == 1, url


# --- overview --------------------------------------------------------------------


def test_overview_counts_by_work_stream_and_party(
    client, sc_leader, sichuan, chongqing, world
):
    client.force_login(sc_leader)
    body = client.get("/overview/", **EN).content.decode()
    totals = _section(body, "totals")
    assert re.search(r'id="total-tasks">4<', totals)
    streams = _section(body, "by-work-stream")
    row = streams.split('data-testid="stream-row"')[1].split("</tr>")[0]
    assert re.search(r'data-light="red">2<', row)
    assert "<svg" in streams and "<meter" in streams
    parties = _section(body, "by-party")
    sc_row = parties.split(f'data-code="{sichuan.code}"')[1].split("</tr>")[0]
    cq_row = parties.split(f'data-code="{chongqing.code}"')[1].split("</tr>")[0]
    assert re.search(r'<td class="num">3</td>', sc_row)
    assert re.search(r'<td class="num">4</td>', cq_row)
    assert f"?party={sichuan.pk}" in sc_row


def test_overview_lists_the_most_overdue_items(client, sc_leader, world):
    client.force_login(sc_leader)
    body = client.get("/overview/", **EN).content.decode()
    overdue = _section(body, "most-overdue")
    kinds = re.findall(
        r'data-testid="overdue-item" data-kind="(\w+)" data-code="([^"]+)"', overdue
    )
    assert kinds == [("task", "NY-01"), ("milestone", "NY-02")]
    assert "川方用地预审" in overdue


def test_overview_trend_reads_the_finished_weekly_initiative_reports(
    client, sc_leader, initiative, sichuan, world
):
    monday = _today() - dt.timedelta(days=_today().weekday())
    weeks = [
        _weekly_report(initiative, monday - dt.timedelta(weeks=n))
        for n in range(10, 0, -1)
    ]
    party_report = _weekly_report(
        initiative, monday - dt.timedelta(weeks=1), scope="party", party=sichuan
    )
    monthly = _weekly_report(initiative, monday - dt.timedelta(days=60), kind="monthly")
    failed = Report.objects.create(
        initiative=initiative,
        kind="weekly",
        period_start=monday,
        period_end=monday + dt.timedelta(days=6),
        status=ReportStatus.FAILED,
    )
    other = make_initiative([PartyFactory(), PartyFactory()])
    foreign = _weekly_report(other, monday - dt.timedelta(weeks=1))

    client.force_login(sc_leader)
    body = client.get("/overview/", **EN).content.decode()
    trend = _section(body, "trend")
    linked = [int(pk) for pk in re.findall(r'href="/reports/(\d+)/"', trend)]
    # The last eight weeks, oldest first; nothing of another scope, kind or initiative.
    assert linked == [r.pk for r in weeks[-8:]]
    for absent in (party_report, monthly, failed, foreign):
        assert absent.pk not in linked
    assert "<svg" in trend and 'role="img"' in trend
    assert reverse("reports:detail", args=[weeks[-1].pk]) in _section(
        body, "latest-reports"
    )


def test_overview_without_reports_says_so(client, sc_leader, world):
    client.force_login(sc_leader)
    body = client.get("/overview/", **EN).content.decode()
    assert 'id="trend-empty"' in body


def test_overview_hides_initiatives_the_user_is_not_in(client, sc_leader, world):
    other = make_initiative([PartyFactory(), PartyFactory()])
    make_task(
        other, code="XB-01", title="西北事项", due_date=_today() - dt.timedelta(days=90)
    )
    client.force_login(sc_leader)
    body = client.get("/overview/").content.decode()
    assert "西北事项" not in body and "XB-01" not in body
    assert re.search(r'id="total-tasks">4<', body)


# --- query counts ----------------------------------------------------------------


def _grow(initiative, sichuan, n, start):
    today = _today()
    for i in range(start, start + n):
        task = make_task(
            initiative,
            code=f"G-{i:03d}",
            due_date=today - dt.timedelta(days=1 + i % 3),
            status=TaskStatus.IN_PROGRESS,
        )
        services.milestone_create(
            task=task,
            title=f"节点{i}",
            party=sichuan,
            due_date=today + dt.timedelta(days=i % 10),
        )


@pytest.mark.parametrize("username", ["sc_coord", "sc_leader"])
@pytest.mark.parametrize("url", ["/", "/overview/"])
def test_query_count_does_not_grow_with_tasks(
    client, initiative, sichuan, world, sc_leader, sc_coord, username, url
):
    user = {"sc_coord": sc_coord, "sc_leader": sc_leader}[username]
    _weekly_report(initiative, _today() - dt.timedelta(days=14))
    _grow(initiative, sichuan, 3, 0)
    client.force_login(user)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _grow(initiative, sichuan, 27, 3)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_names_are_escaped_in_tables_and_charts(client, sc_leader, initiative):
    stream = services.work_stream_create(
        initiative=initiative, code="xss", name="<script>alert(1)</script>"
    )
    services.task_create(
        initiative=initiative,
        code="X-02",
        title="<img src=x onerror=alert(1)>",
        work_stream=stream,
        due_date=_today(),
        owners=[
            services.OwnerSpec(
                party=p,
                agency=Agency.objects.get(party=p, is_lead=True),
                contact_name="联络人",
            )
            for p in initiative.parties.all()
        ],
        task_list=TaskList.RECIPROCAL,
    )
    client.force_login(sc_leader)
    for url in ("/overview/", "/tasks/"):
        body = client.get(url).content.decode()
        assert "<script>alert(1)" not in body, url
        assert "<img src=x" not in body, url
