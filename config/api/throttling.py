"""Throttles that fail open: when the cache (Redis) is down, a request is let
through and the failure logged, because the web must never fail on Redis."""

import logging

from rest_framework import throttling

logger = logging.getLogger(__name__)


class _FailOpen:
    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:  # any cache backend error: connection, timeout, protocol
            logger.warning(
                "throttle cache unavailable; request let through", exc_info=True
            )
            return True


class UserRateThrottle(_FailOpen, throttling.UserRateThrottle):
    pass


class AnonRateThrottle(_FailOpen, throttling.AnonRateThrottle):
    pass
