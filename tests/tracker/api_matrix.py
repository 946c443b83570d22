"""How the permission matrix calls each /api/v1/ operation and what each role
may do there (MATRIX), for tests/tracker/test_api_permissions.py."""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from accounts.models import Agency
from tests.clock import iso
from tests.tracker.api_world import (
    World,
)
from tracker.models import (
    ExtensionRequest,
    Indicator,
    Milestone,
    Task,
    TaskOwner,
)

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
    "dep_cq": frozenset({"cq"}),
    "dep_joint": frozenset({"sc", "cq"}),
    "owner_sc": frozenset({"sc"}),
    "owner_cq": frozenset({"cq"}),
    "ext_sc": frozenset({"sc"}),
    "ext_cq": frozenset({"cq"}),
    "target_sc": frozenset({"sc"}),
    "target_cq": frozenset({"cq"}),
    # A park's assessment is the pair's: its park's party reports the values,
    # the paired party reviews them.
    "assess_sc": frozenset({"sc", "cq"}),
    "assess_cq": frozenset({"sc", "cq"}),
}
# The party of each assessment's park: who submits it (the other one reviews).
NEW_PERIOD = iso(-15)  # the world's readings are for another period


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


PART = "part"


@dataclass(frozen=True)
class Op:
    cases: tuple[Case, ...] = ()
    expect: Expect | None = None  # members' outcome of a write
    body: Callable[[World, Case], dict] | None = None
    # Whose ETag a write sends: a model, or (model, "task") for rows without a
    # version of their own, whose writes are conditioned on their task's, or
    # PART: the caller's party's part of the task (a progress update).
    if_match: type[Model] | tuple[type[Model], str] | str | None = None
    idempotent: bool = False
    listing: Listing | None = None
    special: str | None = None  # "me" or "attention"
    # The write is the caller's own (a report asked for, a subscription), not a
    # party's object: leadership, auditors and any coordinator may succeed.
    callers_own: bool = False
    path: dict[str, str] | None = None  # other path parameters than {id}
    # For an operation on nothing of an initiative (an upload): who may, by
    # role alone, the outside coordinator included.
    expect_any: Callable[[str], frozenset[int]] | None = None
    format: str = "json"


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


def office_creates(role: str, case: Case) -> frozenset[int]:
    return CREATED if role == "office" else DENY


def the_office(role: str) -> frozenset[int]:
    return OK if role == "office" else DENY


def leadership_or_office(role: str, case: Case) -> frozenset[int]:
    return ACCEPTED if role in ("sc_leader", "office") else DENY


def any_member(role: str, case: Case) -> frozenset[int]:
    return CREATED


def sichuan_leader_only(role: str, case: Case) -> frozenset[int]:
    return NO_CONTENT if role == "sc_leader" else DENY


def sichuan_coordinator_only(role: str) -> frozenset[int]:
    """A notification written for Sichuan's coordinator: anyone else's 404."""
    return OK if role == "sc_coord" else frozenset({404})


def any_coordinator(role: str) -> frozenset[int]:
    return CREATED if role.endswith("_coord") else DENY


def upload_body(w: World, case: Case | None) -> dict:
    upload = io.BytesIO(b"%PDF-1.4\n%%EOF\n")
    upload.name = "现场照片.pdf"
    return {"file": upload}


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
        # The caller's party's part of the task: parts have their own version.
        if_match=PART,
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
    # circle-wide indicators: read by members, recorded by the joint office
    "GET /api/v1/initiative-indicators/": Op(
        listing=Listing(
            scope=lambda w: {"search": w.circ_cy.name},
            shows=ids("circ_cy"),
            world_ids=ids("circ_cy"),
            outsider_sees=ids("circ_other"),
        )
    ),
    "GET /api/v1/initiative-indicators/{id}/": Op(cases=cases(("circ_cy",))),
    "POST /api/v1/initiative-indicators/{id}/readings/": Op(
        cases=cases(("circ_cy",)),
        expect=office_creates,
        body=const({"period": NEW_PERIOD, "value": "3752", "qualifier": "exact"}),
        idempotent=True,
    ),
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
    # evidence files of progress updates: downloads, uploads ahead of an update
    "GET /api/v1/evidence-files/{id}/download/": Op(cases=cases(("evidence_cq",))),
    "POST /api/v1/uploads/": Op(
        expect_any=any_coordinator,
        body=upload_body,
        format="multipart",
        idempotent=True,
        callers_own=True,
    ),
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
        body=const({"approve": True, "opinion": "同意延期"}),
        if_match=(ExtensionRequest, "task"),
    ),
    # 督办: the joint office's workbench, 催办 by hand and the parties' answers
    "GET /api/v1/office/": Op(expect_any=the_office),
    "GET /api/v1/tasks/{id}/urges/": Op(cases=cases(TASKS)),
    "POST /api/v1/tasks/{id}/urges/": Op(
        cases=cases(TASKS),
        expect=office_creates,
        body=const({"message": "请于本周内报送进展"}),
        if_match=Task,
        idempotent=True,
    ),
    "GET /api/v1/urge-targets/{id}/": Op(cases=cases(("target_sc", "target_cq"))),
    "POST /api/v1/urge-targets/{id}/answer/": Op(
        cases=cases(("target_sc", "target_cq")),
        expect=owner_coordinator,
        body=const({"reply": "已召开推进会，本周内报送进展"}),
        idempotent=True,
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
    # the caller's own notifications and settings: anyone signed in, their own
    "GET /api/v1/notifications/": Op(),
    "GET /api/v1/notifications/unread-count/": Op(),
    "POST /api/v1/notifications/read-all/": Op(callers_own=True),
    "GET /api/v1/notifications/{id}/": Op(
        cases=cases(("note_sc",), "notified"), expect_any=sichuan_coordinator_only
    ),
    "POST /api/v1/notifications/{id}/read/": Op(
        cases=cases(("note_sc",), "notified"),
        expect_any=sichuan_coordinator_only,
        callers_own=True,
    ),
    "GET /api/v1/notification-preferences/": Op(),
    "PUT /api/v1/notification-preferences/": Op(
        body=const({"daily_digest": True, "events": [{"event": "reminder"}]}),
        callers_own=True,
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


# The parks' and the exports' operations, kept in a module of their own.
from tests.tracker.api_matrix_parks import PARKS_AND_EXPORTS  # noqa: E402

MATRIX.update(PARKS_AND_EXPORTS)

# Dependencies between items (tests/tracker/api_matrix_dependencies.py).
from tests.tracker.api_matrix_dependencies import DEPENDENCIES  # noqa: E402

MATRIX.update(DEPENDENCIES)
