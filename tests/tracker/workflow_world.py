"""A task in every state of the workflow, for the tests that walk the
transition table: built once per module (tests/tracker/conftest.py) through the
services, inside a transaction rolled back at the module's end, each test in a
savepoint of its own.

Its parties and people have codes and names of their own, so that a module
using it may also build the usual Sichuan–Chongqing fixtures beside it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from accounts.models import Party, User
from supervision.models import UrgeTarget
from supervision.services.urges import urge_send
from tests.conftest import _member
from tests.factories import PartyFactory, make_initiative, make_task
from tracker import services
from tracker.choices import TaskStatus as S
from tracker.models import ExtensionRequest, Indicator, Milestone, Task

# How each role stands towards every task of the world: its owners are Sichuan
# and Chongqing, Sichuan claims completion, Guizhou takes part in the initiative
# but owns none of it.
ROLES = (
    "owner",  # a coordinator of Sichuan: the claimant
    "counterpart",  # a coordinator of Chongqing
    "outside_coordinator",  # a coordinator of Guizhou
    "leadership",
    "auditor",
    "office",  # the joint office's administrator
)


@dataclass
class Rows:
    """A task of the world and what its actions act on."""

    task_pk: int
    indicators: dict[str, int]  # party code ("joint") → indicator id
    milestones: dict[str, int]  # party code ("joint") → milestone id
    pending: int | None  # the pending extension request
    # party code → its target of the office's 催办, sent while the task was
    # open and not answered
    targets: dict[str, int] = field(default_factory=dict)

    def task(self) -> Task:
        return Task.objects.get(pk=self.task_pk)

    def indicator(self, code: str) -> Indicator:
        return Indicator.objects.get(pk=self.indicators[code])

    def milestone(self, code: str) -> Milestone:
        return Milestone.objects.get(pk=self.milestones[code])

    def target(self, code: str) -> UrgeTarget:
        return UrgeTarget.objects.get(pk=self.targets[code])

    def pending_request(self) -> ExtensionRequest | None:
        if self.pending is None:
            return None
        return ExtensionRequest.objects.get(pk=self.pending)


@dataclass
class WorkflowWorld:
    parties: dict[str, Party]
    people: dict[str, User]
    # (status, whether an extension request is pending) → the task's rows
    tasks: dict[tuple[str, bool], Rows] = field(default_factory=dict)


def bring_to(task: Task, status: str, people: dict[str, User]) -> Task:
    """Take a task not started to `status` the way users would."""
    owner, counterpart, office = (
        people["owner"],
        people["counterpart"],
        people["office"],
    )
    if status in (S.SUSPENDED, S.CANCELLED):
        action = (
            services.task_suspend if status == S.SUSPENDED else services.task_cancel
        )
        action(task=task, actor=office, reason="专班研究决定")
    elif status != S.NOT_STARTED:
        services.task_start(task=task, actor=owner)
        if status in (S.COMPLETION_CLAIMED, S.COMPLETED):
            services.task_claim_completion(
                task=task, actor=owner, explanation="四川段已完工，节点待补录"
            )
        if status == S.COMPLETED:
            services.task_confirm_completion(task=task, actor=counterpart)
    task = Task.objects.get(pk=task.pk)
    assert task.status == status
    return task


def build_workflow_world() -> WorkflowWorld:
    parties = {
        "sc": PartyFactory(code="wf-sc", name="四川省（流程）", short_name="川"),
        "cq": PartyFactory(code="wf-cq", name="重庆市（流程）", short_name="渝"),
        "gz": PartyFactory(code="wf-gz", name="贵州省（流程）", short_name="黔"),
    }
    people = {
        "owner": _member("wf_sc_coord", parties["sc"], "coordinator"),
        "counterpart": _member("wf_cq_coord", parties["cq"], "coordinator"),
        "outside_coordinator": _member("wf_gz_coord", parties["gz"], "coordinator"),
        "leadership": _member("wf_sc_leader", parties["sc"], "leadership"),
        "auditor": _member("wf_cq_auditor", parties["cq"], "auditor"),
        "office": _member("wf_office", parties["sc"], "administrator"),
    }
    world = WorkflowWorld(parties=parties, people=people)
    initiative = make_initiative(list(parties.values()))
    today = timezone.localdate()
    owners = {"sc": parties["sc"], "cq": parties["cq"], "joint": None}
    for status in S.values:
        for pending in (False, True):
            task = make_task(
                initiative,
                parties=[parties["sc"], parties["cq"]],
                code=f"{status}{'-ext' if pending else ''}",
                due_date=today + dt.timedelta(days=120),
            )
            indicators = {
                code: services.indicator_create(
                    task=task, name=f"投资（{code}）", unit="亿元", party=party
                ).pk
                for code, party in owners.items()
            }
            milestones = {
                code: services.milestone_create(
                    task=task,
                    title=f"节点（{code}）",
                    due_date=today + dt.timedelta(days=60),
                    party=party,
                ).pk
                for code, party in owners.items()
            }
            request = None
            if pending:  # asked while open; a later closing leaves it pending
                request = services.task_request_extension(
                    task=task,
                    actor=people["counterpart"],
                    requested_due_date=task.due_date + dt.timedelta(days=60),
                    reason="征地拆迁滞后",
                ).pk
            urge = urge_send(task=task, actor=people["office"], message="请加快推进")
            targets = {
                code: urge.targets.get(party=parties[code]).pk for code in ("sc", "cq")
            }
            bring_to(task, status, people)
            world.tasks[status, pending] = Rows(
                task.pk, indicators, milestones, request, targets
            )
    return world
