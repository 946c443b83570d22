"""The declared transition table, walked pair by pair against the services,
and the dual sign-off, extensions and overrides around it."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone, translation

from config.exceptions import (
    Conflict,
    InvalidInput,
    PermissionDenied,
    TransitionNotAllowed,
)
from supervision.models import Urge, UrgeTarget
from supervision.services.urges import urge_answer, urge_send
from tests.clock import days
from tests.conftest import _member
from tests.factories import PartyFactory, make_initiative, make_task
from tests.tracker.workflow_world import ROLES
from tracker import services, workflow
from tracker.choices import ClaimStatus, ExtensionStatus, MilestoneStatus, TaskStatus
from tracker.models import IndicatorReading, Task
from tracker.workflow import Actor

# Dates are written from the tests' frozen today (tests/clock.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]

S = TaskStatus
ACTIONS = {
    "start": services.task_start,
    "claim_completion": services.task_claim_completion,
    "confirm_completion": services.task_confirm_completion,
    "reject_completion": services.task_reject_completion,
    "suspend": services.task_suspend,
    "resume": services.task_resume,
    "cancel": services.task_cancel,
    "reopen": services.task_reopen,
}


@pytest.fixture
def guizhou(db):
    return PartyFactory(code="gz", name="贵州省", short_name="黔")


@pytest.fixture
def people(sc_coord, cq_coord, sc_leader, cq_auditor, office, guizhou):
    return {
        "owner": sc_coord,  # acts for Sichuan, the claimant below
        "counterpart": cq_coord,
        "outside_coordinator": _member("gz_coord", guizhou, "coordinator"),
        "leadership": sc_leader,
        "auditor": cq_auditor,
        "office": office,
    }


@pytest.fixture
def two_party_task(sichuan, chongqing, guizhou):
    initiative = make_initiative([sichuan, chongqing, guizhou])
    return make_task(initiative, parties=[sichuan, chongqing], code="T-1")


def standing(role: str, status: str) -> set[Actor]:
    """How each role stands towards the task (Sichuan is the claimant)."""
    if role == "office":
        return {Actor.ADMINISTRATOR}
    if role == "counterpart":
        return {Actor.OWNER, Actor.COUNTERPART}
    if role == "owner":
        return {Actor.OWNER} | (
            set() if status == S.COMPLETION_CLAIMED else {Actor.COUNTERPART}
        )
    return set()


@pytest.mark.parametrize(
    ("from_status", "action", "role"),
    list(itertools.product(S.values, ACTIONS, ROLES)),
)
def test_every_transition_pair(workflow_world, from_status, action, role):
    task = workflow_world.tasks[from_status, False].task()
    transition = workflow.BY_ACTION[action]
    kinds = standing(role, from_status)
    may_act = bool(kinds & transition.actors)
    expected_ok = may_act and from_status in transition.sources

    kwargs = {"task": task, "actor": workflow_world.people[role]}
    if transition.reason_required:
        kwargs["reason"] = "理由说明"
    if action == "claim_completion":  # Sichuan's own milestone is still open
        kwargs["explanation"] = "四川段已完工，节点待补录"
    call = ACTIONS[action]
    if expected_ok:
        call(**kwargs)
        assert Task.objects.get(pk=task.pk).status == transition.target
    else:
        expected_error = TransitionNotAllowed if may_act else PermissionDenied
        with pytest.raises(expected_error):
            call(**kwargs)
        assert Task.objects.get(pk=task.pk).status == from_status


def test_table_is_what_we_agreed():
    table = {(t.action, t.target) for t in workflow.TRANSITIONS}
    assert ("claim_completion", S.COMPLETION_CLAIMED) in table
    assert workflow.BY_ACTION["reject_completion"].reason_required
    assert workflow.BY_ACTION["confirm_completion"].actors == {Actor.COUNTERPART}
    assert Actor.ADMINISTRATOR not in workflow.BY_ACTION["claim_completion"].actors


# --- dual sign-off -------------------------------------------------------------------


@pytest.fixture
def three_owner_task(sichuan, chongqing, guizhou, people):
    initiative = make_initiative([sichuan, chongqing, guizhou])
    task = make_task(initiative, parties=[sichuan, chongqing, guizhou], code="T-3")
    services.task_start(task=task, actor=people["owner"])
    return task


def test_completed_only_when_every_other_party_confirmed(three_owner_task, people):
    task = three_owner_task
    claim = services.task_claim_completion(task=task, actor=people["owner"])
    assert claim.status == ClaimStatus.OPEN
    with pytest.raises(PermissionDenied):  # the claimant cannot confirm itself
        services.task_confirm_completion(task=task, actor=people["owner"])
    services.task_confirm_completion(task=task, actor=people["counterpart"])
    task.refresh_from_db()
    assert task.status == S.COMPLETION_CLAIMED
    with pytest.raises(Conflict):
        services.task_confirm_completion(task=task, actor=people["counterpart"])
    services.task_confirm_completion(task=task, actor=people["outside_coordinator"])
    task.refresh_from_db()
    claim.refresh_from_db()
    assert task.status == S.COMPLETED
    assert task.completed_at is not None and task.progress == 100
    assert claim.status == ClaimStatus.CONFIRMED
    assert {d.party.code for d in claim.decisions.all()} == {"cq", "gz"}


def test_any_counterpart_may_reject_with_a_reason(three_owner_task, people):
    task = three_owner_task
    claim = services.task_claim_completion(task=task, actor=people["owner"])
    services.task_confirm_completion(task=task, actor=people["counterpart"])
    with pytest.raises(InvalidInput):
        services.task_reject_completion(
            task=task, actor=people["outside_coordinator"], reason="  "
        )
    services.task_reject_completion(
        task=task, actor=people["outside_coordinator"], reason="贵州段尚未验收"
    )
    task.refresh_from_db()
    claim.refresh_from_db()
    assert task.status == S.IN_PROGRESS
    assert claim.status == ClaimStatus.REJECTED and claim.closed_at
    # A new claim starts a fresh round of confirmations.
    services.task_claim_completion(task=task, actor=people["counterpart"])
    assert task.completion_claims.filter(status=ClaimStatus.OPEN).count() == 1


def test_claim_needs_own_milestones_done_or_an_explanation(
    two_party_task, people, sichuan
):
    task = two_party_task
    services.task_start(task=task, actor=people["owner"])
    services.milestone_create(
        task=task, title="四川段投运", due_date=days(90), party=sichuan
    )
    with pytest.raises(InvalidInput) as exc:
        services.task_claim_completion(task=task, actor=people["owner"])
    assert "explanation" in exc.value.field_errors
    assert Task.objects.get(pk=task.pk).status == S.IN_PROGRESS
    claim = services.task_claim_completion(
        task=task, actor=people["owner"], explanation="投运仪式延至下月，工程已完工"
    )
    assert claim.explanation.startswith("投运")


def test_single_owner_task_completes_on_claim(sichuan, chongqing, people):
    initiative = make_initiative([sichuan, chongqing])
    task = make_task(initiative, parties=[sichuan], code="T-S")
    services.task_start(task=task, actor=people["owner"])
    services.task_claim_completion(task=task, actor=people["owner"])
    assert Task.objects.get(pk=task.pk).status == S.COMPLETED


# --- extensions ----------------------------------------------------------------------


def test_extension_keeps_the_original_date_on_record(two_party_task, people):
    task = two_party_task
    original = task.due_date
    request = services.task_request_extension(
        task=task,
        actor=people["counterpart"],
        requested_due_date=original + dt.timedelta(days=90),
        reason="征地拆迁滞后",
    )
    assert request.status == ExtensionStatus.PENDING
    assert request.current_due_date == original
    assert request.days_overdue == max(0, (timezone.localdate() - original).days)
    with pytest.raises(Conflict):
        services.task_request_extension(
            task=task,
            actor=people["owner"],
            requested_due_date=original + dt.timedelta(days=30),
            reason="再次申请",
        )
    with pytest.raises(PermissionDenied):
        services.extension_request_decide(
            request=request,
            actor=people["counterpart"],
            approve=True,
            opinion="同意延期",
        )
    services.extension_request_decide(
        request=request, actor=people["office"], approve=True, opinion="同意延期"
    )
    task = Task.objects.get(pk=task.pk)
    assert task.due_date == original + dt.timedelta(days=90)
    assert task.original_due_date == original
    from tracker.selectors import task_get_for_user

    assert task_get_for_user(user=people["office"], pk=task.pk).extension_count == 1
    with pytest.raises(TransitionNotAllowed):
        services.extension_request_decide(
            request=request, actor=people["office"], approve=False, opinion="重复"
        )


def test_extension_refusal_needs_a_note_and_earlier_dates_are_refused(
    two_party_task, people
):
    task = two_party_task
    with pytest.raises(InvalidInput):
        services.task_request_extension(
            task=task,
            actor=people["owner"],
            requested_due_date=task.due_date,
            reason="x",
        )
    with pytest.raises(PermissionDenied):
        services.task_request_extension(
            task=task,
            actor=people["leadership"],
            requested_due_date=task.due_date + dt.timedelta(days=1),
            reason="x",
        )
    request = services.task_request_extension(
        task=task,
        actor=people["owner"],
        requested_due_date=task.due_date + dt.timedelta(days=10),
        reason="设备到货推迟",
    )
    with pytest.raises(InvalidInput):
        services.extension_request_decide(
            request=request, actor=people["office"], approve=False, opinion=" "
        )
    services.extension_request_decide(
        request=request,
        actor=people["office"],
        approve=False,
        opinion="不影响总体进度，按期完成",
    )
    request.refresh_from_db()
    assert request.status == ExtensionStatus.REFUSED
    assert Task.objects.get(pk=task.pk).due_date == task.due_date


# --- milestones ------------------------------------------------------------------------


def test_coordinator_changes_only_own_party_milestones(
    two_party_task, people, chongqing
):
    task = two_party_task
    services.task_start(task=task, actor=people["owner"])
    cq_ms = services.milestone_create(
        task=task, title="重庆段完工", due_date=days(120), party=chongqing
    )
    with pytest.raises(PermissionDenied):
        services.milestone_update(
            milestone=cq_ms,
            actor=people["owner"],
            expected_version=cq_ms.version,
            status=MilestoneStatus.DONE,
        )
    with pytest.raises(PermissionDenied):  # a coordinator may not move dates
        services.milestone_update(
            milestone=cq_ms,
            actor=people["counterpart"],
            expected_version=cq_ms.version,
            due_date=days(240),
        )
    done = services.milestone_update(
        milestone=cq_ms,
        actor=people["counterpart"],
        expected_version=cq_ms.version,
        status=MilestoneStatus.DONE,
    )
    assert done.status == MilestoneStatus.DONE and done.completed_at
    assert done.version == cq_ms.version + 1


# --- what each state accepts besides transitions -----------------------------------


def _do(action, task, rows, people):
    """Take `action` on `task` as Sichuan's coordinator or the joint office,
    on Sichuan's indicator or the joint milestone."""
    owner, office = people["owner"], people["office"]
    today = timezone.localdate()
    if action == "post_progress_update":
        return services.progress_update_post(
            task=task, actor=owner, narrative="铁塔组立完成", progress=40
        )
    if action == "record_reading":
        return services.indicator_reading_record(
            indicator=rows.indicator("sc"), actor=owner, period=today, value=1
        )
    if action == "change_milestone":
        milestone = rows.milestone("joint")
        return services.milestone_update(
            milestone=milestone,
            actor=owner,
            expected_version=milestone.version,
            status=MilestoneStatus.IN_PROGRESS,
        )
    if action == "request_extension":
        return services.task_request_extension(
            task=task,
            actor=owner,
            requested_due_date=task.due_date + dt.timedelta(days=30),
            reason="设备到货推迟",
        )
    if action == "decide_extension":
        return services.extension_request_decide(
            request=rows.pending_request(),
            actor=office,
            approve=True,
            opinion="同意延期",
        )
    if action == "urge":
        return urge_send(task=task, actor=office, message="请加快推进")
    if action == "answer_urge":
        return urge_answer(target=rows.target("sc"), actor=owner, reply="已加快推进")
    assert action == "override_light"
    return services.light_override_set(
        task=task,
        actor=office,
        light="red",
        reason="征地协调受阻",
        expires_at=timezone.now() + dt.timedelta(days=7),
    )


