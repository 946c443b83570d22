"""The API of the workbench and of 催办 by hand: the same sections as the page,
the office's only; the 催办记录 scoped to who sees the item; a 催办 under the
write contract (If-Match on the task, Idempotency-Key); answers once, by the
party addressed."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from config.api.concurrency import etag_for
from supervision.models import Urge, UrgeTarget
from supervision.services.urges import urge_send
from tests.supervision.workbench import build
from tracker import services
from tracker.models import Task

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_the_workbench_in_json(w):
    rows = build(w)
    response = client_for(w.office).get("/api/v1/office/")
    assert response.status_code == 200
    body = response.json()
    assert body["counts"] == {
        "extension_requests": 1,
        "overdue_unreminded": 3,
        "waiting_claims": 1,
        "expiring_overrides": 1,
    }
    [extension] = body["extension_requests"]
    assert extension["id"] == rows.extension.pk
    assert extension["task"]["etag"] == etag_for(Task.objects.get(pk=rows.ext_task.pk))
    assert [t["code"] for t in body["overdue_unreminded"]] == [
        "NY-02",
        "NY-01",
        "NY-04",
    ]
    late = body["overdue_unreminded"][-1]
    assert late["late_milestone"]["id"] == rows.late_milestone.pk
    assert late["milestone_days_overdue"] == 4 and late["days_overdue"] == 0
    assert [p["party"]["code"] for p in late["owners"]] == ["sc", "cq"]
    [claim] = body["waiting_claims"]
    assert [p["code"] for p in claim["waiting_for"]] == ["cq"]
    assert claim["days_waiting"] == 6
    [override] = body["expiring_overrides"]
    assert override["days_left"] == 3 and override["light"] == "amber"


@pytest.mark.parametrize("who", ["sc_coord", "sc_leader", "cq_auditor"])
def test_the_workbench_is_refused_to_others(w, who):
    response = client_for(getattr(w, who)).get("/api/v1/office/")
    assert response.status_code == 403
    assert response["Content-Type"].startswith(PROBLEM)
    assert client_for(None).get("/api/v1/office/").status_code == 401


def test_the_workbench_costs_the_same_however_many_rows(w):
    build(w)
    client = client_for(w.office)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/api/v1/office/").status_code == 200
    build(w, "b")
    with CaptureQueriesContext(connection) as many:
        assert client.get("/api/v1/office/").status_code == 200
    assert len(many) == len(few), [q["sql"][:80] for q in many.captured_queries]


def test_the_schema_documents_the_workbench(w):
    schema = client_for(w.sc_coord).get("/api/schema/", {"format": "json"}).json()
    office = schema["paths"]["/api/v1/office/"]["get"]
    ref = office["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    component = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert set(component["properties"]) == {
        "today",
        "counts",
        "extension_requests",
        "overdue_unreminded",
        "waiting_claims",
        "expiring_overrides",
    }
    assert "403" in office["responses"]
    urges = schema["paths"]["/api/v1/tasks/{id}/urges/"]["post"]
    headers = {p["name"] for p in urges["parameters"] if p["in"] == "header"}
    assert {"If-Match", "Idempotency-Key"} <= headers


def test_sending_a_urge_under_the_write_contract(w):
    client = client_for(w.office)
    url = f"/api/v1/tasks/{w.task.pk}/urges/"
    read = client.get(url)
    assert read.status_code == 200 and read.json()["count"] == 0
    tag = read["ETag"]
    assert tag == etag_for(Task.objects.get(pk=w.task.pk))
    body = {"message": "请于本周内报送进展。"}
    assert client.post(url, body, format="json").status_code == 428
    blank = client.post(url, {"message": " "}, format="json", HTTP_IF_MATCH=tag)
    assert blank.status_code == 400 and "message" in blank.json()["errors"]
    foreign = client.post(
        url,
        {**body, "milestone": 10**9},
        format="json",
        HTTP_IF_MATCH=tag,
    )
    assert foreign.status_code == 400 and "milestone" in foreign.json()["errors"]
    sent = client.post(
        url, body, format="json", HTTP_IF_MATCH=tag, HTTP_IDEMPOTENCY_KEY="urge-1"
    )
    assert sent.status_code == 201, sent.content
    urge = sent.json()
    assert urge["kind"] == "urge" and urge["sent_by"]["username"] == "office"
    assert [t["party"]["code"] for t in urge["targets"]] == ["sc", "cq"]
    assert all(t["answered_at"] is None and t["answerable"] for t in urge["targets"])
    again = client.post(
        url, body, format="json", HTTP_IF_MATCH=tag, HTTP_IDEMPOTENCY_KEY="urge-1"
    )
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == urge["id"]
    assert Urge.objects.count() == 1
    # The task's version moved on: the tag read before is stale.
    task = Task.objects.get(pk=w.task.pk)
    services.task_update(task=task, actor=w.office, expected_version=task.version)
    stale = client.post(url, body, format="json", HTTP_IF_MATCH=tag)
    assert stale.status_code == 412
    assert Urge.objects.count() == 1
    refused = client_for(w.cq_coord).post(
        url, body, format="json", HTTP_IF_MATCH=etag_for(Task.objects.get(pk=task.pk))
    )
    assert refused.status_code == 403


def test_answering_through_the_api(w):
    urge = urge_send(task=w.task, actor=w.office, message="请报送进展。")
    target = urge.targets.get(party=w.chongqing)
    url = f"/api/v1/urge-targets/{target.pk}/answer/"
    reply = {"reply": "已倒排工期。"}
    assert client_for(w.sc_coord).post(url, reply, format="json").status_code == 403
    assert client_for(w.office).post(url, reply, format="json").status_code == 403
    answered = client_for(w.cq_coord).post(url, reply, format="json")
    assert answered.status_code == 200, answered.content
    body = answered.json()
    assert body["reply"] == "已倒排工期。"
    assert body["answered_by"]["username"] == "cq_coord"
    assert body["response_seconds"] >= 0
    again = client_for(w.cq_coord).post(url, reply, format="json")
    assert again.status_code == 409
    assert UrgeTarget.objects.get(pk=target.pk).reply == "已倒排工期。"


def test_the_ledger_is_seen_by_who_sees_the_item(w, outsider):
    urge = urge_send(task=w.task, actor=w.office, message="请报送进展。")
    target = urge.targets.get(party=w.chongqing)
    for user in (w.sc_coord, w.sc_leader, w.cq_auditor):
        listed = client_for(user).get(f"/api/v1/tasks/{w.task.pk}/urges/")
        assert [u["id"] for u in listed.json()["results"]] == [urge.pk]
        seen = client_for(user).get(f"/api/v1/urge-targets/{target.pk}/")
        assert seen.status_code == 200
    stranger = client_for(outsider)
    assert stranger.get(f"/api/v1/tasks/{w.task.pk}/urges/").status_code == 404
    assert stranger.get(f"/api/v1/urge-targets/{target.pk}/").status_code == 404
    answer = stranger.post(
        f"/api/v1/urge-targets/{target.pk}/answer/", {"reply": "x"}, format="json"
    )
    assert answer.status_code == 404
