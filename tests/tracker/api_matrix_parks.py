"""The permission matrix's entries for park performance evaluation and for
the task list's exports (merged into MATRIX by tests/tracker/api_matrix.py)."""

from __future__ import annotations

import io
import json

from parks.models import EvaluationCycle, ParkAssessment
from tests.tracker.api_matrix import (
    COORDINATOR_PARTY,
    DENY,
    OK,
    Case,
    Listing,
    Op,
    cases,
    const,
    ids,
    office_only,
)
from tests.tracker.api_world import World

PARK_PARTY = {"assess_sc": "sc", "assess_cq": "cq"}

ASSESSMENTS = ("assess_sc", "assess_cq")


def park_party(role: str, case: Case) -> frozenset[int]:
    """Submit: a coordinator of the park's own party."""
    return OK if COORDINATOR_PARTY.get(role) == PARK_PARTY[case.label] else DENY


def paired_party(role: str, case: Case) -> frozenset[int]:
    """Query or agree: a coordinator of the paired park's party."""
    party = COORDINATOR_PARTY.get(role)
    return OK if party is not None and party != PARK_PARTY[case.label] else DENY


def export_requester(role: str) -> frozenset[int]:
    """An export job is its requester's (the Sichuan leader's): anyone
    else's 404, as for a job that does not exist."""
    return OK if role == "sc_leader" else frozenset({404})


def submit_body(w: World, case: Case) -> dict:
    """The values as one JSON text and an evidence file, as a form sends them."""
    upload = io.BytesIO(b"%PDF-1.4\n%%EOF\n")
    upload.name = "园区统计报表.pdf"
    values = [
        {"code": "orders", "value": "80", "is_lower_bound": False, "note": ""},
        {"code": "firms", "value": "60", "is_lower_bound": True, "note": "超"},
    ]
    return {"values": json.dumps(values, ensure_ascii=False), "evidence": [upload]}


PARKS_AND_EXPORTS: dict[str, Op] = {
    # the task list exported (the tasks the caller may see), and the caller's
    # own export jobs: anyone else's is not there
    "GET /api/v1/tasks/export.csv": Op(),
    "GET /api/v1/tasks/export.xlsx": Op(),
    "GET /api/v1/export-jobs/{id}/": Op(
        cases=cases(("export_job",)), expect_any=export_requester
    ),
    "GET /api/v1/export-jobs/{id}/download/": Op(
        cases=cases(("export_job",)), expect_any=export_requester
    ),
    # industrial cooperation parks: members read; the park's party submits,
    # the paired party queries or agrees, the joint office scores, adjusts
    # and publishes
    "GET /api/v1/parks/": Op(
        listing=Listing(
            scope=lambda w: {"party": w.chongqing.pk},
            shows=ids("park_cq"),
            world_ids=ids("park_cq"),
            outsider_sees=ids("park_sc"),
        )
    ),
    "GET /api/v1/parks/{id}/": Op(cases=cases(("park_cq",))),
    "GET /api/v1/parks/pairs/": Op(
        listing=Listing(
            scope=lambda w: {"initiative": w.init_cy.pk},
            shows=ids("park_pair"),
            world_ids=ids("park_pair"),
            outsider_sees=lambda w: set(),
        )
    ),
    "GET /api/v1/parks/pairs/{id}/": Op(cases=cases(("park_pair",))),
    "GET /api/v1/parks/cycles/": Op(
        listing=Listing(
            scope=lambda w: {"initiative": w.init_cy.pk},
            shows=ids("park_cycle"),
            world_ids=ids("park_cycle"),
            outsider_sees=lambda w: set(),
        )
    ),
    "GET /api/v1/parks/cycles/{id}/": Op(
        cases=(Case("park_cycle"), Case("park_cycle", "parks_scored"))
    ),
    "POST /api/v1/parks/cycles/{id}/publish/": Op(
        cases=cases(("park_cycle",), "parks_scored"),
        expect=office_only,
        body=const({}),
        if_match=EvaluationCycle,
        idempotent=True,
    ),
    "GET /api/v1/parks/assessments/": Op(
        listing=Listing(
            scope=lambda w: {"cycle": w.park_cycle.pk},
            shows=ids(*ASSESSMENTS),
            world_ids=ids(*ASSESSMENTS),
            outsider_sees=lambda w: set(),
        )
    ),
    # scores hidden until published, but members read the assessment
    "GET /api/v1/parks/assessments/{id}/": Op(
        cases=cases(ASSESSMENTS) + cases(ASSESSMENTS, "parks_scored")
    ),
    "POST /api/v1/parks/assessments/{id}/submit/": Op(
        cases=cases(ASSESSMENTS),
        expect=park_party,
        body=submit_body,
        format="multipart",
        if_match=ParkAssessment,
        idempotent=True,
    ),
    "POST /api/v1/parks/assessments/{id}/query/": Op(
        cases=cases(ASSESSMENTS, "parks_submitted"),
        expect=paired_party,
        body=const({"indicator": "orders", "comment": "订单金额与台账不符"}),
        if_match=ParkAssessment,
        idempotent=True,
    ),
    "POST /api/v1/parks/assessments/{id}/agree/": Op(
        cases=cases(ASSESSMENTS, "parks_submitted"),
        expect=paired_party,
        body=const({"comment": "数据属实"}),
        if_match=ParkAssessment,
        idempotent=True,
    ),
    "POST /api/v1/parks/assessments/{id}/score/": Op(
        cases=cases(ASSESSMENTS, "parks_agreed"),
        expect=office_only,
        body=const({}),
        if_match=ParkAssessment,
        idempotent=True,
    ),
    "POST /api/v1/parks/assessments/{id}/adjust/": Op(
        cases=cases(ASSESSMENTS, "parks_scored"),
        expect=office_only,
        body=const({"score": "85.50", "reason": "专班复核加分"}),
        if_match=ParkAssessment,
        idempotent=True,
    ),
}
