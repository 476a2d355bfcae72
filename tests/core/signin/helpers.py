"""What the sign-in tests share: reading pages, the code an app would show a step ahead, clean lock-outs."""

from __future__ import annotations

import re
import time
from base64 import b32decode

from django_otp.oath import TOTP

SECRET_RE = re.compile(r'id="otp-secret">([A-Z2-7 ]+)<')
CODES_RE = re.compile(r"<li><code>([a-z2-7]{8})</code></li>")
LINK_RE = re.compile(r"(https?://[^/\s]+)(\S*/dat-lai-mat-khau/\S+/)")


def app_code(secret: str, *, ahead: int = 0) -> str:
    """The code an authenticator app shows for ``secret`` (as printed on the enrol page), ``ahead`` steps later."""
    totp = TOTP(b32decode(secret.replace(" ", "")))
    totp.time = time.time() + 30 * ahead
    return f"{totp.token():06d}"


def secret_of(html: str) -> str:
    return SECRET_RE.search(html).group(1)


def recovery_codes_of(html: str) -> list[str]:
    return CODES_RE.findall(html)


def reset_link_of(body: str) -> tuple[str, str]:
    """(scheme://host, path) of the password-reset link in an e-mail."""
    match = LINK_RE.search(body)
    return match.group(1), match.group(2)


def locks_cleared(*schemas: str) -> None:
    """Forget failed sign-ins in these schemas (tests that commit them, from the one address 127.0.0.1)."""
    from axes.models import AccessAttempt
    from django_tenants.utils import schema_context

    for schema in schemas:
        with schema_context(schema):
            AccessAttempt.objects.all().delete()
