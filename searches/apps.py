from django.apps import AppConfig


class SearchesConfig(AppConfig):
    """Purpose-bound searches: justifications, felony-exception requests, what searches led to."""

    name = "searches"
    verbose_name = "Searches"

    def ready(self) -> None:
        from searches import receivers  # noqa: F401  (a shorter felony_approval_days caps approvals given)
