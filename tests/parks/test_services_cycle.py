"""The whole cycle of a pair through the services, a query answered by a
resubmission, and the published result frozen."""

from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from config.exceptions import InvalidInput, PermissionDenied, TransitionNotAllowed
from notifications.models import Notification
from parks import services
from parks.models import AssessmentStep, AssessmentValue, ParkAssessment

from .conftest import evidence, submit

pytestmark = pytest.mark.django_db


def _walk_to_scored(world):
    for key, user, reviewer in (
        ("甲", world["sc"], world["cq"]),
        ("乙", world["cq"], world["sc"]),
        ("丙", world["sc"], world["cq"]),
        ("丁", world["cq"], world["sc"]),
    ):
        submit(world, key, user)
        services.assessment_agree(user=reviewer, assessment=world["a"][key])
        services.assessment_score(user=world["office"], assessment=world["a"][key])


def test_full_cycle_for_a_pair(parks_world):
    w = parks_world
    a = submit(w, "甲", w["sc"], orders="80", firms="60", expected_version=1)
    assert a.state == "submitted" and a.version == 2
    assert a.evidence.count() == 1
    a = services.assessment_agree(user=w["cq"], assessment=a)
    assert a.state == "agreed"
    a = services.assessment_score(user=w["office"], assessment=a)
    # orders 80 of 0..100 → 40 of 50; firms 60 ≥ 50 → 50.
    assert a.state == "scored" and a.score == Decimal("90.00")
    assert a.computed_score == a.score
    scores = dict(a.values.values_list("indicator__code", "computed_score"))
    assert scores == {"orders": Decimal("40.00"), "firms": Decimal("50.00")}
    a = services.assessment_adjust(
        user=w["office"], assessment=a, score="88.5", reason="核减重复计算的订单"
    )
    assert a.score == Decimal("88.50") and a.adjustment_reason
    # The others reach scored; 乙 scores lower.
    for key, user, reviewer, orders in (
        ("乙", w["cq"], w["sc"], "20"),
        ("丙", w["sc"], w["cq"], "100"),
        ("丁", w["cq"], w["sc"], "100"),
    ):
        submit(w, key, user, orders=orders, firms="10" if key == "乙" else "60")
        services.assessment_agree(user=reviewer, assessment=w["a"][key])
        services.assessment_score(user=w["office"], assessment=w["a"][key])
    cycle = services.cycle_publish(user=w["office"], cycle=w["cycle"])
    assert cycle.state == "published" and cycle.published_by == w["office"]
    assert cycle.announced_on and cycle.published_at
    results = {
        a.park.name[0]: (a.state, a.score, a.outcome, a.rank)
        for a in ParkAssessment.objects.filter(cycle=cycle).select_related("park")
    }
    assert results == {
        "丙": ("published", Decimal("100.00"), "met", 1),
        "丁": ("published", Decimal("100.00"), "met", 1),
        "甲": ("published", Decimal("88.50"), "met", 3),
        "乙": ("published", Decimal("10.00"), "not_met", 4),
    }
    steps = list(
        AssessmentStep.objects.filter(assessment=w["a"]["甲"]).values_list(
            "action", flat=True
        )
    )
    assert steps == ["submit", "agree", "score", "adjust", "publish"]


def test_query_goes_back_and_is_resubmitted(parks_world):
    w = parks_world
    submit(w, "甲", w["sc"], orders="80")
    with pytest.raises(InvalidInput):
        services.assessment_query(
            user=w["cq"], assessment=w["a"]["甲"], indicator_code="orders", comment=" "
        )
    a = services.assessment_query(
        user=w["cq"],
        assessment=w["a"]["甲"],
        indicator_code="orders",
        comment="订单金额含未履约部分",
    )
    assert a.state == "queried"
    step = a.steps.get(action="query")
    assert (
        step.indicator.code == "orders"
        and step.party == w["cq"].memberships.get().party
    )
    told = Notification.objects.get(event="park_query")
    assert told.recipient == w["sc"] and "产品互采订单" in told.title
    # The party corrects the figure and submits again (evidence already on file).
    a = services.assessment_submit(
        user=w["sc"],
        assessment=a,
        values={"orders": ("70", False, "已剔除未履约订单")},
    )
    assert a.state == "submitted"
    assert a.values.get(indicator__code="orders").value == Decimal("70")
    a = services.assessment_agree(user=w["cq"], assessment=a)
    assert a.state == "agreed"


