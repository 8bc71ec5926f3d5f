"""`python manage.py audit_head`: print the chain head as JSON, for publication."""
import json

from django.core.management.base import BaseCommand

from audit.chain import chain_head, seal_pending


class Command(BaseCommand):
    help = "Seal pending audit events, then print the chain head (position, hash, time) as JSON."

    def handle(self, *args, **options):
        seal_pending()
        head = chain_head()
        self.stdout.write(json.dumps(head.as_dict() if head else {"position": 0, "chain_hash": None,
                                                                   "sealed_at": None}))
