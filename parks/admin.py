"""The admin of evaluation cycles: administrators set a cycle and its
indicators up; the steps of an assessment are the services' (the pages and the
API), so the admin shows them read-only. A published cycle and its results
are read-only for everyone (the database refuses changes too)."""

from django.contrib import admin

from audit.reason import ChangeReasonMixin
from config.admin import ReadOnlyAdmin

from .choices import AssessmentState, CycleState
from .models import (
    AssessmentEvidence,
    AssessmentStep,
    AssessmentValue,
    CycleIndicator,
    EvaluationCycle,
    ParkAssessment,
)
from .services import cycle_assessments_create


class CycleIndicatorInline(admin.TabularInline):
    model = CycleIndicator
    extra = 0
    fields = [
        "sort_order",
        "code",
        "name",
        "unit",
        "rule",
        "threshold",
        "lower",
        "upper",
        "higher_is_better",
        "weight",
    ]

    def _open(self, obj) -> bool:
        # Indicators change only before any park has submitted.
        return obj is None or (
            obj.state == CycleState.OPEN
            and not obj.assessments.exclude(state=AssessmentState.DRAFT).exists()
        )

    def has_add_permission(self, request, obj=None):
        return self._open(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._open(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._open(obj) and super().has_delete_permission(request, obj)


@admin.register(EvaluationCycle)
class EvaluationCycleAdmin(ChangeReasonMixin, admin.ModelAdmin):
    list_display = ["name", "batch", "period_end", "state", "announced_on"]
    list_filter = ["state", "batch"]
    search_fields = ["name"]
    inlines = [CycleIndicatorInline]
    fields = [
        "initiative",
        "name",
        "batch",
        "period_start",
        "period_end",
        "submit_due",
        "review_due",
        "score_due",
        "publish_due",
        "pass_score",
        "state",
        "announced_on",
        "published_at",
        "published_by",
        "version",
    ]
    # Publication is the joint office's step (the pages and the API).
    readonly_fields = [
        "state",
        "announced_on",
        "published_at",
        "published_by",
        "version",
    ]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.state == CycleState.PUBLISHED:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.state == CycleState.PUBLISHED:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            cycle_assessments_create(cycle=obj)


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AssessmentValueInline(_ReadOnlyInline):
    model = AssessmentValue
    fields = ["indicator", "value", "is_lower_bound", "note", "computed_score"]
    readonly_fields = fields


class AssessmentEvidenceInline(_ReadOnlyInline):
    model = AssessmentEvidence
    fields = ["name", "size", "content_type", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


class AssessmentStepInline(_ReadOnlyInline):
    model = AssessmentStep
    fields = [
        "created_at",
        "action",
        "from_state",
        "to_state",
        "indicator",
        "party",
        "actor",
        "comment",
    ]
    readonly_fields = fields


@admin.register(ParkAssessment)
class ParkAssessmentAdmin(ChangeReasonMixin, ReadOnlyAdmin):
    """Every step is a service's (submit, review, score, publish): read here."""

    list_display = ["park", "cycle", "state", "score", "outcome", "rank"]
    list_filter = ["cycle", "state", "outcome", "park__party"]
    search_fields = ["park__name", "cycle__name"]
    list_select_related = ["park", "cycle"]
    fields = [
        "cycle",
        "park",
        "pair",
        "state",
        "version",
        "computed_score",
        "score",
        "adjustment_reason",
        "outcome",
        "rank",
        "submitted_at",
        "updated_at",
    ]
    readonly_fields = fields
    inlines = [AssessmentValueInline, AssessmentEvidenceInline, AssessmentStepInline]


@admin.register(AssessmentStep)
class AssessmentStepAdmin(ReadOnlyAdmin):
    list_display = [
        "assessment",
        "action",
        "from_state",
        "to_state",
        "actor",
        "created_at",
    ]
    list_filter = ["action"]
    list_select_related = ["assessment__park", "assessment__cycle", "actor"]
    date_hierarchy = "created_at"
