"""What the browser tests share: a tenant page's address, a staff login, the text of a PDF a page links to."""

from __future__ import annotations

import base64
import io

from pypdf import PdfReader

from tests.support import PASSWORD


def url(live_server_url: str, path: str) -> str:
    return f"http://alpha.localhost:{live_server_url.rsplit(':', 1)[1]}{path}"


def login(browser, live_server_url: str, user):  # noqa: ANN001, ANN201
    page = browser.new_context().new_page()
    page.goto(url(live_server_url, "/staff/login/"))
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/staff/")
    return page


def pdf_text(page, link_name: str) -> str:  # noqa: ANN001
    """Fetch the PDF behind the link (by the page, with its cookies) and return its text, single-spaced."""
    href = page.get_by_role("link", name=link_name).first.get_attribute("href")
    content_type, b64 = page.evaluate(
        """async (u) => { const r = await fetch(u); const b = new Uint8Array(await r.arrayBuffer());
           let s = ''; for (const x of b) s += String.fromCharCode(x);
           return [r.headers.get('content-type'), btoa(s)]; }""", href)
    assert content_type == "application/pdf", (link_name, content_type)
    reader = PdfReader(io.BytesIO(base64.b64decode(b64)))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())
