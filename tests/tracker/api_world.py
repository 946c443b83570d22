"""The world the API permission tests run in, and the helpers they call it with.

Two initiatives: Chengdu–Chongqing (川渝: one task owned by Sichuan alone, one
by Chongqing alone, one jointly, with each party's milestones, indicators,
readings, progress updates and extension requests), and Sichuan–Shaanxi (川陕),
so that Shaanxi's coordinator has a membership and something of its own to see
but no part in the Chengdu–Chongqing items. Everything is built through the
services, as users would build it.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import Model
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Agency
from config.models import IdempotencyRecord
from parks.models import (
    AssessmentEvidence,
    AssessmentStep,
    AssessmentValue,
    EvaluationCycle,
    ParkAssessment,
)
from supervision.services.urges import urge_send
from tests.clock import days
from tests.conftest import _member
from tests.factories import AgencyFactory, PartyFactory, make_initiative, make_task
from tracker import services
from tracker.models import (
    ClaimDecision,
    CompletionClaim,
    DependencyAlert,
    ExportJob,
    ExtensionRequest,
    Indicator,
    IndicatorReading,
    LightOverride,
    Milestone,
    ProgressUpdate,
    Task,
    TaskDependency,
    TaskOwner,
    UpdateEvidence,
)

PROBLEM = "application/problem+json"

EXISTING_PERIOD = days(-75)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


class World:
    """The Chengdu–Chongqing initiative (川渝) with one task of each ownership,
    and a Sichuan–Shaanxi initiative (川陕) that the outside coordinator sees."""

    users: dict[str, Any]
    due: dt.date

    def pk(self, label: str) -> int:
        return getattr(self, label).pk

    @property
    def cy_tasks(self) -> list[Task]:
        return [self.task_sc, self.task_cq, self.task_joint]


def build_world() -> World:
    w = World()
    sichuan = PartyFactory(code="sc", name="四川省", short_name="川")
    chongqing = PartyFactory(
        code="cq", name="重庆市", short_name="渝", kind="municipality"
    )
    sc_coord = _member("sc_coord", sichuan, "coordinator")
    cq_coord = _member("cq_coord", chongqing, "coordinator")
    sc_leader = _member("sc_leader", sichuan, "leadership")
    cq_auditor = _member("cq_auditor", chongqing, "auditor")
    office = _member("office", sichuan, "administrator")
    w.sichuan, w.chongqing = sichuan, chongqing
    w.shaanxi = PartyFactory(code="sn", name="陕西省", short_name="陕")
    sx_coord = _member("sx_coord", w.shaanxi, "coordinator")
    w.users = {
        "sc_coord": sc_coord,
        "cq_coord": cq_coord,
        "sc_leader": sc_leader,
        "cq_auditor": cq_auditor,
        "office": office,
        "sx_coord": sx_coord,
        "anonymous": None,
    }
    w.init_cy = make_initiative([sichuan, chongqing])
    w.init_other = make_initiative([sichuan, w.shaanxi])

    today = timezone.localdate()
    soon = today + dt.timedelta(days=3)
    w.due = today + dt.timedelta(days=120)
    w.task_sc = make_task(
        w.init_cy, parties=[sichuan], code="SC-1", title="四川独担事项", due_date=w.due
    )
    w.task_cq = make_task(
        w.init_cy,
        parties=[chongqing],
        code="CQ-1",
        title="重庆独担事项",
        due_date=w.due,
    )
    w.task_joint = make_task(
        w.init_cy,
        parties=[sichuan, chongqing],
        code="JT-1",
        title="川渝特高压联合工程",
        due_date=w.due,
    )
    w.task_sx = make_task(
        w.init_other, code="SX-1", title="川陕合作事项", due_date=w.due
    )
    w.ws_cy = w.task_joint.work_stream
    w.ws_other = w.task_sx.work_stream

    w.owner_sc = w.task_joint.owners.get(party=sichuan)
    w.owner_cq = w.task_joint.owners.get(party=chongqing)
    w.agency_sc = Agency.objects.get(party=sichuan, is_lead=True)
    w.agency_cq = Agency.objects.get(party=chongqing, is_lead=True)
    w.agency_sx = Agency.objects.get(party=w.shaanxi, is_lead=True)
    w.agency_sc2 = AgencyFactory(party=sichuan, name="四川省发展和改革委员会")
    w.agency_cq2 = AgencyFactory(party=chongqing, name="重庆市发展和改革委员会")

    w.ms_sc = services.milestone_create(
        task=w.task_joint, title="四川段完工", due_date=soon, party=sichuan
    )
    w.ms_cq = services.milestone_create(
        task=w.task_joint, title="重庆段完工", due_date=soon, party=chongqing
    )
    w.ms_joint = services.milestone_create(
        task=w.task_joint, title="联合验收", due_date=w.due
    )
    w.ms_sx = services.milestone_create(
        task=w.task_sx, title="陕西段完工", due_date=soon, party=w.shaanxi
    )
    # Chongqing's item and the joint one wait for Sichuan's.
    w.dep_cq = services.dependency_add(
        task=w.task_cq, actor=office, blocker_task=w.task_sc
    )
    w.dep_joint = services.dependency_add(
        task=w.task_joint, actor=office, blocker_task=w.task_sc
    )

    w.ind_sc = services.indicator_create(
        task=w.task_joint,
        name="四川段投资",
        unit="亿元",
        target=Decimal(50),
        party=sichuan,
    )
    w.ind_cq = services.indicator_create(
        task=w.task_joint,
        name="重庆段投资",
        unit="亿元",
        target=Decimal(40),
        party=chongqing,
    )
    w.ind_joint = services.indicator_create(
        task=w.task_joint, name="输电能力", unit="万千瓦", target=Decimal(600)
    )
    w.ind_sx = services.indicator_create(
        task=w.task_sx, name="陕西段投资", unit="亿元", party=w.shaanxi
    )
    # Circle-wide indicators (全域指标) of each initiative.
    w.circ_cy = services.initiative_indicator_create(
        initiative=w.init_cy, name="川渝新增高新技术企业", unit="家"
    )
    w.circ_other = services.initiative_indicator_create(
        initiative=w.init_other, name="川陕新增高新技术企业", unit="家"
    )
    w.reading_sc = services.indicator_reading_record(
        indicator=w.ind_sc, actor=sc_coord, period=EXISTING_PERIOD, value=Decimal(10)
    )
    w.reading_cq = services.indicator_reading_record(
        indicator=w.ind_cq,
        actor=cq_coord,
        period=EXISTING_PERIOD,
        value=Decimal(12),
        evidence=SimpleUploadedFile(
            "验收报告.pdf", PDF, content_type="application/pdf"
        ),
    )
    # Progress 0 leaves the tasks not started: the base state of the matrix.
    w.pu_sc = services.progress_update_post(
        task=w.task_joint, actor=sc_coord, narrative="四川段前期工作完成", progress=0
    )
    w.pu_cq = services.progress_update_post(
        task=w.task_joint,
        actor=cq_coord,
        narrative="重庆段前期工作完成",
        progress=0,
        evidence=services.EvidenceSpec(
            files=[SimpleUploadedFile("前期工作会议纪要.pdf", PDF)]
        ),
    )
    [w.evidence_cq] = w.pu_cq.evidence_list
    w.ext_sc = services.task_request_extension(
        task=w.task_sc,
        actor=sc_coord,
        requested_due_date=w.due + dt.timedelta(days=60),
        reason="用地审批延迟",
    )
    w.ext_cq = services.task_request_extension(
        task=w.task_cq,
        actor=cq_coord,
        requested_due_date=w.due + dt.timedelta(days=60),
        reason="环评批复延迟",
    )
    # The joint office's 催办 on the joint item: one target per owner party.
    urge = urge_send(task=w.task_joint, actor=office, message="请于本周内报送进展")
    w.target_sc = urge.targets.get(party=sichuan)
    w.target_cq = urge.targets.get(party=chongqing)
    for task in w.cy_tasks:
        task.refresh_from_db()
    _reports(w, today)
    _parks(w)
    _export_job(w)
    return w


PARK_BATCH = 2021


def _parks(w: World) -> None:
    """A Sichuan park paired with a Chongqing one in the Chengdu–Chongqing
    initiative, and the joint office's evaluation cycle of their batch with two
    indicators: one draft assessment per park."""
    from parks import services as park_services
    from tracker.services.structure import industrial_park_create, park_pair_create

    w.park_sc = industrial_park_create(
        party=w.sichuan,
        name="川渝合作示范园（广安）",
        city_county="广安市",
        batch=PARK_BATCH,
    )
    w.park_cq = industrial_park_create(
        party=w.chongqing,
        name="川渝合作示范园（潼南）",
        city_county="潼南区",
        batch=PARK_BATCH,
    )
    w.park_pair = park_pair_create(initiative=w.init_cy, parks=[w.park_sc, w.park_cq])
    office = w.users["office"]
    w.park_cycle = park_services.cycle_create(
        user=office,
        initiative=w.init_cy,
        name="2024年产业合作园区绩效评价",
        batch=PARK_BATCH,
        period_start=dt.date(2023, 1, 1),
        period_end=dt.date(2023, 12, 31),
        submit_due=dt.date(2024, 9, 30),
        review_due=dt.date(2024, 10, 31),
        score_due=dt.date(2024, 11, 30),
        publish_due=dt.date(2024, 12, 12),
    )
    park_services.indicator_add(
        user=office,
        cycle=w.park_cycle,
        code="orders",
        name="产品互采订单",
        unit="亿元",
        rule="linear",
        lower=Decimal(0),
        upper=Decimal(100),
        weight=Decimal(50),
    )
    park_services.indicator_add(
        user=office,
        cycle=w.park_cycle,
        code="firms",
        name="共建企业数",
        unit="家",
        rule="threshold",
        threshold=Decimal(50),
        weight=Decimal(50),
    )
    w.assess_sc = w.park_cycle.assessments.get(park=w.park_sc)
    w.assess_cq = w.park_cycle.assessments.get(park=w.park_cq)


def _export_job(w: World) -> None:
    """A large export of the Sichuan leader's, its file written."""
    from tracker.exports import jobs

    job = jobs.export_job_request(
        user=w.users["sc_leader"],
        fmt=ExportJob.Format.CSV,
        source=ExportJob.Source.API,
        query=f"initiative={w.init_cy.pk}",
    )
    w.export_job = jobs.export_job_run(job_id=job.pk)
    assert w.export_job.status == ExportJob.Status.DONE, w.export_job.error


