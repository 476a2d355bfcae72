"""Operator pages on the platform domain."""

from __future__ import annotations

from django.contrib.auth.decorators import user_passes_test
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from control.accounts.models import User
from control.tenancy.models import Tenant


def is_operator(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.kind == User.Kind.OPERATOR


operator_required = user_passes_test(is_operator)


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "console/home.html")


@operator_required
def dashboard(request: HttpRequest) -> HttpResponse:
    tenants = Tenant.objects.prefetch_related("domains").order_by("name")
    return render(request, "console/dashboard.html", {"tenants": tenants})
