"""``manage.py tenant_backup SLUG``: one archive of the tenant (schema dump, files, signed manifest)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from control.backups import services
from control.backups.archive import ArchiveError
from control.backups.pgtools import ToolError
from control.tenancy.models import Tenant


class Command(BaseCommand):
    help = "Sao lưu một đơn vị thuê: schema (pg_dump), tệp và manifest kèm mã băm, vào một tệp .tar.gz."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("slug", help="tên miền con của đơn vị (vd. haiphong)")

    def handle(self, *args, slug: str, **options) -> None:  # noqa: ANN002, ANN003
        try:
            backup = services.backup_tenant(slug=slug)
        except Tenant.DoesNotExist as exc:
            raise CommandError(f"Không có đơn vị thuê “{slug}”.") from exc
        except (services.BackupError, ToolError, ArchiveError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Đã sao lưu {slug}: {backup.path} ({backup.size} byte; {backup.tables} bảng, {backup.rows} dòng, "
            f"{backup.files} tệp; {backup.duration_ms} ms; đã kiểm tra)"
        )
