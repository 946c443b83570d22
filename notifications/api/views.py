"""The notification centre and preferences over the API: plumbing over the
selectors and services. Everything here is the caller's own; another
person's notification is a 404."""

from django.db import transaction
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.inputs import validated
from config.api.parsers import JSONParser

from .. import preferences, selectors, services
from ..models import Notification
from .filters import NotificationFilter
from .serializers import (
    MarkedSerializer,
    NotificationSerializer,
    PreferencesInput,
    PreferencesSerializer,
    UnreadCountSerializer,
)


class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    """My notifications, newest first (the notification centre)."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    filter_backends = [DjangoFilterBackend]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Notification.objects.none()
        return selectors.notification_list_for_user(user=self.request.user)

    def get_object(self):
        return selectors.notification_get_for_user(
            user=self.request.user, notification_id=self.kwargs["pk"]
        )

    @extend_schema(request=None, responses={200: NotificationSerializer})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """Mark one notification read (reading it again changes nothing)."""
        notification = self.get_object()
        services.notification_mark_read(user=request.user, notification=notification)
        notification.refresh_from_db(fields=["read_at"])
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses={200: MarkedSerializer})
    @action(detail=False, methods=["post"], url_path="read-all", url_name="read-all")
    def read_all(self, request):
        """Mark every notification read."""
        marked = services.notification_mark_all_read(user=request.user)
        return Response({"marked": marked})

    @extend_schema(responses={200: UnreadCountSerializer})
    @action(
        detail=False,
        methods=["get"],
        url_path="unread-count",
        url_name="unread-count",
        filter_backends=[],
        pagination_class=None,
    )
    def unread_count(self, request):
        """How many notifications are unread (the header's badge)."""
        return Response({"unread": selectors.unread_count(user=request.user)})


def _preferences(user) -> dict:
    return {
        "daily_digest": preferences.daily_digest_for(user),
        "has_email": bool(user.email),
        "events": [
            {
                "event": choice.event,
                "label": choice.label,
                "enabled": choice.enabled,
                "in_app": choice.in_app,
                "email": choice.email,
                "required": choice.required,
            }
            for choice in preferences.choices_for(user)
        ],
    }


class PreferencesView(APIView):
    """My notification settings: per event, whether I receive it and on which
    channels; and whether e-mail comes as one daily digest."""

    # A list of objects: a form body cannot say it (DRF would read no events
    # from it and answer as if none were sent).
    parser_classes = [JSONParser]

    @extend_schema(responses={200: PreferencesSerializer})
    def get(self, request):
        return Response(PreferencesSerializer(_preferences(request.user)).data)

    @extend_schema(
        request=PreferencesInput,
        responses={200: PreferencesSerializer},
        description=(
            "Events listed are set (a channel left out keeps its value); events "
            "not listed keep their settings. `daily_digest` left out keeps its "
            "value."
        ),
    )
    @transaction.atomic
    def put(self, request):
        data = validated(PreferencesInput, request)
        events = {item.pop("event"): item for item in data.get("events", [])}
        services.notification_preferences_set(
            user=request.user, events=events, daily_digest=data.get("daily_digest")
        )
        return Response(PreferencesSerializer(_preferences(request.user)).data)
