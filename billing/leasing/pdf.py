"""The leasing invoice as a PDF, with a VietQR bank-transfer code."""

from __future__ import annotations

from django.conf import settings

from billing.leasing.models import Invoice
from billing.leasing.vietqr import vietqr_payload
from core.pdf import qr_svg_data_uri, render_pdf


def invoice_qr_payload(invoice: Invoice) -> str:
    bank = settings.LEASING_BANK
    return vietqr_payload(bank_bin=bank["bin"], account=bank["account"], amount_vnd=invoice.total_vnd,
                          bill_number=invoice.number, purpose=f"TT {invoice.number}")


def _vnd(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def invoice_pdf(invoice: Invoice) -> bytes:
    context = {
        "invoice": invoice, "tenant": invoice.tenant, "contract": invoice.contract, "bank": settings.LEASING_BANK,
        "subtotal": _vnd(invoice.subtotal_vnd), "vat": _vnd(invoice.vat_vnd), "total": _vnd(invoice.total_vnd),
        "usage": invoice.usage, "qr": qr_svg_data_uri(invoice_qr_payload(invoice), scale=4),
    }
    return render_pdf("leasing/invoice_pdf.html", context)
