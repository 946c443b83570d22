from django.contrib import admin
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.forms.models import BaseInlineFormSet
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from audit.reason import ChangeReasonMixin
from config.admin import ReadOnlyAdmin

from .models import (
    ClaimDecision,
    CompletionClaim,
    ExtensionRequest,
    Indicator,
    IndicatorReading,
    IndustrialPark,
    Initiative,
    InitiativeIndicator,
    LightOverride,
    Milestone,
    ParkPair,
    ParkPairMember,
    Participation,
    ProgressUpdate,
    Task,
    TaskOwner,
    UpdateEvidence,
    WorkStream,
)
from .services.lights import lights_refresh


def owner_dependents(owner: TaskOwner) -> list[str]:
    """What still hangs on a party's ownership of a task (which blocks removing it)."""
    kinds = [
        (Milestone, _("milestones")),
        (Indicator, _("indicators")),
        (ProgressUpdate, _("progress updates")),
    ]
    return [
        str(label)
        for model, label in kinds
        if model.objects.filter(task_id=owner.task_id, party_id=owner.party_id).exists()
    ]


def owner_removal_error(owner: TaskOwner) -> str | None:
    dependents = owner_dependents(owner)
    if not dependents:
        return None
    return _(
        "%(party)s still has %(what)s on this task; remove or reassign them before "
        "removing the party's owner."
    ) % {"party": owner.party, "what": "、".join(dependents)}


class RefreshesLight:
    """The admin writes the rows itself, not through a service: the stored
    light of the task follows in the same transaction (the admin's change
    and delete views are atomic)."""

    def _task_ids(self, obj) -> list[int]:
        return [obj.pk if isinstance(obj, Task) else obj.task_id]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        lights_refresh(task_ids=self._task_ids(form.instance))

    def delete_model(self, request, obj):
        task_ids = self._task_ids(obj)
        super().delete_model(request, obj)
        lights_refresh(task_ids=task_ids)

    def delete_queryset(self, request, queryset):
        task_ids = [i for obj in queryset for i in self._task_ids(obj)]
        super().delete_queryset(request, queryset)
        lights_refresh(task_ids=task_ids)


class TaskOwnerFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        for form in self.deleted_forms:
            if form.instance.pk and (message := owner_removal_error(form.instance)):
                raise ValidationError(message)


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    autocomplete_fields = ["party", "lead_agency"]


class InitiativeIndicatorInline(admin.TabularInline):
    """The circle-wide indicators (全域指标) the joint office tracks; their
    readings are recorded through the API (POST
    /api/v1/initiative-indicators/{id}/readings/)."""

    model = InitiativeIndicator
    extra = 0
    fields = ["name", "unit", "baseline", "target", "direction", "sort_order"]


@admin.register(Initiative)
class InitiativeAdmin(ChangeReasonMixin, admin.ModelAdmin):
    list_display = ["name", "code", "launched_on"]
    search_fields = ["name", "code", "short_name"]
    inlines = [ParticipationInline, InitiativeIndicatorInline]


@admin.register(WorkStream)
class WorkStreamAdmin(ChangeReasonMixin, admin.ModelAdmin):
    list_display = ["name", "code", "initiative", "sort_order"]
    list_filter = ["initiative"]
    search_fields = ["name", "code"]


PARTY_PROGRESS_FIELDS = ["progress", "narrative", "progress_reported_at"]


class TaskOwnerInline(admin.TabularInline):
    model = TaskOwner
    formset = TaskOwnerFormSet
    extra = 0
    min_num = 1
    autocomplete_fields = ["party", "agency", "contact_user"]
    # A party's progress is its own report, posted through a progress update.
    readonly_fields = PARTY_PROGRESS_FIELDS


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = [
        "title",
        "party",
        "parent",
        "due_date",
        "status",
        "completed_at",
        "weight",
    ]
    autocomplete_fields = ["party"]
    show_change_link = True


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ["name", "unit", "party", "baseline", "target", "direction"]
    show_change_link = True


