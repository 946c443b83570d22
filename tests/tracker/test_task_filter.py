"""The task list's one filter: the same query finds the same tasks on the page
and in the API; bad input is refused by the API and explained by the page;
and whatever the list filters or sorts by is indexed (house rule 14)."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Agency
from tests.factories import PartyFactory, make_initiative, make_task
from tracker import services
from tracker.api.views import TaskViewSet
from tracker.choices import TaskList, TaskStatus
from tracker.filters import TaskFilter
from tracker.models import Task
from tracker.selectors.dashboards import TASK_SORTS
from tracker.selectors.lights import STORED_SORTS

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(initiative, sichuan, chongqing):
    today = timezone.localdate()
    cq_agency = Agency.objects.get(party=chongqing, is_lead=True)
    tasks = {
        "uhv": make_task(
            initiative,
            code="NY-01",
            title="川渝特高压交流工程",
            description="甘孜—天府南—重庆线路，全线贯通后年输电能力超过350亿千瓦时。",
            due_date=today - dt.timedelta(days=5),
            status=TaskStatus.IN_PROGRESS,
            progress=40,
            task_list=TaskList.CO_BUILD,
        ),
        "gas": make_task(
            initiative,
            code="NY-02",
            title="天然气千亿方产能基地",
            description="川渝页岩气联合开发，共建储气库。",
            due_date=today + dt.timedelta(days=200),
            progress=10,
        ),
    }
    digital = services.work_stream_create(
        initiative=initiative, code="sz", name="关键数字基础设施", sort_order=5
    )
    tasks |= {
        "link": services.task_create(
            initiative=initiative,
            code="SZ-01",
            title="国际互联网数据专用通道",
            description="通道带宽扩容至360Gbps，服务重庆、成都两地企业。",
            work_stream=digital,
            due_date=today + dt.timedelta(days=100),
            owners=[
                services.OwnerSpec(
                    party=chongqing, agency=cq_agency, contact_name="联络人"
                )
            ],
            task_list=TaskList.JOINT_APPLICATION,
            progress=70,
        ),
    }
    other = make_initiative([PartyFactory(), PartyFactory()])
    make_task(other, code="XB-01", title="西北特高压", description="重庆")
    return tasks


def _page_codes(client, query) -> list[str]:
    response = client.get("/tasks/", query)
    assert response.status_code == 200
    return re.findall(
        r'data-testid="task-row" data-code="([^"]+)"', response.content.decode()
    )


def _api_codes(api, query) -> list[str]:
    response = api.get("/api/v1/tasks/", {**query, "page_size": 100})
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["results"]]


@pytest.fixture
def clients(client, sc_leader):
    client.force_login(sc_leader)
    api = APIClient()
    api.force_authenticate(sc_leader)
    return client, api


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, {"NY-01", "NY-02", "SZ-01"}),
        # In the description only, and in any case.
        ({"search": "页岩气"}, {"NY-02"}),
        ({"search": "360gbps"}, {"SZ-01"}),
        # Every word, each in any of code, title and description.
        ({"search": "重庆 线路"}, {"NY-01"}),
        ({"search": "重庆,通道"}, {"SZ-01"}),
        ({"search": '"重庆、成都"'}, {"SZ-01"}),
        ({"search": "ny-0"}, {"NY-01", "NY-02"}),
        ({"search": "重庆", "task_list": "joint_application"}, {"SZ-01"}),
        ({"light": "red"}, {"NY-01"}),
        ({"status": "in_progress"}, {"NY-01"}),
        ({"status": ["in_progress", "not_started"]}, {"NY-01", "NY-02", "SZ-01"}),
        ({"task_list": "co_build"}, {"NY-01"}),
        ({"search": "特高压", "light": "green"}, set()),
    ],
)
def test_the_page_and_the_api_find_the_same_tasks(clients, world, query, expected):
    client, api = clients
    page, listed = _page_codes(client, query), _api_codes(api, query)
    assert set(page) == set(listed) == expected
    assert len(page) == len(listed) == len(expected)


def test_ids_of_parties_and_streams_filter_alike(clients, world, sichuan, chongqing):
    client, api = clients
    stream = world["link"].work_stream
    for query in (
        {"party": sichuan.pk},
        {"party": chongqing.pk, "search": "重庆"},
        {"work_stream": stream.pk},
        {"work_stream": world["uhv"].work_stream_id, "status": "not_started"},
    ):
        assert sorted(_page_codes(client, query)) == sorted(_api_codes(api, query))
    assert _api_codes(api, {"work_stream": stream.pk}) == ["SZ-01"]


def test_an_empty_search_is_no_search_on_both(clients, world):
    client, api = clients
    assert len(_page_codes(client, {"search": ""})) == 3
    assert len(_api_codes(api, {"search": ""})) == 3


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"status": "done-ish"}, "status"),
        ({"light": "purple"}, "light"),
        ({"task_list": "all"}, "task_list"),
        ({"search": "x" * 201}, "search"),
        ({"search": "NY\x00"}, "search"),
    ],
)
def test_bad_input_is_refused_by_the_api_and_explained_by_the_page(
    clients, world, query, field
):
    client, api = clients
    response = api.get("/api/v1/tasks/", query)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert field in response.json()["errors"]

    page = client.get("/tasks/", query)
    assert page.status_code == 200
    body = page.content.decode()
    errors = body.split('data-testid="filter-errors"')[1].split("</div>")[0]
    assert f'href="#id_{field}"' in errors
    # In the user's language (Chinese by default), and the rest still applies.
    assert re.search(r"[\u4e00-\u9fff]", errors.split(f'href="#id_{field}">')[1])
    assert len(re.findall(r'data-testid="task-row"', body)) == 3


# --- house rule 14 ----------------------------------------------------------------

# What each filter of the list reads: (table, the column or expression an index
# must begin with). Ids of owners are read from the owners' table.
FILTER_READS = {
    "search": ("tracker_task", "upper((code)::text) gin_trgm_ops"),
    "work_stream": ("tracker_task", "work_stream_id"),
    "task_list": ("tracker_task", "initiative_id, task_list"),
    "party": ("tracker_taskowner", "party_id"),
    "status": ("tracker_task", "initiative_id, status"),
    "agency": ("tracker_taskowner", "agency_id"),
    "lead_party": ("tracker_task", "lead_party_id"),
    "initiative": ("tracker_task", "initiative_id"),
    "due_before": ("tracker_task", "due_date"),
    "due_after": ("tracker_task", "due_date"),
    # The stored forecast's flag: a partial index of the items at risk.
    "slip_risk": ("tracker_taskforecast", "task_id"),
}
# Sort keys read from the stored light (tracker.models.TaskLight): its columns.
STORED = {
    "light": "light",
    "light_rank": "rank",
    "days_overdue": "days_overdue",
    "overdue_days": "overdue_days",
    "next_due": "next_due",
}


def _index_columns() -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexdef FROM pg_indexes "
            "WHERE tablename IN ('tracker_task', 'tracker_taskowner', "
            "'tracker_tasklight', 'tracker_taskforecast')"
        )
        found: dict[str, list[str]] = {}
        for table, definition in cursor.fetchall():
            columns = re.search(r"USING \w+ \((.*)\)(?: WHERE .*)?$", definition).group(
                1
            )
            found.setdefault(table, []).append(columns)
        return found


def _indexed(indexes, table: str, column: str) -> bool:
    return any(columns.startswith(column) for columns in indexes[table]) or any(
        columns.startswith(f"initiative_id, {column}") for columns in indexes[table]
    )


def test_every_filter_of_the_task_list_reads_an_index():
    indexes = _index_columns()
    assert set(TaskFilter.base_filters) == set(FILTER_READS) | {"light"}
    missing = [
        name
        for name, (table, column) in FILTER_READS.items()
        if not _indexed(indexes, table, column)
    ]
    assert missing == []
    search = next(i for i in indexes["tracker_task"] if "gin_trgm_ops" in i)
    for column in ("(code)::text", "(title)::text", "description"):
        assert f"upper({column}) gin_trgm_ops" in search


def test_every_sort_of_the_task_list_reads_an_index():
    indexes = _index_columns()
    sorted_by = {key.lstrip("-") for keys in TASK_SORTS.values() for key in keys} | {
        key.lstrip("-") for key in TaskViewSet.ordering_fields
    }
    missing = sorted(
        key
        for key in sorted_by
        if not (
            _indexed(indexes, "tracker_tasklight", STORED[key])
            if key in STORED
            else _indexed(indexes, "tracker_task", Task._meta.get_field(key).column)
        )
    )
    assert missing == []


def test_a_sort_by_the_stored_light_reads_it_through_an_inner_join():
    # order_tasks makes the join inner for these, so that the light's index
    # can lead; every stored column a sort reads must be among them.
    assert set(STORED) == STORED_SORTS


def _statements(api, query) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert api.get("/api/v1/tasks/", query).status_code == 200
    return [q["sql"] for q in queries.captured_queries]


@pytest.mark.parametrize(
    "query",
    [
        {"light": ["red", "amber"]},
        {"status": ["in_progress", "not_started"]},
        {"light": "red", "status": "in_progress", "party": "1"},
    ],
)
def test_no_filter_of_the_task_list_asks_for_distinct(clients, world, query):
    # A task is one row whatever it is filtered by (the owner filters are
    # EXISTS): DISTINCT would only make PostgreSQL sort every match first.
    assert [name for name, f in TaskFilter.base_filters.items() if f.distinct] == []
    _client, api = clients
    assert not [sql for sql in _statements(api, query) if "DISTINCT" in sql]


def _count_plan(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_count_of_the_task_list_reads_the_light_only_when_it_must(clients, world):
    _client, api = clients

    def counts(query) -> list[str]:
        return [sql for sql in _statements(api, query) if "COUNT(*)" in sql]

    def count_plan(query) -> str:
        (count,) = counts(query)
        return _count_plan(count)

    # Filtered by the task's own columns: the task table alone.
    assert "tracker_tasklight" not in count_plan({"status": "in_progress"})
    # By light and something else (through the light's index): joined.
    assert "tracker_tasklight" in count_plan({"light": "red", "status": "in_progress"})
    # Unfiltered or by light alone, in any order: no COUNT, the initiatives'
    # stored counts (tests/tracker/test_task_tally.py).
    assert counts({}) == counts({"ordering": "light"}) == []
    assert (
        counts({"light": "red"}) == counts({"light": "red", "ordering": "-code"}) == []
    )


def test_the_search_is_answered_from_its_index(world):
    queryset = TaskFilter(
        {"search": "特高压 线路"}, queryset=Task.objects.order_by()
    ).qs
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on task_search" in plan, plan


def test_the_page_offers_all_as_the_empty_choice_after_the_api_has_been_read(
    clients, world
):
    """The API's schema builds the shared filter's fields first; the page's
    selects still say "all", not the library's placeholder."""
    client, api = clients
    assert api.get("/api/schema/").status_code == 200
    assert api.get("/api/v1/tasks/", {"task_list": "co_build"}).status_code == 200
    for _ in range(2):
        body = client.get("/tasks/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "---------" not in body
        for label in ("All lists", "All statuses", "All lights", "All parties"):
            assert f'<option value="" selected>{label}</option>' in body
