"""The API's write contract: every write that changes a task or anything under
it names the version its client read (``If-Match``, strong comparison, no
``*``), and every POST that creates something can be retried safely with an
``Idempotency-Key``."""

import datetime as dt
import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connections
from django.utils import timezone
from rest_framework.test import APIClient

from reports.models import Report, ReportSubscription
from tests.clock import iso
from tests.factories import make_task
from tracker import services
from tracker.models import (
    ClaimDecision,
    CompletionClaim,
    ExtensionRequest,
    IndicatorReading,
    LightOverride,
    ProgressUpdate,
    Task,
    TaskOwner,
)

# Dates are written from the tests' frozen today (tests/clock.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def task_url(task) -> str:
    return f"/api/v1/tasks/{task.pk}/"


def current_etag(task) -> str:
    return f'"tracker.task-{task.pk}-v{Task.objects.get(pk=task.pk).version}"'


def current_part_etag(task, party_code: str = "sc") -> str:
    """The ETag of a party's part of `task`, which its progress updates name."""
    part = TaskOwner.objects.get(task=task, party__code=party_code)
    return f'"tracker.taskowner-{part.pk}-v{part.version}"'


@pytest.fixture
def started(task, sc_coord):
    services.task_start(task=task, actor=sc_coord)
    return Task.objects.get(pk=task.pk)


# --- If-Match on every write under a task ------------------------------------------


@dataclass
class Write:
    """A write under a task whose service did not take the client's version."""

    user: str
    method: str
    url: Callable[[dict], str]
    read_url: Callable[[dict], str]  # where the client read what it sends back
    body: dict
    changed: Callable[[dict], object]  # what the write changes, to compare
    status: int  # its answer when it succeeds


WRITES = {
    "request-extension": Write(
        user="sc_coord",
        method="post",
        url=lambda w: task_url(w["task"]) + "request-extension/",
        read_url=lambda w: task_url(w["task"]),
        body={"requested_due_date": "2031-06-30", "reason": "设备到货推迟"},
        changed=lambda w: ExtensionRequest.objects.filter(task=w["task"]).count(),
        status=201,
    ),
    "decide": Write(
        user="office",
        method="post",
        url=lambda w: f"/api/v1/extension-requests/{w['extension'].pk}/decide/",
        read_url=lambda w: f"/api/v1/extension-requests/{w['extension'].pk}/",
        body={"approve": True, "opinion": "同意延期"},
        changed=lambda w: Task.objects.get(pk=w["task"].pk).due_date,
        status=200,
    ),
    "readings": Write(
        user="sc_coord",
        method="post",
        url=lambda w: f"/api/v1/indicators/{w['indicator'].pk}/readings/",
        read_url=lambda w: f"/api/v1/indicators/{w['indicator'].pk}/",
        body={"period": iso(-60), "value": "42", "note": "一季度"},
        changed=lambda w: IndicatorReading.objects.count(),
        status=201,
    ),
    "owner": Write(
        user="sc_coord",
        method="patch",
        url=lambda w: f"/api/v1/owners/{w['owner'].pk}/",
        read_url=lambda w: f"/api/v1/owners/{w['owner'].pk}/",
        body={"contact_name": "新联络人"},
        changed=lambda w: TaskOwner.objects.get(pk=w["owner"].pk).contact_name,
        status=200,
    ),
}


@pytest.fixture
def world(request, started, sichuan, sc_coord, office):
    w = {"task": started, "users": {"sc_coord": sc_coord, "office": office}}
    if request.node.callspec.params["name"] == "decide":
        w["extension"] = services.task_request_extension(
            task=started,
            actor=sc_coord,
            requested_due_date=started.due_date + dt.timedelta(days=90),
            reason="征地手续延误",
        )
    w["indicator"] = services.indicator_create(
        task=started, name="铁塔组立", unit="基", target=100, party=sichuan
    )
    w["owner"] = TaskOwner.objects.get(task=started, party=sichuan)
    w["task"] = Task.objects.get(pk=started.pk)
    return w


