"""Pieces of the security headers that the settings build (pure functions: no Django import, no app).

Used by config/settings.py (the CSP block) and by core/headers.py (the middlewares).
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit


def csp_origin(url: str) -> str:
    """The CSP source expression of a URL's origin: ``scheme://host[:port]`` (``:*`` kept), path dropped.

    >>> csp_origin("https://sandbox.vnpayment.vn/paymentv2/vpcpay.html")
    'https://sandbox.vnpayment.vn'
    >>> csp_origin("http://127.0.0.1:*")
    'http://127.0.0.1:*'
    """
    url = url.strip()
    wildcard = url.endswith(":*")
    parts = urlsplit(url[:-2] if wildcard else url)
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c in url for c in " ;,'\"\n\r\t"):
        raise ValueError(f"not an http(s) origin for a CSP source: {url!r}")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    port = ":*" if wildcard else (f":{parts.port}" if parts.port else "")
    return f"{parts.scheme}://{host}{port}"


def csp_origins(urls: Iterable[str]) -> list[str]:
    """The distinct origins of ``urls`` as CSP sources, in order; empty entries skipped."""
    return list(dict.fromkeys(csp_origin(u) for u in urls if u and u.strip()))


def permissions_policy(features: dict[str, Iterable[str]]) -> str:
    """``{"camera": (), "fullscreen": ("self",)}`` → ``camera=(), fullscreen=(self)``."""
    return ", ".join(f"{name}=({' '.join(allow)})" for name, allow in features.items())


__all__ = ["csp_origin", "csp_origins", "permissions_policy"]
