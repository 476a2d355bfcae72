"""The known ways schema-per-tenant systems leak, each tried across two tenants."""

from __future__ import annotations

import uuid

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection, transaction
from django_tenants.utils import schema_context

from core.accounts.models import User
from tests.support import sign_in

pytestmark = pytest.mark.django_db


def test_cache_keys_carry_the_schema(tenant_a, tenant_b):
    key = f"leak-{uuid.uuid4().hex}"
    with schema_context(tenant_a.schema_name):
        cache.set(key, "secret of alpha", 30)
        assert cache.get(key) == "secret of alpha"
    with schema_context(tenant_b.schema_name):
        assert cache.get(key) is None
    with schema_context("public"):
        assert cache.get(key) is None


def test_session_cookie_of_one_tenant_is_worthless_on_another(client_a, client_b):
    response = sign_in(client_a, "admin-alpha")
    cookie = response.cookies["sessionid"]
    assert cookie["domain"] == ""  # host-only: a browser never sends it to another host
    assert client_a.get("/staff/").status_code == 200

    client_b.cookies["sessionid"] = cookie.value  # an attacker replays it on the neighbour's host
    assert client_b.get("/staff/").status_code == 302
    assert client_b.get("/api/v1/me").status_code == 403


def test_media_paths_are_scoped_to_the_current_tenant(client_a, client_b, tenant_a):
    name = f"scans/{uuid.uuid4().hex}.txt"
    with schema_context(tenant_a.schema_name):
        stored = default_storage.save(name, ContentFile(b"ho so cua alpha"))
        assert default_storage.path(stored).split("/")[-3] == tenant_a.schema_name
    try:
        sign_in(client_a, "admin-alpha")
        own = client_a.get(f"/staff/files/{stored}")
        assert own.status_code == 200
        assert b"".join(own.streaming_content) == b"ho so cua alpha"

        sign_in(client_b, "admin-beta")
        assert client_b.get(f"/staff/files/{stored}").status_code == 404
        assert client_b.get(f"/staff/files/../{tenant_a.schema_name}/{stored}").status_code == 404
        assert client_b.get(f"/staff/files/%2E%2E/{tenant_a.schema_name}/{stored}").status_code == 404
        # Anonymous visitors get nothing, even on the right host.
        client_a.logout()
        assert client_a.get(f"/staff/files/{stored}").status_code == 302
    finally:
        with schema_context(tenant_a.schema_name):
            default_storage.delete(stored)


def admins() -> list[str]:
    """The tenant admins the current search path sees (other tests may add more staff)."""
    return sorted(User.objects.filter(username__startswith="admin-").values_list("username", flat=True))


def test_search_path_is_not_left_behind_by_a_rolled_back_savepoint(tenant_a, tenant_b):
    connection.set_tenant(tenant_a)
    assert admins() == ["admin-alpha"]
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            connection.set_tenant(tenant_b)
            assert admins() == ["admin-beta"]
            raise RuntimeError("boom")
    # The SET issued inside the savepoint was undone by PostgreSQL; the connection must
    # not believe it still holds.
    assert admins() == ["admin-beta"]
    connection.set_tenant(tenant_a)
    assert admins() == ["admin-alpha"]


def test_search_path_after_a_database_error(tenant_a, tenant_b):
    connection.set_tenant(tenant_b)
    with pytest.raises(DatabaseError):
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT * FROM no_such_table")
    assert admins() == ["admin-beta"]
    connection.set_tenant(tenant_a)
    assert admins() == ["admin-alpha"]


def test_request_after_an_error_on_another_tenant_sees_its_own_data(client_a, client_b):
    sign_in(client_a, "admin-alpha")
    sign_in(client_b, "admin-beta")
    assert client_a.get("/staff/files/missing.txt").status_code == 404
    me = client_b.get("/api/v1/me").json()
    assert me == {"username": "admin-beta", "kind": "staff", "tenant": "t_beta"}
