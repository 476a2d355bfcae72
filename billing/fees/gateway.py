"""The fee collection's side of the gateways: a tenant's terminal as a gateway sees it, a payment as a
reference, and the raw exchanges kept (append-only). The gateways know nothing of our models."""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction

from billing.fees.models import GatewayExchange, MerchantTerminal, Payment
from billing.gateways.providers import provider_class, provider_for
from billing.gateways.types import PaymentProvider, PaymentRef, Terminal
from core import crypto


def record_exchange(*, provider: str, kind: str, reference: str, request: dict[str, Any],
                    response: dict[str, Any] | None, error: str) -> None:
    """Keep a raw exchange with a gateway; in a savepoint, so it never breaks the caller's transaction."""
    with transaction.atomic():
        GatewayExchange.objects.create(provider=provider, kind=kind[:32], txn_ref=reference[:100], request=request,
                                       response=response, error=error or "")


def terminal_of(terminal: MerchantTerminal) -> Terminal:
    return Terminal(provider=terminal.provider, merchant_code=terminal.tmn_code,
                    secret=crypto.decrypt(terminal.hash_secret_encrypted), pay_url=terminal.pay_url,
                    api_url=terminal.api_url, scope=connection.schema_name,
                    version=f"{terminal.pk}:{terminal.updated_at.isoformat() if terminal.updated_at else ''}")


def gateway_for(terminal: MerchantTerminal, *, interactive: bool = False) -> PaymentProvider:
    """The gateway of a tenant's terminal, its raw exchanges recorded in the tenant's schema."""
    return provider_for(terminal_of(terminal), interactive=interactive, recorder=record_exchange)


def protocol(provider: str) -> type[PaymentProvider]:
    """A provider's protocol facts (reply table, references, codes), no terminal needed."""
    return provider_class(provider)


def payment_ref(payment: Payment) -> PaymentRef:
    return PaymentRef(reference=payment.txn_ref, amount_vnd=payment.amount_vnd,
                      idempotency_key=payment.idempotency_key, created_stamp=payment.gateway_created,
                      transaction_no=payment.transaction_no, metadata={"request": str(payment.request_id)})