def _reports(w: World, today: dt.date) -> None:
    """A finished report of the Chengdu–Chongqing initiative (files and all,
    its English files asked for), a queued one of the other initiative, and the Sichuan leader's subscription."""
    from reports import services as report_services
    from reports.models import Report
    from reports.renditions import report_rendition_request

    report, _ = report_services.report_request(
        initiative=w.init_cy,
        kind="on_demand",
        period_start=today - dt.timedelta(days=6),
        period_end=today,
        requested_by=w.users["office"],
    )
    report_services.report_generate(report_id=report.pk)
    w.report_cy = Report.objects.get(pk=report.pk)
    # Its English files asked for (the request only; no worker renders here).
    report_rendition_request(report=w.report_cy, language="en")
    w.report_other, _ = report_services.report_request(
        initiative=w.init_other,
        kind="on_demand",
        period_start=today - dt.timedelta(days=6),
        period_end=today,
    )
    w.sub_leader = report_services.report_subscribe(
        user=w.users["sc_leader"], initiative=w.init_cy, kind="weekly"
    )


# --- states a test may need (built through the services, inside its savepoint) -


def _start_all(w: World) -> None:
    for task in w.cy_tasks:
        services.task_start(task=task, actor=w.users["office"])


def _claimed_by(role: str) -> Callable[[World], None]:
    def prepare(w: World) -> None:
        _start_all(w)
        services.task_claim_completion(
            task=w.task_joint, actor=w.users[role], explanation="本方工作已全部完成"
        )

    return prepare


