"""Who may call what, generated from the OpenAPI schema; and mass assignment.

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

import datetime as dt
import functools
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Model
from django.test import override_settings
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from accounts.models import Agency
from config.api.concurrency import etag_for
from tracker.models import (
    ExtensionRequest,
    Indicator,
    IndicatorReading,
    Milestone,
    ProgressUpdate,
    Task,
    TaskOwner,
)

from .api_world import (
    PREPARE,
    World,
    build_world,
    changes,
    client_for,
    excerpt,
    fresh,
    problem_shape,
    snapshot,
)

pytestmark = pytest.mark.django_db

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SCHEMA_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

OK = frozenset({200, 201})
ACCEPTED = frozenset({200, 202})  # a report asked for: queued, or already there
CREATED = frozenset({201})
NO_CONTENT = frozenset({204})
DENY = frozenset({403, 404})
CONFLICT = frozenset({409})

ROLES = (
    "sc_coord",  # coordinator of 四川省
    "cq_coord",  # coordinator of 重庆市
    "sc_leader",  # leadership
    "cq_auditor",  # auditor
    "office",  # administrator: the joint office (专班)
    "sx_coord",  # coordinator of 陕西省: shares another initiative with Sichuan only
    "anonymous",
)
MEMBERS = frozenset(ROLES) - {"sx_coord", "anonymous"}
COORDINATOR_PARTY = {"sc_coord": "sc", "cq_coord": "cq"}

# Which parties own each object of the Chengdu–Chongqing world: a coordinator of
# any other party writing it is a cross-party write.
OBJECT_PARTIES: dict[str, frozenset[str]] = {
    "task_sc": frozenset({"sc"}),
    "task_cq": frozenset({"cq"}),
    "task_joint": frozenset({"sc", "cq"}),
    "ms_sc": frozenset({"sc"}),
    "ms_cq": frozenset({"cq"}),
    "ms_joint": frozenset({"sc", "cq"}),
    "ind_sc": frozenset({"sc"}),
    "ind_cq": frozenset({"cq"}),
    "ind_joint": frozenset({"sc", "cq"}),
    "owner_sc": frozenset({"sc"}),
    "owner_cq": frozenset({"cq"}),
    "ext_sc": frozenset({"sc"}),
    "ext_cq": frozenset({"cq"}),
}
NEW_PERIOD = "2026-06-30"  # the world's readings are for another period


# --- the world -------------------------------------------------------------------


@pytest.fixture(scope="module")
def _world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module inside a transaction rolled back at its end;
    each test (pytest-django's `db`) and each matrix cell run in savepoints."""
    media = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media")))
    with django_db_blocker.unblock(), media, transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def world(_world, db) -> World:
    return _world


# --- how to call each operation ---------------------------------------------------


@dataclass(frozen=True)
class Case:
    label: str  # the World attribute whose pk fills {id}
    state: str | None = None  # a PREPARE recipe run first

    def __str__(self) -> str:
        return f"{self.label}@{self.state}" if self.state else self.label


Expect = Callable[[str, Case], frozenset[int]]


@dataclass(frozen=True)
class Listing:
    """A list endpoint: a query selecting the Chengdu–Chongqing items, what a
    member gets for it, every such item, and what the outsider sees of its own."""

    scope: Callable[[World], dict]
    shows: Callable[[World], set[int]]
    world_ids: Callable[[World], set[int]]
    outsider_sees: Callable[[World], set[int]]


@dataclass(frozen=True)
class Op:
    cases: tuple[Case, ...] = ()
    expect: Expect | None = None  # members' outcome of a write
    body: Callable[[World, Case], dict] | None = None
    # Whose ETag a write sends: a model, or (model, "task") for rows without a
    # version of their own, whose writes are conditioned on their task's.
    if_match: type[Model] | tuple[type[Model], str] | None = None
    idempotent: bool = False
    listing: Listing | None = None
    special: str | None = None  # "me" or "attention"
    # The write is the caller's own (a report asked for, a subscription), not a
    # party's object: leadership, auditors and any coordinator may succeed.
    callers_own: bool = False
    path: dict[str, str] | None = None  # other path parameters than {id}


