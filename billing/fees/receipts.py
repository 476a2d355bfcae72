"""The citizen's e-receipt (biên lai điện tử) as a PDF with the bundled Vietnamese font."""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from billing.fees.models import Payment, PaymentRequest
from core.pdf import qr_svg_data_uri, render_pdf


def receipt_pdf(req: PaymentRequest, payment: Payment) -> bytes:
    tenant = getattr(connection, "tenant", None)
    context = {
        "tenant_name": getattr(tenant, "name", ""),
        "req": req,
        "payment": payment,
        "amount": f"{payment.amount_vnd:,}".replace(",", "."),
        "paid_at": timezone.localtime(payment.succeeded_at) if payment.succeeded_at else None,
        "printed_at": timezone.localtime(),
        "qr": qr_svg_data_uri(f"BIENLAI|{payment.txn_ref}|{payment.transaction_no}|{payment.amount_vnd}"),
    }
    return render_pdf("fees/receipt_pdf.html", context)
