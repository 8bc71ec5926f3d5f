"""`manage.py pack_images`: pack finished days' single images into their segments now (hourly by beat)."""
import json

from django.core.management.base import BaseCommand

from audit.context import Actor
from retention.services import reads_pack_images


class Command(BaseCommand):
    help = "Pack the single images of finished, unexpired days into the days' segments."

    def handle(self, *args, **options):
        result = reads_pack_images(actor=Actor.system("manage.py pack_images"))
        self.stdout.write(json.dumps({"images": result.images, "rows": result.rows, "days": result.days}))