def owns(role: str, case: Case) -> bool:
    return COORDINATOR_PARTY.get(role) in OBJECT_PARTIES.get(case.label, ())


def office_only(role: str, case: Case) -> frozenset[int]:
    return OK if role == "office" else DENY


def owner_coordinator(role: str, case: Case) -> frozenset[int]:
    return OK if owns(role, case) else DENY


def owner_coordinator_or_office(role: str, case: Case) -> frozenset[int]:
    return OK if role == "office" or owns(role, case) else DENY


def counterpart(role: str, case: Case) -> frozenset[int]:
    """Confirm or reject: an owner party other than the claimant's; an owner
    with nothing claimed may decide, just not now."""
    if not owns(role, case):
        return DENY
    claimant = {"claimed_by_cq": "cq", "claimed_by_sc": "sc"}.get(case.state or "")
    if claimant is None:
        return CONFLICT
    return DENY if COORDINATOR_PARTY[role] == claimant else OK


def leadership_or_office(role: str, case: Case) -> frozenset[int]:
    return ACCEPTED if role in ("sc_leader", "office") else DENY


def any_member(role: str, case: Case) -> frozenset[int]:
    return CREATED


def sichuan_leader_only(role: str, case: Case) -> frozenset[int]:
    return NO_CONTENT if role == "sc_leader" else DENY


def cases(labels: tuple[str, ...], state: str | None = None) -> tuple[Case, ...]:
    return tuple(Case(label, state) for label in labels)


def const(body: dict) -> Callable[[World, Case], dict]:
    return lambda w, c: dict(body)


TASKS = ("task_sc", "task_cq", "task_joint")
CLAIM_CASES = (
    Case("task_joint", "claimed_by_cq"),
    Case("task_joint", "claimed_by_sc"),
    Case("task_sc", "in_progress"),
    Case("task_cq", "in_progress"),
)


def ids(*labels: str) -> Callable[[World], set[int]]:
    return lambda w: {w.pk(label) for label in labels}


def agencies_of(attr: str) -> Callable[[World], set[int]]:
    return lambda w: set(
        Agency.objects.filter(party=getattr(w, attr)).values_list("pk", flat=True)
    )


