"""A citizen pays a dossier's fee from the public tracking page; the dossier moves on.

Everything real: our app under gunicorn, the local VNPay sandbox, its IPN to our endpoint.
"""

from __future__ import annotations

import re

from tests.billing.helpers import citizen, pay_at_gateway, start_checkout, wait_for
from tests.tenants.dossiers.helpers import build_office, receive

PAY_LINK = re.compile(r'href="/thanh-toan/([^/"]+)/"')


def test_citizen_pays_from_the_tracking_page_and_the_dossier_moves_on(alpha):
    from tenants.dossiers.models import Dossier, DossierEvent
    from tenants.procedures.models import Fee

    with alpha.schema():
        office = build_office()
        Fee.objects.create(procedure=office.procedure, name="Lệ phí", amount_vnd=50_000, position=1)
        dossier = receive(office)
        assert dossier.status == "awaiting_payment"  # the clock waits for the citizen

    browser = citizen()
    page = browser.get(f"{alpha.base}/tra-cuu/", params={"ma": dossier.code})
    assert page.status_code == 200 and "Thanh toán trực tuyến" in page.text
    token = PAY_LINK.search(page.text).group(1)

    redirect = start_checkout(browser, alpha, token)
    assert redirect.status_code == 302, redirect.text[:500]
    pay_at_gateway(browser, redirect.headers["Location"])

    def moved_on() -> Dossier | None:
        with alpha.schema():
            d = Dossier.objects.get(pk=dossier.pk)
        return d if d.fee_paid_vnd == 50_000 and d.status != "awaiting_payment" else None

    paid = wait_for(moved_on)
    assert paid.payment_id
    with alpha.schema():
        assert DossierEvent.objects.filter(dossier_id=dossier.pk, action="fee_paid").count() == 1
    after = browser.get(f"{alpha.base}/tra-cuu/", params={"ma": dossier.code})
    assert "Đã thanh toán" in after.text and "bien-lai.pdf" in after.text
