"""The API docs page: Swagger UI under the site's Content-Security-Policy.

drf-spectacular's split view serves Swagger UI's start-up script as a script
of its own (``/api/docs/?script``) instead of inline, so the page needs no
``'unsafe-inline'``; Swagger UI itself comes from drf-spectacular-sidecar's
static files. The start-up script carries the visitor's CSRF token; another
site could include it with ``<script src>`` and read the token from the
configuration it passes, so browsers are told to refuse it to other origins
(Cross-Origin-Resource-Policy) and no cache keeps it.
"""

from django.utils.cache import add_never_cache_headers
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView


class ApiDocsView(SpectacularSwaggerSplitView):
    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if request.GET.get("script") is not None:
            response["Cross-Origin-Resource-Policy"] = "same-origin"
            add_never_cache_headers(response)
        return response
