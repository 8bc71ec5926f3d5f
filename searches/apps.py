from django.apps import AppConfig


class SearchesConfig(AppConfig):
    """Purpose-bound searches: justifications, felony-exception requests, what searches led to."""

    name = "searches"
    verbose_name = "Searches"
