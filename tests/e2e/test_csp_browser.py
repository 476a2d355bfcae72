"""The Content-Security-Policy in a real browser (Debian chromium) against gunicorn: the main pages of both
hosts, the operator's console and the admin, a tenant administrator's setup pages, a dossier's journey at the
counter and a citizen's payment (the form leaves for the VNPay sandbox and comes back) record no
``securitypolicyviolation`` event, no CSP or Permissions-Policy message on the console and no script error.

A first check proves the recorder hears the browser: inline code put into a page is refused and recorded.
"""

from __future__ import annotations

import secrets
import time

import httpx
import pytest
from django.db import connection
from playwright.sync_api import expect

from tests.core.test_headers import PENDING_PAGES
from tests.e2e.pages import url
from tests.support import PASSWORD, browser_second_factor
from tests.tenants.dossiers.helpers import PDF_BYTES, receive

pytestmark = pytest.mark.e2e

LISTEN = """document.addEventListener("securitypolicyviolation", (e) => window.__cspViolation({
  directive: e.effectiveDirective, blocked: e.blockedURI, document: e.documentURI, sample: e.sample,
  source: e.sourceFile, line: e.lineNumber}));"""
WATCHED = ("Content Security Policy", "Content-Security-Policy", "Permissions-Policy", "Permissions policy")


class Recorder:
    """What a browser context says about the policies: violation events, console messages, script errors."""

    def __init__(self, browser) -> None:  # noqa: ANN001
        self.context = browser.new_context()
        self.violations: list[dict] = []
        self.messages: list[str] = []
        self.context.expose_binding("__cspViolation", lambda _source, v: self.violations.append(v))
        self.context.add_init_script(LISTEN)
        self.context.on("console", self._console)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda exc: self.messages.append(f"script error on {self.page.url}: {exc}"))

    def _console(self, message) -> None:  # noqa: ANN001
        if any(word in message.text for word in WATCHED):
            where = (message.location or {}).get("url", "")
            self.messages.append(f"{message.type} on {where or self.page.url}: {message.text}")

    def visit(self, address: str) -> None:
        response = self.page.goto(address)
        assert response is not None and response.status < 500, (address, response and response.status)
        self.page.wait_for_load_state("load")

    def problems(self) -> list[str]:
        time.sleep(0.3)  # the binding's calls arrive asynchronously
        pending = tuple(PENDING_PAGES)  # templates another branch rewrites (tests/core/test_headers.py)

        def known(where: str, directive: str = "style-src-attr") -> bool:
            return directive == "style-src-attr" and any(where.split("?")[0].endswith(p) for p in pending)

        found = [f"violation {v}" for v in self.violations if not known(v.get("document", ""), v.get("directive"))]
        found += [m for m in self.messages if not (known(m.split(": ", 1)[0]) and "inline style" in m)]
        return found

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def recorder(browser):  # noqa: ANN001, ANN201
    made: list[Recorder] = []

    def make() -> Recorder:
        made.append(Recorder(browser))
        return made[-1]

    yield make
    for r in made:
        r.close()


def _sign_in(rec: Recorder, address: str, username: str, schema: str | None = None) -> None:
    rec.visit(address)
    rec.page.get_by_label("Tên đăng nhập").fill(username)
    rec.page.get_by_label("Mật khẩu").fill(PASSWORD)
    rec.page.get_by_role("button", name="Đăng nhập").click()
    if schema is not None:
        browser_second_factor(rec.page, username, schema)
    rec.page.wait_for_load_state("load")
    assert "/login/" not in rec.page.url, rec.page.url


