"""Outbound HTTP that goes only where it belongs (no Django here: the gateways' clients use it as they are).

A :class:`OutboundPolicy` names the origins (``scheme://host[:port]``, ``:*`` for any port) calls may go
to. :func:`guarded_client` is an ``httpx.Client`` that

* refuses a URL whose origin the policy does not name (when ``only_allowed``);
* resolves the host itself, checks *every* address it resolves to, and refuses the call when one of them
  is private, loopback, link-local, multicast, reserved or unspecified, unless the policy names that host
  literally (an IP such as ``127.0.0.1`` or ``localhost``: the local sandboxes and simulators); a name in
  the list (``pay.vnpay.vn``) must still resolve to public addresses only;
* connects to the address it checked (no second lookup for a rebinding DNS to answer differently), keeps
  the host name for TLS (SNI and certificate), follows no redirect, reads no proxy from the environment.

A refusal raises :class:`DestinationRefused` before any byte is sent.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import certifi
import httpcore
import httpx

DEFAULT_PORTS = {"http": 80, "https": 443}
ANY_PORT = -1
_LOCAL_NAMES = ("localhost", "localhost.")


class DestinationRefused(Exception):
    """A call to a destination the policy does not allow; ``message`` is Vietnamese."""

    def __init__(self, message: str, *, host: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.host = host


@dataclass(frozen=True)
class Origin:
    scheme: str
    host: str  # lower case, IPv6 without brackets
    port: int  # ANY_PORT: any

    def matches(self, scheme: str, host: str, port: int) -> bool:
        return self.scheme == scheme and self.host == host and self.port in (ANY_PORT, port)

    @property
    def literal(self) -> bool:
        """The entry names its addresses itself (an IP or localhost), so they may be private."""
        return self.host in _LOCAL_NAMES or _ip(self.host) is not None


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None


def parse_origin(entry: str) -> Origin:
    """An allow-list entry: ``https://pay.vnpay.vn``, ``http://127.0.0.1:8765``, ``http://127.0.0.1:*``."""
    text = entry.strip()
    any_port = text.endswith(":*")
    parts = urlsplit(text[:-2] if any_port else text)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname or parts.username or parts.password:
        raise ValueError(f"not an http(s) origin: {entry!r}")
    port = ANY_PORT if any_port else (parts.port or DEFAULT_PORTS[scheme])
    return Origin(scheme=scheme, host=parts.hostname.lower(), port=port)


def url_origin(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an absolute http(s) URL; ValueError for anything else (user info included)."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"bad port in {url!r}") from exc
    if scheme not in DEFAULT_PORTS or not parts.hostname or parts.username is not None or parts.password is not None:
        raise ValueError(f"not an absolute http(s) URL without user info: {url!r}")
    return scheme, parts.hostname.lower(), port or DEFAULT_PORTS[scheme]


def forbidden(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Not a public unicast address (private, loopback, link-local, CGNAT, multicast, reserved, unspecified)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


@dataclass(frozen=True)
class OutboundPolicy:
    allowed: tuple[str, ...] = ()
    only_allowed: bool = False  # True: an origin not in ``allowed`` is refused, public or not

    def __post_init__(self) -> None:
        object.__setattr__(self, "_origins", tuple(parse_origin(e) for e in self.allowed))

    @property
    def origins(self) -> tuple[Origin, ...]:
        return self._origins  # type: ignore[attr-defined]

    def names(self, scheme: str, host: str, port: int) -> bool:
        return any(o.matches(scheme, host, port) for o in self.origins)

    def check_url(self, url: str) -> None:
        try:
            scheme, host, port = url_origin(url)
        except ValueError as exc:
            raise DestinationRefused(f"Địa chỉ gọi ra không hợp lệ: {url[:200]!r}.") from exc
        if self.only_allowed and not self.names(scheme, host, port):
            raise DestinationRefused(f"Địa chỉ {scheme}://{host}:{port} không nằm trong danh sách được phép gọi ra.",
                                     host=host)

    def names_addresses_of(self, host: str, port: int) -> bool:
        """The list names this host literally (its private addresses are meant)."""
        return any(o.literal and o.host == host and o.port in (ANY_PORT, port) for o in self.origins)

    def addresses(self, host: str, port: int) -> list[str]:
        """Every address ``host`` resolves to, all checked; refused if one of them is not allowed."""
        host = host.lower().strip("[]")
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        found: list[str] = []
        for _family, _type, _proto, _name, sockaddr in infos:
            text = str(sockaddr[0])
            if text not in found:
                found.append(text)
        if not found:
            raise httpcore.ConnectError(f"{host} resolves to no address")
        if not self.names_addresses_of(host, port):
            bad = [a for a in found if (ip := _ip(a)) is None or forbidden(ip)]
            if bad:
                raise DestinationRefused(
                    f"Không gọi tới {host}: địa chỉ {', '.join(bad)} là địa chỉ nội bộ (riêng, loopback hoặc "
                    "link-local) không có trong danh sách được phép.", host=host)
        return found


class _GuardedBackend(httpcore.NetworkBackend):
    """Resolves and checks, then connects to the checked address (the URL's host stays the TLS name)."""

    def __init__(self, policy: OutboundPolicy) -> None:
        self._policy = policy
        self._inner = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        last: Exception | None = None
        for address in self._policy.addresses(host, port):
            try:
                return self._inner.connect_tcp(address, port, timeout=timeout, local_address=local_address,
                                               socket_options=socket_options)
            except httpcore.ConnectError as exc:  # the next address, as socket.create_connection does
                last = exc
        assert last is not None
        raise last

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        raise DestinationRefused("Không gọi ra qua Unix socket.")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class GuardedTransport(httpx.HTTPTransport):
    def __init__(self, policy: OutboundPolicy, *, limits: httpx.Limits = httpx.Limits(max_connections=20)) -> None:
        super().__init__(trust_env=False, limits=limits)
        self.policy = policy
        # The pool httpx builds, with our network backend (httpx offers no argument for it).
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl.create_default_context(cafile=certifi.where()),
            max_connections=limits.max_connections, max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry, network_backend=_GuardedBackend(policy),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.policy.check_url(str(request.url))
        return super().handle_request(request)


def guarded_client(policy: OutboundPolicy, *, timeout: httpx.Timeout | float = 10.0,
                   headers: dict[str, str] | None = None) -> httpx.Client:
    """An httpx client held to ``policy``: no redirects, no proxies from the environment."""
    return httpx.Client(transport=GuardedTransport(policy), timeout=timeout, headers=headers,
                        follow_redirects=False, trust_env=False)


__all__ = ["DestinationRefused", "GuardedTransport", "Origin", "OutboundPolicy", "forbidden", "guarded_client",
           "parse_origin", "url_origin"]
