"""What is sealed and the sealer's own record, for auditors: the security
events, the ledger, every sealing run (what it appended to the hash chain, the
snapshot it judged by) and every history row it refused as one that cannot be
genuine. Read-only, like the rest of the audit trail."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import admin
from django.contrib.admin.utils import quote
from django.contrib.admin.views.main import ChangeList
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import history
from .admin import TIME_FORMAT, ReadOnlyAuditAdmin, SecurityDateRangeFilter
from .models import AuditSeal, RefusedEvent, SealRun, SecurityEvent


def _time(value) -> str | None:
    return timezone.localtime(value).strftime(TIME_FORMAT) if value else None


def _wrapped(text: str) -> str:
    """Long text without spaces (digests, snapshots), broken where it must."""
    return format_html('<code style="overflow-wrap: anywhere;">{}</code>', text)


@admin.register(SealRun)
class SealRunAdmin(ReadOnlyAuditAdmin):
    view_permission = "audit.view_sealrun"
    list_display = [
        "number",
        "time",
        "positions",
        "sealed",
        "refused_link",
        "digest",
    ]
    list_display_links = ["number"]
    fields = [
        "number",
        "time",
        "first_position",
        "last_position",
        "sealed",
        "refused_link",
        "digest_whole",
        "snapshot_text",
        "sealer_xid",
        "next_xid",
    ]
    readonly_fields = fields
    search_fields = ["chain_digest"]
    ordering = ["-number"]
    actions = None

    @admin.display(description=_("sealed at"), ordering="sealed_at")
    def time(self, obj):
        return _time(obj.sealed_at)

    @admin.display(description=_("positions"))
    def positions(self, obj):
        if obj.first_position is None:
            return None  # a run that only refused
        if obj.first_position == obj.last_position:
            return str(obj.first_position)
        return f"{obj.first_position}–{obj.last_position}"

    @admin.display(description=_("events refused"), ordering="refused")
    def refused_link(self, obj):
        if not obj.refused:
            return 0
        url = reverse("admin:audit_refusedevent_changelist") + f"?run={obj.number}"
        return format_html(
            '<a class="audit-warning" href="{}">⚠ {}</a>', url, obj.refused
        )

    @admin.display(description=_("chain digest"))
    def digest(self, obj):
        # Whole and on one line: the list scrolls sideways on a phone.
        return format_html(
            '<code style="white-space: nowrap;">{}</code>', obj.chain_digest
        )

    @admin.display(description=_("chain digest"))
    def digest_whole(self, obj):
        return _wrapped(obj.chain_digest)

    @admin.display(description=_("database snapshot"))
    def snapshot_text(self, obj):
        return _wrapped(obj.snapshot) if obj.snapshot else None


class RefusedChangeList(ChangeList):
    def get_results(self, request):
        super().get_results(request)
        mark_present(self.result_list)


def _event_model(table: str):
    model = history.model_from_label(table)
    if model is SecurityEvent or hasattr(model, "pgh_tracked_model"):
        return model
    return None


def mark_present(refusals) -> None:
    """Whether each refused row is still in its table (the owner may have
    removed it since): one query per event table on the page."""
    by_table = defaultdict(set)
    for refusal in refusals:
        by_table[refusal.event_table].add(refusal.event_pgh_id)
    present = set()
    for table, ids in by_table.items():
        model = _event_model(table)
        if model is None:
            continue
        found = model.objects.filter(pk__in=ids).values_list("pk", flat=True)
        present.update((table, pk) for pk in found)
    for refusal in refusals:
        refusal.present = (refusal.event_table, refusal.event_pgh_id) in present


class ReasonFilter(admin.ChoicesFieldListFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("why refused")


class RunFilter(admin.SimpleListFilter):
    """The runs that refused something (the runs' list links here)."""

    title = _("sealing run")
    parameter_name = "run"

    def lookups(self, request, model_admin):
        runs = RefusedEvent.objects.order_by("-run").values_list("run", flat=True)
        return [
            (str(run), gettext("run %(number)s") % {"number": run})
            for run in runs.distinct()
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(run=int(value))
        return queryset


@admin.register(RefusedEvent)
class RefusedEventAdmin(ReadOnlyAuditAdmin):
    view_permission = "audit.view_refusedevent"
    list_display = [
        "table",
        "event_link",
        "claimed",
        "why",
        "run_link",
        "refused",
    ]
    list_display_links = ["why"]
    list_filter = [("reason", ReasonFilter), RunFilter]
    fields = readonly_fields = list_display
    search_fields = ["event_table", "=event_pgh_id"]
    ordering = ["-run", "event_table", "event_pgh_id"]
    actions = None

    def get_changelist(self, request, **kwargs):
        return RefusedChangeList

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            mark_present([obj])
        return obj

    @admin.display(description=_("event table"), ordering="event_table")
    def table(self, obj):
        model = _event_model(obj.event_table)
        tracked = getattr(model, "pgh_tracked_model", model)
        if tracked is None:
            return obj.event_table
        return format_html(
            "{} <code>{}</code>", history.model_label(tracked), obj.event_table
        )

    @admin.display(description=_("event id"), ordering="event_pgh_id")
    def event_link(self, obj):
        model = _event_model(obj.event_table)
        if model is None or not getattr(obj, "present", False):
            return format_html(
                "#{} <span>{}</span>",
                obj.event_pgh_id,
                gettext("(no longer in its table)"),
            )
        if model is SecurityEvent:
            url = reverse("admin:audit_securityevent_change", args=[obj.event_pgh_id])
        else:
            slug = f"{model._meta.label}:{obj.event_pgh_id}"
            url = reverse("admin:audit_auditlog_change", args=[quote(slug)])
        return format_html('<a href="{}">#{}</a>', url, obj.event_pgh_id)

    @admin.display(description=_("time it claims"), ordering="event_time")
    def claimed(self, obj):
        return _time(obj.event_time)

    @admin.display(description=_("why refused"), ordering="reason")
    def why(self, obj):
        return obj.get_reason_display()

    @admin.display(description=_("run"), ordering="run")
    def run_link(self, obj):
        url = reverse("admin:audit_sealrun_change", args=[obj.run])
        return format_html('<a href="{}">{}</a>', url, obj.run)

    @admin.display(description=_("refused at"), ordering="refused_at")
    def refused(self, obj):
        return _time(obj.refused_at)


# --- security events ----------------------------------------------------------------


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAuditAdmin):
    view_permission = "audit.view_securityevent"
    list_display = [
        "created_at",
        "kind",
        "username",
        "user",
        "ip",
        "method",
        "path",
        "request_id",
        "detail",
    ]
    list_filter = ["kind", SecurityDateRangeFilter]
    search_fields = ["username", "path", "request_id", "detail"]
    list_select_related = ["user"]
    actions = None


@admin.register(AuditSeal)
class AuditSealAdmin(ReadOnlyAuditAdmin):
    view_permission = "audit.view_auditseal"
    list_display = [
        "position",
        "event_table",
        "event_pgh_id",
        "chain_digest",
        "sealed_at",
    ]
    search_fields = ["event_table", "chain_digest", "event_digest"]
    actions = None
