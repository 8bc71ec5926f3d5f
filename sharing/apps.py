from django.apps import AppConfig


class SharingConfig(AppConfig):
    """Other agencies: declarations, written requests, releases, partner searches, revocation."""

    name = "sharing"
    verbose_name = "Sharing with other agencies"

    def ready(self) -> None:
        from sharing import partner_keys, receivers, schema  # noqa: F401  (its check; account separations; the key scheme)