@admin.register(Task)
class TaskAdmin(RefreshesLight, ChangeReasonMixin, admin.ModelAdmin):
    list_display = [
        "code",
        "title",
        "work_stream",
        "task_list",
        "lead_party",
        "owner_summary",
        "status",
        "due_date",
        "progress",
    ]
    list_display_links = ["code", "title"]
    list_filter = [
        "initiative",
        "work_stream",
        "task_list",
        "status",
        "priority",
        "lead_party",
        ("owners__party", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = [
        "code",
        "title",
        "description",
        "owners__agency__name",
        "owners__contact_name",
    ]
    date_hierarchy = "due_date"
    # Status and progress change only through the workflow and progress updates
    # (services), never by typing into the admin.
    readonly_fields = [
        "status",
        "progress",
        "completed_at",
        "original_due_date",
        "version",
        "created_at",
        "updated_at",
    ]
    autocomplete_fields = ["lead_party"]
    list_select_related = ["work_stream", "lead_party"]
    inlines = [TaskOwnerInline, MilestoneInline, IndicatorInline]
    fieldsets = [
        (None, {"fields": ["initiative", "code", "title", "description"]}),
        (
            _("Classification"),
            {"fields": ["work_stream", "task_list", "lead_party", "priority"]},
        ),
        (
            _("Schedule and progress"),
            {
                "fields": [
                    "status",
                    "planned_start",
                    "due_date",
                    "original_due_date",
                    "progress",
                    "completed_at",
                ]
            },
        ),
        (_("Record"), {"fields": ["version", "created_at", "updated_at"]}),
    ]

    def save_model(self, request, obj, form, change):
        if change:
            obj.version += 1  # an admin edit makes every ETag read before it stale
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is Milestone:
            for milestone_form in formset.forms:
                instance = milestone_form.instance
                if instance.pk and milestone_form.has_changed():
                    instance.version += 1
        super().save_formset(request, form, formset, change)

    def get_queryset(self, request):
        owners = TaskOwner.objects.select_related("party", "agency").order_by(
            "party__sort_order"
        )
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("owners", queryset=owners))
        )

    @admin.display(description=_("owners"))
    def owner_summary(self, task):
        return "；".join(f"{o.party.short_name}：{o.agency}" for o in task.owners.all())


@admin.register(TaskOwner)
class TaskOwnerAdmin(RefreshesLight, ChangeReasonMixin, admin.ModelAdmin):
    list_display = ["task", "party", "agency", "contact_name", "contact_phone"]
    list_filter = ["party"]
    search_fields = ["task__code", "task__title", "agency__name", "contact_name"]
    autocomplete_fields = ["task", "party", "agency", "contact_user"]
    list_select_related = ["task", "party", "agency"]
    readonly_fields = PARTY_PROGRESS_FIELDS
    actions = None  # removing owners one by one keeps the dependency check visible

    def has_delete_permission(self, request, obj=None):
        if obj is not None and owner_dependents(obj):
            return False
        return super().has_delete_permission(request, obj)


class MilestonePartInline(admin.TabularInline):
    model = Milestone
    fk_name = "parent"
    extra = 0
    fields = ["title", "party", "due_date", "status", "completed_at", "weight"]
    verbose_name = _("party part")
    verbose_name_plural = _("party parts")


@admin.register(Milestone)
class MilestoneAdmin(RefreshesLight, ChangeReasonMixin, admin.ModelAdmin):
    list_display = ["title", "task", "party", "parent", "due_date", "status", "weight"]
    list_filter = ["status", "party", "task__work_stream"]
    search_fields = ["title", "task__code", "task__title"]
    date_hierarchy = "due_date"
    autocomplete_fields = ["task", "party", "parent"]
    list_select_related = ["task", "party", "parent"]
    inlines = [MilestonePartInline]


class ReadingInline(admin.TabularInline):
    model = IndicatorReading
    extra = 0
    fields = [
        "period",
        "value",
        "qualifier",
        "party",
        "reported_by",
        "verification_status",
        "note",
    ]
    autocomplete_fields = ["reported_by"]


@admin.register(Indicator)
class IndicatorAdmin(ChangeReasonMixin, admin.ModelAdmin):
    list_display = ["name", "task", "party", "unit", "baseline", "target", "direction"]
    list_filter = ["direction", "party", "task__work_stream"]
    search_fields = ["name", "task__code", "task__title"]
    autocomplete_fields = ["task", "party"]
    list_select_related = ["task", "party"]
    inlines = [ReadingInline]


@admin.register(IndicatorReading)
class IndicatorReadingAdmin(ChangeReasonMixin, admin.ModelAdmin):
    list_display = [
        "indicator",
        "period",
        "value",
        "qualifier",
        "party",
        "reported_by",
        "verification_status",
    ]
    list_filter = ["verification_status", "qualifier", "party"]
    search_fields = ["indicator__name", "indicator__task__title", "note"]
    date_hierarchy = "period"
    autocomplete_fields = ["indicator", "reported_by", "verified_by"]
    list_select_related = ["indicator", "party", "reported_by"]


class UpdateEvidenceInline(admin.TabularInline):
    model = UpdateEvidence
    extra = 0
    can_delete = False
    fields = ["name", "size", "content_type", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ChangeReasonMixin, admin.ModelAdmin):
    list_display = ["task", "party", "author", "progress", "reported_at"]
    list_filter = ["party", "task__work_stream"]
    search_fields = ["narrative", "task__code", "task__title", "author__full_name"]
    date_hierarchy = "reported_at"
    autocomplete_fields = ["task", "author"]
    list_select_related = ["task", "party", "author"]
    inlines = [UpdateEvidenceInline]


@admin.register(IndustrialPark)
class IndustrialParkAdmin(ChangeReasonMixin, admin.ModelAdmin):
    list_display = ["name", "party", "city_county", "batch", "agency"]
    list_filter = ["party", "batch"]
    search_fields = ["name", "city_county"]
    list_select_related = ["party", "agency"]


