"""Security headers and inline code (issue #10, item 6).

Every page of both hosts, as anonymous, staff, administrator, operator and outsider, carries the
Content-Security-Policy (pages only: files carry none, see core/headers.py) and the Permissions-Policy; its
HTML holds no inline script, style or handler; every served template's source neither. The policy has no
``unsafe-inline`` and lets a form leave only for the payment gateway's origins.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django_tenants.utils import schema_context

from core.policies import csp_origin, csp_origins, permissions_policy
from tests.conftest import host_of
from tests.core.html_policy import inline_code, inline_code_in_source, parse_csp
from tests.support import ROOT
from tests.tenants.dossiers.helpers import build_office, receive

# Templates whose inline code another branch of issue #10 removes (they rewrite the page): listed, not edited.
# Remove an entry once its template is clean (test_pending_templates_are_still_pending tells when).
PENDING = {"tenants/dossiers/templates/dossiers/receive.html"}
PENDING_PAGES = {"/staff/dossiers/tiep-nhan/"}


# --- The policy itself ---------------------------------------------------------------------------------------

def _policy(response) -> dict[str, list[str]]:  # noqa: ANN001
    return parse_csp(response["Content-Security-Policy"])


def assert_policy(policy: dict[str, list[str]]) -> None:
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"][0] == "'self'"
    assert not any("unsafe" in value or value == "*" for values in policy.values() for value in values), policy


def test_the_policy_has_no_unsafe_inline_and_lets_forms_reach_only_the_gateway():
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert_policy({name: list(values) for name, values in directives.items()})
    # Tests: the local sandboxes on loopback ports (as the allow-list says), and nothing else.
    assert directives["form-action"] == ["'self'", *csp_origins(
        [settings.VNPAY_PAY_URL, *settings.GATEWAY_URL_ALLOWLIST["vnpay"]])]
    assert "http://127.0.0.1:*" in directives["form-action"]


def test_origins_of_the_allow_list_become_csp_sources():
    assert csp_origin("https://sandbox.vnpayment.vn/paymentv2/vpcpay.html") == "https://sandbox.vnpayment.vn"
    assert csp_origin("http://127.0.0.1:8765") == "http://127.0.0.1:8765"
    assert csp_origin("http://127.0.0.1:*") == "http://127.0.0.1:*"
    assert csp_origin("http://[::1]:9000/x") == "http://[::1]:9000"
    assert csp_origins(["https://pay.vnpay.vn", "https://pay.vnpay.vn/x", ""]) == ["https://pay.vnpay.vn"]
    for bad in ("javascript:alert(1)", "ftp://x", "https://a.vn; script-src *", "https://a.vn 'unsafe-inline'", "x"):
        with pytest.raises(ValueError):
            csp_origin(bad)
    assert permissions_policy({"camera": (), "fullscreen": ("self",)}) == "camera=(), fullscreen=(self)"


def test_production_policy_names_vnpays_published_hosts_only():
    """In production the form may go to VNPay's hosts of the allow-list, never to a loopback sandbox; the
    transport settings that ``check --deploy`` asks for are on (tests/config: ``check --deploy`` is clean)."""
    from tests.config.test_settings_and_faults import PRODUCTION

    script = ("from django.conf import settings as s; import json; "
              "print(json.dumps([s.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action'], s.PERMISSIONS_POLICY,"
              " s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
              " list(s.SECURE_PROXY_SSL_HEADER)]))")
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ENV", "SECRET_KEY", "DEBUG")}
    done = subprocess.run([sys.executable, "manage.py", "shell", "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={**env, **PRODUCTION, "DATABASE_URL": "postgres://x@db/x",
                                                       "REDIS_URL": "redis://redis:6379/0"})
    assert done.returncode == 0, done.stderr
    form_action, features, hsts, redirect, session_secure, csrf_secure, proxy = json.loads(done.stdout.splitlines()[-1])
    assert form_action == ["'self'", "https://sandbox.vnpayment.vn", "https://pay.vnpay.vn",
                           "https://merchant.vnpay.vn"]
    assert features["camera"] == [] and features["geolocation"] == [] and features["payment"] == []
    assert hsts >= 31536000 and redirect and session_secure and csrf_secure
    assert proxy == ["HTTP_X_FORWARDED_PROTO", "https"]


# --- Every page of both hosts --------------------------------------------------------------------------------

def _routes(conf: str) -> list[tuple[str, URLPattern]]:
    out = []

    def walk(patterns, prefix=""):  # noqa: ANN001, ANN202
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + (f"{p.namespace}:" if p.namespace else ""))
            elif p.name:
                out.append((prefix + p.name, p))

    walk(get_resolver(conf).url_patterns)
    return out


def _paths(conf: str, values: dict[str, object], *, skip: tuple[str, ...] = ("admin:",)) -> list[str]:
    """A path for each named URL of ``conf`` whose arguments ``values`` can fill."""
    paths = []
    for name, pattern in _routes(conf):
        if name.startswith(skip):
            continue
        wanted = set(pattern.pattern.converters) | set(pattern.pattern.regex.groupindex)
        if not wanted <= set(values):
            continue
        try:
            paths.append(reverse(name, urlconf=conf, kwargs={k: values[k] for k in wanted}))
        except NoReverseMatch:
            continue
    return sorted(set(paths))


def check_response(response, who: str, path: str, problems: list[str], *,  # noqa: ANN001
                   html_expected: bool | None = None) -> None:
    where = f"{who} {path}"
    status = response.status_code
    if status >= 500 and not (path == "/readyz" and status == 503):  # readyz: 503 while no Celery worker answers
        problems.append(f"{where}: {status}")
        return
    if response.get("Permissions-Policy") != permissions_policy(settings.PERMISSIONS_POLICY):
        problems.append(f"{where}: Permissions-Policy is {response.get('Permissions-Policy')!r}")
    content_type = response.get("Content-Type", "")
    is_html = content_type.startswith("text/html")
    if html_expected is not None and is_html != html_expected:
        problems.append(f"{where}: Content-Type {content_type}")
    if not is_html:
        if "Content-Security-Policy" in response:
            problems.append(f"{where}: a file ({content_type}) carries a CSP (Chrome's PDF viewer breaks)")
        return
    if "Content-Security-Policy" not in response:
        problems.append(f"{where}: page without Content-Security-Policy")
        return
    try:
        assert_policy(_policy(response))
    except AssertionError as exc:
        problems.append(f"{where}: policy {exc}")
    if response.streaming or path in PENDING_PAGES:
        return
    for found in inline_code(response.content.decode()):
        problems.append(f"{where}: {found}")


@pytest.fixture
def alpha_world(tenant_a):
    with schema_context(tenant_a.schema_name):
        from billing.fees.services import payment_request_create

        office = build_office()
        dossier = receive(office)
        req = payment_request_create(subject_type="test-headers", subject_id=secrets.randbelow(2**40),
                                     reference="HS-HEADERS", amount_vnd=50_000, description="Lệ phí")
        yield office, dossier, req


def _tenant_values(office, dossier, req) -> dict[str, object]:  # noqa: ANN001
    return {"token": req.token, "doc_id": office.docs[0].pk, "dossier_id": dossier.pk, "code": office.procedure.code,
            "pk": office.one_stop.pk, "procedure_id": office.procedure.pk, "form": "01", "action": "hand_over",
            "payment_id": 1, "invoice_id": 1, "uidb64": "MQ", "path": "khong-co.pdf"}


def test_every_tenant_page_carries_the_headers_and_no_inline_code(alpha_world, tenant_a, tenant_b):
    office, dossier, req = alpha_world
    paths = _paths("config.urls_tenant", _tenant_values(office, dossier, req))
    assert len(paths) > 50 and "/staff/dossiers/" in paths and f"/thanh-toan/{req.token}/" in paths
    problems: list[str] = []
    users = {"anonymous": None, "receiver": office.receiver, "processor": office.processor,
             "administrator": office.admin, "colleague without the role": office.outsider}
    with schema_context(tenant_a.schema_name):
        for who, user in users.items():
            client = Client(HTTP_HOST=host_of(tenant_a))
            if user is not None:
                client.force_login(user)
            for path in paths:
                check_response(client.get(path), who, path, problems)
    # The outsider from another tenant: beta's administrator asks beta's host for alpha's ids.
    with schema_context(tenant_b.schema_name):
        from core.accounts.models import User

        client = Client(HTTP_HOST=host_of(tenant_b))
        client.force_login(User.objects.get(username="admin-beta"))
        for path in paths:
            check_response(client.get(path), "outsider of beta", path, problems)
    assert not problems, "\n".join(problems[:60])


def test_every_platform_page_and_the_admin_carry_the_headers_and_no_inline_code(db, tenant_a):
    from core.accounts.models import User

    values = {"pk": 1, "invoice_id": 1, "contract_id": 1, "uidb64": "MQ", "token": "x"}
    paths = _paths("config.urls_public", values)
    admin_paths = [p for p in _paths("config.urls_public", {}, skip=()) if p.startswith("/admin/")]
    admin_paths += [f"/admin/tenancy/tenant/{tenant_a.pk}/change/", "/admin/tenancy/tenant/?q=alpha"]
    assert "/console/" in paths and "/dang-ky/" in paths and len(admin_paths) > 5
    problems: list[str] = []
    operator = User.objects.get(username="operator")
    for who in ("anonymous", "operator"):
        client = Client(HTTP_HOST=settings.BASE_DOMAIN)
        if who == "operator":
            client.force_login(operator)
        for path in paths + admin_paths:
            check_response(client.get(path), who, path, problems)
    assert not problems, "\n".join(problems[:60])


def test_files_carry_the_permissions_policy_but_no_csp(alpha_world, tenant_a):
    office, dossier, _req = alpha_world
    with schema_context(tenant_a.schema_name):
        client = Client(HTTP_HOST=host_of(tenant_a))
        client.force_login(office.receiver)
        problems: list[str] = []
        for path in (f"/staff/dossiers/{dossier.pk}/phieu/01.pdf", "/staff/dossiers/so-theo-doi.pdf",
                     "/staff/dossiers/?xuat=excel", "/healthz", "/static/css/app.css"):
            response = client.get(path)
            assert response.status_code == 200, path
            check_response(response, "receiver", path, problems, html_expected=False)
        assert not problems, problems


def test_answers_before_routing_and_error_pages_carry_the_headers(db, tenant_a):
    problems: list[str] = []
    # The routing middleware answers an unknown host itself: the headers are added before it.
    check_response(Client(HTTP_HOST=f"khong-co.{settings.BASE_DOMAIN}").get("/"), "anonymous", "unknown host",
                   problems, html_expected=True)
    # A stale form (CSRF failure): our own page, not Django's with its inline <style>.
    client = Client(HTTP_HOST=host_of(tenant_a), enforce_csrf_checks=True)
    stale = client.post("/staff/login/", {"username": "x", "password": "y"})
    assert stale.status_code == 403 and "Biểu mẫu đã hết hạn" in stale.content.decode()
    check_response(stale, "anonymous", "CSRF failure", problems, html_expected=True)
    check_response(Client(HTTP_HOST=host_of(tenant_a)).get("/khong-co-trang-nay/"), "anonymous", "404",
                   problems, html_expected=True)
    assert not problems, problems
    # The 500 page is rendered without a request context: no inline code either.
    from django.views.defaults import server_error

    page = server_error(RequestFactory().get("/"))
    assert page.status_code == 500 and inline_code(page.content.decode()) == []
    assert "Đã có lỗi xảy ra" in page.content.decode()


# --- Every served template's source ------------------------------------------------------------------------

def _served_templates() -> list[Path]:
    """Every HTML template of the product's apps, less the PDFs (rendered by weasyprint, never served)."""
    out = []
    for directory in engines["django"].template_dirs:
        directory = Path(directory)
        if ROOT not in directory.parents or ".venv" in directory.parts:
            continue
        for path in directory.rglob("*.html"):
            if "pdf" in path.relative_to(directory).parts or path.name.endswith("_pdf.html"):
                continue
            out.append(path)
    return sorted(out)


