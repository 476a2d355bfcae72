"""Fixtures of the fault suite: real processes (a private Redis, the VNPay sandbox, gunicorn) that the
tests kill, pause and bring back. Rows are committed (the servers only see those): ``live_db``."""

from __future__ import annotations

import socket

import pytest

_real_getaddrinfo = socket.getaddrinfo


def _getaddrinfo(host, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
    # RFC 6761: *.localhost is loopback (browsers resolve it so; glibc here does not).
    if isinstance(host, str) and host.endswith(".localhost"):
        host = "127.0.0.1"
    return _real_getaddrinfo(host, *args, **kwargs)


@pytest.fixture(scope="session", autouse=True)
def _localhost_subdomains():
    socket.getaddrinfo = _getaddrinfo
    yield
    socket.getaddrinfo = _real_getaddrinfo


@pytest.fixture
def live_db(django_db_setup, django_db_blocker):  # noqa: ANN001
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def private_redis():
    from tests.faults.processes import PrivateRedis

    redis = PrivateRedis()
    redis.start()
    yield redis
    redis.stop()
