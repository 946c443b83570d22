"""The joint office's workbench (督办工作台): everything waiting for the office,
in a fixed number of queries however many rows each section holds.

- extension requests awaiting its decision;
- light overrides that end within SUPERVISION_OVERRIDE_EXPIRY_DAYS;
- completion claims the counterpart has left unanswered for longer than
  SUPERVISION_CLAIM_WAIT_DAYS;
- items overdue (the item or one of its milestones past due, the item still
  worked on) with no 催办, reminder or notice in the last
  SUPERVISION_UNREMINDED_DAYS days."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.permissions import grants
from config.exceptions import PermissionDenied
from tracker.choices import ClaimStatus, ExtensionStatus, MilestoneStatus
from tracker.models import (
    ClaimDecision,
    CompletionClaim,
    ExtensionRequest,
    LightOverride,
    Milestone,
    Task,
    TaskOwner,
)
from tracker.selectors import initiative_list_for_user
from tracker.selectors.lights import with_light
from tracker.workflow import ACTIVITY, OPEN_STATES

from ..models import Urge


@dataclass
class Workbench:
    today: dt.date
    extensions: list[ExtensionRequest]
    overrides: list[LightOverride]
    claims: list[CompletionClaim]
    overdue: list[Task]

    @property
    def counts(self) -> dict[str, int]:
        return {
            "extensions": len(self.extensions),
            "overrides": len(self.overrides),
            "claims": len(self.claims),
            "overdue": len(self.overdue),
        }

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _visible_tasks(user) -> QuerySet[Task]:
    return Task.objects.filter(initiative__in=initiative_list_for_user(user=user))


def _owners() -> Prefetch:
    return Prefetch(
        "task__owners",
        queryset=TaskOwner.objects.select_related("party").order_by(
            "party__sort_order", "party_id"
        ),
    )


def pending_extensions(tasks: QuerySet[Task]) -> list[ExtensionRequest]:
    """Requests awaiting the office's decision, the longest waiting first. A
    request on a closed item stays pending on record but cannot be decided
    until the item is reopened, so it waits for no one."""
    return list(
        ExtensionRequest.objects.filter(
            task__in=tasks,
            status=ExtensionStatus.PENDING,
            task__status__in=ACTIVITY["decide_extension"].states,
        )
        .select_related("task", "party", "requested_by")
        .order_by("requested_at", "id")
    )


def expiring_overrides(
    tasks: QuerySet[Task], *, now: dt.datetime, today: dt.date
) -> list[LightOverride]:
    """Overrides in force that end within the window, the soonest first; each
    with the last day it is in force (`in_force_until`) and the days left."""
    window = dt.timedelta(days=settings.SUPERVISION_OVERRIDE_EXPIRY_DAYS)
    overrides = list(
        LightOverride.objects.filter(
            task__in=tasks.filter(status__in=OPEN_STATES),
            cleared_at__isnull=True,
            expires_at__gt=now,
            expires_at__lte=now + window,
        )
        .select_related("task", "set_by")
        .order_by("expires_at", "id")
    )
    for override in overrides:
        # The page sets an override "until the end of a day": it expires at the
        # next midnight, which is not a day it is in force.
        last = override.expires_at - dt.timedelta(microseconds=1)
        override.in_force_until = timezone.localdate(last)
        override.days_left = (override.in_force_until - today).days
    return overrides


def waiting_claims(
    tasks: QuerySet[Task], *, now: dt.datetime, today: dt.date
) -> list[CompletionClaim]:
    """Open completion claims older than the wait allowed, the oldest first;
    each with the owner parties that have yet to decide (`waiting_for`) and
    the days it has waited."""
    cutoff = now - dt.timedelta(days=settings.SUPERVISION_CLAIM_WAIT_DAYS)
    claims = list(
        CompletionClaim.objects.filter(
            task__in=tasks, status=ClaimStatus.OPEN, claimed_at__lt=cutoff
        )
        .select_related("task", "party", "claimed_by")
        .prefetch_related(
            _owners(),
            Prefetch("decisions", queryset=ClaimDecision.objects.order_by("id")),
        )
        .order_by("claimed_at", "id")
    )
    for claim in claims:
        decided = {d.party_id for d in claim.decisions.all()}
        claim.waiting_for = [
            o.party
            for o in claim.task.owners.all()
            if o.party_id != claim.party_id and o.party_id not in decided
        ]
        claim.days_waiting = (today - timezone.localdate(claim.claimed_at)).days
    return claims


def overdue_unreminded(
    tasks: QuerySet[Task], *, now: dt.datetime, today: dt.date
) -> list[Task]:
    """Items worked on whose due date or a milestone's is past, with no urge,
    reminder or notice sent within SUPERVISION_UNREMINDED_DAYS days; the most
    overdue first. Each carries its days overdue (`days_overdue`,
    `milestone_days_overdue`, `overdue_days`, from the light), its most
    overdue open milestone (`late_milestone_id`, `late_milestone_title`) and
    the time of its last urge (`last_urged_at`, None if never)."""
    cutoff = now - dt.timedelta(days=settings.SUPERVISION_UNREMINDED_DAYS)
    urges = Urge.objects.filter(task=OuterRef("pk"))
    late = (
        Milestone.objects.filter(task=OuterRef("pk"), due_date__lt=today)
        .exclude(status=MilestoneStatus.DONE)
        .order_by("due_date", "id")
    )
    return list(
        with_light(tasks.filter(status__in=OPEN_STATES), today=today)
        .filter(Q(due_date__lt=today) | Q(milestone_overdue=True))
        .filter(~Exists(urges.filter(sent_at__gte=cutoff)))
        .annotate(
            last_urged_at=Subquery(urges.order_by("-sent_at").values("sent_at")[:1]),
            late_milestone_id=Subquery(late.values("pk")[:1]),
        )
        .select_related("lead_party")
        .prefetch_related(
            Prefetch(
                "owners",
                queryset=TaskOwner.objects.select_related("party").order_by(
                    "party__sort_order", "party_id"
                ),
            )
        )
        .order_by("-overdue_days", "code", "pk")
    )


def office_workbench_for_user(*, user, today: dt.date | None = None) -> Workbench:
    """What waits for the joint office on the items `user` may see. The
    workbench is the office's: anyone else is refused (403)."""
    if not grants(user).administrator:
        raise PermissionDenied()
    now = timezone.now()
    today = today or timezone.localdate()
    tasks = _visible_tasks(user)
    return Workbench(
        today=today,
        extensions=pending_extensions(tasks),
        overrides=expiring_overrides(tasks, now=now, today=today),
        claims=waiting_claims(tasks, now=now, today=today),
        overdue=overdue_unreminded(tasks, now=now, today=today),
    )