def _send(w, write: Write, **headers):
    client = client_for(w["users"][write.user])
    return getattr(client, write.method)(
        write.url(w), write.body, format="json", **headers
    )


@pytest.mark.parametrize("name", WRITES)
def test_write_under_a_task_without_if_match_is_428(world, name):
    write = WRITES[name]
    before = write.changed(world)
    response = _send(world, write)
    assert response.status_code == 428, response.content
    assert response.json()["code"] == "precondition_required"
    assert write.changed(world) == before


@pytest.mark.parametrize("name", WRITES)
def test_write_under_a_task_with_a_stale_etag_is_412(world, name):
    write = WRITES[name]
    stale = f'"tracker.task-{world["task"].pk}-v{world["task"].version - 1}"'
    before = write.changed(world)
    response = _send(world, write, HTTP_IF_MATCH=stale)
    assert response.status_code == 412, response.content
    assert response.json()["code"] == "precondition_failed"
    assert write.changed(world) == before


@pytest.mark.parametrize("name", WRITES)
def test_write_under_a_task_with_what_was_read_succeeds_and_answers_the_tasks_etag(
    world, name
):
    write = WRITES[name]
    client = client_for(world["users"][write.user])
    read = client.get(write.read_url(world))
    assert read.status_code == 200
    # What the client reads before the write carries the tag to send back.
    assert read["ETag"] == current_etag(world["task"])
    before = write.changed(world)
    response = _send(world, write, HTTP_IF_MATCH=read["ETag"])
    assert response.status_code == write.status, response.content
    assert write.changed(world) != before
    # The answer carries the task's tag as it is now: the next write needs it.
    assert response["ETag"] == current_etag(world["task"])
    assert client.get(task_url(world["task"]))["ETag"] == response["ETag"]


