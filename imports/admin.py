"""The import in the admin: the list of files imported, and a link to the
import page (the same service as the joint office's page)."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["file_name", "initiative", "uploaded_by", "status", "created_at"]
    list_filter = ["status", "initiative"]
    search_fields = ["file_name", "sha256"]
    readonly_fields = [
        "initiative",
        "uploaded_by",
        "file_name",
        "size",
        "sha256",
        "status",
        "rows_total",
        "rows_done",
        "created_at",
        "finished_at",
        "page",
    ]
    fields = readonly_fields
    change_list_template = "admin/imports/importjob/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("dry run and problems"))
    def page(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("imports:job", args=[obj.pk]), obj.file_name
        )
