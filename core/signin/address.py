"""The client's address as sign-in safety sees it (lock-outs, the audit log)."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or the address the outermost of SIGNIN_PROXY_COUNT trusted proxies saw (X-Forwarded-For)."""
    address = request.META.get("REMOTE_ADDR")
    hops = settings.SIGNIN_PROXY_COUNT
    if hops > 0:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(forwarded) >= hops:
            address = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None
