from django.core.management.base import BaseCommand, CommandError

from control.catalogue.national import default_national_path, load_national_jsonl
from control.catalogue.services import CatalogueRejected, catalogue_import_report


class Command(BaseCommand):
    help = (
        "Nạp bản xuất của Cơ sở dữ liệu quốc gia về TTHC (JSONL, hoặc .jsonl.gz) vào danh mục gốc; "
        "mặc định là bản đi kèm sản phẩm (control/catalogue/data/national-procedures.jsonl.gz)."
    )

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("file", nargs="?", default=None)
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument(
            "--skip-rejected", action="store_true", help="Nạp các bản ghi hợp lệ, bỏ các bản ghi bị từ chối."
        )

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        path = options["file"] or default_national_path()
        report = load_national_jsonl(path)
        try:
            result = catalogue_import_report(
                report=report,
                source=str(path).rsplit("/", 1)[-1],
                dry_run=options["dry_run"],
                skip_rejected=options["skip_rejected"],
                by="manage.py",
            )
        except CatalogueRejected as exc:
            raise CommandError(exc.message) from exc
        summary = report.summary()
        self.stdout.write(
            f"{summary['total_rows']} bản ghi, {summary['accepted']} hợp lệ, "
            f"{summary['rejected_rows']} bị từ chối ({summary['reasons']}), {summary['needs_review']} cần rà soát."
        )
        self.stdout.write("Chạy thử: không ghi gì." if result is None else f"Đã nạp: {result.summary()}")
