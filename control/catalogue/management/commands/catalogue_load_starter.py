from django.core.management.base import BaseCommand

from control.catalogue.services import catalogue_load_starter


class Command(BaseCommand):
    help = "Nạp (hoặc cập nhật) danh mục thủ tục khởi đầu vào danh mục gốc quốc gia."

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        result = catalogue_load_starter(by="manage.py")
        self.stdout.write(f"Danh mục khởi đầu: {result.summary()}")