def test_submit_needs_every_value_and_evidence(parks_world):
    w = parks_world
    with pytest.raises(InvalidInput) as missing:
        services.assessment_submit(
            user=w["sc"],
            assessment=w["a"]["甲"],
            values={"orders": ("1", False, "")},
            evidence=[evidence()],
        )
    assert "values" in missing.value.field_errors
    with pytest.raises(InvalidInput) as no_file:
        services.assessment_submit(
            user=w["sc"],
            assessment=w["a"]["甲"],
            values={"orders": ("1", False, ""), "firms": ("2", False, "")},
        )
    assert "evidence" in no_file.value.field_errors
    with pytest.raises(InvalidInput) as bad_file:
        services.assessment_submit(
            user=w["sc"],
            assessment=w["a"]["甲"],
            values={"orders": ("1", False, ""), "firms": ("2", False, "")},
            evidence=[evidence("x.exe")],
        )
    assert "evidence" in bad_file.value.field_errors
    assert ParkAssessment.objects.get(pk=w["a"]["甲"].pk).state == "draft"


def test_wrong_party_refused_at_every_step(parks_world, sc_leader):
    w = parks_world
    a = w["a"]["甲"]
    # Submit: not the paired party, not the office, not leadership.
    for user in (w["cq"], w["office"], sc_leader):
        with pytest.raises(PermissionDenied):
            submit(w, "甲", user)
    submit(w, "甲", w["sc"])
    # Review: not the park's own party, not the office.
    for user in (w["sc"], w["office"]):
        with pytest.raises(PermissionDenied):
            services.assessment_agree(user=user, assessment=a)
        with pytest.raises(PermissionDenied):
            services.assessment_query(
                user=user, assessment=a, indicator_code="orders", comment="?"
            )
    services.assessment_agree(user=w["cq"], assessment=a)
    # Score, adjust and publish: the office only.
    for user in (w["sc"], w["cq"]):
        with pytest.raises(PermissionDenied):
            services.assessment_score(user=user, assessment=a)
    services.assessment_score(user=w["office"], assessment=a)
    for user in (w["sc"], w["cq"]):
        with pytest.raises(PermissionDenied):
            services.assessment_adjust(user=user, assessment=a, score=1, reason="x")
        with pytest.raises(PermissionDenied):
            services.cycle_publish(user=user, cycle=w["cycle"])


def test_stale_version_refused(parks_world):
    from config.exceptions import PreconditionFailed

    w = parks_world
    with pytest.raises(PreconditionFailed):
        submit(w, "甲", w["sc"], expected_version=7)


def test_publish_needs_every_park_scored(parks_world):
    w = parks_world
    submit(w, "甲", w["sc"])
    with pytest.raises(TransitionNotAllowed) as refused:
        services.cycle_publish(user=w["office"], cycle=w["cycle"])
    assert "乙园区" in str(refused.value.message)


def test_published_result_is_frozen(parks_world):
    w = parks_world
    _walk_to_scored(w)
    services.cycle_publish(user=w["office"], cycle=w["cycle"])
    a = ParkAssessment.objects.get(pk=w["a"]["甲"].pk)
    with pytest.raises(TransitionNotAllowed) as refused:
        services.assessment_adjust(user=w["office"], assessment=a, score=1, reason="x")
    assert refused.value.message == services.assessments.workflow.FROZEN_MESSAGE
    with pytest.raises(TransitionNotAllowed):
        services.cycle_publish(user=w["office"], cycle=w["cycle"])
    with pytest.raises(TransitionNotAllowed):
        submit(w, "甲", w["sc"])
    value = AssessmentValue.objects.filter(assessment=a).first()
    for statement, params in (
        ("UPDATE parks_parkassessment SET score = 1 WHERE id = %s", [a.pk]),
        ("DELETE FROM parks_parkassessment WHERE id = %s", [a.pk]),
        ("UPDATE parks_assessmentvalue SET value = 1 WHERE id = %s", [value.pk]),
        ("DELETE FROM parks_assessmentvalue WHERE id = %s", [value.pk]),
        (
            "UPDATE parks_assessmentevidence SET name = 'x' WHERE assessment_id = %s",
            [a.pk],
        ),
        ("UPDATE parks_evaluationcycle SET name = 'x' WHERE id = %s", [a.cycle_id]),
    ):
        with (
            pytest.raises(DatabaseError, match="pgtrigger"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, params)
    assert ParkAssessment.objects.get(pk=a.pk).score == a.score
