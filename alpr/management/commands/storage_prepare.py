"""`manage.py storage_prepare`: make the configured store ready before the servers start.

Local disk: creates the media, evidence and declaration directories. S3: checks the bucket
(``ALPR_S3_BUCKET``) answers to the configured keys and creates it when it is missing. Safe to run on
every deployment (a one-shot job beside the migrations).
"""
from django.core.management.base import BaseCommand

from alpr import storage


class Command(BaseCommand):
    help = "Create the storage directories or the S3 bucket if missing, and check the keys work."

    def handle(self, *args, **options):
        self.stdout.write(storage.prepare())