MATRIX: dict[str, Op] = {
    # who am I, and what waits for me
    "GET /api/v1/me/": Op(special="me"),
    "GET /api/v1/attention/": Op(special="attention"),
    # the list's structure: read-only
    "GET /api/v1/initiatives/": Op(
        listing=Listing(
            scope=lambda w: {"search": w.init_cy.name},
            shows=ids("init_cy"),
            world_ids=ids("init_cy"),
            outsider_sees=ids("init_other"),
        )
    ),
    "GET /api/v1/initiatives/{id}/": Op(cases=cases(("init_cy",))),
    "GET /api/v1/parties/": Op(
        listing=Listing(
            scope=lambda w: {"search": w.chongqing.name},
            shows=ids("chongqing"),
            world_ids=ids("chongqing"),
            outsider_sees=ids("sichuan", "shaanxi"),
        )
    ),
    "GET /api/v1/parties/{id}/": Op(cases=cases(("chongqing",))),
    "GET /api/v1/agencies/": Op(
        listing=Listing(
            scope=lambda w: {"party": w.chongqing.pk},
            shows=agencies_of("chongqing"),
            world_ids=agencies_of("chongqing"),
            outsider_sees=ids("agency_sc", "agency_sx"),
        )
    ),
    "GET /api/v1/agencies/{id}/": Op(cases=cases(("agency_cq", "agency_cq2"))),
    "GET /api/v1/work-streams/": Op(
        listing=Listing(
            scope=lambda w: {"initiative": w.init_cy.pk},
            shows=ids("ws_cy"),
            world_ids=ids("ws_cy"),
            outsider_sees=ids("ws_other"),
        )
    ),
    "GET /api/v1/work-streams/{id}/": Op(cases=cases(("ws_cy",))),
    # tasks
    "GET /api/v1/tasks/": Op(
        listing=Listing(
            scope=lambda w: {"initiative": w.init_cy.pk},
            shows=ids(*TASKS),
            world_ids=ids(*TASKS),
            outsider_sees=ids("task_sx"),
        )
    ),
    "GET /api/v1/tasks/{id}/": Op(cases=cases(TASKS)),
    "PATCH /api/v1/tasks/{id}/": Op(
        cases=cases(TASKS),
        expect=office_only,
        body=const({"title": "调整后的事项名称", "priority": 1}),
        if_match=Task,
    ),
    "POST /api/v1/tasks/{id}/start/": Op(
        cases=cases(TASKS),
        expect=owner_coordinator_or_office,
        body=const({}),
        if_match=Task,
    ),
    "POST /api/v1/tasks/{id}/claim-completion/": Op(
        cases=cases(TASKS, "in_progress"),
        expect=owner_coordinator,
        body=const({"explanation": "本方节点已完成，余下为联合验收"}),
        if_match=Task,
    ),
    "POST /api/v1/tasks/{id}/confirm-completion/": Op(
        cases=CLAIM_CASES, expect=counterpart, body=const({}), if_match=Task
    ),
    "POST /api/v1/tasks/{id}/reject-completion/": Op(
        cases=CLAIM_CASES,
        expect=counterpart,
        body=const({"reason": "重庆段尚未通过验收"}),
        if_match=Task,
    ),
    "POST /api/v1/tasks/{id}/suspend/": Op(
        cases=cases(TASKS),
        expect=office_only,
        body=const({"reason": "等待国家批复"}),
        if_match=Task,
    ),
    "POST /api/v1/tasks/{id}/resume/": Op(
        cases=cases(TASKS, "suspended"),
        expect=office_only,
        body=const({}),
        if_match=Task,
    ),
    "POST /api/v1/tasks/{id}/cancel/": Op(
        cases=cases(TASKS),
        expect=office_only,
        body=const({"reason": "调整出清单"}),
        if_match=Task,
    ),
    "POST /api/v1/tasks/{id}/reopen/": Op(
        cases=cases(TASKS, "cancelled"),
        expect=office_only,
        body=const({"reason": "重新纳入清单"}),
        if_match=Task,
    ),
    "POST /api/v1/tasks/{id}/light-override/": Op(
        cases=cases(TASKS),
        expect=office_only,
        body=lambda w, c: {
            "light": "amber",
            "reason": "专班研判存在风险",
            "expires_at": (timezone.now() + dt.timedelta(days=7)).isoformat(),
        },
        if_match=Task,
    ),
    "DELETE /api/v1/tasks/{id}/light-override/": Op(
        cases=cases(TASKS, "light_overridden"), expect=office_only, if_match=Task
    ),
    "POST /api/v1/tasks/{id}/request-extension/": Op(
        cases=cases(TASKS, "extensions_decided"),
        expect=owner_coordinator,
        body=lambda w, c: {
            "requested_due_date": (w.due + dt.timedelta(days=90)).isoformat(),
            "reason": "设备到货延迟",
        },
        if_match=Task,
    ),
    "GET /api/v1/tasks/{id}/progress-updates/": Op(cases=cases(TASKS)),
    "POST /api/v1/tasks/{id}/progress-updates/": Op(
        cases=cases(TASKS),
        expect=owner_coordinator,
        body=const({"narrative": "本月完成基础施工", "progress": 30}),
        if_match=Task,
        idempotent=True,
    ),
    # owners
    "GET /api/v1/owners/{id}/": Op(cases=cases(("owner_sc", "owner_cq"))),
    "PATCH /api/v1/owners/{id}/": Op(
        cases=cases(("owner_sc", "owner_cq")),
        expect=owner_coordinator_or_office,
        body=const({"contact_name": "新联络人", "contact_phone": "028-86000000"}),
        if_match=(TaskOwner, "task"),
    ),
    # milestones
    "GET /api/v1/milestones/": Op(
        listing=Listing(
            scope=lambda w: {"task": w.task_joint.pk},
            shows=ids("ms_sc", "ms_cq", "ms_joint"),
            world_ids=ids("ms_sc", "ms_cq", "ms_joint"),
            outsider_sees=ids("ms_sx"),
        )
    ),
    "GET /api/v1/milestones/{id}/": Op(cases=cases(("ms_sc", "ms_cq", "ms_joint"))),
    "PATCH /api/v1/milestones/{id}/": Op(
        cases=cases(("ms_sc", "ms_cq", "ms_joint")),
        expect=owner_coordinator_or_office,
        body=const({"status": "done", "description": "已完工"}),
        if_match=Milestone,
    ),
    # indicators and readings
    "GET /api/v1/indicators/": Op(
        listing=Listing(
            scope=lambda w: {"task": w.task_joint.pk},
            shows=ids("ind_sc", "ind_cq", "ind_joint"),
            world_ids=ids("ind_sc", "ind_cq", "ind_joint"),
            outsider_sees=ids("ind_sx"),
        )
    ),
    "GET /api/v1/indicators/{id}/": Op(cases=cases(("ind_sc", "ind_cq", "ind_joint"))),
    "GET /api/v1/indicators/{id}/readings/": Op(
        cases=cases(("ind_sc", "ind_cq", "ind_joint"))
    ),
    "POST /api/v1/indicators/{id}/readings/": Op(
        cases=cases(("ind_sc", "ind_cq", "ind_joint")),
        expect=owner_coordinator,
        body=const({"period": NEW_PERIOD, "value": "12.5", "note": "季度统计"}),
        if_match=(Indicator, "task"),
        idempotent=True,
    ),
    "GET /api/v1/readings/": Op(
        listing=Listing(
            scope=lambda w: {"party": w.chongqing.pk},
            shows=ids("reading_cq"),
            world_ids=ids("reading_sc", "reading_cq"),
            outsider_sees=lambda w: set(),
        )
    ),
    "GET /api/v1/readings/{id}/": Op(cases=cases(("reading_sc", "reading_cq"))),
    "GET /api/v1/readings/{id}/evidence/": Op(cases=cases(("reading_cq",))),
    # progress updates
    "GET /api/v1/progress-updates/": Op(
        listing=Listing(
            scope=lambda w: {"task": w.task_joint.pk},
            shows=ids("pu_sc", "pu_cq"),
            world_ids=ids("pu_sc", "pu_cq"),
            outsider_sees=lambda w: set(),
        )
    ),
    "GET /api/v1/progress-updates/{id}/": Op(cases=cases(("pu_sc", "pu_cq"))),
    # extension requests
    "GET /api/v1/extension-requests/": Op(
        listing=Listing(
            scope=lambda w: {"task": w.task_cq.pk},
            shows=ids("ext_cq"),
            world_ids=ids("ext_sc", "ext_cq"),
            outsider_sees=lambda w: set(),
        )
    ),
    "GET /api/v1/extension-requests/{id}/": Op(cases=cases(("ext_sc", "ext_cq"))),
    "POST /api/v1/extension-requests/{id}/decide/": Op(
        cases=cases(("ext_sc", "ext_cq")),
        expect=office_only,
        body=const({"approve": True, "note": "同意延期"}),
        if_match=(ExtensionRequest, "task"),
    ),
    # reports: every member reads them; leadership and the office ask for them
    "GET /api/v1/reports/": Op(
        listing=Listing(
            scope=lambda w: {"initiative": w.init_cy.pk},
            shows=ids("report_cy"),
            world_ids=ids("report_cy"),
            outsider_sees=ids("report_other"),
        )
    ),
    "POST /api/v1/reports/": Op(
        cases=cases(("init_cy",)),
        expect=leadership_or_office,
        body=lambda w, c: {
            "initiative": w.init_cy.pk,
            "kind": "on_demand",
            "period_start": (w.due - dt.timedelta(days=150)).isoformat(),
            "period_end": (w.due - dt.timedelta(days=125)).isoformat(),
        },
        callers_own=True,
    ),
    "GET /api/v1/reports/{id}/": Op(cases=cases(("report_cy",))),
    "GET /api/v1/reports/{id}/snapshot/": Op(cases=cases(("report_cy",))),
    "GET /api/v1/reports/{id}/download/{fmt}/": Op(
        cases=cases(("report_cy",)), path={"fmt": "pdf"}
    ),
    "GET /api/v1/reports/{id}/renditions/{language}/": Op(
        cases=cases(("report_cy",)), path={"language": "en"}
    ),
    "GET /api/v1/report-subscriptions/": Op(),
    "POST /api/v1/report-subscriptions/": Op(
        cases=cases(("init_cy",)),
        expect=any_member,
        body=lambda w, c: {"initiative": w.init_cy.pk, "kind": "monthly"},
        callers_own=True,
    ),
    "DELETE /api/v1/report-subscriptions/{id}/": Op(
        cases=cases(("sub_leader",)), expect=sichuan_leader_only, callers_own=True
    ),
}


