"""Where each provider's gateway may be reached from this environment (the Django side of ``outbound``).

``settings.GATEWAY_URL_ALLOWLIST`` names, per provider, the origins its terminals may point to and its
client may call: the local sandbox in development and tests, the provider's published hosts in
production. The platform's own defaults (``VNPAY_PAY_URL``, ``VNPAY_API_URL``: set by whoever runs the
platform, not by a tenant) are on it too. A tenant's terminal URL off the list is refused when it is
saved (:func:`terminal_url_problem`), and a call to it by the client (:func:`policy_for`).
"""

from __future__ import annotations

from django.conf import settings

from billing.gateways.outbound import OutboundPolicy, parse_origin, url_origin

_PLATFORM_DEFAULTS = {"vnpay": ("VNPAY_PAY_URL", "VNPAY_API_URL")}


def allowed_urls(provider: str) -> tuple[str, ...]:
    """The origins ``provider``'s gateway may be reached at here (empty: no server-side call allowed)."""
    entries = [str(e) for e in settings.GATEWAY_URL_ALLOWLIST.get(provider, ())]
    for name in _PLATFORM_DEFAULTS.get(provider, ()):
        value = str(getattr(settings, name, "") or "")
        if value:
            scheme, host, port = url_origin(value)
            entries.append(f"{scheme}://{'[' + host + ']' if ':' in host else host}:{port}")
    return tuple(dict.fromkeys(entries))


def policy_for(provider: str) -> OutboundPolicy:
    """The outbound policy of a provider's client: only its listed origins."""
    return OutboundPolicy(allowed=allowed_urls(provider), only_allowed=True)


def checks_urls(provider: str) -> bool:
    """Whether the terminals of ``provider`` carry URLs the server calls (those are held to the list)."""
    return provider in settings.GATEWAY_URL_ALLOWLIST


def terminal_url_problem(provider: str, url: str) -> str:
    """Why a terminal URL typed by a tenant administrator cannot be saved ("" when it can), in Vietnamese."""
    url = url.strip()
    if not url or not checks_urls(provider):
        return ""
    try:
        scheme, host, port = url_origin(url)
    except ValueError:
        return "Địa chỉ cổng thanh toán phải là một địa chỉ http:// hoặc https:// đầy đủ, không kèm tên đăng nhập."
    if any(ord(ch) < 32 or ch.isspace() for ch in url):
        return "Địa chỉ cổng thanh toán không được chứa khoảng trắng hay ký tự điều khiển."
    if not policy_for(provider).names(scheme, host, port):
        listed = ", ".join(allowed_shown(provider)) or "(không có)"
        return (f"Địa chỉ {scheme}://{host}:{port} không thuộc danh sách địa chỉ cổng thanh toán được phép "
                f"trong môi trường này ({listed}). Xin để trống để dùng cấu hình chung, "
                "hoặc liên hệ quản trị nền tảng.")
    return ""


def allowed_shown(provider: str) -> list[str]:
    """The allowed origins as people read them (``https://pay.vnpay.vn:443``, ``http://127.0.0.1:*``)."""
    shown = []
    for entry in allowed_urls(provider):
        origin = parse_origin(entry)
        shown.append(f"{origin.scheme}://{origin.host}:{'*' if origin.port < 0 else origin.port}")
    return list(dict.fromkeys(shown))


__all__ = ["allowed_shown", "allowed_urls", "checks_urls", "policy_for", "terminal_url_problem"]
