"""The permission matrix's entries for dependencies between items (merged
into MATRIX by tests/tracker/api_matrix.py). The world has CQ-1 and JT-1
waiting for SC-1: SC-1 waiting for CQ-1 would close a circle (409)."""

from __future__ import annotations

from tests.tracker.api_matrix import (
    CONFLICT,
    DENY,
    NO_CONTENT,
    OK,
    TASKS,
    Case,
    Op,
    cases,
    owns,
)
from tests.tracker.api_world import World
from tracker.models import Task, TaskDependency

BLOCKER = {"task_sc": "task_cq", "task_cq": "task_joint", "task_joint": "task_cq"}


def adds(role: str, case: Case) -> frozenset[int]:
    """The dependent's owners' coordinators and the joint office; SC-1's
    would close a circle."""
    if not (role == "office" or owns(role, case)):
        return DENY
    return CONFLICT if case.label == "task_sc" else OK


def removes(role: str, case: Case) -> frozenset[int]:
    return NO_CONTENT if role == "office" or owns(role, case) else DENY


def add_body(w: World, case: Case) -> dict:
    return {"blocker_task": w.pk(BLOCKER[case.label]), "note": "供电保障"}


DEPENDENCIES: dict[str, Op] = {
    "GET /api/v1/tasks/{id}/dependencies/": Op(cases=cases(TASKS)),
    "POST /api/v1/tasks/{id}/dependencies/": Op(
        cases=cases(TASKS),
        expect=adds,
        body=add_body,
        if_match=Task,
        idempotent=True,
    ),
    "GET /api/v1/dependencies/{id}/": Op(cases=cases(("dep_cq", "dep_joint"))),
    "DELETE /api/v1/dependencies/{id}/": Op(
        cases=cases(("dep_cq", "dep_joint")),
        expect=removes,
        if_match=(TaskDependency, "task"),
    ),
}