def test_star_is_refused_with_428_and_changes_nothing(sc, started):
    body = {"narrative": "进展", "progress": 30}
    response = sc.post(
        task_url(started) + "progress-updates/", body, format="json", HTTP_IF_MATCH="*"
    )
    assert response.status_code == 428
    problem = response.json()
    assert problem["code"] == "precondition_required"
    assert "*" in problem["detail"] and "ETag" in problem["detail"]
    assert ProgressUpdate.objects.count() == 0
    english = sc.patch(
        f"/api/v1/owners/{started.owners.first().pk}/",
        {"contact_name": "x"},
        format="json",
        HTTP_IF_MATCH="*",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert english.status_code == 428
    assert "not “*”" in english.json()["detail"]


def test_a_weak_tag_never_matches_412_with_a_clear_message(sc, started):
    weak = "W/" + current_part_etag(started)
    response = sc.post(
        task_url(started) + "progress-updates/",
        {"narrative": "进展", "progress": 30},
        format="json",
        HTTP_IF_MATCH=weak,
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 412
    assert response.json()["code"] == "precondition_failed"
    assert "弱 ETag" in response.json()["detail"]
    assert ProgressUpdate.objects.count() == 0
    # Among a list, the strong tag is the one compared.
    listed = sc.post(
        task_url(started) + "progress-updates/",
        {"narrative": "进展", "progress": 30},
        format="json",
        HTTP_IF_MATCH=f"{weak}, {current_part_etag(started)}",
    )
    assert listed.status_code == 201, listed.content


@pytest.fixture
def sc(sc_coord):
    return client_for(sc_coord)


def _race(user, url, body, tag, writers):
    barrier = threading.Barrier(writers)
    results = []

    def write():
        try:
            barrier.wait()
            response = client_for(user).post(
                url, body, format="json", HTTP_IF_MATCH=tag
            )
            results.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write) for _ in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(results)


@pytest.mark.django_db(transaction=True)
def test_racing_readings_with_the_same_etag_exactly_one_wins(
    sichuan, chongqing, initiative, sc_coord
):
    task = make_task(initiative, code="R-2")
    services.task_start(task=task, actor=sc_coord)
    indicator = services.indicator_create(
        task=task, name="签约项目", unit="个", target=10, party=sichuan
    )
    url = f"/api/v1/indicators/{indicator.pk}/readings/"
    for round_ in range(3):
        tag = client_for(sc_coord).get(url)["ETag"]
        period = (iso(-90), iso(-60), iso(-30))[round_]
        body = {"period": period, "value": str(round_)}
        assert _race(sc_coord, url, body, tag, 4) == [201, 412, 412, 412]
    assert IndicatorReading.objects.filter(indicator=indicator).count() == 3


# --- Idempotency-Key on every creating POST -------------------------------------------


@dataclass
class Creation:
    user: str
    url: Callable[[dict], str]
    body: Callable[[dict], dict]
    rows: Callable[[], int]  # how many rows of what it creates exist
    status: int  # its first answer, replayed
    if_match: bool = True


def _in_a_year() -> str:
    return (timezone.now() + dt.timedelta(days=365)).isoformat()


CREATIONS = {
    "claim-completion": Creation(
        user="sc_coord",
        url=lambda w: task_url(w["task"]) + "claim-completion/",
        body=lambda w: {"explanation": "四川段已全部完工"},
        rows=CompletionClaim.objects.count,
        status=200,
    ),
    "confirm-completion": Creation(
        user="sc_coord",
        url=lambda w: task_url(w["claimed"]) + "confirm-completion/",
        body=lambda w: {},
        rows=ClaimDecision.objects.count,
        status=200,
    ),
    "reject-completion": Creation(
        user="sc_coord",
        url=lambda w: task_url(w["claimed"]) + "reject-completion/",
        body=lambda w: {"reason": "四川段尚未验收"},
        rows=ClaimDecision.objects.count,
        status=200,
    ),
    "request-extension": Creation(
        user="sc_coord",
        url=lambda w: task_url(w["task"]) + "request-extension/",
        body=lambda w: {"requested_due_date": "2031-06-30", "reason": "设备到货推迟"},
        rows=ExtensionRequest.objects.count,
        status=201,
    ),
    "decide": Creation(
        user="office",
        url=lambda w: f"/api/v1/extension-requests/{w['extension'].pk}/decide/",
        body=lambda w: {"approve": False, "opinion": "理由不充分"},
        rows=lambda: ExtensionRequest.objects.filter(decided_at__isnull=False).count(),
        status=200,
    ),
    "light-override": Creation(
        user="office",
        url=lambda w: task_url(w["task"]) + "light-override/",
        body=lambda w: {
            "light": "red",
            "reason": "专班研判",
            "expires_at": _in_a_year(),
        },
        rows=LightOverride.objects.count,
        status=200,
    ),
    "progress-updates": Creation(
        user="sc_coord",
        url=lambda w: task_url(w["task"]) + "progress-updates/",
        body=lambda w: {"narrative": "铁塔组立完成", "progress": 60},
        rows=ProgressUpdate.objects.count,
        status=201,
    ),
    "readings": Creation(
        user="sc_coord",
        url=lambda w: f"/api/v1/indicators/{w['indicator'].pk}/readings/",
        body=lambda w: {"period": iso(-60), "value": "42"},
        rows=IndicatorReading.objects.count,
        status=201,
    ),
    "suspend": Creation(
        user="office",
        url=lambda w: task_url(w["task"]) + "suspend/",
        body=lambda w: {"reason": "等待国家批复"},
        rows=lambda: Task.objects.filter(status="suspended").count(),
        status=200,
    ),
    "reports": Creation(
        user="sc_leader",
        url=lambda w: "/api/v1/reports/",
        body=lambda w: {
            "initiative": w["task"].initiative_id,
            "kind": "on_demand",
            "period_start": iso(-60),
            "period_end": iso(-30),
        },
        rows=Report.objects.count,
        status=202,
        if_match=False,
    ),
    "report-subscriptions": Creation(
        user="sc_leader",
        url=lambda w: "/api/v1/report-subscriptions/",
        body=lambda w: {"initiative": w["task"].initiative_id, "kind": "monthly"},
        rows=ReportSubscription.objects.count,
        status=201,
        if_match=False,
    ),
}


@pytest.fixture
def creation_world(started, sichuan, initiative, sc_coord, cq_coord, office, sc_leader):
    users = {"sc_coord": sc_coord, "office": office, "sc_leader": sc_leader}
    claimed = make_task(initiative, code="CL-01")
    services.task_start(task=claimed, actor=cq_coord)
    services.task_claim_completion(
        task=claimed, actor=cq_coord, explanation="重庆段已全部完工"
    )
    w = {"task": started, "claimed": claimed, "users": users}
    w["extension"] = services.task_request_extension(
        task=claimed,
        actor=cq_coord,
        requested_due_date=claimed.due_date + dt.timedelta(days=90),
        reason="征地手续延误",
    )
    w["indicator"] = services.indicator_create(
        task=started, name="铁塔组立", unit="基", target=100, party=sichuan
    )
    return w


def _tag_for(w, url: str) -> str:
    if url.endswith("/progress-updates/"):
        return current_part_etag(w["task"])
    for task in (w["task"], w["claimed"]):
        if url.startswith(task_url(task)):
            return current_etag(task)
    if "/extension-requests/" in url:
        return current_etag(w["extension"].task)
    return current_etag(w["indicator"].task)


@pytest.mark.parametrize("name", CREATIONS)
def test_a_retried_creating_post_replays_the_first_answer(creation_world, name):
    spec = CREATIONS[name]
    w = creation_world
    client = client_for(w["users"][spec.user])
    url, body = spec.url(w), spec.body(w)
    headers = {"HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())}
    if spec.if_match:
        # The retry sends what the first attempt sent: the tag it read then.
        headers["HTTP_IF_MATCH"] = _tag_for(w, url)
    before = spec.rows()
    first = client.post(url, body, format="json", **headers)
    assert first.status_code == spec.status, first.content
    assert spec.rows() == before + 1
    retry = client.post(url, body, format="json", **headers)
    assert retry.status_code == first.status_code, retry.content
    assert retry["Idempotent-Replayed"] == "true"
    assert retry.json() == first.json()
    assert retry.get("ETag") == first.get("ETag")
    assert retry.get("Location") == first.get("Location")
    assert spec.rows() == before + 1


# --- the schema says all of it --------------------------------------------------------

UNDER_A_TASK = (
    "tasks",
    "milestones",
    "owners",
    "indicators",
    "extension-requests",
    "dependencies",
)
CREATING_POSTS = {
    "/api/v1/reports/",
    "/api/v1/report-subscriptions/",
}


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def _header_params(operation):
    return {
        p["name"]: p for p in operation.get("parameters", []) if p["in"] == "header"
    }


def test_the_schema_declares_the_write_contract(sc):
    schema = sc.get("/api/schema/", {"format": "json"}).json()
    writes = 0
    for path, method, operation in _operations(schema):
        headers = _header_params(operation)
        segment = path.removeprefix("/api/v1/").split("/", 1)[0]
        success = {c: r for c, r in operation["responses"].items() if c[0] == "2"}
        if method in {"post", "patch", "put", "delete"}:
            assert "X-Change-Reason" in headers, (method, path)
        if method in {"post", "patch", "put", "delete"} and segment in UNDER_A_TASK:
            writes += 1
            assert headers["If-Match"]["required"] is True, (method, path)
            assert "ETag" in headers["If-Match"]["description"]
            assert {"412", "428"} <= set(operation["responses"]), (method, path)
            for code, response in success.items():
                assert response["headers"]["ETag"]["required"], (method, path, code)
        if method == "post" and (segment in UNDER_A_TASK or path in CREATING_POSTS):
            assert "Idempotency-Key" in headers, path
            assert "422" in operation["responses"], path
        item = re.fullmatch(r"/api/v1/[a-z-]+/\{id\}/", path)
        if method == "get" and item and segment in UNDER_A_TASK:
            assert success["200"]["headers"]["ETag"]["required"], path
    assert writes == 20  # every write under a task, each checked above
