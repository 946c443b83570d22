"""What every tracker service needs: the acting party, row locks with the
optimistic-concurrency check, and the actor's standing towards a task."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import F, Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Party, User
from accounts.permissions import can, coordinator_parties_for
from config.exceptions import InvalidInput, PermissionDenied, PreconditionFailed

from ..choices import ClaimStatus
from ..models import CompletionClaim, Task
from ..permissions import standing
from ..workflow import Actor

M = TypeVar("M", bound=Model)


def require(actor: User, rule: str, obj) -> None:
    if not can(actor, rule, obj):
        raise PermissionDenied()


def acting_party(actor: User, task: Task, party: Party | None = None) -> Party | None:
    """The owner party `actor` acts for on `task`: the one given (which must be
    theirs), else their only one. None when they coordinate no owner party."""
    parties = coordinator_parties_for(actor, task)
    if party is not None:
        if party.pk not in parties:
            raise PermissionDenied(_("You do not act for that party on this task."))
        return party
    if not parties:
        return None
    if len(parties) > 1:
        raise InvalidInput(
            field_errors={"party": [_("Choose the party you are acting for.")]}
        )
    return Party.objects.get(pk=next(iter(parties)))


def actor_kinds(actor: User, task: Task, party: Party | None) -> set[Actor]:
    """How `actor`, acting for `party`, stands towards the locked `task`."""
    claim = open_claim(task) if party is not None else None
    return standing(
        actor,
        parties=[party.pk] if party is not None else [],
        claimant=claim.party_id if claim is not None else None,
    )


def open_claim(task: Task) -> CompletionClaim | None:
    return task.completion_claims.filter(status=ClaimStatus.OPEN).first()


def lock(model: type[M], pk: int, expected_version: int | None = None) -> M:
    """Lock the row and check the version the caller last read, in one step:
    of two writers holding the same ETag, the second waits for the first and
    then finds the version moved on."""
    obj = model.objects.select_for_update().get(pk=pk)
    if expected_version is not None and obj.version != expected_version:
        raise PreconditionFailed()
    return obj


def bump(obj: Model, **changes) -> None:
    """Write `changes` and the next version with one UPDATE; refresh `obj`."""
    changes.setdefault("version", F("version") + 1)
    if hasattr(obj, "updated_at"):
        changes.setdefault("updated_at", timezone.now())
    type(obj).objects.filter(pk=obj.pk).update(**changes)
    obj.refresh_from_db(fields=[*changes.keys()])
    if isinstance(obj, Task):
        # Every write under a task moves its version through here: the stored
        # light follows in the same transaction.
        from .lights import lights_refresh

        lights_refresh(task_ids=[obj.pk])
