"""A "reason for the change" field on admin forms, kept in the audit trail."""

import pghistory
from django import forms
from django.contrib.admin.utils import flatten_fieldsets
from django.utils.translation import gettext_lazy as _

REASON_FIELD = "change_reason"


class ChangeReasonMixin:
    """For a ModelAdmin: an optional reason on every add and change form, stored
    in the context of the events this save writes (inlines included)."""

    def _asks_reason(self, request, obj) -> bool:
        if obj is None:
            return self.has_add_permission(request)
        return self.has_change_permission(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The model form is built from the fieldsets' names; the reason is not a
        # model field, so it is declared on the form below instead.
        if "fields" not in kwargs:
            kwargs["fields"] = flatten_fieldsets(self.get_fieldsets(request, obj))
        if kwargs["fields"] is not None:
            kwargs["fields"] = [f for f in kwargs["fields"] if f != REASON_FIELD]
        form = super().get_form(request, obj, change=change, **kwargs)
        if not self._asks_reason(request, obj):
            return form
        field = forms.CharField(
            label=_("reason for the change"),
            required=False,
            max_length=500,
            help_text=_("Kept in the audit trail with this change."),
        )
        return type(form)(form.__name__, (form,), {REASON_FIELD: field})

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if self._asks_reason(request, obj) and REASON_FIELD not in flatten_fieldsets(
            fieldsets
        ):
            fieldsets.append((_("Reason"), {"fields": [REASON_FIELD]}))
        return fieldsets

    def save_model(self, request, obj, form, change):
        reason = (getattr(form, "cleaned_data", {}).get(REASON_FIELD) or "").strip()
        if reason:
            # Joins the request's audit context, so the inlines saved after this
            # carry the reason too.
            pghistory.context(reason=reason)
        super().save_model(request, obj, form, change)
