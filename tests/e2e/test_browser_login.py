"""A real browser (Debian's chromium, driven by Playwright) against gunicorn."""

from __future__ import annotations

import pytest

from tests.support import PASSWORD, browser_second_factor

pytestmark = pytest.mark.e2e


def tenant_url(live_server_url: str, slug: str, path: str) -> str:
    port = live_server_url.rsplit(":", 1)[1]
    return f"http://{slug}.localhost:{port}{path}"


def test_admin_signs_in_and_is_refused_on_the_other_tenant(browser, live_server_url, django_db_blocker):
    page = browser.new_page()
    page.goto(tenant_url(live_server_url, "alpha", "/staff/"))
    assert "/staff/login/" in page.url
    page.get_by_label("Tên đăng nhập").fill("admin-alpha")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    with django_db_blocker.unblock():  # an administrator: the code of an authenticator app comes next
        browser_second_factor(page, "admin-alpha", "t_alpha")
    page.wait_for_url("**/staff/")
    assert "Tỉnh Alpha" in page.locator("h1").inner_text()

    other = browser.new_page()
    other.goto(tenant_url(live_server_url, "beta", "/staff/login/"))
    other.get_by_label("Tên đăng nhập").fill("admin-alpha")
    other.get_by_label("Mật khẩu").fill(PASSWORD)
    other.get_by_role("button", name="Đăng nhập").click()
    other.wait_for_load_state()
    assert "/staff/login/" in other.url
    assert "không đúng" in other.locator("[role=alert]").inner_text()
    assert "Tỉnh Alpha" not in other.content()
