"""The task list page (/tasks/): who sees what, filters, sorting, paging,
invalid input, and a query count that does not grow with the rows."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Agency
from tests.factories import PartyFactory, make_initiative, make_task
from tracker import services
from tracker.choices import TaskList, TaskStatus

pytestmark = pytest.mark.django_db

URL = "/tasks/"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _today():
    return timezone.localdate()


def _codes(response) -> list[str]:
    return re.findall(
        r'data-testid="task-row" data-code="([^"]+)"', response.content.decode()
    )


def _owner(party):
    return services.OwnerSpec(
        party=party,
        agency=Agency.objects.get(party=party, is_lead=True),
        contact_name="联络人",
    )


@pytest.fixture
def world(initiative, sichuan, chongqing):
    """Three tasks of the initiative: one overdue, one on track, one owned by
    Chongqing alone in another work stream."""
    today = _today()
    late = make_task(
        initiative,
        code="NY-01",
        title="川渝特高压交流工程",
        due_date=today - dt.timedelta(days=5),
        status=TaskStatus.IN_PROGRESS,
        progress=40,
        task_list=TaskList.CO_BUILD,
    )
    fine = make_task(
        initiative,
        code="NY-02",
        title="天然气千亿方产能基地",
        due_date=today + dt.timedelta(days=200),
        progress=10,
    )
    digital = services.work_stream_create(
        initiative=initiative, code="sz", name="关键数字基础设施", sort_order=5
    )
    cq_only = services.task_create(
        initiative=initiative,
        code="SZ-01",
        title="国际互联网数据专用通道",
        work_stream=digital,
        due_date=today + dt.timedelta(days=100),
        owners=[_owner(chongqing)],
        progress=70,
        task_list=TaskList.JOINT_APPLICATION,
    )
    return {"late": late, "fine": fine, "cq_only": cq_only, "digital": digital}


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_member_sees_the_tasks_with_owners_light_and_progress(
    client, sc_leader, world
):
    client.force_login(sc_leader)
    response = client.get(URL, **EN)
    assert response.status_code == 200
    body = response.content.decode()
    assert sorted(_codes(response)) == ["NY-01", "NY-02", "SZ-01"]
    row = body.split('data-code="NY-01"')[1].split("</tr>")[0]
    assert "light-red" in row and "overdue" in row  # colour and text
    assert '<progress max="100" value="40"' in row and "40%" in row
    assert reverse("tracker:task_detail", args=[world["late"].pk]) in row
    assert "川</abbr>：" in row and "渝</abbr>：" in row  # one owner per party
    assert 'class="table-wrap"' in body


def test_tasks_of_initiatives_the_user_is_not_in_are_hidden(client, sc_leader, world):
    shaanxi, gansu = PartyFactory(name="陕西省"), PartyFactory(name="甘肃省")
    other = make_initiative([shaanxi, gansu])
    make_task(other, code="XB-01", title="西北事项")
    client.force_login(sc_leader)
    response = client.get(URL)
    assert "XB-01" not in _codes(response)
    assert "西北事项" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"light": "red"}, ["NY-01"]),
        ({"light": "green"}, ["NY-02", "SZ-01"]),
        ({"status": "in_progress"}, ["NY-01"]),
        ({"task_list": "co_build"}, ["NY-01"]),
        ({"search": "天然气"}, ["NY-02"]),
        ({"search": "sz-01"}, ["SZ-01"]),
    ],
)
def test_filters(client, sc_leader, world, query, expected):
    client.force_login(sc_leader)
    assert sorted(_codes(client.get(URL, query))) == expected


def test_filter_by_owner_party_and_work_stream(
    client, sc_leader, sichuan, chongqing, world
):
    client.force_login(sc_leader)
    assert sorted(_codes(client.get(URL, {"party": sichuan.pk}))) == ["NY-01", "NY-02"]
    assert sorted(_codes(client.get(URL, {"party": chongqing.pk}))) == [
        "NY-01",
        "NY-02",
        "SZ-01",
    ]
    stream = world["late"].work_stream
    assert sorted(_codes(client.get(URL, {"work_stream": stream.pk}))) == [
        "NY-01",
        "NY-02",
    ]
    assert _codes(client.get(URL, {"work_stream": world["digital"].pk})) == ["SZ-01"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("code", ["NY-01", "NY-02", "SZ-01"]),
        ("-code", ["SZ-01", "NY-02", "NY-01"]),
        ("due_date", ["NY-01", "SZ-01", "NY-02"]),
        ("-due_date", ["NY-02", "SZ-01", "NY-01"]),
        ("progress", ["NY-02", "NY-01", "SZ-01"]),
        ("-progress", ["SZ-01", "NY-01", "NY-02"]),
        ("light", ["NY-01", "SZ-01", "NY-02"]),
        ("days_overdue", ["NY-01", "SZ-01", "NY-02"]),
    ],
)
def test_sorting(client, sc_leader, world, sort, expected):
    client.force_login(sc_leader)
    assert _codes(client.get(URL, {"sort": sort})) == expected


def test_sort_headers_toggle_and_keep_the_filter(client, sc_leader, world):
    client.force_login(sc_leader)
    body = client.get(URL, {"sort": "due_date", "light": "green"}).content.decode()
    header = body.split('data-testid="sort-due-date"')[0].rsplit("<th", 1)[1]
    assert 'aria-sort="ascending"' in header
    link = re.search(r'href="([^"]+)" data-testid="sort-due-date"', body).group(1)
    assert "sort=-due_date" in link and "light=green" in link


def test_invalid_filter_values_are_reported_and_ignored(client, sc_leader, world):
    client.force_login(sc_leader)
    response = client.get(
        URL,
        {
            "light": "purple",
            "status": "done-ish",
            "work_stream": "abc",
            "party": "999999",
            "sort": "title; drop table",
            "page": "zzz",
            "search": "x" * 500,
        },
        **EN,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'role="alert"' in body
    # One error per field (the page number is not a filter: page 1 is shown).
    assert body.count('<li><a href="#id_') == 6
    assert sorted(_codes(response)) == ["NY-01", "NY-02", "SZ-01"]


@pytest.mark.parametrize(
    "query",
    [
        {"party": "99999999999999999999"},
        {"work_stream": "-1"},
        {"work_stream": "1.5"},
        {"page": "99999"},
        {"page": "-1"},
        {"sort": ""},
    ],
)
def test_odd_values_never_fail_the_page(client, sc_leader, world, query):
    client.force_login(sc_leader)
    response = client.get(URL, query)
    assert response.status_code == 200
    assert len(_codes(response)) == 3


def test_a_nul_character_in_the_search_is_an_error_not_a_crash(
    client, sc_leader, world
):
    client.force_login(sc_leader)
    response = client.get(URL, {"search": "NY\x00"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_a_work_stream_of_another_initiative_is_not_a_valid_filter(
    client, sc_leader, world
):
    other = make_initiative([PartyFactory(), PartyFactory()])
    foreign = make_task(other).work_stream
    client.force_login(sc_leader)
    response = client.get(URL, {"work_stream": foreign.pk})
    body = response.content.decode()
    assert 'role="alert"' in body
    select = body.split('id="id_work_stream"')[1].split("</select>")[0]
    assert f'<option value="{foreign.pk}"' not in select
    assert len(_codes(response)) == 3


def test_pages_of_25_keep_the_filter_in_their_links(client, sc_leader, initiative):
    for n in range(30):
        make_task(
            initiative, code=f"T-{n:02d}", due_date=_today() + dt.timedelta(days=9)
        )
    client.force_login(sc_leader)
    first = client.get(URL, {"light": "green", "sort": "code"})
    assert len(_codes(first)) == 25
    body = first.content.decode()
    next_link = re.search(r'href="([^"]+)" rel="next"', body).group(1)
    assert (
        "light=green" in next_link
        and "sort=code" in next_link
        and "page=2" in next_link
    )
    second = client.get(URL + next_link.replace("&amp;", "&"))
    assert _codes(second) == [f"T-{n:02d}" for n in range(25, 30)]
    assert 'data-count="30"' in body


def test_only_get(client, sc_leader):
    client.force_login(sc_leader)
    assert client.post(URL).status_code == 405


def test_query_count_does_not_grow_with_rows(
    client, sc_leader, initiative, django_assert_num_queries
):
    for n in range(3):
        make_task(initiative, code=f"A-{n}", due_date=_today() + dt.timedelta(days=9))
    client.force_login(sc_leader)
    query = {"light": "green", "sort": "light", "party": "", "search": "A"}
    client.get(URL, query)  # warm the session
    with CaptureQueriesContext(connection) as small:
        assert len(_codes(client.get(URL, query))) == 3
    for n in range(3, 30):
        make_task(
            initiative, code=f"A-{n:02d}", due_date=_today() + dt.timedelta(days=9)
        )
    with django_assert_num_queries(len(small.captured_queries)):
        assert len(_codes(client.get(URL, query))) == 25
