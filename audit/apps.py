from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        # Each app declares its audit actions in <app>/audit_actions.py; load them all so the
        # registry is complete before anything records or reports.
        autodiscover_modules("audit_actions")
