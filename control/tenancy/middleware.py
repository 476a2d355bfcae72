"""Pick the tenant from the request's host; refuse unknown hosts and closed tenants."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import set_urlconf

from control.tenancy import routing

# Paths of the back office and the API: a closed tenant answers 403 there, 503 elsewhere.
STAFF_PREFIXES = ("/staff/", "/api/")
# Still served for a closed tenant: health, assets, and the gateway's payment confirmations
# (money already taken must be recorded; VNPay retries anything else for hours).
ALWAYS_OPEN = ("/healthz", "/static/", "/thanh-toan/vnpay/ipn", "/thanh-toan/paygov/notify")


def _page(request: HttpRequest, template: str, status: int, context: dict | None = None) -> HttpResponse:
    body = render_to_string(template, context or {}, request=None)
    response = HttpResponse(body, status=status, content_type="text/html; charset=utf-8")
    if status == 503:
        response["Retry-After"] = "3600"
    return response


class TenantRoutingMiddleware:
    def __init__(self, get_response) -> None:  # noqa: ANN001
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            hostname = request.get_host().split(":")[0].lower()
        except DisallowedHost:
            return _page(request, "tenancy/unknown_host.html", 404)
        tenant = routing.resolve(hostname)
        if tenant is None:
            # Says nothing about which tenants exist.
            return _page(request, "tenancy/unknown_host.html", 404)

        request.tenant = tenant
        if tenant is routing.PUBLIC:
            connection.set_schema_to_public()
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
        else:
            tenant.domain_url = hostname
            connection.set_tenant(tenant)
            request.urlconf = settings.ROOT_URLCONF
            if not tenant.is_open and not request.path.startswith(ALWAYS_OPEN):
                staff = request.path.startswith(STAFF_PREFIXES)
                return _page(
                    request,
                    "tenancy/suspended.html",
                    403 if staff else 503,
                    {"tenant": tenant, "staff": staff},
                )
        set_urlconf(request.urlconf)
        return self.get_response(request)
