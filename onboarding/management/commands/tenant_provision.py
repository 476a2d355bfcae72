"""Run (or resume) the provisioning of an approved application here, with a progress bar."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from onboarding.models import Application, Provisioning
from onboarding.provisioning import STEP_LABELS, AlreadyRunning, ProvisioningFailed, percent_of, provisioning_run

WIDTH = 30


class Command(BaseCommand):
    help = "Khởi tạo (hoặc chạy tiếp) một đơn vị thuê đã được duyệt: tenant_provision <tên miền con | mã đơn>."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("application", help="tên miền con (slug) hoặc mã đơn đăng ký")

    def _bar(self, percent: int, label: str) -> None:
        filled = WIDTH * percent // 100
        self.stdout.write(f"\r[{'#' * filled}{'-' * (WIDTH - filled)}] {percent:3d}% {label:<45}", ending="")
        self.stdout.flush()

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        key = options["application"]
        qs = Application.objects.exclude(status=Application.Status.REJECTED)
        app = qs.filter(pk=int(key)).first() if key.isdigit() else qs.filter(slug=key).first()
        if app is None:
            raise CommandError(f"Không tìm thấy đơn đăng ký “{key}”.")
        if not Provisioning.objects.filter(application=app).exists():
            raise CommandError(f"Đơn “{app.name}” chưa được duyệt; hãy duyệt trong trang điều hành trước.")

        def progress(job: Provisioning, step: str) -> None:
            done = percent_of(job.steps_done) if step else 100
            self._bar(done, STEP_LABELS.get(step, "Hoàn tất"))

        try:
            job = provisioning_run(application_id=app.pk, progress=progress)
        except AlreadyRunning as exc:
            raise CommandError(str(exc)) from exc
        except ProvisioningFailed as exc:
            self.stdout.write("")
            raise CommandError(f"Lỗi ở bước “{STEP_LABELS.get(exc.step, exc.step)}”: {exc.message}") from exc
        self._bar(100, "Hoàn tất")
        self.stdout.write("")
        total = sum(job.timings.values()) if job.timings else 0
        self.stdout.write(self.style.SUCCESS(f"{app.name}: đã khởi tạo (schema {job.schema_name}, {total:.2f} s)."))
