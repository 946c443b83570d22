"""Exports of the task list (page and API): the same tasks as the list they
come from, filtered and scoped alike, with owners, milestones, lights and
their reasons, and days overdue; a constant number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import make_task
from tracker import services
from tracker.models import ExportJob

from .conftest import codes, csv_rows, sheet_rows, workbook

pytestmark = pytest.mark.django_db

PAGE_XLSX, PAGE_CSV = "/tasks/export.xlsx", "/tasks/export.csv"
API_XLSX, API_CSV = "/api/v1/tasks/export.xlsx", "/api/v1/tasks/export.csv"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def test_anonymous_gets_no_export(client, world):
    assert client.get(PAGE_XLSX).status_code == 302
    assert client.get(API_XLSX).status_code in (401, 403)


def test_the_page_export_has_every_visible_task_and_its_sheets(
    client, world, sc_leader
):
    client.force_login(sc_leader)
    book = workbook(client.get(PAGE_XLSX, **ZH))
    # The import's sheets, in its columns, then the computed ones.
    assert book.sheetnames == ["事项", "责任单位", "节点", "指标"]
    tasks = book["事项"]
    # Exactly the list page's tasks, in its order (by code): not the other
    # initiative's.
    assert codes(tasks) == ["NY-01", "NY-02", "SZ-01"]
    header = sheet_rows(tasks)[0]
    assert header[:3] == ["事项编号", "事项名称", "工作领域"]
    assert header[-5:] == ["进度", "亮灯", "亮灯原因", "逾期天数", "节点逾期天数"]
    late = dict(zip(header, sheet_rows(tasks)[1], strict=True))
    assert late["逾期天数"] == 5
    assert late["节点逾期天数"] == 9
    assert late["亮灯"] == "红灯"
    assert "5" in late["亮灯原因"] and late["亮灯原因"]
    assert late["状态"] == "推进中" and late["所属清单"] == "共投共建"
    assert late["进度"] == pytest.approx(0.4)
    assert tasks.cell(row=2, column=header.index("进度") + 1).number_format == "0%"
    due = tasks.cell(row=2, column=header.index("完成时限") + 1)
    assert due.value.date() == timezone.localdate() - dt.timedelta(days=5)
    # The owners one row per party, as the import reads them.
    owners = sheet_rows(book["责任单位"])
    assert owners[0] == ["事项编号", "省市", "责任单位", "联系人", "联系电话"]
    assert {(row[0], row[1]) for row in owners[1:]} >= {
        ("NY-01", "四川省"),
        ("NY-01", "重庆市"),
        ("SZ-01", "重庆市"),
    }
    milestones = sheet_rows(book["节点"])
    assert milestones[1][:3] == ["NY-01", "线路工程全线架线贯通", "四川省"]
    assert milestones[0][-1] == "逾期天数" and milestones[1][-1] == 9
    indicators = sheet_rows(book["指标"])
    assert indicators[1][1] == "输电能力" and indicators[1][4] == 800


def test_english_headers_for_an_english_user(client, world, sc_leader):
    client.force_login(sc_leader)
    book = workbook(client.get(PAGE_XLSX, **EN))
    assert book.sheetnames == ["Items", "Owners", "Milestones", "Indicators"]
    header = sheet_rows(book["Items"])[0]
    assert header[:3] == ["Item code", "Title", "Work stream"]
    assert "Light reason" in header


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"light": "red"}, ["NY-01"]),
        ({"task_list": "joint_application"}, ["SZ-01"]),
        ({"search": "天然气"}, ["NY-02"]),
        ({"sort": "-code"}, ["SZ-01", "NY-02", "NY-01"]),
        # A page number is the list's, not the export's: every task.
        ({"page": "2"}, ["NY-01", "NY-02", "SZ-01"]),
        # An invalid field is left out, as on the page.
        ({"light": "purple", "search": "工程"}, ["NY-01"]),
    ],
)
def test_the_page_export_follows_the_page_filter_and_sort(
    client, world, sc_leader, query, expected
):
    client.force_login(sc_leader)
    assert codes(workbook(client.get(PAGE_XLSX, query)).worksheets[0]) == expected
    rows = csv_rows(client.get(PAGE_CSV, query))
    assert [row[0] for row in rows[1:]] == expected


def test_the_page_export_filters_by_party_and_work_stream(
    client, world, sc_leader, chongqing, sichuan
):
    client.force_login(sc_leader)
    only_cq = {"work_stream": world["digital"].pk}
    assert codes(workbook(client.get(PAGE_XLSX, only_cq)).worksheets[0]) == ["SZ-01"]
    by_party = {"party": sichuan.pk}
    assert codes(workbook(client.get(PAGE_XLSX, by_party)).worksheets[0]) == [
        "NY-01",
        "NY-02",
    ]


def test_the_api_export_follows_the_api_filter_and_ordering(
    client, world, sc_leader, sichuan
):
    client.force_login(sc_leader)
    listed = client.get("/api/v1/tasks/", {"party": sichuan.pk, "ordering": "-code"})
    listed_codes = [t["code"] for t in listed.json()["results"]]
    response = client.get(API_XLSX, {"party": sichuan.pk, "ordering": "-code"})
    assert codes(workbook(response).worksheets[0]) == listed_codes == ["NY-02", "NY-01"]
    rows = csv_rows(client.get(API_CSV, {"due_before": timezone.localdate()}))
    assert [row[0] for row in rows[1:]] == ["NY-01"]


def test_the_api_export_refuses_a_filter_it_cannot_read(client, world, sc_leader):
    client.force_login(sc_leader)
    response = client.get(API_XLSX, {"status": "nonsense"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert "status" in response.content.decode()


def test_an_outsider_exports_nothing_of_the_initiative(client, world):
    from tests.conftest import _member

    outsider_party = world["hidden"].initiative.parties.first()
    outsider = _member("outsider", outsider_party, "leadership")
    client.force_login(outsider)
    assert codes(workbook(client.get(PAGE_XLSX)).worksheets[0]) == ["XB-01"]
    assert codes(workbook(client.get(API_XLSX)).worksheets[0]) == ["XB-01"]
    # Ids of what they may not see filter to nothing, as on the list.
    empty = client.get(API_XLSX, {"work_stream": world["digital"].pk})
    assert codes(workbook(empty).worksheets[0]) == []


def test_the_csv_has_the_bom_and_the_task_columns(client, world, sc_leader):
    client.force_login(sc_leader)
    response = client.get(PAGE_CSV, **ZH)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith("\ufeff事项编号,".encode())
    rows = csv_rows(response)
    header = rows[0]
    late = dict(zip(header, rows[1], strict=True))
    assert late["进度"] == "40"  # a percentage, as people type it
    assert late["完成时限"] == (timezone.localdate() - dt.timedelta(days=5)).isoformat()
    assert late["逾期天数"] == "5"


def _grow(initiative, count):
    today = timezone.localdate()
    for n in range(count):
        task = make_task(
            initiative,
            code=f"GR-{n:03d}",
            due_date=today + dt.timedelta(days=n - 3),
        )
        services.milestone_create(
            task=task, title=f"节点{n}", due_date=today + dt.timedelta(days=n - 5)
        )
        services.indicator_create(task=task, name=f"指标{n}", unit="个", target=10)


@pytest.mark.parametrize("url", [PAGE_XLSX, PAGE_CSV, API_XLSX, API_CSV])
def test_the_query_count_does_not_grow_with_the_tasks(
    client, initiative, sc_leader, url, django_assert_num_queries
):
    client.force_login(sc_leader)
    _grow(initiative, 10)
    with CaptureQueriesContext(connection) as ten:
        response = client.get(url)
        assert response.status_code == 200
    _grow_more = 40
    today = timezone.localdate()
    for n in range(_grow_more):
        task = make_task(initiative, code=f"MO-{n:03d}", due_date=today)
        services.milestone_create(task=task, title=f"更多{n}", due_date=today)
    with django_assert_num_queries(len(ten.captured_queries)):
        response = client.get(url)
        assert response.status_code == 200
    if url.endswith("xlsx"):
        assert len(codes(workbook(response).worksheets[0])) == 50
    else:
        assert len(csv_rows(response)) == 51


def test_the_list_page_links_to_its_exports_with_the_filter(client, world, sc_leader):
    client.force_login(sc_leader)
    page = client.get("/tasks/", {"light": "red", "page": "1"}).content.decode()
    assert 'href="/tasks/export.xlsx?light=red"' in page
    assert 'href="/tasks/export.csv?light=red"' in page


def test_a_large_export_is_a_job_for_the_worker(
    client, world, sc_leader, monkeypatch, django_capture_on_commit_callbacks
):
    from tracker.exports import jobs

    monkeypatch.setattr(jobs, "SYNC_LIMIT", 2)
    published = []
    monkeypatch.setattr(jobs, "_publish", published.append)
    client.force_login(sc_leader)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(PAGE_XLSX, {"light": "", "page": "3"})
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/tasks/exports/{job.pk}/"
    assert (job.user, job.format, job.source) == (sc_leader, "xlsx", "page")
    assert job.query == "light="  # without the page number
    assert published == [job.pk]
    status_page = client.get(response["Location"])
    assert 'data-status="queued"' in status_page.content.decode()
    assert client.get(f"/tasks/exports/{job.pk}/download/").status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        api = client.get(API_CSV, {"ordering": "-code"})
    assert api.status_code == 202
    api_job = ExportJob.objects.get(source="api")
    assert api["Location"].endswith(f"/api/v1/export-jobs/{api_job.pk}/")
    assert api.json()["status"] == "queued" and api.json()["download_url"] is None


def test_a_job_is_its_requesters_alone(client, world, sc_leader, cq_coord):
    job = ExportJob.objects.create(
        user=sc_leader, format="xlsx", source="page", language="zh-hans"
    )
    client.force_login(cq_coord)
    assert client.get(f"/tasks/exports/{job.pk}/").status_code == 404
    assert client.get(f"/api/v1/export-jobs/{job.pk}/").status_code == 404
    client.force_login(sc_leader)
    assert client.get(f"/api/v1/export-jobs/{job.pk}/").json()["status"] == "queued"
