"""催办 by hand and its answers.

The joint office (and leadership, where SUPERVISION_LEADERSHIP_MAY_URGE is
set) urges an item's owner parties with a message; each party addressed has
its own target, answered once by one of its coordinators, with a reply or with
the progress update it posts next. Everything is written in the caller's
transaction, with the notifications of it."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.permissions import can, coordinator_parties_for, grants
from config.exceptions import (
    Conflict,
    InvalidInput,
    PermissionDenied,
    PreconditionFailed,
)
from config.validation import validated_save
from notifications.choices import Event
from notifications.recipients import coordinators_of
from notifications.services import notify
from tracker import workflow
from tracker.choices import ClaimStatus, MilestoneStatus
from tracker.models import Milestone, ProgressUpdate, Task

from ..choices import ANSWERED_KINDS, UrgeKind
from ..models import Urge, UrgeTarget

MESSAGE_MAX = 2000


def _lock_task(pk: int, expected_version: int | None = None) -> Task:
    """The task row first, as every writer under a task locks it; with the
    version the caller read, when it names one."""
    task = Task.objects.select_for_update().get(pk=pk)
    if expected_version is not None and task.version != expected_version:
        raise PreconditionFailed()
    return task


def _require(actor: User, rule: str, obj) -> None:
    if not can(actor, rule, obj):
        raise PermissionDenied()


def _link(task: Task) -> str:
    return reverse("tracker:task_detail", args=[task.pk]) + "#urges"


def urged_parties(task: Task, milestone: Milestone | None = None) -> list[int]:
    """The owner parties an urge on `task` (or on one of its milestones) is
    addressed to, in the parties' order.

    A party's milestone concerns that party alone. Otherwise the urge goes to
    the parties that still owe something on the item: those whose part is
    below 100 %, and, while a completion claim is open, those that have yet to
    confirm or reject it. A party that has reported its part done is not made
    to answer for another's delay. When nobody owes anything by that measure
    (every part at 100 % and no claim filed), the office is chasing the claim
    itself, so every owner party is addressed."""
    owners = list(
        task.owners.select_related("party").order_by("party__sort_order", "party_id")
    )
    if milestone is not None and milestone.party_id is not None:
        return [milestone.party_id]
    claim = task.completion_claims.filter(status=ClaimStatus.OPEN).first()
    undecided = set()
    if claim is not None:
        decided = set(claim.decisions.values_list("party_id", flat=True))
        undecided = {
            o.party_id
            for o in owners
            if o.party_id != claim.party_id and o.party_id not in decided
        }
    owing = [o.party_id for o in owners if o.progress < 100 or o.party_id in undecided]
    return owing or [o.party_id for o in owners]


@transaction.atomic
def urge_send(
    *,
    task: Task,
    actor: User,
    message: str,
    milestone: Milestone | None = None,
    expected_version: int | None = None,
) -> Urge:
    """催办: an urge on `task` (about `milestone` when given) to its owner
    parties that still owe something (`urged_parties`), and a notification to
    each such party's coordinators with the message and a link to the item.
    Conditioned on the task's version when the caller names the one it read."""
    task = _lock_task(task.pk, expected_version)
    _require(actor, "urge", task)
    workflow.require_state("urge", status=task.status)
    message = message.strip()
    errors = {}
    if not message:
        errors["message"] = [_("Write what the owners should do.")]
    elif len(message) > MESSAGE_MAX:
        errors["message"] = [
            _("Keep the message within %(max)d characters.") % {"max": MESSAGE_MAX}
        ]
    if milestone is not None:
        if milestone.task_id != task.pk:
            errors["milestone"] = [_("Choose a milestone of this task.")]
        elif milestone.status == MilestoneStatus.DONE:
            errors["milestone"] = [_("This milestone is done already.")]
    if errors:
        raise InvalidInput(field_errors=errors)
    urge = validated_save(
        Urge(
            task=task,
            milestone=milestone,
            kind=UrgeKind.URGE,
            message=message,
            sent_by=actor,
            sent_at=timezone.now(),
        )
    )
    parties = urged_parties(task, milestone)
    UrgeTarget.objects.bulk_create(
        UrgeTarget(urge=urge, party_id=party) for party in parties
    )
    with translation.override(settings.LANGUAGE_CODE):
        names = {
            "by": _("The joint office")
            if grants(actor).administrator
            else _("Leadership"),
            "code": task.code,
            "title": task.title,
        }
        subject = (
            _("%(by)s urges: %(code)s %(title)s, milestone “%(milestone)s”")
            % {**names, "milestone": milestone.title}
            if milestone is not None
            else _("%(by)s urges: %(code)s %(title)s") % names
        )
        notify(
            event=Event.URGE,
            recipients=coordinators_of(parties),
            title=subject,
            body=message,
            task=task,
            link=_link(task),
            actor=actor,
        )
    return urge


