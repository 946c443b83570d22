"""Who may call what, generated from the OpenAPI schema (MATRIX in
tests/tracker/api_matrix.py).

The matrix builds the schema in-process and calls every /api/v1/ operation as
every role, on every object it takes (Sichuan's, Chongqing's, a joint one), with
a valid body, the current ETag and a fresh Idempotency-Key, so that a refusal can
only come from permissions. MATRIX says how to call each operation; an operation
that appears in the schema without an entry fails loudly, so no endpoint is ever
skipped in silence.

Each call runs in a savepoint that is rolled back, so every cell sees the same
world; a refused write must leave every tracker row exactly as it was.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from django.db import transaction

from accounts.permissions import grants
from config.api.concurrency import etag_for
from tests.tracker.api_matrix import (
    COORDINATOR_PARTY,
    MATRIX,
    MEMBERS,
    PART,
    ROLES,
    WRITE_METHODS,
    Case,
    Listing,
    Op,
    owns,
    schema_operations,
)
from tests.tracker.api_world import (
    PREPARE,
    World,
    changes,
    client_for,
    excerpt,
    problem_shape,
    snapshot,
)
from tracker.models import TaskOwner

pytestmark = pytest.mark.django_db


# --- calling and judging -----------------------------------------------------------


def result_ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


@dataclass
class Cell:
    operation: str
    role: str
    case: Case | None
    failures: list[str]

    def fail(self, response, message: str) -> None:
        status = getattr(response, "status_code", "-")
        where = f"{self.operation} | role={self.role} | object={self.case or '-'}"
        body = excerpt(response) if response is not None else ""
        exc = getattr(response, "exc_info", None)
        raised = f"\n      raised: {exc[1]!r}" if exc else ""
        self.failures.append(
            f"{where} | {status}: {message}\n      body: {body}{raised}"
        )


def judge_common(cell: Cell, response, expected: frozenset[int]) -> None:
    status = response.status_code
    if status >= 500:
        cell.fail(response, "server error")
    elif status >= 400 and (shape := problem_shape(response)):
        cell.fail(response, shape)
    if status not in expected:
        cell.fail(response, f"expected {sorted(expected)}")


def expected_for(op: Op, method: str, role: str, case: Case | None) -> frozenset:
    if role == "anonymous":
        return frozenset({401})
    if op.expect_any is not None:
        return op.expect_any(role)
    if case is None:
        return frozenset({200})
    if role not in MEMBERS:  # the outsider: the Chengdu–Chongqing world is not there
        return frozenset({404})
    if method == "GET":
        return frozenset({200})
    assert op.expect is not None, f"{method} write without an expectation"
    return op.expect(role, case)


def _part_of(w: World, case: Case, user) -> TaskOwner:
    """The caller's party's part of the case's task (any part when the caller
    has none: the call is refused before its tag matters)."""
    owners = TaskOwner.objects.filter(task_id=w.pk(case.label)).order_by("pk")
    mine = owners.filter(party__in=grants(user).coordinator_of).first()
    return mine or owners.first()


def run_cell(w: World, operation: str, op: Op, role: str, case: Case | None):
    method, path = operation.split(" ", 1)
    cell = Cell(operation, role, case, [])
    user = w.users[role]
    with transaction.atomic():
        if case is not None and case.state:
            PREPARE[case.state](w)
        url = path.replace("{id}", str(w.pk(case.label))) if case else path
        for name, value in (op.path or {}).items():
            url = url.replace(f"{{{name}}}", value)
        extra: dict[str, str] = {}
        if method in WRITE_METHODS:
            if op.if_match == PART:
                extra["HTTP_IF_MATCH"] = etag_for(_part_of(w, case, user))
            elif op.if_match is not None:
                model, via = (
                    op.if_match if isinstance(op.if_match, tuple) else (op.if_match, "")
                )
                current = model.objects.get(pk=w.pk(case.label))
                if via:
                    current = getattr(current, via)
                extra["HTTP_IF_MATCH"] = etag_for(current)
            if op.idempotent:
                extra["HTTP_IDEMPOTENCY_KEY"] = str(uuid.uuid4())
        before = snapshot() if method in WRITE_METHODS else None
        client = client_for(user)
        body = op.body(w, case) if op.body else None
        response = getattr(client, method.lower())(
            url, data=body, format=op.format, **extra
        )
        judge_common(cell, response, expected_for(op, method, role, case))
        if response.status_code >= 500:
            pass  # reported; the transaction may be unusable until rolled back
        elif method in WRITE_METHODS:
            judge_write(cell, op, response, role, case, before, snapshot())
        elif op.listing is not None and response.status_code == 200:
            judge_listing(cell, client, url, op.listing, w, role)
        elif op.special and response.status_code == 200:
            judge_special(cell, response, op.special, w, role)
        if response.streaming:
            # Reading to the end closes the file the way the test client
            # expects; calling close() here would close the test's connection.
            b"".join(response.streaming_content)
        transaction.set_rollback(True)
    return cell.failures


def judge_write(cell: Cell, op: Op, response, role, case, before, after) -> None:
    succeeded = 200 <= response.status_code < 300
    party_write = succeeded and not op.callers_own
    if party_write and role in ("sc_leader", "cq_auditor"):
        cell.fail(response, "leadership and auditors never write")
    if party_write and role in COORDINATOR_PARTY and not owns(role, case):
        cell.fail(response, "a coordinator wrote an object of another party")
    if not succeeded and before != after:
        cell.fail(
            response, f"refused write changed the database: {changes(before, after)}"
        )


def judge_listing(cell: Cell, client, url, listing: Listing, w: World, role) -> None:
    everything = client.get(url, {"page_size": 100})
    scoped = client.get(url, {**listing.scope(w), "page_size": 100})
    for response in (everything, scoped):
        if response.status_code != 200:
            cell.fail(response, "expected 200")
            return
    seen, in_scope = set(result_ids(everything)), result_ids(scoped)
    if role in MEMBERS:
        if set(in_scope) != listing.shows(w):
            cell.fail(scoped, f"members see {sorted(listing.shows(w))} here")
        if not listing.world_ids(w) <= seen:
            cell.fail(everything, "members see the whole initiative")
        return
    leaked = seen & listing.world_ids(w)
    if leaked:
        cell.fail(everything, f"outsider sees Chengdu–Chongqing ids {sorted(leaked)}")
    if scoped.json()["count"] != 0 or in_scope:
        cell.fail(scoped, "outsider's list of the Chengdu–Chongqing world is not empty")
    if not listing.outsider_sees(w) <= seen:
        cell.fail(everything, "outsider must still see its own initiative")


def judge_special(cell: Cell, response, special: str, w: World, role) -> None:
    body = response.json()
    if special == "me":
        if body.get("username") != w.users[role].username:
            cell.fail(response, "me is someone else")
        return
    results = body["results"]
    items = {(item["kind"], item["object_id"]) for item in results}
    tasks = {item["task"] for item in results}
    expected = {
        "sc_coord": {("milestone_due_soon", w.ms_sc.pk)},
        "cq_coord": {("milestone_due_soon", w.ms_cq.pk)},
        "office": {
            ("extension_pending", w.ext_sc.pk),
            ("extension_pending", w.ext_cq.pk),
        },
        "sx_coord": {("milestone_due_soon", w.ms_sx.pk)},
    }.get(role, set())
    if not expected <= items:
        cell.fail(response, f"attention lacks {sorted(expected - items)}")
    if role not in MEMBERS:
        leaked = tasks & {t.pk for t in w.cy_tasks}
        if leaked:
            cell.fail(response, f"outsider's attention shows tasks {sorted(leaked)}")


# --- the matrix --------------------------------------------------------------------


def test_matrix_knows_every_schema_operation():
    in_schema = schema_operations()
    new = sorted(in_schema - MATRIX.keys())
    gone = sorted(MATRIX.keys() - in_schema)
    assert not new, f"operations the permission matrix cannot call yet: {new}"
    assert not gone, f"matrix entries no longer in the schema: {gone}"


@pytest.mark.parametrize("operation", sorted(schema_operations() | MATRIX.keys()))
def test_permission_matrix(world, operation):
    assert operation in MATRIX, f"add {operation} to MATRIX: how to call it, who may"
    assert operation in schema_operations(), f"{operation} left the schema"
    op = MATRIX[operation]
    failures: list[str] = []
    for role in ROLES:
        for case in op.cases or (None,):
            failures += run_cell(world, operation, op, role, case)
    assert not failures, f"{len(failures)} failing cells:\n" + "\n".join(failures)
