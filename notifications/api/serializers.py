from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from config.api.inputs import StrictSerializer

from ..choices import Event
from ..models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    event_display = serializers.CharField(source="get_event_display", read_only=True)
    actor_name = serializers.SerializerMethodField()
    is_read = serializers.BooleanField(read_only=True)
    url = serializers.SerializerMethodField(
        help_text=_(
            "The page that opens the notification (marking it read) and goes on "
            "to its item."
        )
    )

    class Meta:
        model = Notification
        fields = [
            "id",
            "event",
            "event_display",
            "title",
            "body",
            "task",
            "link",
            "url",
            "actor",
            "actor_name",
            "created_at",
            "read_at",
            "is_read",
        ]
        read_only_fields = fields

    def get_actor_name(self, obj) -> str | None:
        return str(obj.actor) if obj.actor_id else None

    def get_url(self, obj) -> str:
        return reverse("notifications:open", args=[obj.pk])


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text=_("How many were unread."))


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


class EventChoiceSerializer(serializers.Serializer):
    event = serializers.ChoiceField(choices=Event.choices)
    event_display = serializers.CharField(source="label", read_only=True)
    enabled = serializers.BooleanField(help_text=_("Receive this event at all."))
    in_app = serializers.BooleanField(
        help_text=_("Show it in the notification centre.")
    )
    email = serializers.BooleanField(help_text=_("E-mail it."))
    required = serializers.BooleanField(
        read_only=True,
        help_text=_(
            "Always shown in the notification centre (urges and escalation "
            "notices): `enabled` and `in_app` cannot be turned off."
        ),
    )


class PreferencesSerializer(serializers.Serializer):
    daily_digest = serializers.BooleanField(
        help_text=_("E-mail comes as one digest a day instead of one per notification.")
    )
    has_email = serializers.BooleanField(
        read_only=True, help_text=_("Whether your account has an e-mail address.")
    )
    events = EventChoiceSerializer(many=True)


class JsonBooleanField(serializers.BooleanField):
    """true or false, as the schema says; not 0, 1, "yes" or "on", which DRF
    would read as one or the other."""

    def to_internal_value(self, data):
        if data is True or data is False:
            return data
        self.fail("invalid", input=data)


class EventChoiceInput(StrictSerializer):
    event = serializers.ChoiceField(choices=Event.choices)
    enabled = JsonBooleanField(required=False)
    in_app = JsonBooleanField(required=False)
    email = JsonBooleanField(required=False)


class PreferencesInput(StrictSerializer):
    daily_digest = JsonBooleanField(required=False)
    events = EventChoiceInput(many=True, required=False)

    def validate_events(self, value):
        seen = set()
        for item in value:
            if item["event"] in seen:
                raise serializers.ValidationError(
                    _("Each event at most once: %(event)s.") % {"event": item["event"]}
                )
            seen.add(item["event"])
        return value
