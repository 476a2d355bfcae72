"""What the Content-Security-Policy forbids in a page, found in HTML (rendered) or in a template's source.

The policy allows no inline code: no ``<style>`` element, no ``style="…"`` attribute, no ``on…="…"`` handler,
no ``<script>`` without ``src`` (except data blocks such as ``json_script``'s ``type="application/json"``),
no ``javascript:`` URL.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data"}


class _InlineCode(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        where = f"<{tag} {' '.join(f'{k}={v!r}' for k, v in attrs)[:120]}>"
        if tag == "style":
            self.found.append(f"inline <style>: {where}")
        if tag == "script" and not names.get("src") and (names.get("type") or "").lower() not in DATA_SCRIPT_TYPES:
            self.found.append(f"inline <script>: {where}")
        for name, value in attrs:
            if name == "style":
                self.found.append(f"style attribute: {where}")
            elif name.startswith("on"):
                self.found.append(f"event handler {name}: {where}")
            elif name in URL_ATTRIBUTES and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"javascript: URL: {where}")

    handle_startendtag = handle_starttag


def inline_code(html: str) -> list[str]:
    """Every piece of inline code in ``html`` the policy would refuse (empty: none)."""
    parser = _InlineCode()
    parser.feed(html)
    parser.close()
    return parser.found


_SOURCE_PATTERNS = {
    "inline <style>": re.compile(r"<style\b", re.I),
    "style attribute": re.compile(r"""[\s"'}]style\s*=""", re.I),
    "event handler": re.compile(r"""[\s"'}]on[a-z]+\s*=\s*["'{]""", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
    "inline <script>": re.compile(r"<script\b(?![^>]*\bsrc\s*=)(?![^>]*type=[\"']application/(?:ld\+)?json)", re.I),
}


def inline_code_in_source(source: str) -> list[str]:
    """The same, in a template's source: each kind found, with its line number."""
    found = []
    for number, line in enumerate(source.splitlines(), 1):
        for kind, pattern in _SOURCE_PATTERNS.items():
            if pattern.search(line):
                found.append(f"line {number}: {kind}: {line.strip()[:160]}")
    return found


def parse_csp(header: str) -> dict[str, list[str]]:
    """``"default-src 'self'; img-src 'self' data:"`` → ``{"default-src": ["'self'"], "img-src": [...]}``."""
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives
