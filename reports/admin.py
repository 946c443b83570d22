from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from audit.reason import ChangeReasonMixin
from tracker.admin import ReadOnlyEventAdmin

from . import services
from .choices import ReportStatus
from .models import Report, ReportDelivery, ReportFile, ReportSubscription


class ReportFileInline(admin.TabularInline):
    model = ReportFile
    extra = 0
    can_delete = False
    readonly_fields = ["format", "language", "file", "size", "sha256", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(ReadOnlyEventAdmin):
    """Reports are written by the generator; the admin shows them and can put a
    stuck one back in the queue."""

    list_display = [
        "__str__",
        "initiative",
        "status",
        "step",
        "attempts",
        "requested_by",
        "requested_at",
        "finished_at",
    ]
    list_filter = ["kind", "scope", "status", "initiative"]
    date_hierarchy = "period_end"
    list_select_related = [
        "initiative",
        "scope_party",
        "scope_work_stream",
        "requested_by",
    ]
    exclude = ["snapshot"]
    inlines = [ReportFileInline]
    actions = ["queue_again"]

    @admin.action(description=_("Queue the selected unfinished reports again"))
    def queue_again(self, request, queryset):
        queued = 0
        for report in queryset.filter(status=ReportStatus.QUEUED):
            queued += services.report_enqueue(report_id=report.pk)
        self.message_user(
            request, _("%(count)d reports handed to the queue.") % {"count": queued}
        )

    def has_queue_again_permission(self, request):
        return request.user.is_superuser


@admin.register(ReportSubscription)
class ReportSubscriptionAdmin(ChangeReasonMixin, admin.ModelAdmin):
    list_display = ["user", "initiative", "kind", "scope", "created_at"]
    list_filter = ["kind", "scope", "initiative"]
    search_fields = ["user__username", "user__full_name", "user__email"]
    autocomplete_fields = ["user"]


@admin.register(ReportDelivery)
class ReportDeliveryAdmin(ReadOnlyEventAdmin):
    list_display = ["report", "user", "email", "sent_at"]
    list_filter = ["sent_at"]
    search_fields = ["email", "user__username"]
    list_select_related = ["report", "user"]