@functools.cache
def schema_operations() -> frozenset[str]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return frozenset(
        f"{method.upper()} {path}"
        for path, item in schema["paths"].items()
        if path.startswith("/api/v1/")
        for method in item
        if method in SCHEMA_METHODS
    )


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
    if case is None:
        return frozenset({200})
    if role not in MEMBERS:  # the outsider: the Chengdu–Chongqing world is not there
        return frozenset({404})
    if method == "GET":
        return frozenset({200})
    assert op.expect is not None, f"{method} write without an expectation"
    return op.expect(role, case)


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
            if op.if_match is not None:
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
            url, data=body, format="json", **extra
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
    items = {(item["kind"], item["object_id"]) for item in body}
    tasks = {item["task"] for item in body}
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


# --- positive cases, with their effect ---------------------------------------------


def _write(user, method, url, body=None, obj=None, idempotent=False):
    extra = {"HTTP_IF_MATCH": etag_for(fresh(obj))} if obj is not None else {}
    if idempotent:
        extra["HTTP_IDEMPOTENCY_KEY"] = str(uuid.uuid4())
    return getattr(client_for(user), method)(url, data=body, format="json", **extra)


def test_sichuan_coordinator_sets_the_status_of_a_sichuan_milestone(world):
    response = _write(
        world.users["sc_coord"],
        "patch",
        f"/api/v1/milestones/{world.ms_sc.pk}/",
        {"status": "done"},
        obj=world.ms_sc,
    )
    assert response.status_code == 200, response.content
    milestone = fresh(world.ms_sc)
    assert milestone.status == "done" and milestone.completed_at is not None