@transaction.atomic
def urge_answer(*, target: UrgeTarget, actor: User, reply: str) -> UrgeTarget:
    """A coordinator of the target's party answers an urge addressed to it,
    once; the urge's sender is told. Reminders from the daily ladder are
    answered the same way; notices (通报) are not answered."""
    urge = Urge.objects.select_related("task").get(pk=target.urge_id)
    task = _lock_task(urge.task_id)
    target = UrgeTarget.objects.select_for_update().get(pk=target.pk)
    _require(actor, "answer_urge", task)
    if target.party_id not in coordinator_parties_for(actor, task):
        raise PermissionDenied(_("This urge is addressed to another party."))
    if urge.kind not in ANSWERED_KINDS:
        raise Conflict(_("A notice is for information; it is not answered."))
    if target.answered_at is not None:
        raise Conflict(_("Your party has already answered this urge."))
    workflow.require_state("answer_urge", status=task.status)
    reply = reply.strip()
    if not reply:
        raise InvalidInput(field_errors={"reply": [_("Write your party's reply.")]})
    if len(reply) > MESSAGE_MAX:
        raise InvalidInput(
            field_errors={
                "reply": [
                    _("Keep the reply within %(max)d characters.")
                    % {"max": MESSAGE_MAX}
                ]
            }
        )
    target.reply = reply
    target.answered_by = actor
    target.answered_at = timezone.now()
    validated_save(target)
    _tell_sender(urge, [target], actor=actor, reply=reply)
    return target


def urge_targets_answer_with_update(*, update: ProgressUpdate) -> list[UrgeTarget]:
    """A progress update answers its party's open urges and reminders on the
    item: called by `progress_update_post` in its transaction, after it has
    locked the task. Returns the targets it answered."""
    targets = list(
        UrgeTarget.objects.select_for_update(of=("self",))
        .filter(
            urge__task_id=update.task_id,
            urge__kind__in=ANSWERED_KINDS,
            party_id=update.party_id,
            answered_at__isnull=True,
        )
        .select_related("urge", "urge__task", "party")
        .order_by("pk")
    )
    if not targets:
        return []
    now = timezone.now()
    UrgeTarget.objects.filter(pk__in=[t.pk for t in targets]).update(
        answered_at=now, answered_by_id=update.author_id, progress_update=update
    )
    by_urge: dict[int, list[UrgeTarget]] = {}
    for target in targets:
        target.answered_at, target.answered_by_id = now, update.author_id
        target.progress_update = update
        by_urge.setdefault(target.urge_id, []).append(target)
    for answered in by_urge.values():
        _tell_sender(
            answered[0].urge, answered, actor=update.author, reply=update.narrative
        )
    return targets


def _tell_sender(
    urge: Urge, targets: Iterable[UrgeTarget], *, actor: User, reply: str
) -> None:
    """The sender of an urge by hand hears each answer; reminders of the
    daily ladder have no sender to tell."""
    if urge.sent_by_id is None:
        return
    task = urge.task
    parties = "、".join(str(t.party.name) for t in targets)
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            event=Event.URGE_REPLY,
            recipients=User.objects.filter(pk=urge.sent_by_id, is_active=True),
            title=_("%(party)s answered the urge: %(code)s %(title)s")
            % {"party": parties, "code": task.code, "title": task.title},
            body=reply,
            task=task,
            link=_link(task),
            actor=actor,
        )