def _suspend_all(w: World) -> None:
    for task in w.cy_tasks:
        services.task_suspend(task=task, actor=w.users["office"], reason="等待国家批复")


def _cancel_all(w: World) -> None:
    for task in w.cy_tasks:
        services.task_cancel(task=task, actor=w.users["office"], reason="调整出清单")


def _override_all(w: World) -> None:
    for task in w.cy_tasks:
        services.light_override_set(
            task=task,
            actor=w.users["office"],
            light="amber",
            reason="专班研判存在风险",
            expires_at=timezone.now() + dt.timedelta(days=7),
        )


def _decide_extensions(w: World) -> None:
    for extension in (w.ext_sc, w.ext_cq):
        services.extension_request_decide(
            request=extension,
            actor=w.users["office"],
            approve=False,
            opinion="理由不足",
        )


def _notified(w: World) -> None:
    from notifications.services import notify

    [w.note_sc] = notify(
        event="urge",
        recipients=[w.users["sc_coord"]],
        title="专班催办：请报送川渝特高压联合工程进展",
        task=w.task_joint,
        link=f"/tasks/{w.task_joint.pk}/",
        actor=w.users["office"],
    )


def _parks_submitted(w: World) -> None:
    """Each park's party has submitted its values with evidence."""
    from parks import services as park_services

    for assessment, role in ((w.assess_sc, "sc_coord"), (w.assess_cq, "cq_coord")):
        park_services.assessment_submit(
            user=w.users[role],
            assessment=fresh(assessment),
            values={"orders": ("80", False, ""), "firms": ("60", True, "超")},
            evidence=[
                SimpleUploadedFile(
                    "园区统计报表.pdf", PDF, content_type="application/pdf"
                )
            ],
        )


