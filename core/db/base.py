"""django-tenants' PostgreSQL backend, without the redundant ``SET search_path``.

django-tenants forgets the applied search path on every ``set_tenant()``, so each request
pays a ``SET`` even when the connection already points at the right schema. Here the
cached path survives when the schema does not change. It is still forgotten on
close, rollback and savepoint rollback (handled by the parent class), where PostgreSQL
may have undone the ``SET``: a failed transaction never leaves another tenant's path.

Supported pooling: Django's persistent connections or psycopg's pool, or a pooler in
*session* mode. A transaction-mode pooler (PgBouncer ``pool_mode=transaction``) may hand
the same server connection to another tenant between statements: not supported.
"""

from __future__ import annotations

from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper


class DatabaseWrapper(TenantDatabaseWrapper):
    def set_tenant(self, tenant, include_public: bool = True) -> None:  # noqa: ANN001
        if (
            self.search_path_set_schemas is not None
            and self.schema_name == tenant.schema_name
            and self.include_public_schema == include_public
        ):
            self.tenant = tenant  # same schema: the applied search path still holds
            return
        super().set_tenant(tenant, include_public)


