"""Demo step (``demo_setup``): each demo province's sandbox terminal, lease contracts, this month's invoices.

The local VNPay sandbox learns the terminals (and their IPN addresses) from
``.data/vnpay-sandbox-terminals.json`` (read into ``VNPAY_SANDBOX_TERMINALS`` by the Procfile), and,
when a sandbox is already running, through its ``/sandbox/terminals`` endpoint.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import date
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django_tenants.utils import schema_context

TERMINALS = {"haiphong": "HPHONG01", "langson": "LANGSON1"}
PRICES = {"haiphong": 250_000_000, "langson": 99_000_000}  # VND per month before VAT


def _secret(slug: str) -> str:
    return hashlib.sha256(f"demo-vnpay:{slug}:{settings.SECRET_KEY}".encode()).hexdigest()[:32]


def run(*, stdout, password: str) -> None:  # noqa: ANN001, ARG001
    from billing.fees.services import terminal_save
    from billing.leasing import services as leasing
    from billing.leasing.models import LeaseContract
    from control.tenancy.models import Tenant

    port = int(os.environ.get("PORT", "8000"))
    base = settings.BASE_DOMAIN
    sandbox_terminals = []
    for slug, tmn in TERMINALS.items():
        tenant = Tenant.objects.filter(slug=slug).first()
        if tenant is None:
            continue
        secret = _secret(slug)
        with schema_context(tenant.schema_name):
            terminal_save(tmn_code=tmn, hash_secret=secret, actor="demo")
        ipn_url = f"http://{slug}.{base}:{port}/thanh-toan/vnpay/ipn"
        sandbox_terminals.append({"tmn_code": tmn, "hash_secret": secret, "ipn_url": ipn_url, "name": tenant.name})
        if not LeaseContract.objects.filter(tenant=tenant, is_active=True).exists():
            today = timezone.localdate()
            leasing.contract_create(tenant_id=tenant.pk, number=f"HD-THUE-{slug.upper()}-{today.year}",
                                    price_vnd=PRICES[slug], start_date=date(today.year, 1, 1),
                                    end_date=date(today.year + 4, 12, 31))
        stdout.write(f"  = {tenant.name}: terminal VNPay {tmn} (sandbox), IPN {ipn_url}")
    path = Path(settings.BASE_DIR) / ".data" / "vnpay-sandbox-terminals.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(sandbox_terminals))
    try:  # a sandbox already running (second run): tell it now
        import httpx

        httpx.post(f"{settings.VNPAY_API_URL.rstrip('/')}/sandbox/terminals", json=sandbox_terminals, timeout=2)
    except Exception:  # not running yet: it reads the file when it starts  # noqa: S110
        pass
    counts = leasing.invoice_run(on=timezone.localdate())
    stdout.write(f"  = hoá đơn thuê dịch vụ tháng này: {counts['created']} mới, {counts['existing']} đã có")
