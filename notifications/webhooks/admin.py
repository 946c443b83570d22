"""Administrators set up group-chat robots and webhooks here; everyone who may
look sees what was sent and why something was not. A secret is never shown
back: the form takes a new one or keeps the old, the pages show its first
characters only, and the robot's URL (a WeCom key is in it) by its host."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django import forms
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.models import Party
from audit.reason import ChangeReasonMixin
from config.admin import ReadOnlyAdmin
from notifications.choices import Event

from . import services
from .choices import DeliveryStatus
from .models import ChatWebhook, WebhookDelivery, mask


def _host(url: str) -> str:
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return "—"
    return f"{host} …" if host else "—"


class ChatWebhookForm(forms.ModelForm):
    url = forms.URLField(
        label=_("webhook URL"),
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"class": "vURLField"}),
        help_text=ChatWebhook._meta.get_field("url").help_text,
    )
    secret = forms.CharField(
        label=_("signing secret"),
        required=False,
        max_length=200,
        strip=True,
        widget=forms.PasswordInput(
            render_value=False, attrs={"class": "vTextField", "autocomplete": "off"}
        ),
        help_text=ChatWebhook._meta.get_field("secret").help_text,
    )
    clear_secret = forms.BooleanField(
        label=_("remove the saved secret"), required=False
    )
    events = forms.MultipleChoiceField(
        label=_("events"),
        choices=Event.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=ChatWebhook._meta.get_field("events").help_text,
    )
    parties = forms.ModelMultipleChoiceField(
        label=_("only items of these parties"),
        queryset=Party.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=ChatWebhook._meta.get_field("parties").help_text,
    )
    allowed_addresses = forms.CharField(
        label=_("allowed internal addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=ChatWebhook._meta.get_field("allowed_addresses").help_text,
    )

    class Meta:
        model = ChatWebhook
        fields = [
            "name",
            "kind",
            "url",
            "secret",
            "events",
            "parties",
            "is_active",
            "allowed_addresses",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        saved = self.instance.secret if self.instance.pk else ""
        if saved:
            self.fields["secret"].help_text = _(
                "A secret is saved (%(masked)s). Leave this empty to keep it."
            ) % {"masked": mask(saved)}
        self.initial["allowed_addresses"] = "\n".join(
            self.instance.allowed_addresses or []
        )

    def clean_secret(self):
        return self.cleaned_data["secret"] or (
            self.instance.secret if self.instance.pk else ""
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("clear_secret"):
            cleaned["secret"] = ""
        return cleaned

    def clean_allowed_addresses(self):
        text = self.cleaned_data["allowed_addresses"] or ""
        return [entry for entry in re.split(r"[\s,，;；]+", text) if entry]


@admin.register(ChatWebhook)
class ChatWebhookAdmin(ChangeReasonMixin, admin.ModelAdmin):
    form = ChatWebhookForm
    list_display = [
        "name",
        "kind",
        "destination",
        "event_list",
        "party_list",
        "secret_display",
        "is_active",
    ]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    actions = ["send_test"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("parties")

    def get_fields(self, request, obj=None):
        if obj is not None and not self.has_change_permission(request, obj):
            # Read-only: the secret and the URL by their masked forms.
            return [
                "name",
                "kind",
                "destination",
                "event_list",
                "party_list",
                "is_active",
                "allowed_list",
                "secret_display",
                "created_at",
            ]
        fields = list(super().get_fields(request, obj))
        if obj is None or not obj.secret:
            fields.remove("clear_secret")
        return fields

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not self.has_change_permission(request, obj):
            return self.get_fields(request, obj)
        return []

    @admin.display(description=_("webhook URL"))
    def destination(self, obj):
        return _host(obj.url)

    @admin.display(description=_("events"))
    def event_list(self, obj):
        labels = dict(Event.choices)
        return "、".join(str(labels.get(e, e)) for e in obj.events) or "—"

    @admin.display(description=_("only items of these parties"))
    def party_list(self, obj):
        return "、".join(p.name for p in obj.parties.all()) or _("all")

    @admin.display(description=_("allowed internal addresses"))
    def allowed_list(self, obj):
        return "、".join(obj.allowed_addresses) or "—"

    @admin.display(description=_("signing secret"))
    def secret_display(self, obj):
        return obj.masked_secret or "—"

    @admin.action(
        description=_("Send a test message to the selected webhooks"),
        permissions=["change"],
    )
    def send_test(self, request, queryset):
        rows = services.webhook_send_test(webhooks=list(queryset))
        self.message_user(
            request,
            _("%(count)d test messages queued; their results are in the delivery log.")
            % {"count": len(rows)},
        )


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "webhook",
        "event_display",
        "title",
        "status",
        "attempts",
        "last_error",
    ]
    list_filter = ["status", "webhook"]
    search_fields = ["title", "last_error"]
    date_hierarchy = "created_at"
    list_select_related = ["webhook"]
    fields = [
        "webhook",
        "event_display",
        "title",
        "body",
        "link_display",
        "task_display",
        "status",
        "attempts",
        "last_attempt_at",
        "next_attempt_at",
        "response_code",
        "last_error",
        "sent_at",
        "created_at",
        "delivery_id",
        "occurrence",
    ]
    readonly_fields = fields
    actions = ["send_again"]

    @admin.display(description=_("event"))
    def event_display(self, obj):
        return obj.event_label

    @admin.display(description=_("link"))
    def link_display(self, obj):
        if not obj.link:
            return "—"
        return format_html('<a href="{}">{}</a>', obj.link, _("Open the link"))

    @admin.display(description=_("task"))
    def task_display(self, obj):
        return str(obj.task) if obj.task_id else "—"

    @admin.action(
        description=_("Send the selected failed deliveries again"),
        permissions=["send_again"],
    )
    def send_again(self, request, queryset):
        count = services.webhook_deliveries_retry(
            ids=queryset.filter(status=DeliveryStatus.FAILED).values_list(
                "pk", flat=True
            )
        )
        self.message_user(
            request, _("%(count)d deliveries queued again.") % {"count": count}
        )

    def has_send_again_permission(self, request):
        return request.user.has_perm("notifications.change_chatwebhook")