def test_sichuan_coordinator_posts_progress_on_a_sichuan_task(world):
    response = _write(
        world.users["sc_coord"],
        "post",
        f"/api/v1/tasks/{world.task_sc.pk}/progress-updates/",
        {"narrative": "完成可研批复", "progress": 25},
        obj=world.task_sc,
        idempotent=True,
    )
    assert response.status_code == 201, response.content
    update = ProgressUpdate.objects.get(pk=response.json()["id"])
    assert (update.task, update.party) == (world.task_sc, world.sichuan)


def test_sichuan_coordinator_records_a_reading_on_a_sichuan_indicator(world):
    response = _write(
        world.users["sc_coord"],
        "post",
        f"/api/v1/indicators/{world.ind_sc.pk}/readings/",
        {"period": NEW_PERIOD, "value": "18.5"},
        obj=world.ind_sc.task,
        idempotent=True,
    )
    assert response.status_code == 201, response.content
    reading = IndicatorReading.objects.get(pk=response.json()["id"])
    assert (reading.indicator, reading.party) == (world.ind_sc, world.sichuan)
    assert reading.value == Decimal("18.5")


def test_office_decides_an_extension(world):
    response = _write(
        world.users["office"],
        "post",
        f"/api/v1/extension-requests/{world.ext_cq.pk}/decide/",
        {"approve": True},
        obj=world.ext_cq.task,
    )
    assert response.status_code == 200, response.content
    extension, task = fresh(world.ext_cq), fresh(world.task_cq)
    assert extension.status == "approved"
    assert task.due_date == extension.requested_due_date
    assert task.original_due_date == world.due


