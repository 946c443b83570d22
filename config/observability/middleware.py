"""Per request: the context every log line of it carries, and its metrics
(count by route and status, latency, database queries)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.db import connection
from django.http import HttpRequest, HttpResponseBase

from . import logs, metrics

log = logging.getLogger("tracker.request")

# A request no URL pattern matched: one label for all of them, so that
# scanners probing random paths cannot grow the metrics without bound.
UNMATCHED = "<unmatched>"


class _QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class ObservabilityMiddleware:
    """Right after the request id is set (config.middleware), so that the
    lines and measures of everything below carry it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        # Left in place when the middleware returns: cleared by
        # request_finished (config.apps), after Django's own last lines.
        logs.enter_request(request)
        queries = _QueryCounter()
        started = time.perf_counter()
        with connection.execute_wrapper(queries):
            response = self.get_response(request)
        elapsed = time.perf_counter() - started
        route = logs.route_of(request) or UNMATCHED
        method = request.method if request.method in _METHODS else "other"
        status = response.status_code
        metrics.HTTP_REQUESTS.labels(route, method, str(status)).inc()
        metrics.HTTP_LATENCY.labels(route, method).observe(elapsed)
        metrics.HTTP_QUERIES.labels(route, method).observe(queries.count)
        # One line per request, at INFO, with what gunicorn's access log
        # lacks: the request id, user and route (the log filter adds
        # them) and the number of queries.
        log.info(
            "%s %s %s %.1f ms, %d queries",
            method,
            route,
            status,
            elapsed * 1000,
            queries.count,
        )
        return response


_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
