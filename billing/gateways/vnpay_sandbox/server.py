"""A threaded stdlib HTTP server for the sandbox, and ``run_in_thread`` for tests."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

from .app import SandboxApp, create_app

logger = logging.getLogger(__name__)


class QuietHandler(WSGIRequestHandler):
    """Access log to ``logging`` instead of stderr."""

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s - %s", self.address_string(), format % args)


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False
    request_queue_size = 64


def make_server(host: str, port: int, app: SandboxApp | None = None) -> ThreadingWSGIServer:
    server = ThreadingWSGIServer((host, port), QuietHandler)
    server.set_app(app or create_app())
    return server


@dataclass
class SandboxServer:
    """Handle returned by :func:`run_in_thread`."""

    server: ThreadingWSGIServer
    thread: threading.Thread
    app: SandboxApp
    host: str

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def stop(self) -> None:
        self.app.shutdown()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def __enter__(self) -> SandboxServer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def run_in_thread(host: str = "127.0.0.1", port: int = 0, app: SandboxApp | None = None) -> SandboxServer:
    """Start a sandbox on ``host:port`` (0 = a free port) in a daemon thread."""
    app = app or create_app()
    server = make_server(host, port, app)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name=f"vnpay-sandbox-{server.server_address[1]}", daemon=True)
    thread.start()
    return SandboxServer(server=server, thread=thread, app=app, host=host)


__all__ = ["SandboxServer", "ThreadingWSGIServer", "make_server", "run_in_thread"]
