from django.utils.translation import gettext_lazy as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError


class PageNumberPagination(pagination.PageNumberPagination):
    """20 a page; the client may ask for up to 100 with ``?page_size=``. The cap
    keeps one request's queries and response size bounded.

    A page size that is not a whole number of at least 1 is refused (400 naming
    the parameter) rather than silently replaced by the default: a client that
    asked for something else would otherwise page through the list wrongly.
    """

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("Give a whole number of at least 1 (at most %(max)d).")
                        % {"max": self.max_page_size}
                    ]
                }
            )
        return min(int(raw), self.max_page_size)

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
