from django.utils.translation import gettext_lazy as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError


def _whole_number(name: str, raw: str) -> int:
    if raw.isascii() and raw.isdigit() and int(raw) >= 1:
        return int(raw)
    raise ValidationError({name: [_("Give a whole number of at least 1.")]})


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
