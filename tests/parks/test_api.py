"""The parks API: the steps through HTTP with If-Match and Idempotency-Key, the
wrong party refused at every step, a published result refused, and the
lists' query counts constant as rows grow."""

import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from parks import services
from parks.models import ParkAssessment
from tracker.services.structure import industrial_park_create, park_pair_create

from .conftest import evidence, submit

pytestmark = pytest.mark.django_db


def client(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


def post(user, url, etag, data=None, *, multipart=False):
    headers = {"HTTP_IF_MATCH": etag, "HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())}
    if multipart:
        return client(user).post(url, data or {}, format="multipart", **headers)
    return client(user).post(url, data or {}, format="json", **headers)


def etag_of(user, assessment):
    response = client(user).get(f"/api/v1/parks/assessments/{assessment.pk}/")
    assert response.status_code == 200
    return response["ETag"], response.json()


VALUES = json.dumps(
    [
        {"code": "orders", "value": "80", "is_lower_bound": False, "note": ""},
        {"code": "firms", "value": "60", "is_lower_bound": True, "note": "超"},
    ]
)


def test_steps_through_the_api(parks_world):
    w = parks_world
    a = w["a"]["甲"]
    etag, body = etag_of(w["sc"], a)
    assert body["actions"] == ["submit"]
    r = post(
        w["sc"],
        f"/api/v1/parks/assessments/{a.pk}/submit/",
        etag,
        {"values": VALUES, "evidence": [evidence()]},
        multipart=True,
    )
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "submitted" and len(r.json()["evidence"]) == 1
    etag, body = etag_of(w["cq"], a)
    assert body["actions"] == ["query", "agree"]
    r = post(
        w["cq"],
        f"/api/v1/parks/assessments/{a.pk}/query/",
        etag,
        {"indicator": "orders", "comment": "请补充订单合同"},
    )
    assert r.status_code == 200 and r.json()["state"] == "queried"
    # A stale ETag is refused.
    r = post(w["sc"], f"/api/v1/parks/assessments/{a.pk}/submit/", etag, {"values": []})
    assert r.status_code == 412
    etag, _ = etag_of(w["sc"], a)
    r = post(
        w["sc"],
        f"/api/v1/parks/assessments/{a.pk}/submit/",
        etag,
        {"values": [{"code": "orders", "value": "75"}]},
    )
    assert r.status_code == 200 and r.json()["state"] == "submitted", r.content
    etag, _ = etag_of(w["cq"], a)
    r = post(w["cq"], f"/api/v1/parks/assessments/{a.pk}/agree/", etag)
    assert r.json()["state"] == "agreed"
    r = post(w["office"], f"/api/v1/parks/assessments/{a.pk}/score/", r["ETag"])
    assert r.json()["state"] == "scored" and r.json()["score"] == "87.50"
    r = post(
        w["office"],
        f"/api/v1/parks/assessments/{a.pk}/adjust/",
        r["ETag"],
        {"score": "90", "reason": "订单核实后补计"},
    )
    assert r.json()["score"] == "90.00"


def _everyone_scored(w):
    for key, user, reviewer in (
        ("甲", w["sc"], w["cq"]),
        ("乙", w["cq"], w["sc"]),
        ("丙", w["sc"], w["cq"]),
        ("丁", w["cq"], w["sc"]),
    ):
        submit(w, key, user)
        services.assessment_agree(user=reviewer, assessment=w["a"][key])
        services.assessment_score(user=w["office"], assessment=w["a"][key])


def test_wrong_party_refused_at_every_step(parks_world):
    w = parks_world
    a = w["a"]["甲"]
    url = f"/api/v1/parks/assessments/{a.pk}"

    def refused(user, step, data=None):
        etag, body = etag_of(user, a)
        assert step not in body["actions"]
        r = post(user, f"{url}/{step}/", etag, data)
        assert r.status_code == 403, (step, r.content)
        assert r["Content-Type"].startswith("application/problem+json")

    refused(w["cq"], "submit", {"values": []})
    refused(w["office"], "submit", {"values": []})
    submit(w, "甲", w["sc"])
    refused(w["sc"], "agree")
    refused(w["sc"], "query", {"indicator": "orders", "comment": "?"})
    refused(w["office"], "agree")
    services.assessment_agree(user=w["cq"], assessment=a)
    refused(w["sc"], "score")
    refused(w["cq"], "score")
    services.assessment_score(user=w["office"], assessment=a)
    refused(w["cq"], "adjust", {"score": "1", "reason": "x"})
    cycle = w["cycle"]
    r = client(w["sc"]).get(f"/api/v1/parks/cycles/{cycle.pk}/")
    r = post(w["sc"], f"/api/v1/parks/cycles/{cycle.pk}/publish/", r["ETag"])
    assert r.status_code == 403


def test_published_result_refused(parks_world):
    w = parks_world
    _everyone_scored(w)
    cycle = w["cycle"]
    r = client(w["office"]).get(f"/api/v1/parks/cycles/{cycle.pk}/")
    assert [i["code"] for i in r.json()["indicators"]] == ["orders", "firms"]
    r = post(
        w["office"],
        f"/api/v1/parks/cycles/{cycle.pk}/publish/",
        r["ETag"],
        {"announced_on": "2024-12-12"},
    )
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "published" and r.json()["announced_on"] == "2024-12-12"
    a = ParkAssessment.objects.get(pk=w["a"]["甲"].pk)
    etag, body = etag_of(w["office"], a)
    assert body["actions"] == [] and body["outcome"] == "met" and body["rank"] == 1
    r = post(
        w["office"],
        f"/api/v1/parks/assessments/{a.pk}/adjust/",
        etag,
        {"score": "1", "reason": "x"},
    )
    assert r.status_code == 409
    assert "已公布" in r.json()["detail"] or "published" in r.json()["detail"]
    r = client(w["office"]).get(f"/api/v1/parks/cycles/{cycle.pk}/")
    r = post(w["office"], f"/api/v1/parks/cycles/{cycle.pk}/publish/", r["ETag"])
    assert r.status_code == 409


def test_unseen_is_not_found(parks_world):
    from tests.factories import UserFactory

    w = parks_world
    stranger = UserFactory(username="stranger")
    r = client(stranger).get(f"/api/v1/parks/assessments/{w['a']['甲'].pk}/")
    assert r.status_code == 404
    assert client(stranger).get("/api/v1/parks/assessments/").json()["count"] == 0


def _grow(w, n):
    """n more pairs of the batch and their assessments in the cycle."""
    from parks.models import ParkAssessment as PA

    for i in range(n):
        parks = [
            industrial_park_create(
                party=party,
                name=f"扩{n}-{i}-{party.code}",
                city_county="某县",
                batch=2021,
            )
            for party in (w["parks"]["甲"].party, w["parks"]["乙"].party)
        ]
        pair = park_pair_create(initiative=w["cycle"].initiative, parks=parks)
        for park in parks:
            PA.objects.create(cycle=w["cycle"], park=park, pair=pair)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/parks/assessments/",
        "/api/v1/parks/cycles/",
        "/api/v1/parks/",
        "/api/v1/parks/pairs/",
    ],
)
def test_list_query_counts_constant(parks_world, url):
    w = parks_world
    counts = []
    for grow in (0, 8):
        _grow(w, grow)
        for user in (w["sc"], w["office"]):
            c = client(type(user).objects.get(pk=user.pk))
            with CaptureQueriesContext(connection) as ctx:
                r = c.get(url)
            assert r.status_code == 200
            counts.append(len(ctx))
    assert counts[:2] == counts[2:], (counts, [q["sql"] for q in ctx.captured_queries])
    assert max(counts) <= 8, counts
