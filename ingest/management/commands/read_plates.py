"""Read licence plates from photo files and print what was found."""

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ingest.recognizer import recognize


class Command(BaseCommand):
    help = "Read plates from photos; with --json print one JSON line per photo."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--json", action="store_true", help="one JSON object per line")

    def handle(self, *args, **options):
        for path in options["files"]:
            try:
                data = path.read_bytes()
            except OSError as error:
                raise CommandError(f"cannot read {path}: {error}") from error
            started = time.perf_counter()
            try:
                plates = recognize(data)
            except ValueError as error:
                raise CommandError(f"{path} is not a JPEG or PNG photo ({error})") from None
            seconds = round(time.perf_counter() - started, 4)
            if options["json"]:
                record = {
                    "file": str(path),
                    "seconds": seconds,
                    "plates": [plate.as_dict() for plate in plates],
                }
                self.stdout.write(json.dumps(record))
            else:
                texts = ", ".join(f"{plate.text} ({plate.confidence:.2f})" for plate in plates) or "no plate"
                self.stdout.write(f"{path}: {texts} [{seconds:.3f}s]")
