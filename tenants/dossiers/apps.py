from django.apps import AppConfig


class Config(AppConfig):
    name = "tenants.dossiers"
    label = "dossiers"
    verbose_name = "Hồ sơ"

    def ready(self) -> None:
        # Billing calls dossiers back only through what is registered here (it never imports this app).
        from billing.fees import subjects
        from billing.leasing import usage
        from tenants.dossiers import services
        from tenants.dossiers.models import Dossier

        subjects.register("dossier", subjects.SubjectHandlers(
            paid=services.dossier_fee_paid, refunded=services.dossier_fee_refunded, id_kwarg="dossier_id"))
        usage.register_counter("dossiers", lambda *, period_start, period_end: Dossier.objects.filter(
            created_at__date__gte=period_start, created_at__date__lte=period_end).count())
