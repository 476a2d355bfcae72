"""The payment providers billing can use, by code: VNPay, and the national portal's platform (simulated)."""

from __future__ import annotations

from billing.gateways.paygov import PayGovProvider
from billing.gateways.types import ExchangeRecorder, PaymentProvider, Terminal
from billing.gateways.vnpay.provider import VNPayProvider

PROVIDERS: dict[str, type[PaymentProvider]] = {VNPayProvider.code: VNPayProvider, PayGovProvider.code: PayGovProvider}


def provider_class(code: str) -> type[PaymentProvider]:
    """The adapter of a provider (its protocol facts: reply table, references, codes), no terminal needed."""
    try:
        return PROVIDERS[code]
    except KeyError:
        raise ValueError(f"unknown payment provider {code!r}") from None


def provider_for(terminal: Terminal, *, interactive: bool = False,
                 recorder: ExchangeRecorder | None = None) -> PaymentProvider:
    """The adapter bound to a merchant terminal; ``recorder`` keeps its raw exchanges."""
    return provider_class(terminal.provider)(terminal, interactive=interactive, recorder=recorder)
