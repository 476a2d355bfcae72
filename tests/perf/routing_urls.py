"""URLs for the routing benchmark: the tenant's URLs plus a one-query endpoint."""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from config.urls_tenant import urlpatterns as tenant_urlpatterns
from core.accounts.models import User


def one_query(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"users": User.objects.count()})


urlpatterns = [path("bench/one-query", one_query), *tenant_urlpatterns]
