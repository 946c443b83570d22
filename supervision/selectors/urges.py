"""Reads of the 督办 ledger for the item page and the API: an item's urges
with each party addressed and its answer, scoped to who may see the item."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from tracker.models import Task
from tracker.selectors import get_visible, initiative_list_for_user

from ..choices import ANSWERED_KINDS
from ..models import Urge, UrgeTarget


def _visible_tasks(user) -> QuerySet[Task]:
    return Task.objects.filter(initiative__in=initiative_list_for_user(user=user))


def _targets() -> Prefetch:
    return Prefetch(
        "targets",
        queryset=UrgeTarget.objects.select_related(
            "party", "answered_by", "progress_update"
        ).order_by("party__sort_order", "party_id"),
    )


def urge_list_for_user(*, user) -> QuerySet[Urge]:
    """Every urge on the items the user may see, newest first, each with the
    parties it is addressed to and their answers (two queries in all)."""
    return (
        Urge.objects.filter(task__in=_visible_tasks(user))
        .select_related("task", "milestone", "sent_by")
        .prefetch_related(_targets())
        .order_by("-sent_at", "-id")
    )


def urge_ledger_for_task(*, user, task: Task) -> list[Urge]:
    """The 催办记录 of `task` (fetched by the caller through a user-scoped
    selector): its urges, reminders and notices, newest first. Each target
    carries `answerable` (an urge that is answered, not a notice) and
    `response_time` (from sending to answer) for the page."""
    urges = list(urge_list_for_user(user=user).filter(task=task))
    for urge in urges:
        urge.answerable = urge.kind in ANSWERED_KINDS
        for target in urge.targets.all():
            target.answerable = urge.answerable
            target.response_time = (
                target.answered_at - urge.sent_at
                if target.answered_at is not None
                else None
            )
    return urges


def urge_target_list_for_user(*, user) -> QuerySet[UrgeTarget]:
    return UrgeTarget.objects.filter(
        urge__task__in=_visible_tasks(user)
    ).select_related("urge", "urge__task", "party", "answered_by")


def urge_target_get_for_user(*, user, pk) -> UrgeTarget:
    """One party's target of an urge on an item the user may see; 404 for any
    other (whether it exists or not)."""
    return get_visible(urge_target_list_for_user(user=user), pk)
