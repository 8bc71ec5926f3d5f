from django.apps import AppConfig


class HotlistsConfig(AppConfig):
    """Hotlists, their imports, matching reads on arrival, alerts and their verification."""

    name = "hotlists"
    verbose_name = "Hotlists and alerts"

    def ready(self):
        from hotlists import receivers  # noqa: F401  (connects to alpr.signals.read_stored)
