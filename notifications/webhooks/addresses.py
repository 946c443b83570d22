"""Where a webhook may go: the policy against server-side request forgery.

An administrator types a webhook's URL, but what its name resolves to is
decided by whoever runs its DNS, at the moment of sending, and a receiver may
answer with a redirect. A URL that looks public can therefore lead to the
cloud's metadata service (169.254.169.254), to the database, or to Redis on
the service's own network. So the check that counts is made at send time, on
every hop and on every address the name resolves to, and the connection then
goes to the address that was checked, never to a second resolution
(client.py). The check at save time (ChatWebhook.clean) only gives the
administrator an early, clear error.

An address is refused when it is not a public unicast address: loopback,
link-local (the metadata service), private (10/8, 172.16/12, 192.168/16,
fc00::/7), shared (100.64/10, where some clouds keep their metadata), the
unspecified address, multicast, reserved and documentation ranges, and IPv6
forms that carry one of those IPv4 addresses (::ffff:127.0.0.1, 6to4, NAT64;
Teredo's 2001::/32 is refused whole).
An administrator may allow given addresses or networks for one webhook (a
robot gateway inside the government network); nothing else opens the door."""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
# getaddrinfo's signature: tests put a fake DNS at the edge of the world here.
Resolver = Callable[..., list]

SCHEMES = {"http": 80, "https": 443}

# Cloud metadata services by name. Their addresses are refused anyway (link-
# local or shared), but a name is refused before anything is resolved, so
# that no allowance of an address can open them.
METADATA_HOSTNAMES = frozenset(
    {
        "metadata",
        "metadata.google.internal",
        "metadata.goog",
        "metadata.azure.com",
        "metadata.tencentyun.com",
        "instance-data",
        "instance-data.ec2.internal",
    }
)

# inet_aton reads "0x7f000001", "2130706433", "0177.1" and "127.1" as
# 127.0.0.1. Such a host is refused as written rather than left to the resolver.
_NUMERIC_LABEL = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)$")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class Refused(Exception):
    """The service will not send there: a final answer, not one to retry."""


@dataclass(frozen=True)
class Destination:
    scheme: str
    host: str  # as the Host header and TLS SNI name it (IDNA, lower case)
    port: int
    target: str  # path and query
    addresses: tuple[IPAddress, ...]  # every address the host resolved to


def parse_allowed(entries: Iterable[str]) -> list[IPNetwork]:
    """The networks an administrator allowed; an entry that is no address is
    skipped here (the form refuses it when saved)."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            continue
    return networks


def _embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    if ip.version != 6:
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def forbidden_kind(ip: IPAddress) -> str | None:
    """Why `ip` is no public unicast address (in words), or None."""
    embedded = _embedded_ipv4(ip)
    if embedded is not None:
        # The IPv4 address is where the packets end up.
        return forbidden_kind(embedded)
    if ip.is_loopback:
        return _("a loopback address")
    if ip.is_link_local:
        return _("a link-local address (such as the cloud metadata service)")
    if ip.is_unspecified:
        return _("the unspecified address")
    if ip.is_multicast:
        return _("a multicast address")
    if ip.is_private:
        return _("a private network address")
    if ip.is_reserved or not ip.is_global:
        return _("a reserved address")
    return None


def _allowed(ip: IPAddress, allowed: list[IPNetwork]) -> bool:
    candidates = [ip]
    if ip.version == 6 and ip.ipv4_mapped is not None:
        candidates.append(ip.ipv4_mapped)
    return any(
        c in net for c in candidates for net in allowed if c.version == net.version
    )


def check_address(ip: IPAddress, allowed: list[IPNetwork]) -> None:
    kind = forbidden_kind(ip)
    if kind is not None and not _allowed(ip, allowed):
        raise Refused(
            _(
                "the address %(address)s is %(kind)s and is not among the "
                "addresses allowed for this webhook"
            )
            % {"address": ip, "kind": kind}
        )


def parse_url(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path and query) of a URL the service may send to
    as written: http or https, a host, no user name or password, and no
    numeric host in a form that only inet_aton reads. Raises Refused."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise Refused(_("the address is not a valid URL")) from exc
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise Refused(_("only http and https addresses are allowed"))
    if parts.username is not None or parts.password is not None:
        raise Refused(_("the address must not carry a user name or password"))
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise Refused(_("the address has no host"))
    if ":" not in host:
        try:
            host = host.encode("idna").decode("ascii").lower()
        except UnicodeError as exc:
            raise Refused(_("the host name is not valid")) from exc
        labels = host.split(".")
        if all(_NUMERIC_LABEL.match(label) for label in labels):
            try:
                ipaddress.IPv4Address(host)
            except ValueError as exc:
                raise Refused(
                    _("a numeric host must be written as four decimal numbers")
                ) from exc
    if host in METADATA_HOSTNAMES:
        raise Refused(
            _("the host %(host)s is a cloud metadata service") % {"host": host}
        )
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return scheme, host, port or SCHEMES[scheme], target


def resolve(
    url: str, allowed: list[IPNetwork], *, resolver: Resolver | None = None
) -> Destination:
    """Check `url` and every address its host resolves to; raises Refused, or
    OSError when the name does not resolve (worth another try later)."""
    scheme, host, port, target = parse_url(url)
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [literal]
    else:
        infos = (resolver or socket.getaddrinfo)(
            host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
        )
        addresses = []
        for _family, _type, _proto, _canon, sockaddr in infos:
            # An IPv6 sockaddr may carry a zone ("fe80::1%eth0"): drop it.
            ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
            if ip not in addresses:
                addresses.append(ip)
        if not addresses:
            raise OSError(f"{host} resolved to no address")
    for ip in addresses:
        check_address(ip, allowed)
    return Destination(scheme, host, port, target, tuple(addresses))


def validate_url(url: str, allowed: Iterable[str] = ()) -> None:
    """The save-time check: the URL as written, and the host when it is an
    address. Names are not resolved here (their answer may change before the
    first send, when they are checked again)."""
    host = parse_url(url)[1]
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        own = host == "localhost" or host.endswith((".localhost", ".internal"))
        if own and not parse_allowed(allowed):
            raise Refused(
                _("the host %(host)s names the service's own machine or network")
                % {"host": host}
            ) from None
        return
    check_address(literal, parse_allowed(allowed))
