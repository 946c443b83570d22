"""Notifications in the admin: read only. The services write every row; each
person sets their own preferences on their settings page (or the API)."""

from django.contrib import admin

from config.admin import ReadOnlyAdmin

from .models import DigestMail, MailSettings, Notification, NotificationPreference


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
    raw_id_fields = ["recipient", "actor", "task", "digest"]


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
