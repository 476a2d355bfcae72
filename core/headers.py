"""Security headers of every response: Content-Security-Policy (django-csp) and Permissions-Policy.

The policy itself is in ``settings.CONTENT_SECURITY_POLICY`` (config/settings.py); this module only decides
where it goes (the pieces the settings build are in core/policies.py).

* **CSP on HTML only.** A PDF, a spreadsheet, an image or JSON is not a page: browsers ignore most of a
  policy there, and Chrome's built-in PDF viewer breaks under one (it draws the PDF through an internal
  ``<embed>`` with inline styles: ``object-src 'none'`` or ``style-src 'self'`` on the PDF response leave the
  counter's receipt blank, crbug.com/271452). So the policy is sent with every ``text/html`` response (and
  with a response that names no type), never with files.
* **Permissions-Policy on everything**: the browser features the product never uses are switched off for
  the page and anything it could embed (``settings.PERMISSIONS_POLICY``).
"""

from __future__ import annotations

from collections.abc import Callable

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

from core.policies import permissions_policy


def is_html(response: HttpResponseBase) -> bool:
    content_type = response.get("Content-Type", "")
    return not content_type or content_type.split(";", 1)[0].strip().lower() in ("text/html", "application/xhtml+xml")


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, sending the policy with pages (HTML) only: see the module's note on files."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if not is_html(response):
            return response
        return super().process_response(request, response)


class PermissionsPolicyMiddleware:
    """Adds ``Permissions-Policy`` (from ``settings.PERMISSIONS_POLICY``) to every response that has none."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = permissions_policy(getattr(settings, "PERMISSIONS_POLICY", {}))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.header
        return response


__all__ = ["ContentSecurityPolicyMiddleware", "PermissionsPolicyMiddleware", "is_html"]
