"""Helpers the tests share: real servers (gunicorn, Celery) against the test database."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "Test-Mat-Khau-2026"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url_for_tests() -> str:
    """The URL of the database the tests run on (pytest-django's test_ database)."""
    from core.db.urls import database_url

    return database_url(connection.settings_dict, connection.settings_dict["NAME"])


def server_env(**extra: str) -> dict[str, str]:
    from django.conf import settings

    env = {**os.environ, "DATABASE_URL": database_url_for_tests(), "REDIS_URL": settings.REDIS_URL,
           "DJANGO_ENV": "test", "DEBUG": "0", "PYTHONUNBUFFERED": "1"}
    env.update(extra)
    return env


@contextmanager
def running(cmd: list[str], *, env: dict[str, str], ready: callable, timeout: float = 30.0, log: Path):
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
        try:
            deadline = time.monotonic() + timeout
            while not ready():
                if proc.poll() is not None:
                    raise RuntimeError(f"{cmd[0]} exited early:\n{log.read_text()[-3000:]}")
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{cmd[0]} not ready after {timeout}s:\n{log.read_text()[-3000:]}")
                time.sleep(0.1)
            yield proc
        finally:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=10)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


@contextmanager
def gunicorn(*, workers: int = 2, threads: int = 4, extra_env: dict[str, str] | None = None,
             app: str = "config.wsgi:application", log_name: str = "gunicorn"):
    port = free_port()

    def ready() -> bool:
        try:
            response = httpx.get(f"http://127.0.0.1:{port}/healthz", headers={"Host": "localhost"}, timeout=1)
            return response.status_code < 500
        except httpx.HTTPError:
            return False

    cmd = [str(BIN / "gunicorn"), app, "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
           "--threads", str(threads), "--no-control-socket", "--log-level", "warning",
           "--worker-class", "gthread" if threads > 1 else "sync"]
    log = ROOT / ".data" / "test-logs" / f"{log_name}-{port}.log"
    with running(cmd, env=server_env(**(extra_env or {})), ready=ready, log=log):
        yield f"http://127.0.0.1:{port}", port


@contextmanager
def celery_worker(queue: str):
    from config.celery import app

    def ready() -> bool:
        replies = app.control.ping(timeout=0.5, destination=[f"w-{queue}@{socket.gethostname()}"])
        return bool(replies)

    cmd = [str(BIN / "celery"), "-A", "config.celery", "worker", "-Q", queue, "-n", f"w-{queue}@%h",
           "--concurrency", "2", "--pool", "threads", "--without-gossip", "--without-mingle", "--loglevel", "INFO"]
    log = ROOT / ".data" / "test-logs" / f"celery-{queue}.log"
    with running(cmd, env=server_env(), ready=ready, log=log, timeout=60):
        yield


# --- Sign-in with the second factor (core/signin) ---------------------------------------------------------
# Operators and tenant administrators must give a code from an authenticator app. The tests enrol one the
# way the product stores it (a confirmed TOTP device) and compute its current code, as a phone would.

def otp_device(user, *, name: str = "test"):  # noqa: ANN001, ANN201
    """A newly enrolled authenticator app of ``user`` (in the current schema). A fresh one each time: a
    TOTP code is accepted once, and two sign-ins of the same account may fall in the same 30 s."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name=name, confirmed=True)


def otp_code(device) -> str:  # noqa: ANN001
    """The code the authenticator app shows now."""
    from django_otp.oath import TOTP

    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():0{device.digits}d}"


def schema_of_host(host: str) -> str:
    from django.conf import settings

    from control.tenancy.models import Domain

    if host.split(":")[0] == settings.BASE_DOMAIN:
        return "public"
    return Domain.objects.select_related("tenant").get(domain=host.split(":")[0]).tenant.schema_name


def user_needs_code(username: str, schema: str):  # noqa: ANN201
    """The account, if it has or must have a second factor (else None)."""
    from django_tenants.utils import schema_context

    from core.accounts.models import User
    from core.signin.services import has_second_factor, second_factor_required

    with schema_context(schema):
        user = User.objects.filter(username=username).first()
        if user is not None and (second_factor_required(user) or has_second_factor(user)):
            return user
    return None


def fresh_code(username: str, schema: str) -> str:
    """Enrol a fresh app for the account in ``schema`` and return its current code."""
    from django_tenants.utils import schema_context

    from core.accounts.models import User

    with schema_context(schema):
        return otp_code(otp_device(User.objects.get(username=username)))


def sign_in(client, username: str, password: str = PASSWORD):  # noqa: ANN001, ANN201
    """Sign in through the forms of the client's host (Django's test client): the password, then, for an
    account with a second factor, the code of a freshly enrolled app. Returns the last response."""
    host = client.defaults.get("HTTP_HOST", "localhost")
    schema = schema_of_host(host)
    login = "/login/" if schema == "public" else "/staff/login/"
    response = client.post(login, {"username": username, "password": password})
    location = response.get("Location", "") if response.status_code == 302 else ""
    if "/xac-thuc/" in location and user_needs_code(username, schema) is not None:
        verify = location.replace("/xac-thuc/dang-ky/", "/xac-thuc/ma/")
        response = client.post(verify, {"code": fresh_code(username, schema)})
    return response


def sign_in_http(http, base: str, username: str, *, schema: str, password: str = PASSWORD):  # noqa: ANN001, ANN201
    """The same over real HTTP (an httpx.Client against gunicorn), CSRF tokens included."""
    import re

    csrf = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    login = f"{base}/login/" if schema == "public" else f"{base}/staff/login/"
    page = http.get(login)
    response = http.post(login, data={"csrfmiddlewaretoken": csrf.search(page.text).group(1),
                                      "username": username, "password": password})
    location = response.headers.get("Location", "") if response.status_code == 302 else ""
    if "/xac-thuc/" in location and user_needs_code(username, schema) is not None:
        verify = base + location.replace("/xac-thuc/dang-ky/", "/xac-thuc/ma/")
        code = fresh_code(username, schema)  # enrolled first: the code page is then the one shown
        page = http.get(verify)
        response = http.post(verify, data={"csrfmiddlewaretoken": csrf.search(page.text).group(1), "code": code})
    return response


def browser_second_factor(page, username: str, schema: str) -> None:  # noqa: ANN001
    """In a real browser on the second-factor page: type the code of a freshly enrolled app."""
    page.wait_for_url("**/xac-thuc/**")
    code = fresh_code(username, schema)
    if "/xac-thuc/dang-ky/" in page.url:
        page.reload()  # now that an app is enrolled, the sign-in asks for its code
        page.wait_for_url("**/xac-thuc/ma/**")
    page.get_by_label("Mã xác thực").fill(code)
    page.get_by_role("button", name="Xác nhận").click()


def force_login_passes_second_factor(sender, request, user, **kwargs) -> None:  # noqa: ANN001, ANN003
    """``Client.force_login`` skips the sign-in forms, the second factor included: a session it makes for an
    account with (or needing) a second factor is marked verified by an enrolled app. Connected to
    ``user_logged_in`` by tests/conftest.py, in the test process only; real requests (with a path) go
    through the product's own steps."""
    if request is None or request.path:
        return
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from core.signin.services import has_second_factor, second_factor_required

    if not (second_factor_required(user) or has_second_factor(user)):
        return
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first() or otp_device(user)
    request.session[DEVICE_ID_SESSION_KEY] = device.persistent_id
