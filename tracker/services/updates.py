"""Coordinators' everyday writes: progress updates, indicator readings,
milestone status, owner contacts; and the joint office's edits of a task."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Party, User
from accounts.permissions import grants
from config.exceptions import InvalidInput, PermissionDenied, PreconditionFailed
from config.validation import validated_save

from .. import workflow
from ..choices import MilestoneStatus, Qualifier
from ..models import (
    Indicator,
    IndicatorReading,
    Milestone,
    ProgressUpdate,
    Task,
    TaskOwner,
)
from ..models.task import derived_progress
from ._common import acting_party, bump, lock, require
from .dependencies import foresight_refresh
from .evidence import EvidenceSpec, evidence_attach


@dataclass(frozen=True)
class ReadingSpec:
    """An indicator's value reported with a progress update."""

    indicator: Indicator
    period: dt.date
    value: Decimal
    note: str = ""
    evidence: UploadedFile | None = None
    qualifier: str = Qualifier.EXACT


@transaction.atomic
def progress_update_post(
    *,
    task: Task,
    actor: User,
    narrative: str,
    progress: int,
    party: Party | None = None,
    reading: ReadingSpec | None = None,
    reported_at: dt.datetime | None = None,
    expected_version: int | None = None,
    evidence: EvidenceSpec | None = None,
) -> ProgressUpdate:
    """Record an owner party's progress update on its part of the item (with
    an indicator's value and its evidence when one is given), carry it onto
    the party's part and re-derive the item's progress: all or nothing.

    `expected_version` is the version of the party's part (TaskOwner), not of
    the task: parties report side by side, and only two clerks of the same
    party can overwrite each other. The task's own version moves only when
    its state does (the first update with progress starts it,
    `workflow.status_after_progress`); its derived progress is a consequence
    of the parts, so another form on the task stays valid. The update answers
    the party's open 催办 and reminders on the item. It comes back with
    `reading_list`, `part` (the party's part after it) and `answered_urges`
    (the urge targets it answered)."""
    # The task row first, as every writer under a task does: two parties'
    # updates then re-derive the item one after the other.
    task = lock(Task, task.pk)
    party = acting_party(actor, task, party)
    if party is None:
        # The joint office (or anyone without an owner party) has no part to
        # report on: a party's report is the party's own.
        raise PermissionDenied()
    part = lock(TaskOwner, TaskOwner.objects.get(task=task, party=party).pk)
    require(actor, "post_progress_update", part)
    workflow.require_state("post_progress_update", status=task.status)
    # After the rule and the state: a closed task says so, whatever was read.
    if expected_version is not None and part.version != expected_version:
        raise PreconditionFailed()
    update = validated_save(
        ProgressUpdate(
            task=task,
            party=party,
            author=actor,
            narrative=narrative,
            progress=progress,
            reported_at=reported_at or timezone.now(),
        )
    )
    update.reading_list = []
    if reading is not None:
        if reading.indicator.task_id != task.pk:
            raise InvalidInput(
                field_errors={"indicator": [_("Choose an indicator of this task.")]}
            )
        update.reading_list.append(
            _record_reading(
                task=task,
                actor=actor,
                spec=reading,
                party=reading.indicator.party or party,
                reported_at=update.reported_at,
            )
        )
    update.evidence_list = evidence_attach(
        update=update, actor=actor, evidence=evidence
    )
    part_changes = {}
    latest = (
        task.progress_updates.filter(party=party).order_by("-reported_at", "-id")
    ).first()
    if latest.pk == update.pk:
        # A late entry of an older report goes into the feed; the part keeps
        # the party's latest figure.
        part_changes.update(
            progress=progress,
            narrative=narrative,
            progress_reported_at=update.reported_at,
        )
    bump(part, **part_changes)
    update.part = part
    task_changes = {}
    derived = derived_progress(task.owners.values_list("progress", flat=True))
    if derived != task.progress:
        task_changes["progress"] = derived
    status = workflow.status_after_progress(task.status, progress)
    if status != task.status:
        task_changes["status"] = status
    else:
        # Only a change of state moves the task's version (see above).
        task_changes["version"] = task.version
    bump(task, **task_changes)
    # The update is the party's answer to the 催办 and reminders it has open
    # on the item. (Imported here: the 督办 ledger's services build on the
    # task list's, not the other way round.)
    from supervision.services.urges import urge_targets_answer_with_update

    update.answered_urges = urge_targets_answer_with_update(update=update)
    foresight_refresh(task_ids=[task.pk])
    return update


@transaction.atomic
def indicator_reading_record(
    *,
    indicator: Indicator,
    actor: User,
    period: dt.date,
    value: Decimal,
    note: str = "",
    evidence: UploadedFile | None = None,
    party: Party | None = None,
    reported_at: dt.datetime | None = None,
    expected_version: int | None = None,
    qualifier: str = Qualifier.EXACT,
) -> IndicatorReading:
    """An owner party reports an indicator's value for a period: its own
    indicator, or a joint one. A reading moves its task's version, so the
    version a client read is the task's."""
    task = lock(Task, indicator.task_id, expected_version)
    reading = _record_reading(
        task=task,
        actor=actor,
        spec=ReadingSpec(indicator, period, value, note, evidence, qualifier),
        party=party or indicator.party,
        reported_at=reported_at or timezone.now(),
    )
    bump(task)
    return reading


