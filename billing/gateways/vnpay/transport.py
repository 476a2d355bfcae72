"""HTTP transport for the querydr/refund API: httpx, timeouts, retries with
capped exponential backoff and full jitter, and an ``on_exchange`` hook that
sees the raw request/response of every attempt.

The client is held to the config's outbound policy (``billing.gateways.outbound``): a destination it
refuses is an :class:`~.errors.DestinationRefusedError` at once, never retried, nothing sent."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import httpx

from billing.gateways.outbound import DestinationRefused, OutboundPolicy, guarded_client

from .config import VNPayConfig
from .errors import (
    APIConnectionError,
    APIError,
    AuthenticationError,
    DestinationRefusedError,
    InvalidRequestError,
    RateLimitError,
)

logger = logging.getLogger(__name__)


class ExchangeHook(Protocol):
    def __call__(
        self, kind: str, request: dict[str, Any], response: dict[str, Any] | None, error: str | None
    ) -> None: ...


def backoff_delay(
    attempt: int, *, base_s: float, cap_s: float, rng: Callable[[], float] = random.random
) -> float:
    """Full jitter: uniform in [0, min(cap, base * 2**attempt)]."""
    ceiling = min(cap_s, base_s * (2 ** max(attempt, 0)))
    return rng() * ceiling


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _response_record(response: httpx.Response, elapsed_s: float) -> dict[str, Any]:
    record: dict[str, Any] = {
        "status_code": response.status_code,
        "headers": {k: v for k, v in response.headers.items() if k.lower() in ("content-type", "retry-after")},
        "elapsed_ms": round(elapsed_s * 1000, 1),
    }
    try:
        record["json"] = response.json()
    except ValueError:
        record["text"] = response.text[:4000]
    return record


class Transport:
    """POST JSON with retries. ``payload_for(attempt)`` builds (and signs) the
    body of each attempt, so per-attempt fields (e.g. querydr's request id) can
    change between retries."""

    def __init__(
        self,
        config: VNPayConfig,
        *,
        http_client: httpx.Client | None = None,
        on_exchange: ExchangeHook | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.config = config
        self._owns_client = http_client is None
        self._http = http_client or guarded_client(
            OutboundPolicy(allowed=tuple(config.allowed_urls), only_allowed=config.only_allowed),
            timeout=httpx.Timeout(config.read_timeout_s, connect=config.connect_timeout_s),
            headers={"User-Agent": config.user_agent},
        )
        self.on_exchange = on_exchange
        self._sleep = sleep
        self._rng = rng

    def close(self) -> None:
        if self._owns_client:
            self._http.close()

    def notify(
        self, kind: str, request: dict[str, Any], response: dict[str, Any] | None, error: str | None
    ) -> None:
        if self.on_exchange is None:
            return
        try:
            self.on_exchange(kind, request, response, error)
        except Exception:  # a persistence failure must not break a payment call
            logger.exception("VNPay on_exchange hook failed for %s", kind)

    def post_json(
        self,
        kind: str,
        url: str,
        payload_for: Callable[[int], Mapping[str, Any]],
    ) -> dict[str, Any]:
        cfg = self.config
        attempts = cfg.max_retries + 1
        last_error = ""
        last_status: int | None = None
        for attempt in range(attempts):
            payload = dict(payload_for(attempt))
            request_record = {"method": "POST", "url": url, "json": payload, "attempt": attempt + 1}
            started = time.monotonic()
            retry_after: float | None = None
            try:
                response = self._http.post(url, json=payload)
            except DestinationRefused as exc:
                self.notify(kind, request_record, None, f"refused: {exc.message}")
                raise DestinationRefusedError(exc.message) from exc
            except httpx.TimeoutException as exc:
                last_error, last_status = f"timeout: {type(exc).__name__}: {exc}", None
                self.notify(kind, request_record, None, last_error)
            except httpx.TransportError as exc:
                last_error, last_status = f"network: {type(exc).__name__}: {exc}", None
                self.notify(kind, request_record, None, last_error)
            else:
                record = _response_record(response, time.monotonic() - started)
                status = response.status_code
                if status == 429 or status >= 500:
                    last_error, last_status = f"http {status}", status
                    retry_after = _retry_after(response)
                    self.notify(kind, request_record, record, last_error)
                else:
                    self.notify(kind, request_record, record, None if status < 400 else f"http {status}")
                    return self._parse(response, record)
            if attempt + 1 < attempts:
                delay = backoff_delay(attempt, base_s=cfg.backoff_base_s, cap_s=cfg.backoff_cap_s, rng=self._rng)
                if retry_after is not None:
                    delay = max(delay, min(retry_after, cfg.backoff_cap_s))
                logger.info("VNPay %s attempt %d failed (%s); retrying in %.3fs", kind, attempt + 1, last_error, delay)
                self._sleep(delay)
        if last_status == 429:
            raise RateLimitError(
                f"Cổng VNPay từ chối vì quá nhiều yêu cầu sau {attempts} lần thử",
                http_status=429,
            )
        raise APIConnectionError(
            f"Không kết nối được tới VNPay sau {attempts} lần thử ({last_error})",
            code="timeout" if last_error.startswith("timeout") else (
                "service_unavailable" if last_status else "network_error"),
            http_status=last_status,
        )

    @staticmethod
    def _parse(response: httpx.Response, record: dict[str, Any]) -> dict[str, Any]:
        status = response.status_code
        if status in (401, 403):
            raise AuthenticationError("VNPay từ chối xác thực", http_status=status, raw=record)
        if status >= 400:
            raise InvalidRequestError(f"VNPay trả về HTTP {status}", code="http_error", http_status=status, raw=record)
        body = record.get("json")
        if not isinstance(body, dict):
            raise APIError("Phản hồi của VNPay không phải JSON hợp lệ", code="invalid_response",
                           http_status=status, raw=record)
        return {str(k): ("" if v is None else v) for k, v in body.items()}


__all__ = ["ExchangeHook", "Transport", "backoff_delay"]
