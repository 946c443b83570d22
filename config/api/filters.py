"""Filters shared by the API's lists."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

# A row id is a PostgreSQL bigint: anything outside it names no row, and a float
# (1.79e308) or a fraction is a malformed id, not a filter that matches nothing.
ID_MAX = 2**63 - 1


class IdField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": ID_MAX})
class IdFilter(django_filters.NumberFilter):
    """Rows whose foreign key is this id; a value that cannot be an id is a
    400 with the parameter named, as the schema says."""

    field_class = IdField


class StrictFilterSet(django_filters.FilterSet):
    """A filter given with no value (``?status=``) is a 400 naming it, not a
    silent "no filter": the schema offers a choice or a number there, and a
    client that sent an empty one meant something it did not get. Free text
    is the exception: an empty search box searches for nothing."""

    def is_valid(self):
        form = self.form
        if form.is_valid():
            for name, filter_ in self.filters.items():
                text = isinstance(filter_, django_filters.CharFilter)
                if self.data.get(name) == "" and not text:
                    form.add_error(
                        name, _("Leave this filter out, or give it a value.")
                    )
        return form.is_valid()