def test_no_served_template_holds_inline_code():
    templates = _served_templates()
    assert len(templates) > 40 and any(p.name == "base.html" for p in templates)
    problems = []
    for path in templates:
        relative = str(path.relative_to(ROOT))
        if relative in PENDING:
            continue
        problems += [f"{relative}: {found}" for found in inline_code_in_source(path.read_text())]
    assert not problems, "\n".join(problems)


def test_pending_templates_are_still_pending():
    """Tells when another branch has cleaned a pending template: then remove it from PENDING."""
    for relative in PENDING:
        path = ROOT / relative
        assert path.exists() and inline_code_in_source(path.read_text()), (
            f"{relative} has no inline code any more: remove it from PENDING (and its page from PENDING_PAGES)")


def test_the_source_scanner_finds_what_the_policy_refuses():
    for source in ('<div style="x">', "<style>a{}</style>", '<button onclick="f()">', "<script>f()</script>",
                   '<a href="javascript:f()">', '<form {% if a %}style="display:inline"{% endif %}>'):
        assert inline_code_in_source(source), source
        assert inline_code(source.replace("{% if a %}", "").replace("{% endif %}", "")), source
    for source in ('<script src="/static/a.js"></script>', '<script id="d" type="application/json">{}</script>',
                   '<form class="inline">', '<p data-on="1">Hướng dẫn: ôn tập</p>'):
        assert inline_code_in_source(source) == [] and inline_code(source) == [], source
