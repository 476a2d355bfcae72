from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The audit kernel: who acts (``ActorMiddleware``), the tenant's configuration log (``ConfigChange``,
    ``record``) and the append-only base of every write-once table (``AppendOnly``)."""

    name = "core.audit"
    label = "office"  # kept: the configuration log's migrations and table (office_configchange) were born there
    verbose_name = "Nhật ký"
