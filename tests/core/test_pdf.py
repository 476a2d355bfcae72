from __future__ import annotations

import io

from pypdf import PdfReader

from core.pdf import qr_svg_data_uri, render_pdf


def test_pdf_embeds_the_shipped_font_and_keeps_vietnamese_text():
    text = "Giấy tiếp nhận hồ sơ và hẹn trả kết quả — Ủy ban nhân dân phường Hồng Bàng"
    pdf = render_pdf("pdf/sample.html", {"title": "PHIẾU", "body": text, "qr": qr_svg_data_uri("https://x/tra-cuu/1")})
    reader = PdfReader(io.BytesIO(pdf))
    extracted = reader.pages[0].extract_text()
    assert "Ủy ban nhân dân phường Hồng Bàng" in extracted
    assert "Độc lập - Tự do - Hạnh phúc" in extracted
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts and all("DocSerif" in f for f in fonts)  # only the bundled font, embedded
