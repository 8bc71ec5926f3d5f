from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for `make run` and evaluations; refuses to run outside DEBUG."""

    name = "demo"
    verbose_name = "Demo data"