# --- mass assignment ---------------------------------------------------------------


def assert_refused_unchanged(response, before, statuses) -> None:
    assert response.status_code in statuses, (response.status_code, excerpt(response))
    assert problem_shape(response) is None, excerpt(response)
    after = snapshot()
    assert before == after, changes(before, after)


TASK_SMUGGLED: dict[str, Callable[[World], Any]] = {
    "lead_party": lambda w: w.chongqing.pk,
    "status": lambda w: "completed",
    "due_date": lambda w: "2030-12-31",
    "original_due_date": lambda w: "2030-12-31",
    "version": lambda w: 99,
    "initiative": lambda w: w.init_other.pk,
    "progress": lambda w: 100,
    "completed_at": lambda w: timezone.now().isoformat(),
    "owners": lambda w: [{"party": w.chongqing.pk, "agency": w.agency_cq.pk}],
    "no_such_field": lambda w: "x",
}


@pytest.mark.parametrize("name", sorted(TASK_SMUGGLED))
@pytest.mark.parametrize("label", ["task_sc", "task_joint", "task_cq"])
def test_coordinator_cannot_mass_assign_a_task(world, name, label):
    task = getattr(world, label)
    before = snapshot()
    response = _write(
        world.users["sc_coord"],
        "patch",
        f"/api/v1/tasks/{task.pk}/",
        {name: TASK_SMUGGLED[name](world)},
        obj=task,
    )
    assert_refused_unchanged(response, before, {400, 403})


@pytest.mark.parametrize("name", sorted(set(TASK_SMUGGLED) - {"lead_party"}))
def test_office_cannot_set_what_only_the_workflow_sets(world, name):
    before = snapshot()
    response = _write(
        world.users["office"],
        "patch",
        f"/api/v1/tasks/{world.task_joint.pk}/",
        {name: TASK_SMUGGLED[name](world)},
        obj=world.task_joint,
    )
    assert_refused_unchanged(response, before, {400})


@pytest.mark.parametrize(
    "body",
    [
        lambda w: {"lead_party": w.shaanxi.pk},  # not a party of this initiative
        lambda w: {"work_stream": w.ws_other.pk},  # another initiative's stream
    ],
    ids=["lead_party_outside", "work_stream_of_other_initiative"],
)
def test_office_cannot_point_a_task_at_another_initiative(world, body):
    before = snapshot()
    response = _write(
        world.users["office"],
        "patch",
        f"/api/v1/tasks/{world.task_joint.pk}/",
        body(world),
        obj=world.task_joint,
    )
    assert_refused_unchanged(response, before, {400})


def test_coordinator_cannot_patch_the_other_partys_owner(world):
    before = snapshot()
    response = _write(
        world.users["sc_coord"],
        "patch",
        f"/api/v1/owners/{world.owner_cq.pk}/",
        {"contact_name": "冒名联络人", "contact_phone": "110"},
        obj=world.owner_cq.task,
    )
    assert_refused_unchanged(response, before, {403, 404})


OWNER_SMUGGLED: dict[str, Callable[[World], dict]] = {
    "agency_of_other_party": lambda w: {"agency": w.agency_cq.pk},
    "agency_of_own_party": lambda w: {"agency": w.agency_sc2.pk},
    "party": lambda w: {"party": w.chongqing.pk},
    "task": lambda w: {"task": w.task_sc.pk},
    "contact_user_of_other_party": lambda w: {"contact_user": w.users["cq_coord"].pk},
    "contact_user_outsider": lambda w: {"contact_user": w.users["sx_coord"].pk},
}


