"""The admin: a cycle added there gets its parks; a published cycle and its
results are read-only for the superuser too."""

import datetime as dt

import pytest
from django.test import Client

from parks import services
from parks.models import EvaluationCycle, ParkAssessment

from .conftest import submit

pytestmark = pytest.mark.django_db


def _admin(user):
    c = Client()
    c.force_login(user)
    return c


def test_added_cycle_gets_an_assessment_per_park(parks_world, superuser):
    w = parks_world
    r = _admin(superuser).post(
        "/admin/parks/evaluationcycle/add/",
        {
            "initiative": w["cycle"].initiative_id,
            "name": "2025年绩效评价",
            "batch": 2021,
            "period_start": "2024-01-01",
            "period_end": "2024-12-31",
            "submit_due": "2025-09-30",
            "review_due": "2025-10-31",
            "score_due": "2025-11-30",
            "publish_due": "2025-12-12",
            "pass_score": "60",
            "indicators-TOTAL_FORMS": "0",
            "indicators-INITIAL_FORMS": "0",
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    cycle = EvaluationCycle.objects.get(name="2025年绩效评价")
    assert cycle.assessments.count() == 4
    assert all(a.pair_id for a in cycle.assessments.all())


def test_published_is_read_only_in_the_admin(parks_world, superuser):
    w = parks_world
    for key, user, reviewer in (
        ("甲", w["sc"], w["cq"]),
        ("乙", w["cq"], w["sc"]),
        ("丙", w["sc"], w["cq"]),
        ("丁", w["cq"], w["sc"]),
    ):
        submit(w, key, user)
        services.assessment_agree(user=reviewer, assessment=w["a"][key])
        services.assessment_score(user=w["office"], assessment=w["a"][key])
    cycle = w["cycle"]
    c = _admin(superuser)
    r = c.get(f"/admin/parks/evaluationcycle/{cycle.pk}/change/")
    assert r.status_code == 200 and b'name="_save"' in r.content
    services.cycle_publish(
        user=w["office"], cycle=cycle, announced_on=dt.date(2024, 12, 12)
    )
    r = c.get(f"/admin/parks/evaluationcycle/{cycle.pk}/change/")
    assert r.status_code == 200 and b'name="_save"' not in r.content
    r = c.post(f"/admin/parks/evaluationcycle/{cycle.pk}/change/", {"name": "改"})
    assert r.status_code == 403
    r = c.post(f"/admin/parks/evaluationcycle/{cycle.pk}/delete/", {"post": "yes"})
    assert r.status_code == 403
    a = ParkAssessment.objects.get(pk=w["a"]["甲"].pk)
    r = c.get(f"/admin/parks/parkassessment/{a.pk}/change/")
    assert r.status_code == 200 and b'name="_save"' not in r.content
    assert "产品互采订单" in r.content.decode()
    r = c.post(f"/admin/parks/parkassessment/{a.pk}/delete/", {"post": "yes"})
    assert r.status_code == 403
    assert EvaluationCycle.objects.get(pk=cycle.pk).name == cycle.name
