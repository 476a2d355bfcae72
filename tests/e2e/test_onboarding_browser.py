"""A newcomer signs a province up, an operator approves it and watches it provision, the
province's admin sets a password, completes the setup wizard and goes live (real browser,
gunicorn, Celery worker, PostgreSQL, Redis)."""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path

import pytest

from tests.core.signin.helpers import app_code
from tests.support import PASSWORD, ROOT, browser_second_factor

SLUG = "phutho"
EMAIL = "vanphong@phutho-e2e.gov.vn"
pytestmark = pytest.mark.e2e  # no django_db: everything is committed by real servers


@pytest.fixture
def clean(django_db_blocker):
    from tests.onboarding.helpers import wipe

    with django_db_blocker.unblock():
        from control.catalogue.services import catalogue_load_starter

        catalogue_load_starter()
        wipe(SLUG)
    yield
    with django_db_blocker.unblock():
        wipe(SLUG)


def _admin_link(port: str, since: float) -> str:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for path in sorted(Path(ROOT, ".data", "mail").glob("*.log"), key=lambda p: p.stat().st_mtime):
            if path.stat().st_mtime < since:
                continue
            text = path.read_text(errors="replace")
            if EMAIL in text:
                match = re.search(rf"http://{SLUG}\.localhost:{port}/staff/setup/mat-khau/\S+/", text)
                if match:
                    return match.group(0)
        time.sleep(0.2)
    raise AssertionError("no e-mail with the admin link")


def test_sign_up_approve_provision_setup_and_go_live(browser, live_server_url, celery_queue, clean,
                                                      django_db_blocker):
    # celery_queue: the worker on the queue the live server enqueues on (this session's). Without
    # it the provisioning waits for a worker another test of this session may or may not have started.
    port = live_server_url.rsplit(":", 1)[1]
    platform = f"http://localhost:{port}"
    started = time.time() - 1

    # 1. the province signs itself up
    page = browser.new_page()
    page.goto(f"{platform}/dang-ky/")
    page.get_by_label("Tỉnh, thành phố", exact=True).select_option(label="Phú Thọ")
    assert page.get_by_label("Tên miền con mong muốn").input_value() == SLUG  # slugged without diacritics
    page.get_by_label("Người liên hệ").fill("Nguyễn Thị Thọ")
    page.get_by_label("Thư điện tử").fill(EMAIL)
    page.get_by_label("Điện thoại").fill("0210 3846 123")
    page.get_by_role("button", name="Gửi đăng ký").click()
    page.wait_for_load_state()
    assert "Đã nhận đơn đăng ký" in page.content()

    # 2. the operator approves and watches the progress (no reload)
    op = browser.new_page()
    op.goto(f"{platform}/login/")
    op.get_by_label("Tên đăng nhập").fill("operator")
    op.get_by_label("Mật khẩu").fill(PASSWORD)
    op.get_by_role("button", name="Đăng nhập").click()
    with django_db_blocker.unblock():  # the operator's authenticator app
        browser_second_factor(op, "operator", "public")
    op.wait_for_url("**/console/")
    op.goto(f"{platform}/console/")
    op.get_by_role("button", name="Duyệt Tỉnh Phú Thọ").click()
    op.wait_for_load_state()
    row = op.locator("tr[data-application]", has_text="Tỉnh Phú Thọ")
    row.locator(".done").wait_for(state="visible", timeout=60_000)
    assert row.locator("progress").get_attribute("value") in ("100", "100.0") or \
        op.evaluate("document.querySelector('tr[data-application] progress').value") == 100

    # 3. the province's admin sets a password through the one-time link
    admin = browser.new_page()
    admin.goto(_admin_link(port, started))
    admin.get_by_label("Mật khẩu mới", exact=True).fill("Phu-Tho-Dat-To-2026")
    admin.get_by_label("Xác nhận mật khẩu mới").fill("Phu-Tho-Dat-To-2026")
    admin.get_by_role("button", name="Đặt mật khẩu").click()
    # an administrator enrols an authenticator app before the setup
    admin.wait_for_url("**/staff/xac-thuc/dang-ky/**")
    admin.get_by_label("Mã xác thực").fill(app_code(admin.locator("#otp-secret").inner_text()))
    admin.get_by_role("button", name="Hoàn tất đăng ký").click()
    assert admin.locator("#recovery-codes code").count() == 10
    admin.get_by_role("link", name="Tôi đã cất các mã, tiếp tục").click()
    admin.wait_for_url("**/staff/setup/")
    base = f"http://{SLUG}.localhost:{port}"

    # the go-live cannot be skipped
    admin.goto(f"{base}/staff/setup/kiem-tra/")
    admin.get_by_role("button", name="Vận hành chính thức").click(force=True)  # the server refuses too
    admin.wait_for_load_state()
    assert "Dùng thử" in admin.locator("#tenant-status").inner_text()
    assert "Chưa áp dụng thủ tục nào" in admin.content()

    # 4. wizard: a receiver at the one-stop desk, procedures with a handling unit
    admin.goto(f"{base}/staff/setup/can-bo/")
    admin.get_by_label("Tên đăng nhập").fill("tiepnhan")
    admin.get_by_label("Họ và tên").fill("Lê Văn Tiếp")
    admin.get_by_label("Mật khẩu ban đầu").fill("Tiep-Nhan-2026!")
    admin.locator("#staff-form").get_by_label("Đơn vị").select_option(label="Trung tâm Phục vụ hành chính công Phú Thọ")
    admin.locator("#staff-form").get_by_label("Vai trò").select_option(label="Tiếp nhận")
    admin.get_by_role("button", name="Tạo tài khoản cán bộ").click()
    admin.wait_for_load_state()
    assert "Đã tạo tài khoản tiepnhan" in admin.content()

    # the working calendar: a day off announced by the province
    from tenants.calendar.workingtime import WorkingCalendar

    day = dt.date(dt.date.today().year + 1, 6, 2)
    while not WorkingCalendar().is_working_day(day):
        day += dt.timedelta(days=1)
    admin.goto(f"{base}/staff/setup/lich-lam-viec/")
    assert "Ngày nghỉ lễ năm" in admin.content()
    admin.get_by_label("Ngày", exact=True).fill(day.isoformat())
    admin.get_by_label("Loại", exact=True).select_option(value="day_off")
    admin.get_by_label("Lý do", exact=True).fill("Quyết định 15/QĐ-UBND")
    admin.get_by_role("button", name="Thêm vào lịch").click()
    admin.wait_for_load_state()
    assert "Đã thêm ngày nghỉ" in admin.content() and "Quyết định 15/QĐ-UBND" in admin.content()

    admin.goto(f"{base}/staff/procedures/")
    for i in (1, 2, 3):
        admin.locator(f"#pick-{i}").check()
    admin.get_by_label("Đơn vị giải quyết cho các thủ tục đã chọn").select_option(
        label="Trung tâm Phục vụ hành chính công Phú Thọ")
    admin.get_by_role("button", name="Áp dụng các thủ tục đã chọn").click()
    admin.wait_for_load_state()
    assert "Đã áp dụng 3 thủ tục" in admin.content()

    # 5. checklist → go live
    admin.goto(f"{base}/staff/setup/kiem-tra/")
    assert admin.locator("tr[data-ok='0']").count() == 0
    admin.get_by_role("button", name="Vận hành chính thức").click()
    admin.wait_for_load_state()
    assert "Đang hoạt động" in admin.locator("#tenant-status").inner_text()

    op.goto(f"{platform}/console/")
    tenant_row = op.locator("tr[data-tenant='phutho']")
    assert "Đang hoạt động" in tenant_row.inner_text()
