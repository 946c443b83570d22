"""One POST to a webhook, safe to point at an address an outsider chose.

Python's own http.client, because it lets the connection go to the address
addresses.py checked while the request keeps the URL's host: the Host header
and, over TLS, the SNI name and the certificate check are the host's, the TCP
connection is the checked address's. A name that resolves to a public address
when checked and to 127.0.0.1 a moment later (DNS rebinding) reaches nothing:
there is no second resolution. requests and httpx would need a custom
transport for the same, and neither is a dependency of the service.

Redirects are followed by hand, at most MAX_REDIRECTS, each Location checked
like the first URL; https never drops to http. The whole exchange, redirects
included, has one deadline: a receiver that answers a byte a second is cut off
when it passes, not at every byte's own timeout."""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.utils.translation import gettext as _

from .addresses import Destination, IPNetwork, Refused, Resolver, resolve

CONNECT_TIMEOUT = 5.0
TOTAL_TIMEOUT = 10.0
MAX_REDIRECTS = 3
MAX_RESPONSE_BYTES = 64 * 1024
REDIRECTS = {301, 302, 303, 307, 308}


class DeliveryError(Exception):
    """The receiver could not be reached or did not answer in time: worth
    another try later."""


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    url: str  # the last URL, after redirects


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the checked `addresses` (the first that answers), whatever
    `host` resolves to now."""

    def __init__(self, host, port, *, addresses, connect_timeout: float, **kw):
        super().__init__(host, port, **kw)
        self._addresses = addresses
        self._connect_timeout = connect_timeout

    def _open(self) -> socket.socket:
        error: OSError | None = None
        for address in self._addresses:
            try:
                sock = socket.create_connection(
                    (address, self.port), timeout=self._connect_timeout
                )
                break
            except OSError as exc:
                error = exc
        else:
            raise error or OSError("no address")
        sock.settimeout(self.timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    def connect(self):
        self.sock = self._open()


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    def __init__(self, host, port, *, context: ssl.SSLContext, **kw):
        super().__init__(host, port, **kw)
        self._context = context

    def connect(self):
        # The certificate is checked against the host, not the address.
        self.sock = self._context.wrap_socket(self._open(), server_hostname=self.host)


class _Deadline:
    """Shuts the connection's socket when the time is up, so that a blocked
    read returns at once."""

    def __init__(self, conn: http.client.HTTPConnection, seconds: float):
        self.conn = conn
        self.expired = False
        self._timer = threading.Timer(max(seconds, 0), self._expire)
        self._timer.daemon = True

    def _expire(self):
        self.expired = True
        sock = self.conn.sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def __enter__(self):
        self._timer.start()
        return self

    def __exit__(self, *exc):
        self._timer.cancel()
        return False


def post(
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    allowed: list[IPNetwork],
    resolver: Resolver | None = None,
    context: ssl.SSLContext | None = None,
    connect_timeout: float = CONNECT_TIMEOUT,
    total_timeout: float = TOTAL_TIMEOUT,
) -> Response:
    """POST `body` to `url`; Refused (final), DeliveryError (try again later)
    or the receiver's answer, whatever its status."""
    deadline = time.monotonic() + total_timeout
    late = _("no answer within %(s)d seconds") % {"s": total_timeout}
    context = context or ssl.create_default_context()
    current = url
    for hop in range(MAX_REDIRECTS + 1):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise DeliveryError(late)
        try:
            destination = resolve(current, allowed, resolver=resolver)
        except OSError as exc:
            raise DeliveryError(
                _("the host name could not be resolved: %(error)s") % {"error": exc}
            ) from exc
        status, data, location = _exchange(
            destination,
            body,
            headers,
            context=context,
            connect_timeout=min(connect_timeout, remaining),
            remaining=deadline - time.monotonic(),
            late=late,
        )
        if status not in REDIRECTS or not location:
            return Response(status, data, current)
        if hop == MAX_REDIRECTS:
            raise Refused(_("more than %(n)d redirects") % {"n": MAX_REDIRECTS})
        following = urljoin(current, location)
        if urlsplit(current).scheme.lower() == "https" and (
            urlsplit(following).scheme.lower() != "https"
        ):
            raise Refused(_("a redirect from https to an insecure address"))
        current = following
    raise AssertionError("unreachable")  # pragma: no cover


def _exchange(
    destination: Destination,
    body: bytes,
    headers: dict[str, str],
    *,
    context: ssl.SSLContext,
    connect_timeout: float,
    remaining: float,
    late: str,
) -> tuple[int, bytes, str | None]:
    options = {
        "addresses": [str(ip) for ip in destination.addresses],
        "connect_timeout": connect_timeout,
        "timeout": max(remaining, 0.001),
    }
    if destination.scheme == "https":
        conn = _PinnedHTTPSConnection(
            destination.host, destination.port, context=context, **options
        )
    else:
        conn = _PinnedHTTPConnection(destination.host, destination.port, **options)
    with _Deadline(conn, remaining) as deadline:
        try:
            conn.request("POST", destination.target, body=body, headers=headers)
            answer = conn.getresponse()
            data = answer.read(MAX_RESPONSE_BYTES)
            status, location = answer.status, answer.getheader("Location")
        except (OSError, http.client.HTTPException) as exc:
            if deadline.expired or isinstance(exc, TimeoutError):
                raise DeliveryError(late) from exc
            raise DeliveryError(
                _("the connection failed: %(error)s")
                % {"error": str(exc) or type(exc).__name__}
            ) from exc
        finally:
            conn.close()
    if deadline.expired:
        raise DeliveryError(late)
    return status, data, location
