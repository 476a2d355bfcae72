"""The state machine of a leasing invoice: issued, then paid (in full) or void.

Every change of ``Invoice.status`` goes through :func:`invoice_transition` (a conditional UPDATE and its
audit row, in one statement: see ``billing.statemachine``).
"""

from __future__ import annotations

from typing import Any

from billing.leasing.models import Invoice, InvoiceEvent
from billing.statemachine import Machine, TransitionRefused

V = Invoice.Status

INVOICE = Machine(model=Invoice, audit=InvoiceEvent, fk="invoice", noun="hoá đơn", table={
    V.ISSUED: frozenset({V.PAID, V.VOID}),
    V.PAID: frozenset(),
    V.VOID: frozenset(),
})


def invoice_transition(invoice: Invoice, to: str, *, source: str, actor: str = "", note: str = "",
                       fields: dict[str, Any] | None = None) -> Invoice:
    return INVOICE.transition(invoice, to, source=source, actor=actor, note=note, fields=fields)


__all__ = ["INVOICE", "TransitionRefused", "invoice_transition"]
