from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """20 a page; the client may ask for up to 100 with ``?page_size=``. The cap
    keeps one request's queries and response size bounded."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
