from django.core.paginator import Paginator
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError


def _whole_number(name: str, raw: str) -> int:
    if raw.isascii() and raw.isdigit() and int(raw) >= 1:
        return int(raw)
    raise ValidationError({name: [_("Give a whole number of at least 1.")]})


class KnownLengthPaginator(Paginator):
    """Django's paginator told the list's length, when the caller knows it
    without counting the rows (e.g. tracker's TaskTally)."""

    def __init__(self, object_list, per_page, *, count=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @cached_property
    def count(self):
        if self._known_count is not None:
            return self._known_count
        return super().count


class PageNumberPagination(pagination.PageNumberPagination):
    """20 a page; the client may ask for up to 100 with ``?page_size=``. The cap
    keeps one request's queries and response size bounded.

    A page or page size that is not a whole number of at least 1 is refused (400
    naming the parameter) rather than silently replaced by the default: a client
    that asked for something else would otherwise page through the list wrongly.
    A page past the last is a 404, as before.
    """

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    last_page_strings = ()  # the schema says a page is a number

    # Set by a view that knows the length of the list it pages without a
    # COUNT (before paginate_queryset); None: count the rows.
    known_count: int | None = None

    def django_paginator_class(self, object_list, per_page):
        return KnownLengthPaginator(object_list, per_page, count=self.known_count)

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        return min(_whole_number(self.page_size_query_param, raw), self.max_page_size)

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param)
        return 1 if raw is None else _whole_number(self.page_query_param, raw)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
                parameter["description"] = str(
                    _(
                        "Rows per page: 20 unless asked, at most 100 (more is cut to 100)."
                    )
                )
            elif parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters
