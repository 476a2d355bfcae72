"""Settings variants for the routing benchmark (same stack, one difference each).

- ``routed``: the product as shipped (cached host → tenant, SET search_path only on change)
- ``stock``: django-tenants' own middleware and backend (a Domain query + SETs per request)
- ``bare``: no tenant routing at all, Django's plain PostgreSQL backend
"""

from __future__ import annotations

import os

from config.settings import *  # noqa: F403
from config.settings import DATABASES, MIDDLEWARE

VARIANT = os.environ.get("ROUTING_VARIANT", "routed")
ROOT_URLCONF = "tests.perf.routing_urls"
DEBUG = False

if VARIANT == "stock":
    MIDDLEWARE = ["django_tenants.middleware.main.TenantMainMiddleware", *MIDDLEWARE[1:]]
    DATABASES = {"default": {**DATABASES["default"], "ENGINE": "django_tenants.postgresql_backend"}}
    TENANT_LIMIT_SET_CALLS = False
    SHOW_PUBLIC_IF_NO_TENANT_FOUND = False
elif VARIANT == "bare":
    MIDDLEWARE = MIDDLEWARE[1:]
    DATABASES = {"default": {**DATABASES["default"], "ENGINE": "django.db.backends.postgresql"}}
