"""/metrics, /healthz and /readyz: for machines (Prometheus, a load balancer,
an orchestrator), answered without a session, a language or a redirect."""

from __future__ import annotations

import hmac
import ipaddress
import time

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.proxies import client_ip

from . import metrics, readiness


def _may_scrape(request: HttpRequest) -> bool:
    """A bearer token equal to METRICS_TOKEN, or a client in METRICS_ALLOW."""
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer "):
        return hmac.compare_digest(
            header.removeprefix("Bearer ").encode(), token.encode()
        )
    address = client_ip(request)
    if not address:
        return False
    ip = ipaddress.ip_address(address)
    return any(ip in network for network in settings.METRICS_ALLOW_NETWORKS)


@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not _may_scrape(request):
        # As for any address that is not there: nothing to tell a stranger.
        raise Http404
    body, content_type = metrics.exposition()
    return HttpResponse(body, content_type=content_type)


def healthz(request: HttpRequest) -> JsonResponse:
    """Alive: the process answers. Nothing outside it is asked, so a database
    outage does not get every web process restarted."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready for traffic: 200 when every check passes, 503 otherwise; the body
    lists each check, its result and how long it took."""
    checks = {}
    for name, check in readiness.CHECKS.items():
        started = time.perf_counter()
        try:
            detail = check()
            ok = True
        except Exception as exc:
            ok, detail = False, f"{type(exc).__name__}: {exc}"[:300]
        checks[name] = {
            "ok": ok,
            "detail": detail or "",
            "ms": round((time.perf_counter() - started) * 1000, 1),
        }
    ready = all(c["ok"] for c in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks},
        status=200 if ready else 503,
    )
