"""Database URLs and connection arguments, read and built in one place (settings, dev tooling, tests, benches)."""

from __future__ import annotations

from urllib.parse import quote, unquote


def db_config(database_url: str) -> dict:
    """django-environ's reading of a database URL, with a %-encoded socket directory as host."""
    import environ

    cfg = environ.Env.db_url_config(database_url)
    if cfg.get("HOST", "").lower().startswith("%2f"):
        cfg["HOST"] = unquote(cfg["HOST"])
    return cfg


def connect_kwargs(cfg: dict, *, dbname: str = "postgres") -> dict:
    """psycopg.connect() arguments for the server of a Django database config (``dbname``: which database)."""
    kwargs = {"dbname": dbname, "user": cfg.get("USER") or "postgres", "autocommit": True}
    if cfg.get("HOST"):
        kwargs["host"] = cfg["HOST"]
    if cfg.get("PORT"):
        kwargs["port"] = int(cfg["PORT"])
    if cfg.get("PASSWORD"):
        kwargs["password"] = cfg["PASSWORD"]
    return kwargs


def database_url(cfg: dict, name: str) -> str:
    """The URL of database ``name`` on the server of a Django database config (socket hosts %-encoded)."""
    host = cfg.get("HOST") or ""
    host_part = quote(host, safe="") if host.startswith("/") else host
    port = f":{cfg['PORT']}" if cfg.get("PORT") else ""
    user = quote(cfg.get("USER") or "postgres", safe="")
    password = f":{quote(cfg['PASSWORD'], safe='')}" if cfg.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host_part}{port}/{name}"
