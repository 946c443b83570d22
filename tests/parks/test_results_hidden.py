"""Scores stay the joint office's until the cycle is published, in the API
(list and detail) and in the step trail of the park's page."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from parks import services
from tests.tracker.pages import body, signed_in

from .conftest import submit

pytestmark = pytest.mark.django_db

REASON = "核减重复统计的订单"


def _api(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


def _scored_and_adjusted(w):
    for key, user, reviewer in (
        ("甲", w["sc"], w["cq"]),
        ("乙", w["cq"], w["sc"]),
        ("丙", w["sc"], w["cq"]),
        ("丁", w["cq"], w["sc"]),
    ):
        submit(w, key, user)
        services.assessment_agree(user=reviewer, assessment=w["a"][key])
        services.assessment_score(user=w["office"], assessment=w["a"][key])
    services.assessment_adjust(
        user=w["office"], assessment=w["a"]["甲"], score="70", reason=REASON
    )


def _read(user, assessment):
    listed = _api(user).get("/api/v1/parks/assessments/")
    assert listed.status_code == 200
    row = next(r for r in listed.json()["results"] if r["id"] == assessment.pk)
    detail = _api(user).get(f"/api/v1/parks/assessments/{assessment.pk}/")
    assert detail.status_code == 200
    return row, detail.json()


def _hidden(row, detail):
    for data in (row, detail):
        assert data["computed_score"] is None
        assert data["score"] is None
        assert data["adjustment_reason"] is None
    assert detail["values"]
    assert all(v["computed_score"] is None for v in detail["values"])
    assert {s["action"] for s in detail["steps"]} >= {"score", "adjust"}
    assert REASON not in str(detail)


def _shown(row, detail):
    for data in (row, detail):
        assert data["score"] == "70.00"
        assert data["computed_score"] == "90.00"
        assert data["adjustment_reason"] == REASON
    assert all(v["computed_score"] is not None for v in detail["values"])
    adjust = next(s for s in detail["steps"] if s["action"] == "adjust")
    assert adjust["comment"] == REASON


def test_api_hides_scores_until_publication(parks_world, sc_leader):
    w = parks_world
    _scored_and_adjusted(w)
    a = w["a"]["甲"]
    for user in (w["sc"], w["cq"], sc_leader):
        _hidden(*_read(user, a))
    _shown(*_read(w["office"], a))

    services.cycle_publish(user=w["office"], cycle=w["cycle"])
    for user in (w["sc"], w["cq"], sc_leader, w["office"]):
        _shown(*_read(user, a))


def test_page_step_trail_hides_the_adjustment_reason(parks_world, sc_leader):
    w = parks_world
    _scored_and_adjusted(w)
    url = f"/parks/{w['a']['甲'].park_id}/"
    for user in (w["sc"], sc_leader):
        html = body(signed_in(user).get(url))
        assert 'data-action="adjust"' in html
        assert REASON not in html
    assert REASON in body(signed_in(w["office"]).get(url))
    services.cycle_publish(user=w["office"], cycle=w["cycle"])
    assert REASON in body(signed_in(w["sc"]).get(url))
