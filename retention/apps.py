from django.apps import AppConfig


class RetentionConfig(AppConfig):
    """The purge, evidence holds, evidence packages and erroneous-data handling."""

    name = "retention"
    verbose_name = "Retention and evidence"
