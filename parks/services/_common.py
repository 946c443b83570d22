from __future__ import annotations

from django.db.models import F
from django.utils import timezone

from config.exceptions import PreconditionFailed, TransitionNotAllowed

from ..choices import AssessmentState, CycleState
from ..models import AssessmentStep, EvaluationCycle, ParkAssessment
from ..workflow import FROZEN_MESSAGE


def lock_assessment(
    assessment: ParkAssessment, expected_version: int | None = None
) -> ParkAssessment:
    """Lock the row and check the version the caller read, in one step; the
    row comes back with what `workflow.standing` reads."""
    locked = ParkAssessment.objects.select_for_update(of=("self",)).get(
        pk=assessment.pk
    )
    if locked.state == AssessmentState.PUBLISHED:
        raise TransitionNotAllowed(FROZEN_MESSAGE)
    if expected_version is not None and locked.version != expected_version:
        raise PreconditionFailed()
    return (
        ParkAssessment.objects.select_related("park__party", "cycle", "pair")
        .prefetch_related("pair__members__park")
        .get(pk=locked.pk)
    )


def lock_cycle(
    cycle: EvaluationCycle, expected_version: int | None = None
) -> EvaluationCycle:
    locked = EvaluationCycle.objects.select_for_update().get(pk=cycle.pk)
    if locked.state == CycleState.PUBLISHED:
        raise TransitionNotAllowed(FROZEN_MESSAGE)
    if expected_version is not None and locked.version != expected_version:
        raise PreconditionFailed()
    return locked


def record_step(
    assessment: ParkAssessment,
    *,
    action: str,
    to_state: str,
    actor,
    party_id: int | None = None,
    indicator=None,
    comment: str = "",
    **changes,
) -> AssessmentStep:
    """The step's row, the new state and the next version, in the caller's
    transaction; `assessment` is refreshed."""
    step = AssessmentStep.objects.create(
        assessment=assessment,
        action=action,
        from_state=assessment.state,
        to_state=to_state,
        indicator=indicator,
        comment=comment,
        actor=actor,
        party_id=party_id,
        created_at=timezone.now(),
    )
    changes.update(state=to_state, version=F("version") + 1, updated_at=timezone.now())
    ParkAssessment.objects.filter(pk=assessment.pk).update(**changes)
    assessment.refresh_from_db(fields=list(changes))
    return step
