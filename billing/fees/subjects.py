"""What a payment is for: an explicit registry of subject types and their handlers.

When a payment succeeds (or is refunded) the subject's handler is called after commit,
by import path, so billing never imports the dossiers app. A handler that is not there
yet (import fails) is logged and skipped; a handler that raises never undoes a payment.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SubjectHandlers:
    paid: str | Callable[..., object] | None
    refunded: str | Callable[..., object] | None
    id_kwarg: str = "subject_id"


REGISTRY: dict[str, SubjectHandlers] = {
    "dossier": SubjectHandlers(
        paid="tenants.dossiers.services.dossier_fee_paid",
        refunded="tenants.dossiers.services.dossier_fee_refunded",
        id_kwarg="dossier_id",
    ),
}


def register(subject_type: str, handlers: SubjectHandlers) -> None:
    REGISTRY[subject_type] = handlers


def unregister(subject_type: str) -> None:
    REGISTRY.pop(subject_type, None)


def _resolve(target: str | Callable[..., object] | None) -> Callable[..., object] | None:
    if target is None or callable(target):
        return target
    module_name, _, attr = target.rpartition(".")
    try:
        return getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError):
        logger.warning("fee subject handler %s is not available (yet); skipped", target)
        return None


def _call(subject_type: str, which: str, subject_id: int, **kwargs: object) -> None:
    handlers = REGISTRY.get(subject_type)
    if handlers is None:
        logger.info("no handler registered for fee subject type %r", subject_type)
        return
    func = _resolve(getattr(handlers, which))
    if func is None:
        return
    try:
        func(**{handlers.id_kwarg: subject_id}, **kwargs)
    except Exception:
        logger.exception("fee subject handler %s.%s failed for %s", subject_type, which, subject_id)


def notify_paid(*, subject_type: str, subject_id: int, payment_id: int) -> None:
    _call(subject_type, "paid", subject_id, payment_id=payment_id)


def notify_refunded(*, subject_type: str, subject_id: int, payment_id: int, amount_vnd: int) -> None:
    _call(subject_type, "refunded", subject_id, payment_id=payment_id, amount_vnd=amount_vnd)