def _footprint(task) -> tuple:
    task = Task.objects.get(pk=task.pk)
    return (
        task.status,
        task.version,
        task.due_date,
        task.progress,
        task.progress_updates.count(),
        IndicatorReading.objects.filter(indicator__task=task).count(),
        tuple(task.milestones.values_list("status", "version")),
        tuple(task.extension_requests.values_list("status", flat=True)),
        task.light_overrides.count(),
        Urge.objects.filter(task=task).count(),
        UrgeTarget.objects.filter(urge__task=task, answered_at__isnull=False).count(),
    )


@pytest.mark.parametrize(
    ("status", "action"), list(itertools.product(S.values, workflow.ACTIVITY))
)
def test_every_state_and_activity(workflow_world, status, action):
    # Deciding needs a pending request; anything else, none (requesting again
    # while one is pending is a conflict, not a matter of state).
    rows = workflow_world.tasks[status, action == "decide_extension"]
    task = rows.task()
    before = _footprint(task)
    if workflow.accepts(action, status):
        _do(action, task, rows, workflow_world.people)
        assert _footprint(task) != before
    else:
        with pytest.raises(TransitionNotAllowed) as refused:
            _do(action, task, rows, workflow_world.people)
        assert _footprint(task) == before
        with translation.override("zh-hans"):
            assert f"“{S(status).label}”" in str(refused.value.message)


def test_closed_tasks_take_nothing_but_reopening():
    closed = {S.COMPLETED, S.CANCELLED}
    for action in workflow.ACTIONS:
        for status in closed:
            assert workflow.accepts(action, status) == (action == "reopen")
    # Work is reported exactly while the task is worked on.
    for action in ("post_progress_update", "record_reading", "change_milestone"):
        assert workflow.ACTIVITY[action].states == workflow.OPEN_STATES
    assert workflow.accepts("request_extension", S.SUSPENDED)
