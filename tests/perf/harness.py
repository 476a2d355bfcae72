"""What every benchmark shares: a fresh database of its own, and the result line.

A benchmark is ``tests/perf/bench_<name>.py``, run alone by ``make bench B=<name>``. It
measures our path and a baseline side by side in one run and prints its result last, as
one JSON line: ``{"bench": "<name>", "ratio": ..., <figures>}``.

Usage inside a benchmark::

    from tests.perf.harness import bench_django, emit
    bench_django("routing")        # fresh database <db>_bench_routing, migrated, template schema ready
    ...
    emit({"bench": "routing", "ratio": 0.8, ...})
"""

from __future__ import annotations

import atexit
import json
import os
import statistics
import sys
import time
from collections.abc import Callable

_state: dict = {}


def _admin_conn(cfg: dict):  # noqa: ANN202
    import psycopg

    from core.db.urls import connect_kwargs

    return psycopg.connect(**connect_kwargs(cfg))


def _drop(cfg: dict, name: str) -> None:
    with _admin_conn(cfg) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def bench_django(name: str, *, keep: bool = False) -> str:
    """Point Django at a fresh database ``<configured name>_bench_<name>``, set it up, and return its URL."""
    from core.db.urls import database_url, db_config
    from devtools.devservices import resolve

    os.environ.setdefault("DJANGO_ENV", "test")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    urls = resolve()
    cfg = db_config(urls["DATABASE_URL"])
    # Named after the configured database too: benches run against one server from several
    # checkouts at once must not drop each other's database.
    db_name = f"{cfg.get('NAME') or 'motcua'}_bench_{name}"[:63]
    _drop(cfg, db_name)
    with _admin_conn(cfg) as conn:
        conn.execute(f'CREATE DATABASE "{db_name}"')
    url = database_url(cfg, db_name)
    os.environ["DATABASE_URL"] = url
    os.environ["REDIS_URL"] = urls["REDIS_URL"]

    import django

    django.setup()
    from django.core.management import call_command

    from control.tenancy.services import template_schema_ensure

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    template_schema_ensure()

    def cleanup() -> None:
        from django.db import connections

        connections.close_all()
        if not keep:
            _drop(cfg, db_name)

    atexit.register(cleanup)
    _state["url"] = url
    return url


def timed(fn: Callable[[], object], *, repeat: int = 5) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def median(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def emit(result: dict) -> None:
    """Print the result as the last line (and flush)."""
    sys.stdout.flush()
    print(json.dumps(result, ensure_ascii=False), flush=True)
