"""infra/supervise.sh, which runs the Procfile's worker: a command that dies by itself is started again;
a clean exit, or a TERM to the supervisor's process group (honcho's stop), ends both."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from tests.support import ROOT

SCRIPT = ROOT / "infra" / "supervise.sh"


def _start(tmp_path: Path, body: str) -> subprocess.Popen:
    return subprocess.Popen(["sh", str(SCRIPT), "sh", "-c", body], cwd=tmp_path, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def _wait_for(predicate, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_a_command_killed_or_crashing_is_started_again_and_a_clean_exit_ends_it(tmp_path):
    # crashes twice (exit 70, then killed by SIGKILL as a worker is), then exits cleanly on the third run
    body = ('n=$(cat runs 2>/dev/null || echo 0); n=$((n+1)); echo $n > runs; '
            'if [ $n -eq 1 ]; then exit 70; fi; if [ $n -eq 2 ]; then kill -KILL $$; fi; exit 0')
    proc = _start(tmp_path, body)
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert (tmp_path / "runs").read_text().strip() == "3"
    text = out.decode()
    assert "ended with 70" in text and "ended with 137" in text


def test_a_term_to_the_group_stops_the_supervisor_and_its_command(tmp_path):
    proc = _start(tmp_path, "n=$(cat runs 2>/dev/null || echo 0); echo $((n+1)) > runs; echo $$ > pid; exec sleep 60")
    assert _wait_for(lambda: (tmp_path / "pid").exists() and (tmp_path / "pid").read_text().strip())
    child = int((tmp_path / "pid").read_text())
    os.killpg(proc.pid, signal.SIGTERM)  # as honcho stops a process
    assert proc.wait(timeout=10) == 0
    assert _wait_for(lambda: not Path(f"/proc/{child}").exists())
    time.sleep(1.5)
    assert (tmp_path / "runs").read_text().strip() == "1"  # never started again


def test_the_procfile_worker_runs_under_the_supervisor():
    line = next(x for x in (ROOT / "Procfile").read_text().splitlines() if x.startswith("worker:"))
    assert line.split(":", 1)[1].split()[:2] == ["sh", "infra/supervise.sh"]
