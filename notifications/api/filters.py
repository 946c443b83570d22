import django_filters
from django.utils.translation import gettext_lazy as _

from config.api.filters import StrictFilterSet

from ..models import Notification


class NotificationFilter(StrictFilterSet):
    unread = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="filter_unread",
        label=_("Only unread (true) or only read (false) notifications."),
    )

    class Meta:
        model = Notification
        fields = []

    def filter_unread(self, queryset, name, value):
        return queryset.filter(read_at__isnull=value == "true")
