"""Park performance evaluation cycles (产业合作园区绩效评价).

A cycle names its indicators and their scoring rules. Each park of the cycle's
batch has one assessment, which moves through the steps of ``workflow.py``:
the park's party reports its values with evidence, the paired parks' parties
review them (agree, or query one figure with a comment), the joint office
scores (computed by the rules, adjustable with a written reason) and publishes
the cycle; a published assessment is frozen. Every step is a row
(``AssessmentStep``) written by the service in the transaction of the act.
"""

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker.models.evidence import stored_name

from .choices import (
    AssessmentAction,
    AssessmentState,
    CycleState,
    EvaluationOutcome,
    ScoringRule,
)

SCORE = {"max_digits": 7, "decimal_places": 2}

# Published results are frozen in the database too, whoever writes: installed
# after migrate (PGTRIGGER_MIGRATIONS is off), as every trigger here is.


def published_frozen() -> pgtrigger.Protect:
    """Refuses UPDATE and DELETE of a published row (a cycle, an assessment)."""
    return pgtrigger.Protect(
        name="published_frozen",
        operation=pgtrigger.Update | pgtrigger.Delete,
        condition=pgtrigger.Q(old__state="published"),
    )


def parent_published_frozen() -> pgtrigger.Trigger:
    """Refuses INSERT, UPDATE and DELETE of a value or evidence row of a
    published assessment (checked on the row before and after an UPDATE)."""
    return pgtrigger.Trigger(
        name="published_frozen",
        when=pgtrigger.Before,
        operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
        func="""
            IF EXISTS (
                SELECT 1 FROM parks_parkassessment
                WHERE state = 'published'
                  AND ((TG_OP <> 'INSERT' AND id = OLD.assessment_id)
                       OR (TG_OP <> 'DELETE' AND id = NEW.assessment_id))
            ) THEN
                RAISE EXCEPTION 'pgtrigger: the result is published and frozen'
                    USING ERRCODE = 'restrict_violation';
            END IF;
            IF TG_OP = 'DELETE' THEN
                RETURN OLD;
            END IF;
            RETURN NEW;
        """,
    )


VALUE = {"max_digits": 20, "decimal_places": 4}