def test_the_recorder_hears_refused_inline_code(recorder, live_server_url):
    """An inline script and an inline style put into a page are refused, and the recorder hears both."""
    rec = recorder()
    rec.visit(url(live_server_url, "/"))
    rec.page.evaluate("""() => {
      const s = document.createElement("script"); s.textContent = "window.__ran = true"; document.body.append(s);
      document.body.insertAdjacentHTML("beforeend", '<p style="color: red">x</p>'); }""")
    assert rec.page.evaluate("() => window.__ran === undefined")
    deadline = time.monotonic() + 5
    while len(rec.violations) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert sorted(v["directive"] for v in rec.violations) == ["script-src-elem", "style-src-attr"]
    assert any("Content Security Policy" in m for m in rec.messages)


@pytest.fixture
def sandbox():
    from billing.gateways.vnpay_sandbox import run_in_thread

    server = run_in_thread("127.0.0.1", 0)
    yield server
    server.stop()


@pytest.fixture
def citizen_world(office, sandbox, live_server_url):  # noqa: ANN001, ANN201
    """A dossier of alpha with its code, a fee to pay and alpha's terminal on the sandbox (all committed)."""
    from billing.fees.services import payment_request_create, terminal_save

    dossier = receive(office)
    tmn, secret = f"CSP{secrets.randbelow(10**5):05d}", secrets.token_hex(16)
    terminal_save(tmn_code=tmn, hash_secret=secret, pay_url=sandbox.url, api_url=sandbox.url, actor="test")
    port = live_server_url.rsplit(":", 1)[1]
    httpx.post(f"{sandbox.url}/sandbox/terminals", json={
        "tmn_code": tmn, "hash_secret": secret,
        "ipn_url": f"http://alpha.localhost:{port}/thanh-toan/vnpay/ipn"}).raise_for_status()
    req = payment_request_create(subject_type="csp-browser", subject_id=secrets.randbelow(2**40),
                                 reference=dossier.code, amount_vnd=30_000, description="Lệ phí (thử CSP)")
    return dossier, req


def test_citizen_pages_and_payment_raise_no_violation(recorder, live_server_url, citizen_world, sandbox):
    dossier, req = citizen_world
    rec = recorder()
    for path in ("/", "/tra-cuu/", f"/tra-cuu/?ma={dossier.code}", "/staff/login/", "/staff/quen-mat-khau/",
                 "/khong-co-trang-nay/"):
        rec.visit(url(live_server_url, path))
    expect(rec.page.locator("h1")).to_contain_text("404")
    # The payment: our form's POST is answered by a redirect to the gateway (form-action lists its origin)...
    rec.visit(url(live_server_url, f"/thanh-toan/{req.token}/"))
    rec.page.get_by_role("button", name="Thanh toán qua VNPay").click()
    rec.page.wait_for_url(f"{sandbox.url}/**")
    expect(rec.page.locator("#amount")).to_be_visible()
    # ... and the gateway sends the citizen back to our return page.
    rec.page.get_by_role("button", name="Hủy thanh toán").click()
    rec.page.wait_for_url("**/thanh-toan/vnpay/return**")
    rec.page.wait_for_load_state("load")
    assert rec.problems() == []

    platform = f"http://localhost:{live_server_url.rsplit(':', 1)[1]}"
    for path in ("/", "/login/", "/quen-mat-khau/"):
        rec.visit(platform + path)
    rec.visit(platform + "/dang-ky/")  # its script suggests the sub-domain and shows the kind's fields
    rec.page.locator("input[name=kind]").last.check()
    rec.page.locator("input[name=kind]").first.check()
    assert rec.problems() == []


