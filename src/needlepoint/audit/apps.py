from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "needlepoint.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from needlepoint.audit import signals  # noqa: F401  (login/logout events)
