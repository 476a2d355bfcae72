"""What a payment is for: a registry of subject types and their handlers, filled by the apps that own
the subjects when they start (the dossiers app registers "dossier" in its ``AppConfig.ready``).

When a payment succeeds (or is refunded) the subject's handler is called after commit, so billing never
imports the app it pays for. A subject type nobody registered is logged and skipped; a handler that
raises never undoes a payment.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SubjectHandlers:
    paid: Callable[..., object] | None  # (<id_kwarg>=, payment_id=)
    refunded: Callable[..., object] | None  # (<id_kwarg>=, payment_id=, amount_vnd=)
    id_kwarg: str = "subject_id"


REGISTRY: dict[str, SubjectHandlers] = {}


def register(subject_type: str, handlers: SubjectHandlers) -> None:
    REGISTRY[subject_type] = handlers


def unregister(subject_type: str) -> None:
    REGISTRY.pop(subject_type, None)


def _call(subject_type: str, which: str, subject_id: int, **kwargs: object) -> None:
    handlers = REGISTRY.get(subject_type)
    if handlers is None:
        logger.info("no handler registered for fee subject type %r", subject_type)
        return
    func = getattr(handlers, which)
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
