"""PDFs people print (forms, receipts, invoices), rendered by weasyprint.

Every document embeds the DejaVu Serif font shipped in ``config/fonts`` (full Vietnamese
coverage), so a PDF looks the same on every machine; no asset is fetched from outside.
"""

from __future__ import annotations

from pathlib import Path

from django.template.loader import render_to_string

FONTS = Path(__file__).resolve().parent / "fonts"

BASE_CSS = f"""
@font-face {{ font-family: "DocSerif"; src: url("file://{FONTS / 'DejaVuSerif.ttf'}"); }}
@font-face {{ font-family: "DocSerif"; font-weight: bold; src: url("file://{FONTS / 'DejaVuSerif-Bold.ttf'}"); }}
@font-face {{ font-family: "DocSerif"; font-style: italic; src: url("file://{FONTS / 'DejaVuSerif-Italic.ttf'}"); }}
@page {{ size: A4; margin: 18mm 16mm 18mm 22mm; }}
html {{ font-family: "DocSerif"; font-size: 11.5pt; line-height: 1.4; }}
h1 {{ font-size: 14pt; text-align: center; margin: 8pt 0; }}
.center {{ text-align: center; }} .right {{ text-align: right; }} .bold {{ font-weight: bold; }}
.national {{ text-align: center; font-weight: bold; }}
table {{ border-collapse: collapse; width: 100%; }}
td, th {{ border: 0.5pt solid #444; padding: 3pt 4pt; vertical-align: top; }}
table.plain td {{ border: 0; }}
"""


def render_pdf(template_name: str, context: dict, *, extra_css: str = "") -> bytes:
    """Render a Django template to PDF bytes with the embedded Vietnamese font."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

    html = render_to_string(template_name, context)
    # Only the bundled files and inline data: a PDF never fetches anything from outside.
    fetcher = URLFetcher(allowed_protocols={"file", "data"})
    fonts = FontConfiguration()  # @font-face needs it, on the stylesheet and on the render
    css = CSS(string=BASE_CSS + extra_css, font_config=fonts, url_fetcher=fetcher)
    return HTML(string=html, url_fetcher=fetcher, base_url=str(FONTS)).write_pdf(stylesheets=[css], font_config=fonts)


def qr_svg_data_uri(data: str, *, scale: int = 3) -> str:
    """A QR code (segno) as an SVG data URI, to embed in a PDF or a page."""
    import segno

    return segno.make(data, error="m").svg_data_uri(scale=scale)
