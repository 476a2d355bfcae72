"""``manage.py tenant_restore ARCHIVE --as-schema NEW | --in-place [--replace]``, or ``--check`` only."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from control.backups import services
from control.backups.archive import ArchiveError, archive_open
from control.backups.pgtools import ToolError


class Command(BaseCommand):
    help = ("Khôi phục một bản sao lưu sau khi kiểm tra manifest (mã băm, số dòng): ra schema mới để xem "
            "(--as-schema) hoặc tại chỗ sau sự cố (--in-place).")

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("archive", help="tệp .tar.gz do tenant_backup tạo ra")
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--as-schema", dest="as_schema", help="khôi phục ra schema mới tên này (để xem, đối chiếu)")
        where.add_argument("--in-place", action="store_true", help="khôi phục vào schema của chính đơn vị")
        where.add_argument("--check", action="store_true", help="chỉ kiểm tra tệp lưu trữ, không khôi phục")
        parser.add_argument("--replace", action="store_true",
                            help="với --in-place: thay schema và tệp còn lại của đơn vị (xoá chúng)")

    def handle(self, *args, archive: str, as_schema: str | None, in_place: bool, check: bool, replace: bool,
               **options) -> None:  # noqa: ANN002, ANN003
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"Không có tệp {archive}.")
        try:
            if check:
                manifest = archive_open(archive=path).manifest
                self.stdout.write(f"Tệp lưu trữ hợp lệ: {manifest['tenant']['slug']} lúc {manifest['created_at']}, "
                                  f"{len(manifest['tables'])} bảng, {len(manifest['files'])} tệp.")
                return
            done = services.backup_restore(archive=path, as_schema=as_schema, in_place=in_place, replace=replace)
        except (services.BackupError, ToolError, ArchiveError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Đã khôi phục vào schema {done.schema}: {done.tables} bảng, {done.rows} dòng, "
                          f"{done.files} tệp ({done.seconds} s); số dòng và mã băm khớp manifest.")
