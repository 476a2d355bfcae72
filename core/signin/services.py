"""Sign-in safety services: who must give a second factor, enrolment of an authenticator app, recovery codes,
checking a code, and the audit log of sign-in events."""

from __future__ import annotations

import re

from axes.models import AccessAttempt
from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import get_public_schema_name

from core.access import is_operator, is_staff_member, is_tenant_admin
from core.accounts.models import User
from core.signin.address import client_ip
from core.signin.models import SignInEvent

TOTP_RE = re.compile(r"^\d{6}$")
RECOVERY_NAME = "Mã dự phòng"
TOTP_NAME = "Ứng dụng xác thực"


def second_factor_required(user: User) -> bool:
    """Operators (and any account that may open /admin/) and a tenant's administrators cannot work without
    a second factor."""
    if connection.schema_name == get_public_schema_name():
        return bool(user.is_authenticated and user.is_active and (is_operator(user) or user.is_staff
                                                                  or user.is_superuser))
    return is_tenant_admin(user)


def second_factor_offered(user: User) -> bool:
    """Every staff member and operator may add one (citizens sign in elsewhere)."""
    return is_operator(user) or is_staff_member(user)


def has_second_factor(user: User) -> bool:
    """Has the user an enrolled (confirmed) authenticator app?"""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def event_record(*, kind: str, request: HttpRequest | None = None, user: User | None = None, username: str = "",
                 detail: dict | None = None) -> SignInEvent:
    """Append one sign-in event to the current schema's log."""
    return SignInEvent.objects.create(
        kind=kind, username=(username or (user.get_username() if user is not None else ""))[:150],
        user_id=user.pk if user is not None else None, ip_address=client_ip(request) if request is not None else None,
        path=(request.path[:200] if request is not None else ""), detail=detail or {},
    )


def normalise_code(code: str) -> str:
    """As typed from a phone or from paper: spaces, dashes and capitals do not matter."""
    return re.sub(r"[^0-9a-z]", "", code.lower())[:16]


def code_verify(*, user: User, code: str, request: HttpRequest | None = None) -> Device | None:
    """The device that accepts ``code`` (six digits: the authenticator app; else a recovery code, used up),
    or None. django-otp refuses a TOTP code already used and slows down repeated failures."""
    code = normalise_code(code)
    if not code:
        return None
    model = TOTPDevice if TOTP_RE.match(code) else StaticDevice
    with transaction.atomic():
        for device in model.objects.filter(user=user, confirmed=True).select_for_update().order_by("-pk"):
            if device.verify_token(code):
                if model is StaticDevice:
                    event_record(kind=SignInEvent.Kind.RECOVERY_USED, request=request, user=user,
                                 detail={"left": recovery_codes_left(user)})
                return device
    event_record(kind=SignInEvent.Kind.OTP_FAILED, request=request, user=user,
                 detail={"kind": "totp" if model is TOTPDevice else "recovery"})
    return None


def totp_enrol_start(*, user: User) -> TOTPDevice:
    """A new secret for an authenticator app (unconfirmed until a code from it is given)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


@transaction.atomic
def totp_enrol_confirm(*, user: User, device_id: int, code: str,
                       request: HttpRequest | None = None) -> tuple[TOTPDevice, list[str]] | None:
    """Confirm the new app with a code it shows: it replaces any earlier app of the user, and a new set of
    recovery codes is made. Returns (device, recovery codes, to show once) or None if the code is wrong."""
    device = TOTPDevice.objects.select_for_update().filter(pk=device_id, user=user, confirmed=False).first()
    code = normalise_code(code)
    if device is None or not TOTP_RE.match(code) or not device.verify_token(code):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _recovery_codes_make(user)
    event_record(kind=SignInEvent.Kind.OTP_ENROLLED, request=request, user=user)
    return device, codes


def _recovery_codes_make(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.SIGNIN_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


@transaction.atomic
def recovery_codes_renew(*, user: User, request: HttpRequest | None = None) -> list[str]:
    """A new set of recovery codes (the old ones stop working), to be shown once."""
    codes = _recovery_codes_make(user)
    event_record(kind=SignInEvent.Kind.RECOVERY_RENEWED, request=request, user=user)
    return codes


def password_reset_requested(*, request: HttpRequest) -> None:
    """Log a request (the address asked is not kept: it may not be anyone's)."""
    event_record(kind=SignInEvent.Kind.RESET_REQUESTED, request=request)


@transaction.atomic
def password_reset_completed(*, user: User, request: HttpRequest) -> None:
    """A new password by the e-mailed link: the account's earlier failures are forgiven."""
    AccessAttempt.objects.filter(username=user.get_username()).delete()
    event_record(kind=SignInEvent.Kind.RESET_DONE, request=request, user=user)


def idle_signed_out(*, user: User, request: HttpRequest, idle_seconds: int) -> None:
    event_record(kind=SignInEvent.Kind.IDLE_SIGNED_OUT, request=request, user=user,
                 detail={"idle_seconds": idle_seconds})


def recent_events(*, user: User, limit: int = 10) -> list[SignInEvent]:
    return list(SignInEvent.objects.filter(user_id=user.pk).order_by("-at", "-id")[:limit])
