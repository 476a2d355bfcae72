from django.core.management.base import BaseCommand, CommandError

from control.catalogue.services import CatalogueRejected, catalogue_import_file


class Command(BaseCommand):
    help = "Nhập danh mục thủ tục từ tệp CSV/XLSX/JSONL (tất cả hoặc không)."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi gì.")
        parser.add_argument(
            "--skip-rejected",
            action="store_true",
            help="Nạp các dòng hợp lệ, bỏ các dòng bị từ chối (mặc định: tất cả hoặc không).",
        )

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        try:
            report, result = catalogue_import_file(
                path=options["file"], dry_run=options["dry_run"], skip_rejected=options["skip_rejected"], by="manage.py"
            )
        except CatalogueRejected as exc:
            raise CommandError(exc.message) from exc
        for warning in report.warnings[:20]:
            self.stdout.write(f"  ! {warning}")
        for error in report.rejected[:50]:
            self.stdout.write(f"  x {error}")
        summary = report.summary()
        self.stdout.write(
            f"Tệp {summary['source']} ({summary['encoding']}): {summary['total_rows']} dòng, "
            f"{summary['accepted']} hợp lệ ({summary['needs_review']} cần rà soát), "
            f"{summary['rejected_rows']} bị từ chối."
        )
        if result is None:
            self.stdout.write("Chạy thử (--dry-run): không ghi gì.")
        else:
            self.stdout.write(f"Đã nạp: {result.summary()}")
