from django.contrib import admin

from .models import IdempotencyRecord


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that only the services write: the admin shows them, and nobody adds,
    changes or deletes them here, superusers included. Whoever may view them
    sees the app in the index."""

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(admin.ModelAdmin):
    """Read-only: the API writes these and a daily job purges expired ones."""

    list_display = ["key", "user", "method", "path", "status_code", "created_at"]
    list_filter = ["method", "status_code"]
    search_fields = ["key", "path", "user__username"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
