"""Who the client is, when a reverse proxy may stand in between.

``X-Forwarded-Proto`` and ``X-Forwarded-For`` are only as true as whoever
sent them. Django's SECURE_PROXY_SSL_HEADER believed any client that said it
came over HTTPS, and django-axes (which locks a username from an address)
would have believed any address a client put in the header. Here they count
only when the peer itself is one of ``TRUSTED_PROXIES`` (addresses or
networks, from the environment; none by default): otherwise the forwarding
headers are removed before anything reads them, and the client is the peer.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponseBase

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# Every header a proxy sets to describe the original request (Django's META
# names); what a client sends under these names itself is not believed.
FORWARDING_HEADERS = (
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_FORWARDED_SSL",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
)


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    networks = []
    for value in values:
        value = value.strip()
        if not value:
            continue
        try:
            networks.append(ipaddress.ip_network(value, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES: {value!r} is not an IP address or network."
            ) from None
    return tuple(networks)


@cache
def _networks(values: tuple[str, ...]) -> tuple[Network, ...]:
    return parse_networks(values)


def trusted_proxies() -> tuple[Network, ...]:
    return _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))


def _address(value: str | None):
    try:
        return ipaddress.ip_address((value or "").strip())
    except ValueError:
        return None


def is_trusted_proxy(value: str | None) -> bool:
    address = _address(value)
    return address is not None and any(
        address in network for network in trusted_proxies()
    )


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: the peer, or, when the peer is a trusted proxy,
    the nearest address in X-Forwarded-For that is not one of ours.

    Read from the right: each proxy appends the address it got the request
    from, so everything left of the first untrusted hop may be invented by the
    client. (Also django-axes' AXES_CLIENT_IP_CALLABLE.)"""
    peer = request.META.get("REMOTE_ADDR")
    if not is_trusted_proxy(peer):
        address = _address(peer)
        return str(address) if address else None
    client = _address(peer)
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(hop)
        if address is None:
            break  # a garbled chain: believe nothing further left
        client = address
        if not is_trusted_proxy(hop):
            break
    return str(client)


class TrustedProxyMiddleware:
    """First in MIDDLEWARE: drops the forwarding headers of a request that did
    not come through a trusted proxy, before SecurityMiddleware (the HTTPS
    redirect) or anything else reads them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not is_trusted_proxy(request.META.get("REMOTE_ADDR")):
            ssl_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
            names = FORWARDING_HEADERS + ((ssl_header[0],) if ssl_header else ())
            for name in names:
                request.META.pop(name, None)
        return self.get_response(request)
