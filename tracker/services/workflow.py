"""Status changes of a task: the transitions of tracker.workflow, the dual
sign-off of completion, extension requests and light overrides."""

from __future__ import annotations

import datetime as dt

import pghistory
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Party, User
from config.exceptions import Conflict, InvalidInput, TransitionNotAllowed
from config.validation import validated_save
from notifications.choices import Event
from notifications.recipients import coordinators_of, joint_office
from notifications.services import notify

from .. import workflow
from ..choices import (
    OVERRIDE_LIGHTS,
    ClaimStatus,
    Decision,
    ExtensionStatus,
    MilestoneStatus,
    TaskStatus,
)
from ..models import (
    ClaimDecision,
    CompletionClaim,
    ExtensionRequest,
    LightOverride,
    Task,
    TaskOwner,
)
from ._common import (
    acting_party,
    actor_kinds,
    bump,
    lock,
    open_claim,
    require,
)
from .dependencies import dependencies_check, foresight_refresh


def _transition(
    action: str,
    *,
    task: Task,
    actor: User,
    party: Party | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> tuple[Task, Party | None, workflow.Transition]:
    """Lock the task, work out who the actor is to it, check the table."""
    task = lock(Task, task.pk, expected_version)
    party = acting_party(actor, task, party)
    transition = workflow.check(
        action, status=task.status, actors=actor_kinds(actor, task, party)
    )
    if transition.reason_required and not reason.strip():
        raise InvalidInput(field_errors={"reason": [_("Give a reason.")]})
    return task, party, transition


def _move(task: Task, target: str) -> Task:
    changes = {"status": target}
    if target == TaskStatus.COMPLETED:
        changes.update(completed_at=timezone.now(), progress=100)
        # Every party has confirmed: each part is done, so the item's progress
        # stays the one its parts derive.
        TaskOwner.objects.filter(task=task, progress__lt=100).update(
            progress=100, version=F("version") + 1
        )
    elif task.completed_at is not None:
        changes["completed_at"] = None
    bump(task, **changes)
    foresight_refresh(task_ids=[task.pk])
    return task


@transaction.atomic
def task_start(
    *, task: Task, actor: User, party: Party | None = None, expected_version=None
) -> Task:
    task, _party, t = _transition(
        "start", task=task, actor=actor, party=party, expected_version=expected_version
    )
    return _move(task, t.target)


def _admin_action(action: str):
    @transaction.atomic
    def service(
        *, task: Task, actor: User, reason: str = "", expected_version=None
    ) -> Task:
        task, _party, t = _transition(
            action,
            task=task,
            actor=actor,
            reason=reason,
            expected_version=expected_version,
        )
        if t.withdraws_claim and (claim := open_claim(task)):
            _close_claim(claim, ClaimStatus.WITHDRAWN)
        return _move(task, t.target)

    service.__name__ = f"task_{action}"
    service.__doc__ = f"Administrators only: the '{action}' transition (reason kept)."
    return service


task_suspend = _admin_action("suspend")
task_resume = _admin_action("resume")
task_cancel = _admin_action("cancel")
task_reopen = _admin_action("reopen")


def _close_claim(claim: CompletionClaim, status: str) -> None:
    claim.status = status
    claim.closed_at = timezone.now()
    claim.save(update_fields=["status", "closed_at"])


def _tell_coordinators(
    event: str, *, parties, task: Task, actor: User, title: str, body: str = ""
) -> None:
    """Notify the coordinators of `parties` of a step of the claim, in this
    transaction. `title` and `body` are made in the service's language (the
    recipients', whatever the actor's page is in) by the caller."""
    notify(
        event=event,
        recipients=coordinators_of(parties),
        title=title,
        body=body,
        task=task,
        link=reverse("tracker:task_detail", args=[task.pk]),
        actor=actor,
    )


@transaction.atomic
def task_claim_completion(
    *,
    task: Task,
    actor: User,
    explanation: str = "",
    party: Party | None = None,
    expected_version: int | None = None,
) -> CompletionClaim:
    """An owner party says the task is done. Its own milestones must all be
    done, or it explains why not. Every other owner party then confirms."""
    task, party, t = _transition(
        "claim_completion",
        task=task,
        actor=actor,
        party=party,
        expected_version=expected_version,
    )
    open_own = task.milestones.filter(party=party).exclude(status=MilestoneStatus.DONE)
    if open_own.exists() and not explanation.strip():
        raise InvalidInput(
            _(
                "%(count)s of your party's milestones are not done yet; explain why the task is complete anyway."
            )
            % {"count": open_own.count()},
            field_errors={"explanation": [_("Explain the unfinished milestones.")]},
        )
    claim = validated_save(
        CompletionClaim(
            task=task, party=party, claimed_by=actor, explanation=explanation
        )
    )
    _move(task, t.target)
    with translation.override(settings.LANGUAGE_CODE):
        _tell_coordinators(
            Event.CLAIM_FILED,
            parties=_other_owner_parties(task, claim),
            task=task,
            actor=actor,
            title=gettext("%(party)s claims completion: %(task)s")
            % {"party": party.name, "task": task.title},
            body=explanation,
        )
    _complete_if_all_confirmed(task, claim)
    return claim


def _other_owner_parties(task: Task, claim: CompletionClaim) -> set[int]:
    return set(
        task.owners.exclude(party_id=claim.party_id).values_list("party_id", flat=True)
    )


def _complete_if_all_confirmed(task: Task, claim: CompletionClaim) -> None:
    confirmed = set(
        claim.decisions.filter(decision=Decision.CONFIRM).values_list(
            "party_id", flat=True
        )
    )
    if _other_owner_parties(task, claim) <= confirmed:
        _close_claim(claim, ClaimStatus.CONFIRMED)
        _move(task, workflow.COMPLETED)


def _decide(
    decision: str, *, task: Task, actor: User, reason: str, party, expected_version
):
    action = (
        "confirm_completion" if decision == Decision.CONFIRM else "reject_completion"
    )
    task, party, t = _transition(
        action,
        task=task,
        actor=actor,
        party=party,
        reason=reason,
        expected_version=expected_version,
    )
    claim = open_claim(task)
    if claim is None:  # a claimed task always has its open claim; be explicit
        raise TransitionNotAllowed()
    if claim.decisions.filter(party=party).exists():
        raise Conflict(_("Your party has already decided on this claim."))
    validated_save(
        ClaimDecision(
            claim=claim, party=party, decided_by=actor, decision=decision, reason=reason
        )
    )
    return task, claim, t, party


@transaction.atomic
def task_confirm_completion(
    *,
    task: Task,
    actor: User,
    reason: str = "",
    party: Party | None = None,
    expected_version: int | None = None,
) -> Task:
    """A counterpart party confirms; the last confirmation completes the task."""
    task, claim, _t, party = _decide(
        Decision.CONFIRM,
        task=task,
        actor=actor,
        reason=reason,
        party=party,
        expected_version=expected_version,
    )
    bump(task)  # the claim's state is part of the task's representation
    _complete_if_all_confirmed(task, claim)
    with translation.override(settings.LANGUAGE_CODE):
        lines = [reason] if reason.strip() else []
        if task.status == workflow.COMPLETED:
            lines.append(
                gettext("Every counterpart has confirmed: the item is closed.")
            )
        _tell_coordinators(
            Event.CLAIM_CONFIRMED,
            parties=[claim.party_id],
            task=task,
            actor=actor,
            title=gettext("%(party)s confirmed completion: %(task)s")
            % {"party": party.name, "task": task.title},
            body="\n".join(lines),
        )
    return task


@transaction.atomic
def task_reject_completion(
    *,
    task: Task,
    actor: User,
    reason: str,
    party: Party | None = None,
    expected_version: int | None = None,
) -> Task:
    """Any counterpart party may reject the claim, with a reason; the task goes
    back to in progress."""
    task, claim, t, party = _decide(
        Decision.REJECT,
        task=task,
        actor=actor,
        reason=reason,
        party=party,
        expected_version=expected_version,
    )
    _close_claim(claim, ClaimStatus.REJECTED)
    task = _move(task, t.target)
    with translation.override(settings.LANGUAGE_CODE):
        _tell_coordinators(
            Event.CLAIM_REJECTED,
            parties=[claim.party_id],
            task=task,
            actor=actor,
            title=gettext("%(party)s returned the completion claim: %(task)s")
            % {"party": party.name, "task": task.title},
            body=gettext("Reason for returning it: %(reason)s") % {"reason": reason},
        )
    return task


# --- extensions ------------------------------------------------------------------


def _told(task: Task, anchor: str) -> dict:
    """What every notification about `task` carries: the item and where on
    its page the news is. Titles and bodies are written in the service's
    language (zh-Hans), whatever language the actor's page is in."""
    url = reverse("tracker:task_detail", args=[task.pk])
    return {"task": task, "link": f"{url}#{anchor}"}


def _day(value: dt.date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


@transaction.atomic
def task_request_extension(
    *,
    task: Task,
    actor: User,
    requested_due_date: dt.date,
    reason: str,
    party: Party | None = None,
    expected_version: int | None = None,
) -> ExtensionRequest:
    """An owner party asks the joint office to move the due date, with its
    reasons; the office is told."""
    task = lock(Task, task.pk, expected_version)
    require(actor, "request_extension", task)
    party = acting_party(actor, task, party)
    workflow.require_state("request_extension", status=task.status)
    today = timezone.localdate()
    if requested_due_date <= task.due_date:
        raise InvalidInput(
            field_errors={
                "requested_due_date": [
                    _("The new due date must be later than the current one.")
                ]
            }
        )
    if task.extension_requests.filter(status=ExtensionStatus.PENDING).exists():
        raise Conflict(
            _("This task already has an extension request awaiting decision.")
        )
    extension = validated_save(
        ExtensionRequest(
            task=task,
            party=party,
            requested_by=actor,
            current_due_date=task.due_date,
            requested_due_date=requested_due_date,
            days_overdue=max(0, (today - task.due_date).days),
            reason=reason,
        )
    )
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            event=Event.EXTENSION_REQUESTED,
            recipients=joint_office(),
            title=_("%(party)s requests an extension: %(code)s %(title)s")
            % {"party": party.name, "code": task.code, "title": task.title},
            body=_("Move the due date from %(old)s to %(new)s. Reason: %(reason)s")
            % {
                "old": _day(task.due_date),
                "new": _day(requested_due_date),
                "reason": reason,
            },
            actor=actor,
            **_told(task, "decisions"),
        )
    return extension


@transaction.atomic
def extension_request_decide(
    *,
    request: ExtensionRequest,
    actor: User,
    approve: bool,
    opinion: str,
    new_due_date: dt.date | None = None,
    expected_version: int | None = None,
) -> ExtensionRequest:
    """The joint office approves or refuses, with a written opinion either
    way, which the requesting party is told and the history of the task and
    of the request keeps as the reason of the change. Approving moves the due
    date to `new_due_date` (by default the requested one), which must be
    later than the current one; the request keeps the due date it was made
    at and the days overdue then, and the task its original due date.
    Conditioned on the task's version."""
    # The task row first, as every writer under a task locks it.
    task = lock(Task, request.task_id, expected_version)
    request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    require(actor, "decide_extension", task)
    if request.status != ExtensionStatus.PENDING:
        raise TransitionNotAllowed(
            _("This extension request has already been decided.")
        )
    workflow.require_state("decide_extension", status=task.status)
    opinion = opinion.strip()
    errors = {}
    if not opinion:
        errors["opinion"] = [
            _("Write the office's opinion; the requesting party will read it.")
        ]
    granted = (new_due_date or request.requested_due_date) if approve else None
    if granted is not None and granted <= task.due_date:
        errors["new_due_date"] = [
            _("The new due date must be later than the current one.")
        ]
    if errors:
        raise InvalidInput(field_errors=errors)
    with pghistory.context(reason=opinion):
        request.status = (
            ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
        )
        request.decided_by = actor
        request.decided_at = timezone.now()
        request.decision_note = opinion
        request.granted_due_date = granted
        validated_save(request)
        if granted is not None:
            bump(task, due_date=granted)
            foresight_refresh(task_ids=[task.pk])
    _tell_decision(request, task=task, actor=actor)
    return request


def _tell_decision(request: ExtensionRequest, *, task: Task, actor: User) -> None:
    """The requesting party's coordinators hear of the decision and read the
    office's opinion."""
    with translation.override(settings.LANGUAGE_CODE):
        names = {"code": task.code, "title": task.title}
        if request.status == ExtensionStatus.APPROVED:
            title = _("Extension approved: %(code)s %(title)s") % names
            body = _(
                "The due date moves from %(old)s to %(new)s. Opinion of the joint "
                "office: %(opinion)s"
            ) % {
                "old": _day(request.current_due_date),
                "new": _day(request.granted_due_date),
                "opinion": request.decision_note,
            }
        else:
            title = _("Extension refused: %(code)s %(title)s") % names
            body = _(
                "The due date stays %(date)s. Opinion of the joint office: %(opinion)s"
            ) % {"date": _day(task.due_date), "opinion": request.decision_note}
        notify(
            event=Event.EXTENSION_DECIDED,
            recipients=coordinators_of([request.party_id]),
            title=title,
            body=body,
            actor=actor,
            **_told(task, "extensions"),
        )


# --- light overrides ----------------------------------------------------------------


@transaction.atomic
def light_override_set(
    *,
    task: Task,
    actor: User,
    light: str,
    reason: str,
    expires_at: dt.datetime,
    expected_version: int | None = None,
) -> LightOverride:
    task = lock(Task, task.pk, expected_version)
    require(actor, "override_light", task)
    workflow.require_state("override_light", status=task.status)
    if light not in OVERRIDE_LIGHTS:
        raise InvalidInput(field_errors={"light": [_("Choose red, amber or green.")]})
    now = timezone.now()
    if expires_at <= now:
        # The table's check says the same; here the form can name the field.
        raise InvalidInput(
            field_errors={"expires_at": [_("The override must expire in the future.")]}
        )
    task.light_overrides.filter(cleared_at__isnull=True).update(cleared_at=now)
    override = validated_save(
        LightOverride(
            task=task,
            light=light,
            reason=reason,
            expires_at=expires_at,
            set_by=actor,
            created_at=now,
        )
    )
    bump(task)
    dependencies_check(task_ids=[task.pk])
    return override


@transaction.atomic
def light_override_clear(
    *, task: Task, actor: User, expected_version: int | None = None
) -> int:
    task = lock(Task, task.pk, expected_version)
    require(actor, "override_light", task)
    cleared = task.light_overrides.filter(cleared_at__isnull=True).update(
        cleared_at=timezone.now()
    )
    if cleared:
        bump(task)
        dependencies_check(task_ids=[task.pk])
    return cleared