def test_operator_console_and_admin_raise_no_violation(recorder, live_server_url, django_db_blocker):
    from control.tenancy.models import Tenant

    with django_db_blocker.unblock():
        tenant_id = Tenant.objects.get(slug="alpha").pk
        connection.close()
    platform = f"http://localhost:{live_server_url.rsplit(':', 1)[1]}"
    rec = recorder()
    with django_db_blocker.unblock():
        _sign_in(rec, platform + "/login/", "operator", "public")
        connection.close()
    for path in ("/console/", "/console/don-vi/", "/console/nhat-ky/", "/console/billing/", "/console/backups/",
                 "/xac-thuc/", "/admin/", "/admin/tenancy/", "/admin/tenancy/tenant/",
                 f"/admin/tenancy/tenant/{tenant_id}/change/", "/admin/accounts/user/add/",
                 "/admin/catalogue/masterprocedure/"):
        rec.visit(platform + path)
    rec.visit(platform + "/admin/")
    expect(rec.page.locator("#content-main caption").first).to_be_visible()  # the app list (our clean copy)
    rec.page.locator("#toggle-nav-sidebar").count()  # the sidebar's script ran without error (pageerror)
    assert rec.problems() == []


def test_staff_journey_and_setup_pages_raise_no_violation(recorder, live_server_url, office, tmp_path):
    rec = recorder()
    _sign_in(rec, url(live_server_url, "/staff/login/"), office.receiver.username)
    rec.page.get_by_role("link", name="+ Tiếp nhận hồ sơ").click()
    rec.page.get_by_label("Thủ tục hành chính").select_option(str(office.procedure.pk))
    rec.page.get_by_label("Họ tên người nộp / tên tổ chức").fill("Lê Thị Thu Hà")
    rec.page.get_by_label("Số định danh cá nhân (CCCD, 12 số) / mã số doanh nghiệp").fill("031299007777")
    rec.page.get_by_label("Số điện thoại").fill("0912777888")
    rec.page.locator(f"#doc{office.docs[0].pk}").check()
    scan = tmp_path / "to-khai.pdf"
    scan.write_bytes(PDF_BYTES)
    rec.page.get_by_label("Bản quét hồ sơ (PDF, JPEG, PNG; tối đa 10 MB mỗi tệp)").set_input_files(str(scan))
    rec.page.get_by_role("button", name="Tiếp nhận và cấp mã hồ sơ").click()
    rec.page.wait_for_url("**/staff/dossiers/*/")
    dossier_page = rec.page.url
    rec.visit(url(live_server_url, "/staff/dossiers/"))
    rec.visit(url(live_server_url, "/staff/dossiers/?q=thu+ha"))

    processor = recorder()
    _sign_in(processor, url(live_server_url, "/staff/login/"), office.processor.username)
    processor.visit(dossier_page)
    processor.page.get_by_role("button", name="Chuyển bước tiếp theo").click()
    expect(processor.page.locator("main")).to_contain_text("Bước hiện tại: Phê duyệt (lãnh đạo)")

    approver = recorder()
    _sign_in(approver, url(live_server_url, "/staff/login/"), office.approver.username)
    approver.visit(dossier_page)
    approver.page.get_by_role("button", name="Phê duyệt").click()
    expect(approver.page.locator("#status")).to_have_text("Đã phê duyệt, chờ phát hành kết quả")

    admin = recorder()
    _sign_in(admin, url(live_server_url, "/staff/login/"), "admin-alpha", "t_alpha")
    for path in ("/staff/", "/staff/setup/", "/staff/setup/don-vi/", "/staff/setup/can-bo/",
                 "/staff/setup/lich-lam-viec/", "/staff/setup/kiem-tra/", "/staff/procedures/",
                 "/staff/procedures/cap-nhat/", f"/staff/procedures/{office.procedure.code}/",
                 "/staff/dossiers/cau-hinh/", "/staff/dossiers/cau-hinh/ma-ho-so/", "/staff/billing/",
                 "/staff/billing/payments/", "/staff/billing/terminal/", "/staff/outbox/", "/staff/nhat-ky-cau-hinh/",
                 "/staff/xac-thuc/"):
        admin.visit(url(live_server_url, path))
    for r in (rec, processor, approver, admin):
        assert r.problems() == []


@pytest.mark.django_db
def test_database_is_set_up_for_this_module(tenant_a):
    assert tenant_a.slug == "alpha"
