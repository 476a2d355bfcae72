"""Migrate every tenant schema that has pending migrations; nothing-pending costs one query."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from control.tenancy.upgrade import tenant_schemas, tenants_migrate


class Command(BaseCommand):
    help = ("Chạy migration cho các schema đơn vị thuê còn migration chưa áp dụng (schema mẫu trước). "
            "Không có gì cần chạy: một truy vấn duy nhất.")

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--check", action="store_true", help="Chỉ liệt kê, không chạy.")

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        started = time.perf_counter()
        total = len(tenant_schemas())
        pending = tenants_migrate(verbosity=max(0, options["verbosity"] - 1), dry_run=options["check"])
        for schema, names in pending.items():
            more = "..." if len(names) > 3 else ""
            self.stdout.write(f"  {schema}: {len(names)} migration ({', '.join(names[:3])}{more})")
        verb = "cần chạy" if options["check"] else "đã chạy"
        self.stdout.write(f"{len(pending)}/{total} schema {verb} migration; {time.perf_counter() - started:.2f} s.")
        if options["check"] and pending:
            raise SystemExit(1)
