"""Idempotency keys (Stripe semantics).

The same key with the same parameters returns the first result; with other
parameters it raises :class:`IdempotencyError`. Records hold a SHA-256 of the
canonical parameters and the serialized result, kept at least 24 h.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar, runtime_checkable

from .errors import IdempotencyError, StoreUnavailableError

T = TypeVar("T")
logger = logging.getLogger(__name__)

DEFAULT_TTL_S = 24 * 3600
DEFAULT_LOCK_TIMEOUT_S = 60.0
MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class IdempotencyRecord:
    fingerprint: str
    operation: str
    result: dict[str, Any]
    created: float

    def to_json(self) -> str:
        return json.dumps(
            {"fingerprint": self.fingerprint, "operation": self.operation,
             "result": self.result, "created": self.created},
            ensure_ascii=False, separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> IdempotencyRecord:
        data = json.loads(text)
        return cls(fingerprint=data["fingerprint"], operation=data["operation"],
                   result=data["result"], created=float(data["created"]))


@runtime_checkable
class IdempotencyStore(Protocol):
    def get(self, key: str) -> IdempotencyRecord | None:
        """The live record for ``key`` or None."""

    def put(self, key: str, record: IdempotencyRecord, ttl_s: int) -> IdempotencyRecord:
        """Store ``record`` unless one exists; return the record that is kept."""

    def lock(self, key: str, timeout_s: float) -> AbstractContextManager[None]:
        """Serialize concurrent requests that use the same key."""


def fingerprint(operation: str, params: Mapping[str, Any]) -> str:
    canonical = json.dumps({"operation": operation, "params": params}, sort_keys=True,
                           ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def validate_key(key: object) -> str:
    if not isinstance(key, str) or not key.strip() or len(key) > MAX_KEY_LENGTH:
        raise IdempotencyError(
            "Khoá idempotency phải là chuỗi 1-255 ký tự", code="invalid_idempotency_key",
            param="idempotency_key",
        )
    return key


class InMemoryIdempotencyStore:
    """Process-local store (tests, single-process tools)."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._records: dict[str, tuple[float, IdempotencyRecord]] = {}
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}

    def get(self, key: str) -> IdempotencyRecord | None:
        with self._guard:
            entry = self._records.get(key)
            if entry is None:
                return None
            expires, record = entry
            if expires <= self._clock():
                del self._records[key]
                return None
            return record

    def put(self, key: str, record: IdempotencyRecord, ttl_s: int) -> IdempotencyRecord:
        with self._guard:
            now = self._clock()
            entry = self._records.get(key)
            if entry is not None and entry[0] > now:
                return entry[1]
            self._records[key] = (now + ttl_s, record)
            return record

    def ttl(self, key: str) -> float | None:
        with self._guard:
            entry = self._records.get(key)
            return None if entry is None else entry[0] - self._clock()

    @contextmanager
    def lock(self, key: str, timeout_s: float) -> Iterator[None]:
        with self._guard:
            lk = self._locks.setdefault(key, threading.Lock())
        if not lk.acquire(timeout=timeout_s):
            raise IdempotencyError(
                "Một yêu cầu khác với cùng khoá idempotency đang được xử lý",
                code="idempotency_key_in_use", param="idempotency_key",
            )
        try:
            yield
        finally:
            lk.release()

    def clear(self) -> None:
        with self._guard:
            self._records.clear()