class EvaluationCycle(models.Model):
    initiative = models.ForeignKey(
        "tracker.Initiative",
        verbose_name=_("initiative"),
        on_delete=models.PROTECT,
        related_name="evaluation_cycles",
    )
    name = models.CharField(_("name"), max_length=128)
    # The parks designated in this batch are evaluated.
    batch = models.PositiveSmallIntegerField(_("batch of parks (year)"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    # The due date of each step; the reminders read them.
    submit_due = models.DateField(_("values due"))
    review_due = models.DateField(_("review due"))
    score_due = models.DateField(_("scoring due"))
    publish_due = models.DateField(_("publication due"))
    pass_score = models.DecimalField(_("pass score"), **SCORE, default=60)
    state = models.CharField(
        _("state"), max_length=16, choices=CycleState, default=CycleState.OPEN
    )
    announced_on = models.DateField(_("announced on"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        triggers = [published_frozen()]
        verbose_name = _("evaluation cycle")
        verbose_name_plural = _("evaluation cycles")
        ordering = ["initiative", "-period_end", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "name"],
                name="evaluationcycle_name_unique",
                violation_error_message=_("A cycle of that name already exists."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="evaluationcycle_period_order",
                violation_error_message=_("The period cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return self.name


class CycleIndicator(models.Model):
    cycle = models.ForeignKey(
        EvaluationCycle,
        verbose_name=_("evaluation cycle"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=128)
    unit = models.CharField(_("unit"), max_length=32, blank=True)
    description = models.TextField(_("description"), blank=True)
    rule = models.CharField(_("scoring rule"), max_length=16, choices=ScoringRule)
    # THRESHOLD: the value to reach. LINEAR: the bounds. RANK: ``lower`` is the
    # share of the weight the last park gets (0 to 1).
    threshold = models.DecimalField(_("threshold"), **VALUE, null=True, blank=True)
    lower = models.DecimalField(_("lower bound"), **VALUE, null=True, blank=True)
    upper = models.DecimalField(_("upper bound"), **VALUE, null=True, blank=True)
    higher_is_better = models.BooleanField(_("higher is better"), default=True)
    weight = models.DecimalField(_("weight"), **SCORE)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("evaluation indicator")
        verbose_name_plural = _("evaluation indicators")
        ordering = ["cycle", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "code"],
                name="cycleindicator_code_unique",
                violation_error_message=_(
                    "The cycle already has an indicator with that code."
                ),
            ),
            models.CheckConstraint(
                condition=Q(weight__gt=0),
                name="cycleindicator_weight_positive",
                violation_error_message=_("The weight must be above zero."),
            ),
        ]

    def __str__(self):
        return self.name


class ParkAssessment(models.Model):
    """One park in one cycle: its values, the review, the score and the result."""

    cycle = models.ForeignKey(
        EvaluationCycle,
        verbose_name=_("evaluation cycle"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    park = models.ForeignKey(
        "tracker.IndustrialPark",
        verbose_name=_("park"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    # The pairing in force when the cycle opened: its other parks' parties review.
    pair = models.ForeignKey(
        "tracker.ParkPair",
        verbose_name=_("park pair"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessments",
    )
    state = models.CharField(
        _("step"),
        max_length=16,
        choices=AssessmentState,
        default=AssessmentState.DRAFT,
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    computed_score = models.DecimalField(
        _("computed score"), **SCORE, null=True, blank=True
    )
    score = models.DecimalField(_("score"), **SCORE, null=True, blank=True)
    adjustment_reason = models.TextField(_("reason for the adjustment"), blank=True)
    outcome = models.CharField(
        _("result"), max_length=16, choices=EvaluationOutcome, blank=True
    )
    rank = models.PositiveSmallIntegerField(
        _("rank in the batch"), null=True, blank=True
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        triggers = [published_frozen()]
        verbose_name = _("park assessment")
        verbose_name_plural = _("park assessments")
        ordering = [
            "cycle",
            "park__party__sort_order",
            "park__city_county",
            "park__name",
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "park"],
                name="parkassessment_once_per_cycle",
                violation_error_message=_("The park is already in this cycle."),
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True)
                | Q(score=models.F("computed_score"))
                | ~Q(adjustment_reason=""),
                name="parkassessment_adjustment_has_reason",
                violation_error_message=_(
                    "Say why the score differs from the computed one."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["cycle", "state"], name="assessment_cycle_state")
        ]

    def __str__(self):
        return f"{self.cycle} · {self.park}"


class AssessmentValue(models.Model):
    """A value the park's party reports for one indicator."""

    assessment = models.ForeignKey(
        ParkAssessment,
        verbose_name=_("park assessment"),
        on_delete=models.CASCADE,
        related_name="values",
    )
    indicator = models.ForeignKey(
        CycleIndicator,
        verbose_name=_("evaluation indicator"),
        on_delete=models.PROTECT,
        related_name="values",
    )
    value = models.DecimalField(_("value"), **VALUE)
    # The source gives "more than" the value (超千家): printed as such.
    is_lower_bound = models.BooleanField(_("lower bound"), default=False)
    note = models.TextField(_("note"), blank=True)
    computed_score = models.DecimalField(
        _("computed score"), **SCORE, null=True, blank=True
    )

    class Meta:
        triggers = [parent_published_frozen()]
        verbose_name = _("reported value")
        verbose_name_plural = _("reported values")
        ordering = ["assessment", "indicator__sort_order", "indicator_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "indicator"],
                name="assessmentvalue_once_per_indicator",
            ),
        ]

    def __str__(self):
        return f"{self.indicator}: {self.value}"


def evidence_path(instance, filename):
    assessment = instance.assessment
    return stored_name(f"parks/{assessment.cycle_id}/{assessment.pk}", filename)


class AssessmentEvidence(models.Model):
    assessment = models.ForeignKey(
        ParkAssessment,
        verbose_name=_("park assessment"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    # Empty when the file supports the submission as a whole.
    indicator = models.ForeignKey(
        CycleIndicator,
        verbose_name=_("evaluation indicator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=255)
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        triggers = [parent_published_frozen()]
        verbose_name = _("evaluation evidence")
        verbose_name_plural = _("evaluation evidence")
        ordering = ["assessment", "uploaded_at", "id"]

    def __str__(self):
        return self.name


class AssessmentStep(models.Model):
    """What someone did to an assessment, with their words: the ledger people read."""

    assessment = models.ForeignKey(
        ParkAssessment,
        verbose_name=_("park assessment"),
        on_delete=models.CASCADE,
        related_name="steps",
    )
    action = models.CharField(_("action"), max_length=16, choices=AssessmentAction)
    from_state = models.CharField(_("from"), max_length=16, choices=AssessmentState)
    to_state = models.CharField(_("to"), max_length=16, choices=AssessmentState)
    # The figure a query is about.
    indicator = models.ForeignKey(
        CycleIndicator,
        verbose_name=_("evaluation indicator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    comment = models.TextField(_("comment"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    party = models.ForeignKey(
        "accounts.Party",
        verbose_name=_("party"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("assessment step")
        verbose_name_plural = _("assessment steps")
        ordering = ["assessment", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(action=AssessmentAction.QUERY) | ~Q(comment=""),
                name="assessmentstep_query_has_comment",
                violation_error_message=_("Say what is wrong with the figure."),
            ),
            models.CheckConstraint(
                condition=~Q(action=AssessmentAction.ADJUST) | ~Q(comment=""),
                name="assessmentstep_adjust_has_reason",
                violation_error_message=_("Say why the score is adjusted."),
            ),
        ]

    def __str__(self):
        return f"{self.assessment} · {self.get_action_display()}"


class AssessmentReminder(models.Model):
    """A reminder of a step's due date sent on one day to the party whose step
    it is: its unique constraint is what makes the daily job send it once a
    day, whoever runs the job and however often."""

    assessment = models.ForeignKey(
        ParkAssessment,
        verbose_name=_("park assessment"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    # The step the assessment was waiting on (its state then) and its due date.
    state = models.CharField(_("step"), max_length=16, choices=AssessmentState)
    due_on = models.DateField(_("due date"))
    sent_on = models.DateField(_("sent on"))
    overdue = models.BooleanField(_("overdue"), default=False)
    recipients = models.PositiveIntegerField(_("people told"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("assessment reminder")
        verbose_name_plural = _("assessment reminders")
        ordering = ["-sent_on", "assessment"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "state", "sent_on"],
                name="assessmentreminder_once_a_day",
            ),
        ]

    def __str__(self):
        return f"{self.assessment} · {self.sent_on}"
