"""Smoke of a fresh install: migrate, create a tenant, one HTTP request to its host.

Run under ``devtools.devservices run`` (CI runs it on the embedded services).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx

from devtools.demo import ROOT, port_free


def main() -> int:
    py = sys.executable
    subprocess.run([py, "manage.py", "migrate_schemas", "--shared", "-v", "0"], cwd=ROOT, check=True)
    subprocess.run(
        [py, "manage.py", "shell", "-c",
         "from control.tenancy import services; from control.tenancy.models import Tenant;"
         "Tenant.objects.filter(slug='smoke').exists() or services.tenant_create(name='Tỉnh Khói', slug='smoke')"],
        cwd=ROOT, check=True,
    )
    # The whole demo data too (onboarding flow, dossiers, billing): the embedded server lacks
    # PostgreSQL's contrib modules, and everything must still work on it.
    subprocess.run([py, "manage.py", "demo_setup"], cwd=ROOT, check=True)
    port = 8765
    while not port_free(port):
        port += 1
    web = subprocess.Popen([os.path.join(os.path.dirname(py), "gunicorn"), "config.wsgi:application",
                            "--bind", f"127.0.0.1:{port}", "--workers", "1", "--no-control-socket"], cwd=ROOT)
    try:
        for _ in range(100):
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/", headers={"Host": "smoke.localhost"}, timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            print("smoke: web did not answer", file=sys.stderr)
            return 1
        demo = httpx.get(f"http://127.0.0.1:{port}/tra-cuu/", headers={"Host": "haiphong.localhost"}, timeout=5)
        ok = response.status_code == 200 and "Tỉnh Khói" in response.text and demo.status_code == 200
        print(f"smoke: GET smoke.localhost/ -> {response.status_code}, haiphong.localhost/tra-cuu/ -> "
              f"{demo.status_code}; {'ok' if ok else 'FAILED'}")
        return 0 if ok else 1
    finally:
        web.terminate()
        web.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
