"""Read the settings at start-up: a wrong configuration is one line per problem on stderr, not a traceback."""

from __future__ import annotations

import sys

from django.core.exceptions import ImproperlyConfigured


def settings_or_exit(code: int = 3) -> None:
    """Load the settings now; on a configuration error exit with ``code`` (3: gunicorn's "worker failed to
    boot", so the server stops instead of respawning workers)."""
    from django.conf import settings

    try:
        settings.INSTALLED_APPS  # noqa: B018 — reading one setting loads them all
    except ImproperlyConfigured as exc:
        for line in str(exc).splitlines():
            sys.stderr.write(f"Cấu hình sai: {line}\n")
        sys.stderr.flush()
        raise SystemExit(code) from None
