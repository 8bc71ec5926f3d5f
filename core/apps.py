from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from core import ratelimit  # noqa: F401  (its check of RATELIMIT_IPV6_MASK)