def _record_reading(
    *,
    task: Task,
    actor: User,
    spec: ReadingSpec,
    party: Party | None,
    reported_at: dt.datetime,
) -> IndicatorReading:
    """A reading of an indicator of the locked `task`; the caller moves the
    version that covers it (the task's, or with a progress update the
    party's part)."""
    require(actor, "record_reading", spec.indicator)
    party = acting_party(actor, task, party)
    workflow.require_state("record_reading", status=task.status)
    reading = IndicatorReading(
        indicator=spec.indicator,
        period=spec.period,
        value=spec.value,
        qualifier=spec.qualifier,
        party=party,
        reported_by=actor,
        note=spec.note,
        reported_at=reported_at,
    )
    if spec.evidence is not None:
        reading.evidence = spec.evidence
    return validated_save(reading)


COORDINATOR_MILESTONE_FIELDS = frozenset({"status", "description"})
ADMIN_MILESTONE_FIELDS = COORDINATOR_MILESTONE_FIELDS | {
    "title",
    "due_date",
    "weight",
    "sort_order",
}


@transaction.atomic
def milestone_update(
    *, milestone: Milestone, actor: User, expected_version: int | None, **fields
) -> Milestone:
    """Coordinators of the milestone's party change its status (and notes); the
    joint office may change everything. Completion time follows the status."""
    milestone = lock(Milestone, milestone.pk, expected_version)
    _check_fields(
        fields,
        allowed=ADMIN_MILESTONE_FIELDS
        if grants(actor).administrator
        else COORDINATOR_MILESTONE_FIELDS,
        known=ADMIN_MILESTONE_FIELDS,
    )
    require(actor, "change_milestone", milestone)
    workflow.require_state("change_milestone", status=milestone.task.status)
    if "status" in fields and fields["status"] != milestone.status:
        done = fields["status"] == MilestoneStatus.DONE
        fields["completed_at"] = timezone.now() if done else None
    for name, value in fields.items():
        setattr(milestone, name, value)
    milestone.version += 1
    validated_save(milestone)
    bump(milestone.task)
    foresight_refresh(task_ids=[milestone.task_id])
    return milestone


TASK_FIELDS = frozenset(
    {
        "title",
        "description",
        "work_stream",
        "task_list",
        "lead_party",
        "priority",
        "planned_start",
    }
)


@transaction.atomic
def task_update(
    *, task: Task, actor: User, expected_version: int | None, **fields
) -> Task:
    """The joint office edits a task's description and classification. Status
    changes go through the workflow; due dates through extensions."""
    task = lock(Task, task.pk, expected_version)
    require(actor, "manage_task", task)
    _check_fields(fields, allowed=TASK_FIELDS, known=TASK_FIELDS)
    for name, value in fields.items():
        setattr(task, name, value)
    task.version += 1
    validated_save(task)
    return task


OWNER_CONTACT_FIELDS = frozenset({"contact_name", "contact_phone", "contact_user"})


@transaction.atomic
def task_owner_update(
    *, owner: TaskOwner, actor: User, expected_version: int | None = None, **fields
) -> TaskOwner:
    """A party keeps its own contact person up to date; the joint office may
    also reassign the responsible agency. The change moves the task's
    version, the one a client read (the row's own version is its party's
    progress, progress_update_post)."""
    owner = TaskOwner.objects.select_for_update().get(pk=owner.pk)
    lock(Task, owner.task_id, expected_version)
    require(actor, "change_owner_contact", owner)
    contact = fields.get("contact_user")
    if (
        contact is not None
        and not contact.memberships.filter(party=owner.party, is_active=True).exists()
    ):
        raise InvalidInput(
            field_errors={
                "contact_user": [_("The contact must be a member of this party.")]
            }
        )
    known = OWNER_CONTACT_FIELDS | {"agency"}
    allowed = known if grants(actor).administrator else OWNER_CONTACT_FIELDS
    _check_fields(fields, allowed=allowed, known=known)
    for name, value in fields.items():
        setattr(owner, name, value)
    validated_save(owner)
    bump(owner.task)
    return owner


def _check_fields(fields: dict, *, allowed: frozenset, known: frozenset) -> None:
    unknown = set(fields) - known
    if unknown:
        raise InvalidInput(
            field_errors={
                name: [_("This field cannot be changed.")] for name in unknown
            }
        )
    forbidden = set(fields) - allowed
    if forbidden:
        raise PermissionDenied(
            _("You may not change: %(fields)s.")
            % {"fields": "、".join(sorted(forbidden))}
        )


INDICATOR_FIELDS = frozenset(
    {"unit", "baseline", "target", "direction", "description", "sort_order"}
)


@transaction.atomic
def indicator_update(
    *, indicator: Indicator, actor: User, expected_version: int | None = None, **fields
) -> Indicator:
    """The joint office corrects an indicator's definition (unit, baseline,
    target, direction). The readings stay as reported. The change moves the
    task's version, the one a client read."""
    task = lock(Task, indicator.task_id, expected_version)
    require(actor, "manage_task", task)
    _check_fields(fields, allowed=INDICATOR_FIELDS, known=INDICATOR_FIELDS)
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    for name, value in fields.items():
        setattr(indicator, name, value)
    validated_save(indicator)
    bump(task)
    return indicator