class ParkPairMemberFormSet(BaseInlineFormSet):
    """Two or more parks, of different parties, each in one pair per batch
    (the batch is the pair's: set on save)."""

    def clean(self):
        super().clean()
        parks = [
            form.cleaned_data["park"]
            for form in self.forms
            if form.cleaned_data.get("park") and not form.cleaned_data.get("DELETE")
        ]
        if len(parks) < 2:
            raise ValidationError(_("A pair needs at least two parks."))
        if len({park.party_id for park in parks}) < len(parks):
            raise ValidationError(
                _("The parks of a pair must be in different parties.")
            )
        for form in self.forms:
            if form.cleaned_data.get("park"):
                form.instance.batch = self.instance.batch


class ParkPairMemberInline(admin.TabularInline):
    model = ParkPairMember
    formset = ParkPairMemberFormSet
    fields = ["park"]
    autocomplete_fields = ["park"]
    extra = 2
    min_num = 0


@admin.register(ParkPair)
class ParkPairAdmin(ChangeReasonMixin, admin.ModelAdmin):
    list_display = ["member_parks", "name", "batch", "paired_on"]
    list_filter = ["batch"]
    search_fields = ["name", "parks__name"]
    inlines = [ParkPairMemberInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "members",
                    queryset=ParkPairMember.objects.select_related(
                        "park__party"
                    ).order_by("park__party__sort_order", "park__name"),
                )
            )
        )

    @admin.display(description=_("parks"))
    def member_parks(self, obj):
        return " ⇄ ".join(member.park.name for member in obj.members.all())

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A pair moved to another batch takes its parks with it.
        form.instance.members.exclude(batch=form.instance.batch).update(
            batch=form.instance.batch
        )


class ReadOnlyEventAdmin(ReadOnlyAdmin):
    """Business events are written by the services; the admin shows them."""


class ClaimDecisionInline(admin.TabularInline):
    model = ClaimDecision
    extra = 0
    can_delete = False
    readonly_fields = ["party", "decided_by", "decision", "reason", "decided_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CompletionClaim)
class CompletionClaimAdmin(ReadOnlyEventAdmin):
    list_display = ["task", "party", "claimed_by", "status", "claimed_at", "closed_at"]
    list_filter = ["status", "party"]
    search_fields = ["task__code", "task__title", "explanation"]
    list_select_related = ["task", "party", "claimed_by"]
    inlines = [ClaimDecisionInline]


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(ReadOnlyEventAdmin):
    list_display = [
        "task",
        "party",
        "current_due_date",
        "requested_due_date",
        "days_overdue",
        "status",
        "requested_at",
        "decided_by",
    ]
    list_filter = ["status", "party"]
    search_fields = ["task__code", "task__title", "reason"]
    list_select_related = ["task", "party", "decided_by"]
    actions = ["approve"]

    @admin.action(description=_("Approve the selected extension requests"))
    def approve(self, request, queryset):
        """Approve with the dates asked for and the office's written opinion,
        which every decision needs: asked on a page of its own first. Deciding
        one request at a time, with its own date, is the workbench's."""
        from config.exceptions import DomainError

        from . import services

        opinion = (request.POST.get("opinion") or "").strip()
        if "apply" not in request.POST or not opinion:
            return TemplateResponse(
                request,
                "admin/tracker/extensionrequest/approve.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Approve the selected extension requests"),
                    "opts": self.model._meta,
                    "extensions": queryset.select_related("task", "party"),
                    "opinion": opinion,
                    "missing": "apply" in request.POST,
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                },
            )
        approved = 0
        for extension in queryset:
            try:
                services.extension_request_decide(
                    request=extension,
                    actor=request.user,
                    approve=True,
                    opinion=opinion,
                )
                approved += 1
            except DomainError as exc:
                self.message_user(request, f"{extension}: {exc.message}", level="error")
        if approved:
            self.message_user(
                request,
                _("%(count)d extension requests approved.") % {"count": approved},
            )
        return None


@admin.register(LightOverride)
class LightOverrideAdmin(ReadOnlyEventAdmin):
    list_display = ["task", "light", "reason", "expires_at", "set_by", "cleared_at"]
    list_filter = ["light"]
    search_fields = ["task__code", "task__title", "reason"]
    list_select_related = ["task", "set_by"]


@admin.register(UpdateEvidence)
class UpdateEvidenceAdmin(ReadOnlyEventAdmin):
    """Files come with progress updates (or ahead of them, through the API);
    the admin shows them and who sent them. Downloads go through the scoped
    download of the task page."""

    list_display = ["name", "update", "size", "uploaded_by", "uploaded_at"]
    list_filter = [("update", admin.EmptyFieldListFilter)]
    search_fields = ["name", "update__task__code", "update__task__title"]
    date_hierarchy = "uploaded_at"
    list_select_related = ["update__task", "update__party", "uploaded_by"]
    fields = [
        "name",
        "update",
        "size",
        "content_type",
        "uploaded_by",
        "uploaded_at",
        "attached_at",
    ]
