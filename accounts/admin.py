from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from audit.reason import ChangeReasonMixin

from .labels import permission_label
from .models import Agency, Membership, Party, User


class PermissionLabels:
    """Permission pickers that read in the user's language."""

    permission_fields = ("permissions", "user_permissions")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.name in self.permission_fields:
            field.label_from_instance = permission_label
        return field


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(PermissionLabels, BaseGroupAdmin):
    pass


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["party", "agency"]


@admin.register(User)
class UserAdmin(PermissionLabels, ChangeReasonMixin, BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Contact"), {"fields": ("full_name", "phone")}),
    )
    list_display = ["username", "full_name", "email", "is_staff", "is_active"]
    search_fields = ["username", "full_name", "email", "phone"]
    inlines = [MembershipInline]


@admin.register(Party)
class PartyAdmin(ChangeReasonMixin, admin.ModelAdmin):
    list_display = ["name", "code", "short_name", "kind", "sort_order"]
    list_filter = ["kind"]
    search_fields = ["name", "code", "short_name"]


@admin.register(Agency)
class AgencyAdmin(ChangeReasonMixin, admin.ModelAdmin):
    list_display = ["name", "party", "kind", "is_lead", "parent"]
    list_filter = ["party", "kind", "is_lead"]
    search_fields = ["name", "short_name"]
    autocomplete_fields = ["parent"]
    list_select_related = ["party", "parent"]


@admin.register(Membership)
class MembershipAdmin(ChangeReasonMixin, admin.ModelAdmin):
    list_display = ["user", "party", "role", "agency", "is_active", "created_at"]
    list_filter = ["party", "role", "is_active"]
    search_fields = ["user__username", "user__full_name", "agency__name"]
    autocomplete_fields = ["user", "party", "agency"]
    list_select_related = ["user", "party", "agency"]
