from django.contrib import admin
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.reason import ChangeReasonMixin
from config.admin import ReadOnlyAdmin

from .models import ReminderRule, Urge, UrgeTarget, WorkCalendarDay

WEEKDAYS = [
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
]


@admin.register(ReminderRule)
class ReminderRuleAdmin(ChangeReasonMixin, admin.ModelAdmin):
    """The rungs of the daily ladder; the joint office tunes them here."""

    list_display = [
        "name",
        "kind",
        "watches",
        "days",
        "skip_non_working_days",
        "is_active",
        "sort_order",
    ]
    list_display_links = ["name"]
    list_filter = ["kind", "watches", "is_active"]
    search_fields = ["name"]
    fields = [
        "name",
        "kind",
        "watches",
        "days",
        "skip_non_working_days",
        "is_active",
        "sort_order",
    ]

    def has_delete_permission(self, request, obj=None):
        # A rule that fired is the key of what it sent: switch it off instead.
        if obj is not None and obj.firings.exists():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(WorkCalendarDay)
class WorkCalendarDayAdmin(ChangeReasonMixin, admin.ModelAdmin):
    """Public holidays and make-up working days (the State Council's yearly
    notice); the ladder counts working days by them."""

    list_display = ["date", "weekday", "kind", "name"]
    list_filter = ["kind"]
    search_fields = ["name"]
    date_hierarchy = "date"
    fields = ["date", "kind", "name"]

    @admin.display(description=_("weekday"), ordering="date")
    def weekday(self, obj):
        return WEEKDAYS[obj.date.weekday()]


class UrgeTargetInline(admin.TabularInline):
    model = UrgeTarget
    extra = 0
    can_delete = False
    fields = ["party", "answered_at", "answered_by", "reply", "progress_update"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("party", "answered_by", "progress_update")
        )


@admin.register(Urge)
class UrgeAdmin(ReadOnlyAdmin):
    """The 督办 ledger: every 催办, reminder and notice, as the services wrote
    it; each addressed party's answer below it."""

    # The item and milestone as text that wraps: long titles would otherwise
    # push the kind and the parties off a laptop's screen.
    list_display = ["sent", "kind", "item", "milestone_title", "sender", "parties"]
    list_display_links = ["sent"]
    list_filter = ["kind", "sent_at"]
    search_fields = ["task__code", "task__title", "milestone__title", "message"]
    date_hierarchy = "sent_at"
    list_select_related = ["task", "milestone", "sent_by"]
    fields = ["task", "milestone", "kind", "message", "sender", "sent_at"]
    readonly_fields = fields
    inlines = [UrgeTargetInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "targets",
                    queryset=UrgeTarget.objects.select_related("party").order_by(
                        "party__sort_order", "party_id"
                    ),
                )
            )
        )

    @admin.display(description=_("sent at"), ordering="sent_at")
    def sent(self, obj):
        # Date and time may wrap apart on a phone.
        return timezone.localtime(obj.sent_at).strftime("%Y-%m-%d %H:%M")

    @admin.display(description=_("task"), ordering="task__code")
    def item(self, obj):
        return str(obj.task)

    @admin.display(description=_("milestone"), ordering="milestone__title")
    def milestone_title(self, obj):
        return obj.milestone.title if obj.milestone else "—"

    @admin.display(description=_("sent by"), ordering="sent_by")
    def sender(self, obj):
        if obj.sent_by is None:
            return _("the daily reminder ladder")
        return obj.sent_by.full_name or obj.sent_by.username

    @admin.display(description=_("addressed to"))
    def parties(self, obj):
        return "、".join(target.party.name for target in obj.targets.all()) or "—"
