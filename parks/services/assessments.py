"""The steps of an assessment: submit, query, agree, score, adjust; and the
publication of a cycle, which freezes every result of it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from config.api.uploads import KINDS
from config.exceptions import InvalidInput, PermissionDenied, TransitionNotAllowed
from notifications.recipients import coordinators_of
from notifications.services import notify
from tracker.services.evidence import evidence_kinds, max_files

from .. import workflow
from ..choices import AssessmentAction as A
from ..choices import AssessmentState as S
from ..choices import CycleState, EvaluationOutcome, ScoringRule
from ..models import (
    AssessmentEvidence,
    AssessmentValue,
    CycleIndicator,
    EvaluationCycle,
    ParkAssessment,
)
from . import scoring
from ._common import lock_assessment, lock_cycle, record_step

QUERY_EVENT = "park_query"


def assessment_link(assessment: ParkAssessment) -> str:
    try:
        return reverse("parks:assessment_detail", args=[assessment.pk])
    except NoReverseMatch:
        return ""


def _decimal(raw, code: str) -> Decimal:
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError, TypeError):
        value = None
    if value is None or not value.is_finite():
        raise InvalidInput(
            field_errors={code: [_("Enter a number.")]},
        )
    return value


def _write_values(
    assessment: ParkAssessment,
    indicators: dict[str, CycleIndicator],
    values: Mapping[str, tuple],
) -> None:
    unknown = sorted(set(values) - set(indicators))
    if unknown:
        raise InvalidInput(
            field_errors={
                "values": [
                    _("The cycle has no indicator %(codes)s.")
                    % {"codes": "、".join(unknown)}
                ]
            }
        )
    for code, entry in values.items():
        value, is_lower_bound, note = (*tuple(entry), False, "")[:3]
        AssessmentValue.objects.update_or_create(
            assessment=assessment,
            indicator=indicators[code],
            defaults={
                "value": _decimal(value, code),
                "is_lower_bound": bool(is_lower_bound),
                "note": (note or "").strip(),
                "computed_score": None,
            },
        )


def _attach(assessment, actor: User, files: Sequence[UploadedFile]) -> None:
    if len(files) > max_files():
        raise InvalidInput(
            field_errors={
                "evidence": [
                    _("At most %(count)d files can be attached at once.")
                    % {"count": max_files()}
                ]
            }
        )
    try:
        kinds = evidence_kinds(files)
    except ValidationError as exc:
        raise InvalidInput(field_errors={"evidence": exc.messages}) from exc
    now = timezone.now()
    for uploaded, kind in zip(files, kinds, strict=True):
        AssessmentEvidence.objects.create(
            assessment=assessment,
            file=uploaded,
            name=(uploaded.name or "").replace("\\", "/").rsplit("/", 1)[-1][:255],
            size=uploaded.size,
            content_type=KINDS[kind][1],
            uploaded_by=actor,
            uploaded_at=now,
        )


@transaction.atomic
def assessment_submit(
    *,
    user: User,
    assessment: ParkAssessment,
    values: Mapping[str, tuple],
    evidence: Sequence[UploadedFile] = (),
    expected_version: int | None = None,
) -> ParkAssessment:
    """The park's party reports its values, `{code: (value, is_lower_bound,
    note)}`, with evidence (at least one file on the assessment); a queried
    assessment is submitted again with the figure corrected."""
    assessment = lock_assessment(assessment, expected_version)
    workflow.check(A.SUBMIT, user=user, assessment=assessment)
    indicators = {i.code: i for i in assessment.cycle.indicators.all()}
    _write_values(assessment, indicators, values)
    missing = [
        i.name
        for code, i in indicators.items()
        if not assessment.values.filter(indicator=i).exists()
    ]
    if missing:
        raise InvalidInput(
            field_errors={
                "values": [
                    _("Report every indicator; missing: %(names)s.")
                    % {"names": "、".join(missing)}
                ]
            }
        )
    _attach(assessment, user, list(evidence))
    if not assessment.evidence.exists():
        raise InvalidInput(
            field_errors={"evidence": [_("Attach at least one evidence file.")]}
        )
    record_step(
        assessment,
        action=A.SUBMIT,
        to_state=S.SUBMITTED,
        actor=user,
        party_id=workflow.park_party_id(assessment),
        submitted_at=timezone.now(),
        computed_score=None,
        score=None,
        adjustment_reason="",
    )
    return assessment


@transaction.atomic
def assessment_query(
    *,
    user: User,
    assessment: ParkAssessment,
    indicator_code: str,
    comment: str,
    expected_version: int | None = None,
) -> ParkAssessment:
    """A paired party queries one figure: the assessment goes back to the
    park's party, whose coordinators are told."""
    assessment = lock_assessment(assessment, expected_version)
    workflow.check(A.QUERY, user=user, assessment=assessment)
    comment = (comment or "").strip()
    if not comment:
        raise InvalidInput(
            field_errors={"comment": [_("Say what is wrong with the figure.")]}
        )
    indicator = assessment.cycle.indicators.filter(code=indicator_code).first()
    if indicator is None:
        raise InvalidInput(
            field_errors={"indicator": [_("Choose an indicator of the cycle.")]}
        )
    record_step(
        assessment,
        action=A.QUERY,
        to_state=S.QUERIED,
        actor=user,
        party_id=workflow.reviewing_party_id(user, assessment),
        indicator=indicator,
        comment=comment,
    )
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            event=QUERY_EVENT,
            recipients=coordinators_of([workflow.park_party_id(assessment)]),
            title=_("%(park)s: the paired party queried “%(indicator)s”")
            % {"park": assessment.park.name, "indicator": indicator.name},
            body=comment,
            link=assessment_link(assessment),
            actor=user,
        )
    return assessment


@transaction.atomic
def assessment_agree(
    *,
    user: User,
    assessment: ParkAssessment,
    comment: str = "",
    expected_version: int | None = None,
) -> ParkAssessment:
    assessment = lock_assessment(assessment, expected_version)
    workflow.check(A.AGREE, user=user, assessment=assessment)
    record_step(
        assessment,
        action=A.AGREE,
        to_state=S.AGREED,
        actor=user,
        party_id=workflow.reviewing_party_id(user, assessment),
        comment=(comment or "").strip(),
    )
    return assessment


def cycle_values(cycle: EvaluationCycle) -> dict[int, dict[int, Decimal]]:
    """{indicator id: {assessment id: value}} of every reported value of the
    cycle's submitted (or later) assessments: what a rank is taken among."""
    table: dict[int, dict[int, Decimal]] = {}
    rows = AssessmentValue.objects.filter(assessment__cycle=cycle).exclude(
        assessment__state=S.DRAFT
    )
    for indicator_id, assessment_id, value in rows.values_list(
        "indicator_id", "assessment_id", "value"
    ):
        table.setdefault(indicator_id, {})[assessment_id] = value
    return table


@transaction.atomic
def assessment_score(
    *, user: User, assessment: ParkAssessment, expected_version: int | None = None
) -> ParkAssessment:
    """The joint office scores by the rules: each indicator's score on its
    value row, the total as the computed score and the score."""
    assessment = lock_assessment(assessment, expected_version)
    workflow.check(A.SCORE, user=user, assessment=assessment)
    workflow.check_rank_settled(assessment)
    table = cycle_values(assessment.cycle)
    total = Decimal("0")
    for indicator in assessment.cycle.indicators.all():
        values = table.get(indicator.pk, {})
        score = scoring.indicator_scores(indicator, values).get(assessment.pk)
        if score is None:
            score = scoring.ZERO
        AssessmentValue.objects.filter(
            assessment=assessment, indicator=indicator
        ).update(computed_score=score)
        total += score
    total = scoring.rounded(total)
    record_step(
        assessment,
        action=A.SCORE,
        to_state=S.SCORED,
        actor=user,
        computed_score=total,
        score=total,
        adjustment_reason="",
    )
    return assessment


@transaction.atomic
def assessment_adjust(
    *,
    user: User,
    assessment: ParkAssessment,
    score,
    reason: str,
    expected_version: int | None = None,
) -> ParkAssessment:
    assessment = lock_assessment(assessment, expected_version)
    workflow.check(A.ADJUST, user=user, assessment=assessment)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            field_errors={"reason": [_("Say why the score is adjusted.")]}
        )
    score = scoring.rounded(_decimal(score, "score"))
    if not Decimal("0") <= score <= Decimal("99999.99"):
        raise InvalidInput(field_errors={"score": [_("Enter a score from 0.")]})
    record_step(
        assessment,
        action=A.ADJUST,
        to_state=S.SCORED,
        actor=user,
        comment=reason,
        score=score,
        adjustment_reason=reason,
    )
    return assessment


def _rank_rescore(
    cycle: EvaluationCycle, assessments: Sequence[ParkAssessment]
) -> dict[int, tuple[Decimal, Decimal]]:
    """{assessment id: (computed score, score)} with every rank-rule indicator
    scored again among the values as they stand now; an adjustment made by the
    office is kept as the same difference from the computed score."""
    rank_indicators = [i for i in cycle.indicators.all() if i.rule == ScoringRule.RANK]
    if not rank_indicators:
        return {a.pk: (a.computed_score, a.score) for a in assessments}
    table = cycle_values(cycle)
    for indicator in rank_indicators:
        scores = scoring.indicator_scores(indicator, table.get(indicator.pk, {}))
        for row in AssessmentValue.objects.filter(
            assessment__cycle=cycle, indicator=indicator
        ).select_for_update():
            AssessmentValue.objects.filter(pk=row.pk).update(
                computed_score=scores.get(row.assessment_id, scoring.ZERO)
            )
    totals = dict(
        AssessmentValue.objects.filter(assessment__cycle=cycle)
        .values("assessment_id")
        .annotate(total=Sum("computed_score"))
        .values_list("assessment_id", "total")
    )
    result = {}
    for a in assessments:
        computed = scoring.rounded(totals.get(a.pk) or scoring.ZERO)
        adjustment = (a.score or scoring.ZERO) - (a.computed_score or scoring.ZERO)
        result[a.pk] = (
            computed,
            max(scoring.ZERO, scoring.rounded(computed + adjustment)),
        )
    return result


@transaction.atomic
def cycle_publish(
    *,
    user: User,
    cycle: EvaluationCycle,
    announced_on=None,
    expected_version: int | None = None,
) -> EvaluationCycle:
    """The joint office publishes the cycle: every assessment must be scored;
    each gets its outcome (met when the score reaches the pass score) and its
    rank in the batch; the results are frozen from then on."""
    from accounts.permissions import grants

    cycle = lock_cycle(cycle, expected_version)
    if not grants(user).administrator:
        raise PermissionDenied(_("Only the joint office publishes the results."))
    assessments = list(
        ParkAssessment.objects.select_for_update()
        .filter(cycle=cycle)
        .select_related("park")
        .order_by("pk")
    )
    if not assessments:
        raise TransitionNotAllowed(_("The cycle has no parks to publish."))
    waiting = [a.park.name for a in assessments if a.state != S.SCORED]
    if waiting:
        raise TransitionNotAllowed(
            _("Every park must be scored before publication; not yet: %(parks)s.")
            % {"parks": "、".join(waiting)}
        )
    rescored = _rank_rescore(cycle, assessments)
    ranks = scoring.ranks({a.pk: rescored[a.pk][1] for a in assessments})
    for a in assessments:
        computed, score = rescored[a.pk]
        record_step(
            a,
            action=A.PUBLISH,
            to_state=S.PUBLISHED,
            actor=user,
            computed_score=computed,
            score=score,
            outcome=EvaluationOutcome.MET
            if score >= cycle.pass_score
            else EvaluationOutcome.NOT_MET,
            rank=ranks[a.pk],
        )
    now = timezone.now()
    EvaluationCycle.objects.filter(pk=cycle.pk).update(
        state=CycleState.PUBLISHED,
        announced_on=announced_on or timezone.localdate(now),
        published_at=now,
        published_by=user,
        version=cycle.version + 1,
    )
    cycle.refresh_from_db()
    return cycle
