"""Client configuration (plain dataclass: the Django side builds it from settings)."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

PAY_PATH = "/paymentv2/vpcpay.html"
API_PATH = "/merchant_webapi/api/transaction"
PUBLIC_SANDBOX_URL = "https://sandbox.vnpayment.vn"
LOCAL_SANDBOX_URL = "http://127.0.0.1:8765"
MIN_IDEMPOTENCY_TTL_S = 24 * 3600


def _with_default_path(url: str, path: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        raise ValueError(f"not an absolute URL: {url!r}")
    if parts.path in ("", "/"):
        return url.rstrip("/") + path
    return url


@dataclass(frozen=True)
class VNPayConfig:
    """Everything the client needs; nothing is read from the environment here.

    ``pay_url`` and ``api_url`` may be bare hosts (``http://127.0.0.1:8765``,
    ``https://sandbox.vnpayment.vn``): the standard paths are appended. When
    ``api_url`` is empty the pay host is used.
    """

    tmn_code: str
    hash_secret: str = field(repr=False)
    pay_url: str = PUBLIC_SANDBOX_URL
    api_url: str = ""
    return_url: str = ""
    version: str = "2.1.0"
    order_type: str = "other"
    default_locale: str = "vn"
    default_expires_in_s: int = 15 * 60
    connect_timeout_s: float = 5.0
    read_timeout_s: float = 30.0
    max_retries: int = 2
    backoff_base_s: float = 0.5
    backoff_cap_s: float = 8.0
    idempotency_ttl_s: int = MIN_IDEMPOTENCY_TTL_S
    user_agent: str = "motcua-vnpay/1.0"
    # Where the API may be called (``billing.gateways.outbound``): origins ``scheme://host[:port|:*]``.
    # A private, loopback or link-local address is refused unless named here literally (a local sandbox);
    # ``only_allowed``: every origin not named is refused too.
    allowed_urls: tuple[str, ...] = ()
    only_allowed: bool = False

    def __post_init__(self) -> None:
        if not self.tmn_code:
            raise ValueError("tmn_code is required")
        if not self.hash_secret:
            raise ValueError("hash_secret is required")
        if self.max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        if self.backoff_base_s < 0 or self.backoff_cap_s < 0:
            raise ValueError("backoff values must be >= 0")
        if self.idempotency_ttl_s < MIN_IDEMPOTENCY_TTL_S:
            raise ValueError("idempotency_ttl_s must be at least 24 hours")
        object.__setattr__(self, "pay_url", _with_default_path(self.pay_url, PAY_PATH))
        api = self.api_url or self.pay_url_base
        object.__setattr__(self, "api_url", _with_default_path(api, API_PATH))

    @property
    def pay_url_base(self) -> str:
        parts = urlsplit(self.pay_url)
        return f"{parts.scheme}://{parts.netloc}"


__all__ = ["API_PATH", "LOCAL_SANDBOX_URL", "PAY_PATH", "PUBLIC_SANDBOX_URL", "VNPayConfig"]
