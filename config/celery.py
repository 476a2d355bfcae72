"""The Celery app: tenant-aware (tenant-schemas-celery).

Tasks are declared with ``shared_task`` in their apps; the base of tasks that touch tenant data
is ``core.tasks.TenantOnlyTask``. This module only creates the app and finds the tasks.
"""

from __future__ import annotations

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = CeleryApp("motcua")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