class RedisIdempotencyStore:
    """Redis-backed store shared by every process (``SET NX EX`` + a Redis lock).

    ``client`` is a ``redis.Redis``; or pass ``url`` (e.g. ``REDIS_URL``): then the connection has short
    timeouts and one quick retry (a citizen waits on it). Redis being down or unreachable is a
    :class:`StoreUnavailableError` (nothing was run: try again later), never a raw ``redis`` error.
    """

    def __init__(
        self,
        client: Any | None = None,
        *,
        url: str | None = None,
        prefix: str = "vnpay:idem:",
        lock_ttl_s: float = DEFAULT_LOCK_TIMEOUT_S,
        socket_timeout_s: float = 2.0,
    ) -> None:
        if client is None:
            import redis  # lazy: only needed for this store
            from redis.backoff import NoBackoff
            from redis.retry import Retry

            client = redis.Redis.from_url(url or "redis://127.0.0.1:6379/0", socket_timeout=socket_timeout_s,
                                          socket_connect_timeout=socket_timeout_s, retry=Retry(NoBackoff(), 1))
        self._redis = client
        self._prefix = prefix
        self._lock_ttl_s = lock_ttl_s

    def _key(self, key: str) -> str:
        return f"{self._prefix}{key}"

    @contextmanager
    def _reachable(self) -> Iterator[None]:
        from redis.exceptions import RedisError

        try:
            yield
        except RedisError as exc:
            raise StoreUnavailableError(
                "Hệ thống thanh toán trực tuyến đang tạm thời gián đoạn; xin vui lòng thử lại sau ít phút.",
            ) from exc

    def get(self, key: str) -> IdempotencyRecord | None:
        with self._reachable():
            raw = self._redis.get(self._key(key))
        return None if raw is None else IdempotencyRecord.from_json(raw)

    def put(self, key: str, record: IdempotencyRecord, ttl_s: int) -> IdempotencyRecord:
        with self._reachable():
            stored = self._redis.set(self._key(key), record.to_json(), nx=True, ex=max(int(ttl_s), DEFAULT_TTL_S))
        if stored:
            return record
        existing = self.get(key)
        return existing if existing is not None else record

    def ttl(self, key: str) -> int:
        with self._reachable():
            return int(self._redis.ttl(self._key(key)))

    @contextmanager
    def lock(self, key: str, timeout_s: float) -> Iterator[None]:
        lk = self._redis.lock(f"{self._prefix}lock:{key}", timeout=self._lock_ttl_s,
                              blocking_timeout=timeout_s)
        with self._reachable():
            acquired = lk.acquire()
        if not acquired:
            raise IdempotencyError(
                "Một yêu cầu khác với cùng khoá idempotency đang được xử lý",
                code="idempotency_key_in_use", param="idempotency_key",
            )
        try:
            yield
        finally:
            try:
                lk.release()
            except Exception:  # lock expired meanwhile, or Redis gone: nothing to release
                logger.warning("idempotency lock for %s could not be released", key)


def run_idempotent(
    store: IdempotencyStore,
    *,
    key: str,
    operation: str,
    params: Mapping[str, Any],
    ttl_s: int,
    execute: Callable[[], T],
    encode: Callable[[T], dict[str, Any]],
    decode: Callable[[dict[str, Any]], T],
    lock_timeout_s: float = DEFAULT_LOCK_TIMEOUT_S,
) -> T:
    """Run ``execute`` once per (key, params); replay the stored result after.

    Only successful results are stored: an exception leaves the key unused, so
    the caller may retry with the same key.
    """
    fp = fingerprint(operation, params)
    with store.lock(key, lock_timeout_s):
        record = store.get(key)
        if record is None:
            result = execute()
            record = store.put(
                key,
                IdempotencyRecord(fingerprint=fp, operation=operation, result=encode(result), created=time.time()),
                max(ttl_s, DEFAULT_TTL_S),
            )
            if record.fingerprint == fp:
                return decode(record.result)
        if record.fingerprint != fp:
            raise IdempotencyError(
                "Khoá idempotency đã được dùng cho một yêu cầu với tham số khác "
                f"(thao tác ban đầu: {record.operation})",
                param="idempotency_key",
            )
        return decode(record.result)


__all__ = [
    "DEFAULT_TTL_S",
    "IdempotencyRecord",
    "IdempotencyStore",
    "InMemoryIdempotencyStore",
    "RedisIdempotencyStore",
    "fingerprint",
    "run_idempotent",
    "validate_key",
]
