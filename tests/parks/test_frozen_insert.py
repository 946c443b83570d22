"""The database refuses a new value or evidence row for a published
assessment, whoever writes it (raw SQL here), and still takes one for an
assessment that is not published."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from parks import services
from parks.models import AssessmentEvidence, AssessmentValue, CycleIndicator

from .conftest import submit

pytestmark = pytest.mark.django_db

INSERT_VALUE = (
    "INSERT INTO parks_assessmentvalue"
    " (assessment_id, indicator_id, value, is_lower_bound, note, computed_score)"
    " VALUES (%s, %s, 1, false, '', 1)"
)
INSERT_EVIDENCE = (
    "INSERT INTO parks_assessmentevidence (assessment_id, indicator_id, file, name,"
    " size, content_type, uploaded_by_id, uploaded_at)"
    " SELECT %s, indicator_id, file, '补充材料.pdf', size, content_type,"
    " uploaded_by_id, uploaded_at FROM parks_assessmentevidence"
    " WHERE assessment_id = %s LIMIT 1"
)


def _run(statement, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_no_new_rows_under_a_published_assessment(parks_world):
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
    services.cycle_publish(user=w["office"], cycle=w["cycle"])
    extra = CycleIndicator.objects.create(
        cycle=w["cycle"],
        code="extra",
        name="补充指标",
        rule="threshold",
        threshold=Decimal(1),
        weight=Decimal(1),
    )
    a = w["a"]["甲"]
    values, evidence = a.values.count(), a.evidence.count()
    assert evidence
    for statement, params in (
        (INSERT_VALUE, [a.pk, extra.pk]),
        (INSERT_EVIDENCE, [a.pk, a.pk]),
    ):
        with pytest.raises(DatabaseError, match="pgtrigger"):
            _run(statement, params)
    assert a.values.count() == values
    assert a.evidence.count() == evidence


def test_rows_still_added_before_publication(parks_world):
    w = parks_world
    submit(w, "甲", w["sc"])
    a = w["a"]["甲"]
    extra = CycleIndicator.objects.create(
        cycle=w["cycle"],
        code="extra",
        name="补充指标",
        rule="threshold",
        threshold=Decimal(1),
        weight=Decimal(1),
    )
    _run(INSERT_VALUE, [a.pk, extra.pk])
    _run(INSERT_EVIDENCE, [a.pk, a.pk])
    assert AssessmentValue.objects.filter(assessment=a, indicator=extra).exists()
    assert AssessmentEvidence.objects.filter(name="补充材料.pdf").count() == 1
