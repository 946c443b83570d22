from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from config.api.inputs import StrictSerializer
from tracker.api.evidence import NamedEvidenceFileField
from tracker.services.evidence import max_files


class ValueInput(StrictSerializer):
    code = serializers.SlugField(max_length=40)
    value = serializers.DecimalField(max_digits=20, decimal_places=4)
    is_lower_bound = serializers.BooleanField(default=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ValuesField(serializers.ListField):
    """A list of values; in a multipart/form-data body, one JSON text."""

    child = ValueInput()

    def to_internal_value(self, data):
        # A form's field comes as a list of its texts.
        if isinstance(data, list) and len(data) == 1 and isinstance(data[0], str):
            data = data[0]
        if isinstance(data, str):
            import json

            try:
                data = json.loads(data)
            except ValueError:
                raise serializers.ValidationError(
                    _("Send the values as JSON.")
                ) from None
        return super().to_internal_value(data)


class SubmitInput(StrictSerializer):
    values = ValuesField(
        allow_empty=True,
        help_text=_(
            "The values reported, each {code, value, is_lower_bound, note}; in a "
            "multipart/form-data body, as one JSON text."
        ),
    )
    evidence = serializers.ListField(
        child=NamedEvidenceFileField(),
        required=False,
        max_length=max_files(),
        help_text=_("Evidence files, one multipart/form-data part each."),
    )


class QueryInput(StrictSerializer):
    indicator = serializers.SlugField(
        max_length=40, help_text=_("The code of the indicator queried.")
    )
    comment = serializers.CharField(max_length=4000)


class AgreeInput(StrictSerializer):
    comment = serializers.CharField(max_length=4000, required=False, default="")


class EmptyInput(StrictSerializer):
    pass


class AdjustInput(StrictSerializer):
    score = serializers.DecimalField(
        max_digits=7, decimal_places=2, min_value=0, max_value=99999
    )
    reason = serializers.CharField(max_length=4000)


class PublishInput(StrictSerializer):
    announced_on = serializers.DateField(required=False, allow_null=True)