@pytest.mark.parametrize("name", sorted(OWNER_SMUGGLED))
def test_coordinator_cannot_mass_assign_own_owner(world, name):
    before = snapshot()
    response = _write(
        world.users["sc_coord"],
        "patch",
        f"/api/v1/owners/{world.owner_sc.pk}/",
        OWNER_SMUGGLED[name](world),
        obj=world.owner_sc.task,
    )
    expected = {400} if name.startswith("contact_user") else {400, 403}
    assert_refused_unchanged(response, before, expected)


@pytest.mark.parametrize(
    "name", ["agency_of_other_party", "party", "task", "contact_user_of_other_party"]
)
def test_office_cannot_move_an_owner_to_another_party(world, name):
    before = snapshot()
    response = _write(
        world.users["office"],
        "patch",
        f"/api/v1/owners/{world.owner_sc.pk}/",
        OWNER_SMUGGLED[name](world),
        obj=world.owner_sc.task,
    )
    assert_refused_unchanged(response, before, {400})


def test_office_may_reassign_an_owner_within_its_party(world):
    response = _write(
        world.users["office"],
        "patch",
        f"/api/v1/owners/{world.owner_sc.pk}/",
        {"agency": world.agency_sc2.pk, "contact_user": world.users["sc_coord"].pk},
        obj=world.owner_sc.task,
    )
    assert response.status_code == 200, response.content
    assert fresh(world.owner_sc).agency == world.agency_sc2


MILESTONE_SMUGGLED: dict[str, Callable[[World], Any]] = {
    "task": lambda w: w.task_sc.pk,
    "party": lambda w: w.chongqing.pk,
    "parent": lambda w: w.ms_joint.pk,
    "completed_at": lambda w: timezone.now().isoformat(),
    "version": lambda w: 99,
}


@pytest.mark.parametrize("name", sorted(MILESTONE_SMUGGLED))
def test_coordinator_cannot_mass_assign_own_milestone(world, name):
    before = snapshot()
    response = _write(
        world.users["sc_coord"],
        "patch",
        f"/api/v1/milestones/{world.ms_sc.pk}/",
        {name: MILESTONE_SMUGGLED[name](world)},
        obj=world.ms_sc,
    )
    assert_refused_unchanged(response, before, {400})


@pytest.mark.parametrize(
    "body",
    [{"due_date": "2030-12-31"}, {"title": "改名"}, {"weight": 100}],
    ids=["due_date", "title", "weight"],
)
def test_coordinator_cannot_replan_own_milestone(world, body):
    before = snapshot()
    response = _write(
        world.users["sc_coord"],
        "patch",
        f"/api/v1/milestones/{world.ms_sc.pk}/",
        body,
        obj=world.ms_sc,
    )
    assert_refused_unchanged(response, before, {400, 403})


@pytest.mark.parametrize("party", ["chongqing", "shaanxi"])
@pytest.mark.parametrize("label", ["task_joint", "task_sc"])
def test_progress_update_for_another_party_is_refused(world, party, label):
    task = getattr(world, label)
    before = snapshot()
    response = _write(
        world.users["sc_coord"],
        "post",
        f"/api/v1/tasks/{task.pk}/progress-updates/",
        {"narrative": "代报进展", "progress": 90, "party": getattr(world, party).pk},
        obj=task,
        idempotent=True,
    )
    assert_refused_unchanged(response, before, {403})


@pytest.mark.parametrize(
    ("indicator", "party"),
    [
        ("ind_sc", "chongqing"),
        ("ind_joint", "chongqing"),
        ("ind_joint", "shaanxi"),
        ("ind_cq", "sichuan"),
        ("ind_cq", "chongqing"),
    ],
)
def test_reading_for_another_party_is_refused(world, indicator, party):
    before = snapshot()
    response = _write(
        world.users["sc_coord"],
        "post",
        f"/api/v1/indicators/{getattr(world, indicator).pk}/readings/",
        {"period": NEW_PERIOD, "value": "99", "party": getattr(world, party).pk},
        obj=getattr(world, indicator).task,
        idempotent=True,
    )
    assert_refused_unchanged(response, before, {400, 403})


