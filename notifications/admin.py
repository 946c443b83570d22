"""Notifications in the admin: read only. The services write every row; each
person sets their own preferences on their settings page (or the API)."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from config.admin import ReadOnlyAdmin

from .models import DigestMail, MailSettings, Notification, NotificationPreference
from .webhooks import admin as webhooks_admin  # noqa: F401  (registers its models)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = [
        "title",
        "recipient",
        "event",
        "created_at",
        "read_at",
        "in_app",
        "email_mode",
        "emailed_at",
    ]
    list_filter = ["event", "in_app", "email_mode", "created_at"]
    search_fields = ["title", "recipient__username", "recipient__full_name"]
    date_hierarchy = "created_at"
    list_select_related = ["recipient"]
    exclude = ["link"]
    readonly_fields = ["where_it_leads"]

    @admin.display(description=_("link"))
    def where_it_leads(self, obj):
        # A path of this site (notify() writes nothing else), shown as a link
        # to follow rather than as a path to read.
        if not obj.link.startswith("/") or obj.link.startswith("//"):
            return "—"
        return format_html('<a href="{}">{}</a>', obj.link, _("Open it"))


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ReadOnlyAdmin):
    list_display = ["user", "event", "enabled", "in_app", "email", "updated_at"]
    list_filter = ["event", "enabled", "in_app", "email"]
    search_fields = ["user__username", "user__full_name"]
    list_select_related = ["user"]


@admin.register(MailSettings)
class MailSettingsAdmin(ReadOnlyAdmin):
    list_display = ["user", "daily_digest", "updated_at"]
    list_filter = ["daily_digest"]
    search_fields = ["user__username", "user__full_name"]
    list_select_related = ["user"]


@admin.register(DigestMail)
class DigestMailAdmin(ReadOnlyAdmin):
    list_display = ["day", "user", "email", "sent_at"]
    list_filter = ["day"]
    search_fields = ["email", "user__username", "user__full_name"]
    date_hierarchy = "day"
    list_select_related = ["user"]
