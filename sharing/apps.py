from django.apps import AppConfig


class SharingConfig(AppConfig):
    """Other agencies: declarations, written requests, releases, partner searches, revocation."""

    name = "sharing"
    verbose_name = "Sharing with other agencies"

    def ready(self) -> None:
        from sharing import partner_keys, schema  # noqa: F401  (registers its check; the key scheme for the schema)
