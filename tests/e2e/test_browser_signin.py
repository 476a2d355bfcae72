"""Sign-in safety in a real browser (Debian's chromium) against gunicorn: lock-out on the three sign-in forms,
enrolment of an authenticator app and its codes used once, the admin's code, password reset by e-mail, the
session that ends with the browser and after idle time."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from tests.core.signin.helpers import app_code, locks_cleared, reset_link_of
from tests.support import PASSWORD, ROOT, fresh_code, gunicorn

pytestmark = pytest.mark.e2e
LOCKED = "tạm khóa đăng nhập"


def at(live_server_url: str, host: str, path: str) -> str:
    return f"http://{host}:{live_server_url.rsplit(':', 1)[1]}{path}"


@pytest.fixture
def accounts(django_db_blocker):
    """Make committed accounts (schema, username, **fields); every lock-out is gone afterwards."""
    from core.accounts.models import User

    def make(schema: str, username: str, **fields) -> None:  # noqa: ANN003
        with django_db_blocker.unblock(), schema_context(schema):
            User.objects.create_user(username=username, password=PASSWORD, kind=fields.pop("kind", User.Kind.STAFF),
                                     **fields)

    yield make
    with django_db_blocker.unblock():  # (the accounts stay: the test database is this session's own)
        locks_cleared("t_alpha", "t_beta", "public")
        connection.set_schema_to_public()
        connection.close()


def _events(django_db_blocker, schema: str, kind: str, username: str) -> int:
    from core.signin.models import SignInEvent

    with django_db_blocker.unblock(), schema_context(schema):
        return SignInEvent.objects.filter(kind=kind, username=username).count()


def _submit(page, username: str, password: str, *, code: str | None = None, admin: bool = False,  # noqa: ANN001, ANN202
            url: str | None = None):
    if url:
        page.goto(url)
    if admin:
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(password)
        page.locator("#id_otp_token").fill(code or "")
        with page.expect_navigation() as nav:
            page.locator("#login-form input[type=submit]").click()
    else:
        page.get_by_label("Tên đăng nhập").fill(username)
        page.get_by_label("Mật khẩu").fill(password)
        with page.expect_navigation() as nav:
            page.get_by_role("button", name="Đăng nhập").click()
    return nav.value


def test_fifty_wrong_passwords_then_the_right_one_are_refused_on_every_form(browser, live_server_url, accounts,
                                                                            django_db_blocker):
    accounts("t_alpha", "canbo-bi-doan")
    accounts("t_beta", "canbo-bi-doan")
    forms = [  # (host, path, username, schema, admin form?)
        ("alpha.localhost", "/staff/login/", "canbo-bi-doan", "t_alpha", False),
        ("localhost", "/login/", "operator", "public", False),
    ]
    context = browser.new_context()
    page = context.new_page()
    for host, path, username, schema, _admin in forms:
        form = at(live_server_url, host, path)
        for _ in range(50):
            _submit(page, username, "doan-mo-mat-khau", url=form)
        refused = _submit(page, username, PASSWORD, url=form)
        assert refused.status == 429 and LOCKED in page.locator("[role=alert]").inner_text(), (host, path)
        assert "Quên mật khẩu" in page.content() or "đặt lại mật khẩu" in page.content()
        assert _events(django_db_blocker, schema, "locked_out", username) == 1
        page.goto(at(live_server_url, host, path))  # still refused: no session was made
        assert path in page.url
    # the admin site's form: the password and even a right code are refused while locked
    # (the operator's lock above holds there too: one schema, one account)
    with django_db_blocker.unblock():
        code = fresh_code("operator", "public")
    refused = _submit(page, "operator", PASSWORD, code=code, admin=True,
                      url=at(live_server_url, "localhost", "/admin/login/?next=/admin/"))
    assert refused.status == 429 and LOCKED in page.content()
    # the neighbour province knows nothing of alpha's lock-out: same username, same address
    beta = browser.new_context().new_page()
    beta.goto(at(live_server_url, "beta.localhost", "/staff/login/"))
    _submit(beta, "canbo-bi-doan", PASSWORD)
    assert beta.url.endswith("/staff/") and "Tỉnh Beta" in beta.content()
    context.close()


def test_admin_form_locks_out_on_its_own(browser, live_server_url, accounts, django_db_blocker):
    accounts("public", "vanhanh-2", kind="operator", is_staff=True, is_superuser=True)
    page = browser.new_context().new_page()
    form = at(live_server_url, "localhost", "/admin/login/?next=/admin/")
    for _ in range(50):
        _submit(page, "vanhanh-2", "sai", code="123456", admin=True, url=form)
    with django_db_blocker.unblock():
        code = fresh_code("vanhanh-2", "public")
    refused = _submit(page, "vanhanh-2", PASSWORD, code=code, admin=True, url=form)
    assert refused.status == 429 and LOCKED in page.content()
    assert _events(django_db_blocker, "public", "locked_out", "vanhanh-2") == 1


def test_an_admin_enrols_an_app_then_each_code_works_once(browser, live_server_url, accounts):
    accounts("t_alpha", "quantri-e2e", is_staff=True)
    context = browser.new_context()
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(at(live_server_url, "alpha.localhost", "/staff/setup/"))
    _submit(page, "quantri-e2e", PASSWORD)
    assert "/staff/xac-thuc/dang-ky/" in page.url
    page.goto(at(live_server_url, "alpha.localhost", "/staff/setup/"))  # not before the second factor
    assert "/staff/xac-thuc/dang-ky/" in page.url
    assert page.locator("#otp-qr svg").is_visible()
    origin = at(live_server_url, "alpha.localhost", "")
    assert requests and all(u.startswith(origin) for u in requests), requests  # QR and assets: local only
    secret = page.locator("#otp-secret").inner_text()
    used = app_code(secret)
    page.get_by_label("Mã xác thực").fill(used)
    page.get_by_role("button", name="Hoàn tất đăng ký").click()
    codes = [c.strip() for c in page.locator("#recovery-codes code").all_inner_texts()]
    assert len(codes) == 10
    page.get_by_role("link", name="Tôi đã cất các mã, tiếp tục").click()
    page.wait_for_url("**/staff/setup/")
    (cookie,) = [c for c in context.cookies() if c["name"] == "sessionid"]
    assert cookie["expires"] == -1  # gone when the browser closes
    response = page.goto(at(live_server_url, "alpha.localhost", "/staff/setup/"))
    assert "no-store" in response.headers["cache-control"]

    def sign_in_with(code: str) -> bool:
        page.get_by_role("button", name="Đăng xuất").first.click()
        page.goto(at(live_server_url, "alpha.localhost", "/staff/login/"))
        _submit(page, "quantri-e2e", PASSWORD)
        assert "/staff/xac-thuc/ma/" in page.url
        return _code(code)

    def _code(code: str) -> bool:
        page.get_by_label("Mã xác thực").fill(code)
        page.get_by_role("button", name="Xác nhận").click()
        page.wait_for_load_state()
        return page.url.endswith("/staff/")

    page.goto(at(live_server_url, "alpha.localhost", "/staff/"))
    assert not sign_in_with(used)  # the enrolment's code, replayed
    assert "không đúng" in page.locator("[role=alert]").inner_text()
    time.sleep(1.1)  # django-otp waits a little after a failure
    assert _code(app_code(secret, ahead=1))
    assert sign_in_with(codes[0])  # a recovery code
    assert not sign_in_with(codes[0])
    time.sleep(1.1)
    assert _code(codes[1])
    context.close()


def test_the_admin_site_asks_for_the_code(browser, live_server_url, django_db_blocker):
    with django_db_blocker.unblock():
        code = fresh_code("operator", "public")  # the operator's authenticator app
    page = browser.new_context().new_page()
    page.goto(at(live_server_url, "localhost", "/admin/"))
    assert "/admin/login/" in page.url
    _submit(page, "operator", PASSWORD, admin=True)
    assert "Mã xác thực không đúng" in page.locator(".errornote").inner_text()
    _submit(page, "operator", PASSWORD, code="000000", admin=True)
    assert "Mã xác thực không đúng" in page.locator(".errornote").inner_text()
    time.sleep(2.1)  # django-otp waits a little longer after each failure
    _submit(page, "operator", PASSWORD, code=code, admin=True)
    assert page.url.endswith("/admin/") and "Quản trị nền tảng" in page.content()
    # the operator's console shares the verified session
    page.goto(at(live_server_url, "localhost", "/console/"))
    assert page.url.endswith("/console/")


def _mail_link(since: float, to: str) -> tuple[str, str]:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        for path in sorted(Path(ROOT, ".data", "mail").glob("*.log"), key=lambda p: p.stat().st_mtime):
            if path.stat().st_mtime >= since and to in (text := path.read_text(errors="replace")):
                return reset_link_of(re.sub(r"=\n", "", text))
        time.sleep(0.2)
    raise AssertionError(f"no reset e-mail to {to}")


def test_password_reset_by_email_once_and_only_on_its_tenant(browser, live_server_url, accounts):
    accounts("t_alpha", "canbo-quen-e2e", email="quen.e2e@alpha.gov.vn")
    since = time.time() - 1
    page = browser.new_context().new_page()
    page.goto(at(live_server_url, "alpha.localhost", "/staff/login/"))
    page.get_by_role("link", name="Quên mật khẩu?").click()
    page.get_by_label("Thư điện tử").fill("quen.e2e@alpha.gov.vn")
    page.get_by_role("button", name="Gửi liên kết đặt lại mật khẩu").click()
    page.wait_for_load_state()
    assert "Kiểm tra hộp thư" in page.content()
    origin, path = _mail_link(since, "quen.e2e@alpha.gov.vn")
    assert origin == at(live_server_url, "alpha.localhost", "")
    # the outsider from another tenant: alpha's link on beta's host
    outsider = browser.new_context().new_page()
    outsider.goto(at(live_server_url, "beta.localhost", path))
    assert "không hợp lệ" in outsider.content() and outsider.get_by_label("Mật khẩu mới").count() == 0
    page.goto(origin + path)
    page.get_by_label("Mật khẩu mới", exact=True).fill("Mat-Khau-Moi-E2E-2026")
    page.get_by_label("Xác nhận mật khẩu mới").fill("Mat-Khau-Moi-E2E-2026")
    page.get_by_role("button", name="Đặt mật khẩu mới").click()
    page.wait_for_load_state()
    assert "Đã đặt mật khẩu mới" in page.content()
    page.get_by_role("link", name="Đăng nhập").last.click()
    _submit(page, "canbo-quen-e2e", "Mat-Khau-Moi-E2E-2026")
    assert page.url.endswith("/staff/")
    again = browser.new_context().new_page()
    again.goto(origin + path)
    assert "không hợp lệ" in again.content()


def test_an_idle_counter_session_ends(browser, accounts):
    accounts("t_alpha", "canbo-quay-e2e")
    with gunicorn(workers=1, threads=2, extra_env={"SIGNIN_IDLE_MINUTES": "0.05"}, log_name="idle") as (url, _port):
        page = browser.new_context().new_page()
        page.goto(at(url, "alpha.localhost", "/staff/login/"))
        _submit(page, "canbo-quay-e2e", PASSWORD)
        assert page.url.endswith("/staff/")
        time.sleep(1)
        page.reload()
        assert page.url.endswith("/staff/")  # still active
        time.sleep(4)
        page.reload()
        assert "/staff/login/" in page.url
        assert "Phiên làm việc đã kết thúc vì không thao tác" in page.content()
