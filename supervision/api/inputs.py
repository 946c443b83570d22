"""What the API accepts for 催办 by hand: strict bodies, and a milestone id
only among those the caller may see (the service refuses one of another
item)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from config.api.inputs import ScopedIdField, StrictSerializer
from tracker.models import Milestone
from tracker.selectors import milestone_list_for_user

from ..services.urges import MESSAGE_MAX


class UrgeInput(StrictSerializer):
    message = serializers.CharField(max_length=MESSAGE_MAX)
    milestone = ScopedIdField(
        Milestone,
        scope=milestone_list_for_user,
        required=False,
        allow_null=True,
        help_text=_(
            "An open milestone of the task the 催办 is about; a party's milestone "
            "is urged on that party alone."
        ),
    )


class UrgeAnswerInput(StrictSerializer):
    reply = serializers.CharField(max_length=MESSAGE_MAX)
