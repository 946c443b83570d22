"""Building the task list: initiatives, work streams, tasks with their owners,
milestones, indicators and parks. The joint office does this (through the admin,
the demo loader or an import); coordinators' writes are in `updates` and
`workflow`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Agency, Party, User
from config.exceptions import TransitionNotAllowed
from config.validation import validated_save

from .. import workflow
from ..choices import (
    Direction,
    MilestoneStatus,
    Priority,
    TaskStatus,
)
from ..models import (
    Indicator,
    IndustrialPark,
    Initiative,
    Milestone,
    ParkPair,
    ParkPairMember,
    Participation,
    Task,
    TaskOwner,
    WorkStream,
)
from .lights import lights_refresh


@dataclass(frozen=True)
class OwnerSpec:
    party: Party
    agency: Agency
    contact_name: str
    contact_phone: str = ""
    contact_user: User | None = None


@transaction.atomic
def initiative_create(
    *,
    code: str,
    name: str,
    parties: list[tuple[Party, Agency | None]],
    short_name: str = "",
    description: str = "",
    launched_on: dt.date | None = None,
) -> Initiative:
    initiative = validated_save(
        Initiative(
            code=code,
            name=name,
            short_name=short_name,
            description=description,
            launched_on=launched_on,
        )
    )
    for order, (party, lead_agency) in enumerate(parties):
        validated_save(
            Participation(
                initiative=initiative,
                party=party,
                lead_agency=lead_agency,
                sort_order=order,
            )
        )
    return initiative


@transaction.atomic
def work_stream_create(
    *,
    initiative: Initiative,
    code: str,
    name: str,
    description: str = "",
    sort_order: int = 0,
) -> WorkStream:
    return validated_save(
        WorkStream(
            initiative=initiative,
            code=code,
            name=name,
            description=description,
            sort_order=sort_order,
        )
    )


@transaction.atomic
def task_create(
    *,
    initiative: Initiative,
    code: str,
    title: str,
    work_stream: WorkStream,
    due_date: dt.date,
    owners: list[OwnerSpec],
    task_list: str,
    lead_party: Party | None = None,
    planned_start: dt.date | None = None,
    description: str = "",
    priority: int = Priority.NORMAL,
    status: str = TaskStatus.NOT_STARTED,
    progress: int = 0,
    completed_at: dt.datetime | None = None,
) -> Task:
    """Create a task with one owner per participating party, all or nothing.

    A task created as completed gets ``completed_at`` (default: now); for any
    other status it is ignored."""
    if status == TaskStatus.COMPLETED:
        completed_at = completed_at or timezone.now()
    else:
        completed_at = None
    task = Task(
        initiative=initiative,
        code=code,
        title=title,
        description=description,
        work_stream=work_stream,
        task_list=task_list,
        lead_party=lead_party,
        status=status,
        priority=priority,
        planned_start=planned_start,
        due_date=due_date,
        original_due_date=due_date,
        progress=progress,
        completed_at=completed_at,
    )
    validated_save(task)
    for spec in owners:
        validated_save(
            TaskOwner(
                task=task,
                party=spec.party,
                agency=spec.agency,
                contact_name=spec.contact_name,
                contact_phone=spec.contact_phone,
                contact_user=spec.contact_user,
                # Each party's part starts where the item starts.
                progress=progress,
            )
        )
    lights_refresh(task_ids=[task.pk])
    return task


@transaction.atomic
def task_record_closure(
    *, task: Task, status: str, completed_at: dt.datetime | None = None
) -> Task:
    """Close a task loaded from a ledger kept elsewhere (the demo, an import)
    after its reports and readings were recorded: a closed task takes none, so
    they come first. People close tasks through the workflow, never this."""
    task = Task.objects.select_for_update().get(pk=task.pk)
    if status not in workflow.CLOSED_STATES or task.status not in workflow.OPEN_STATES:
        raise TransitionNotAllowed()
    task.status = status
    task.completed_at = (
        (completed_at or timezone.now()) if status == TaskStatus.COMPLETED else None
    )
    task.version += 1
    validated_save(task)
    lights_refresh(task_ids=[task.pk])
    return task


@transaction.atomic
def milestone_create(
    *,
    task: Task,
    title: str,
    due_date: dt.date,
    party: Party | None = None,
    parent: Milestone | None = None,
    weight: int = 1,
    description: str = "",
    status: str = MilestoneStatus.PENDING,
    completed_at: dt.datetime | None = None,
    sort_order: int = 0,
) -> Milestone:
    if status == MilestoneStatus.DONE and completed_at is None:
        completed_at = timezone.now()
    milestone = validated_save(
        Milestone(
            task=task,
            title=title,
            due_date=due_date,
            party=party,
            parent=parent,
            weight=weight,
            description=description,
            status=status,
            completed_at=completed_at,
            sort_order=sort_order,
        )
    )
    lights_refresh(task_ids=[task.pk])
    return milestone


@transaction.atomic
def indicator_create(
    *,
    task: Task,
    name: str,
    unit: str,
    target: Decimal | None = None,
    baseline: Decimal | None = None,
    direction: str = Direction.HIGHER,
    party: Party | None = None,
    description: str = "",
    sort_order: int = 0,
) -> Indicator:
    return validated_save(
        Indicator(
            task=task,
            name=name,
            unit=unit,
            target=target,
            baseline=baseline,
            direction=direction,
            party=party,
            description=description,
            sort_order=sort_order,
        )
    )


@transaction.atomic
def industrial_park_create(
    *,
    party: Party,
    name: str,
    city_county: str,
    batch: int,
    agency: Agency | None = None,
) -> IndustrialPark:
    return validated_save(
        IndustrialPark(
            party=party,
            name=name,
            city_county=city_county,
            batch=batch,
            agency=agency,
        )
    )


@transaction.atomic
def park_pair_create(
    *,
    initiative: Initiative,
    parks: list[IndustrialPark],
    batch: int | None = None,
    name: str = "",
    paired_on: dt.date | None = None,
) -> ParkPair:
    """Pair two or more parks of different parties in one batch (by default
    the latest batch among them); a park is in at most one pair per batch, so
    it may be paired again in a later one."""
    parks = list(parks)
    if len(parks) < 2 or len({park.pk for park in parks}) < len(parks):
        raise ValidationError({"parks": _("A pair needs at least two parks.")})
    if len({park.party_id for park in parks}) < len(parks):
        raise ValidationError(
            {"parks": _("The parks of a pair must be in different parties.")}
        )
    batch = batch if batch is not None else max(park.batch for park in parks)
    early = [park.name for park in parks if park.batch > batch]
    if early:
        raise ValidationError(
            {
                "batch": _(
                    "%(parks)s was designated after that batch and cannot be "
                    "paired in it."
                )
                % {"parks": "、".join(early)}
            }
        )
    pair = validated_save(
        ParkPair(initiative=initiative, batch=batch, name=name, paired_on=paired_on)
    )
    for park in parks:
        validated_save(ParkPairMember(pair=pair, park=park, batch=batch))
    return pair
