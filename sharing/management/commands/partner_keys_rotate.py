"""Encrypt the stored partner keys again under the first of ALPR_PARTNER_KEY_ENCRYPTION_KEYS."""
from django.core.management.base import BaseCommand

from audit.context import Actor
from sharing.services.networks import partner_search_keys_reencrypt


class Command(BaseCommand):
    help = ("After putting a new key first in ALPR_PARTNER_KEY_ENCRYPTION_KEYS, encrypt every stored partner "
            "key under it; the old key may then be dropped. Audited.")

    def handle(self, *args, **options):
        count = partner_search_keys_reencrypt(actor=Actor.system("partner_keys_rotate"))
        self.stdout.write(f"{count} stored partner key(s) encrypted under the first configured key.")