ACTING_FOR: dict[str, tuple[str | None, Callable[[World], dict]]] = {
    "start": (None, lambda w: {}),
    "claim-completion": ("in_progress", lambda w: {"explanation": "已完成"}),
    "confirm-completion": ("claimed_by_sc", lambda w: {}),
    "reject-completion": ("claimed_by_sc", lambda w: {"reason": "不同意"}),
    "request-extension": (
        None,
        lambda w: {
            "requested_due_date": (w.due + dt.timedelta(days=30)).isoformat(),
            "reason": "代为申请",
        },
    ),
}


@pytest.mark.parametrize("party", ["chongqing", "shaanxi"])
@pytest.mark.parametrize("action", sorted(ACTING_FOR))
def test_coordinator_cannot_act_for_another_party(world, action, party):
    """Sichuan's coordinator, an owner of the joint task, names another party
    as the one it acts for (e.g. to confirm its own claim as Chongqing)."""
    state, body = ACTING_FOR[action]
    if state:
        PREPARE[state](world)
    before = snapshot()
    response = _write(
        world.users["sc_coord"],
        "post",
        f"/api/v1/tasks/{world.task_joint.pk}/{action}/",
        {**body(world), "party": getattr(world, party).pk},
        obj=world.task_joint,
    )
    assert_refused_unchanged(response, before, {403})


# --- side doors: methods the schema does not declare -------------------------------


def test_undeclared_write_methods_are_refused(world):
    """The matrix covers what the schema declares; a write method it does not
    declare (a PUT or DELETE left on a viewset) must be 405, not a write."""
    declared: dict[str, set[str]] = {}
    label_of: dict[str, str] = {}
    params_of: dict[str, dict[str, str]] = {}
    for operation, op in MATRIX.items():
        method, path = operation.split(" ", 1)
        declared.setdefault(path, set()).add(method)
        if op.cases:
            label_of.setdefault(path, op.cases[0].label)
        params_of.setdefault(path, op.path or {})
    client = client_for(world.users["office"])
    failures = []
    for path, methods in sorted(declared.items()):
        url = (
            path.replace("{id}", str(world.pk(label_of[path])))
            if path in label_of
            else path
        )
        for name, value in params_of[path].items():
            url = url.replace(f"{{{name}}}", value)
        for method in sorted(WRITE_METHODS - methods):
            before = snapshot()
            response = getattr(client, method.lower())(url, data={}, format="json")
            if response.status_code != 405 or problem_shape(response):
                failures.append(
                    f"{method} {url} → {response.status_code}: {excerpt(response)}"
                )
            elif snapshot() != before:
                failures.append(f"{method} {url} changed {changes(before, snapshot())}")
    assert not failures, "\n".join(failures)


# --- side doors: filters ------------------------------------------------------------

FILTERED_LISTS = [
    ("/api/v1/indicators/", "task", "task_joint"),
    ("/api/v1/progress-updates/", "task", "task_joint"),
    ("/api/v1/extension-requests/", "task", "task_cq"),
    ("/api/v1/readings/", "indicator", "ind_cq"),
    ("/api/v1/work-streams/", "initiative", "init_cy"),
    ("/api/v1/agencies/", "party", "chongqing"),
    ("/api/v1/milestones/", "task", "task_joint"),
    ("/api/v1/tasks/", "initiative", "init_cy"),
]


def test_filters_do_not_tell_the_outsider_what_exists(world):
    """A filter naming an id the caller may not see must answer exactly as one
    naming an id that does not exist; otherwise the filter is an oracle for
    which ids exist in initiatives the caller has no part in."""
    client = client_for(world.users["sx_coord"])
    failures = []
    for url, param, label in FILTERED_LISTS:
        hidden = client.get(url, {param: world.pk(label)})
        missing = client.get(url, {param: 2_000_000_000})
        if hidden.status_code != missing.status_code:
            failures.append(
                f"{url}?{param}=<hidden id {label}> → {hidden.status_code}, "
                f"?{param}=<no such id> → {missing.status_code}: {excerpt(missing)}"
            )
    assert not failures, "\n".join(failures)
