from django.apps import AppConfig


class SharingConfig(AppConfig):
    """Other agencies: declarations, written requests, releases, partner searches, revocation."""

    name = "sharing"
    verbose_name = "Sharing with other agencies"
