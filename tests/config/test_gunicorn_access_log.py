"""The web process exactly as the Procfile starts it: its access log (gunicorn's own logger, not Django's
LOGGING) writes the request line with the query string masked, so a search by ID number, phone or e-mail
leaves none of them in the log."""

from __future__ import annotations

import shlex
import time

import httpx
import pytest

from core.pii import MASK
from tests.support import BIN, ROOT, free_port, running, server_env

ID_NUMBER, PHONE, EMAIL = "079203001234", "0912345678", "tran.thi.binh@example.vn"


def _procfile_web(port: int) -> list[str]:
    line = next(x for x in (ROOT / "Procfile").read_text().splitlines() if x.startswith("web:"))
    cmd = shlex.split(line.removeprefix("web:").replace("${PORT:-8000}", str(port)))
    assert cmd[0] == ".venv/bin/gunicorn"
    return [str(BIN / "gunicorn"), *cmd[1:]]


def test_the_access_log_of_the_procfile_web_process_carries_no_personal_data(django_db_setup):
    port = free_port()
    log = ROOT / ".data" / "test-logs" / f"procfile-web-{port}.log"

    def ready() -> bool:
        try:
            return httpx.get(f"http://127.0.0.1:{port}/healthz", headers={"Host": "localhost"}, timeout=1).is_success
        except httpx.HTTPError:
            return False

    with running(_procfile_web(port), env=server_env(), ready=ready, log=log):
        path = f"/tim-kiem/{ID_NUMBER}/?sdt={PHONE}&email={EMAIL.replace('@', '%40')}&q={EMAIL}"
        answer = httpx.get(f"http://127.0.0.1:{port}{path}", headers={"Host": "localhost"}, timeout=10)
        assert answer.status_code == 404
        time.sleep(0.5)  # the access line is written after the response
    text = log.read_text()
    lines = [x for x in text.splitlines() if "/tim-kiem/" in x]
    assert lines and MASK in lines[0], text[-2000:]
    for secret in (ID_NUMBER, PHONE, EMAIL, "tran.thi.binh", EMAIL.replace("@", "%40")):
        assert secret not in text


@pytest.mark.parametrize("option", ["--logger-class config.gunicorn_logging.Logger", "--access-logfile -"])
def test_the_procfile_web_process_keeps_its_access_log_and_its_filter(option):
    assert option in (ROOT / "Procfile").read_text()
