from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Oversight and transparency: reports, the public portal, policy versions, camera placement."""

    name = "reports"
    verbose_name = "Oversight and transparency"