def _parks_agreed(w: World) -> None:
    """Submitted, and each paired party has agreed with the other's values."""
    from parks import services as park_services

    _parks_submitted(w)
    for assessment, role in ((w.assess_sc, "cq_coord"), (w.assess_cq, "sc_coord")):
        park_services.assessment_agree(user=w.users[role], assessment=fresh(assessment))


def _parks_scored(w: World) -> None:
    """Agreed, and scored by the joint office: the cycle may be published."""
    from parks import services as park_services

    _parks_agreed(w)
    for assessment in (w.assess_sc, w.assess_cq):
        park_services.assessment_score(
            user=w.users["office"], assessment=fresh(assessment)
        )


PREPARE: dict[str, Callable[[World], None]] = {
    "in_progress": _start_all,
    "claimed_by_cq": _claimed_by("cq_coord"),
    "claimed_by_sc": _claimed_by("sc_coord"),
    "suspended": _suspend_all,
    "cancelled": _cancel_all,
    "light_overridden": _override_all,
    "extensions_decided": _decide_extensions,
    "notified": _notified,
    "parks_submitted": _parks_submitted,
    "parks_agreed": _parks_agreed,
    "parks_scored": _parks_scored,
}


SNAPSHOT_MODELS: tuple[type[Model], ...] = (
    Task,
    TaskOwner,
    Milestone,
    Indicator,
    IndicatorReading,
    ProgressUpdate,
    ExtensionRequest,
    CompletionClaim,
    ClaimDecision,
    LightOverride,
    TaskDependency,
    DependencyAlert,
    UpdateEvidence,
    IdempotencyRecord,
    EvaluationCycle,
    ParkAssessment,
    AssessmentValue,
    AssessmentEvidence,
    AssessmentStep,
    ExportJob,
)
SNAPSHOT_TABLES = [model._meta.db_table for model in SNAPSHOT_MODELS]


def snapshot() -> dict[str, list]:
    """Every row of every tracker table, in one round trip."""
    sql = " UNION ALL ".join(
        f"SELECT %s, COALESCE(json_agg(t ORDER BY t.id)::text, '[]') FROM {table} t"
        for table in SNAPSHOT_TABLES
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, SNAPSHOT_TABLES)
        return {table: json.loads(rows) for table, rows in cursor.fetchall()}


def changes(before: dict, after: dict) -> str:
    changed = []
    for label, rows in before.items():
        if rows != after[label]:
            old = [r for r in rows if r not in after[label]]
            new = [r for r in after[label] if r not in rows]
            changed.append(f"{label}: was {old[:1]} now {new[:1]}")
    return "; ".join(changed)


@functools.cache
def _client() -> APIClient:
    # One client for the session: building one loads the middleware chain, which
    # costs more than the request itself.
    client = APIClient()
    # A 500 must come back as a response the matrix can report, not abort it.
    client.raise_request_exception = False
    return client


def client_for(user) -> APIClient:
    client = _client()
    client.cookies.clear()
    client.force_authenticate(user)
    return client


def excerpt(response) -> str:
    if getattr(response, "streaming", False):
        return f"<{response.get('Content-Type')} stream>"
    return response.content.decode(errors="replace")[:500]


def problem_shape(response) -> str | None:
    """What is wrong with an error response's body, or None."""
    content_type = response.get("Content-Type", "").split(";")[0].strip()
    if content_type != PROBLEM:
        return f"error is {content_type or 'untyped'}, not {PROBLEM}"
    try:
        body = json.loads(response.content)
    except ValueError:
        return "problem body is not JSON"
    if not isinstance(body.get("code"), str) or not body["code"]:
        return "problem has no code"
    if body.get("status") != response.status_code:
        return f"problem status {body.get('status')} != {response.status_code}"
    return None


def fresh(obj):
    """The row as it is now: the module's world objects outlive each test."""
    return type(obj).objects.get(pk=obj.pk)
