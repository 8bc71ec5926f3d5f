"""Upload every JPEG/PNG in a folder as one camera's reads, through the same checks and service as the
camera API (for demos and operators).

    manage.py ingest_folder --camera "Lake & Harlem NB" path/to/photos [--now] [--recognize]
"""
from datetime import UTC, datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from alpr.models import Camera, CameraStatus
from core.errors import ApplicationError
from ingest import services
from ingest.auth import check_capture
from ingest.validation import check_image


class Command(BaseCommand):
    help = "Upload the photos of a folder as reads of one camera."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument("--camera", required=True, help="Camera name.")
        parser.add_argument("--file-times", action="store_true",
                            help="Use each file's modification time as capture time (default: now).")
        parser.add_argument("--recognize", action="store_true",
                            help="Recognise in this process instead of queueing for the workers.")

    def handle(self, *args, **options):
        camera = Camera.objects.filter(name=options["camera"]).first()
        if camera is None or camera.status != CameraStatus.ACTIVE:
            raise CommandError(f"No active camera named {options['camera']!r}.")
        files = sorted(p for p in options["directory"].iterdir()
                       if p.suffix.lower() in {".jpg", ".jpeg", ".png"} and p.is_file())
        accepted = refused = 0
        for path in files:
            captured_at = (datetime.fromtimestamp(path.stat().st_mtime, tz=UTC) if options["file_times"]
                           else timezone.now())
            try:
                check_capture(camera, captured_at)
                photo = check_image(path.read_bytes())
                result = services.read_accept(camera=camera, photo=photo, captured_at=captured_at,
                                              idempotency_key=f"folder:{path.name}:{captured_at.isoformat()}",
                                              queue=not options["recognize"])
            except ApplicationError as error:
                refused += 1
                self.stderr.write(f"{path.name}: refused: {error.message}")
                continue
            accepted += 1
            line = f"{path.name}: read {result.read.pk}"
            if options["recognize"]:
                plates = services.read_recognize(read_id=result.read.pk) or []
                line += f" plate {plates[0]['text'] if plates else '-'}"
            self.stdout.write(line)
        self.stdout.write(f"{accepted} accepted, {refused} refused.")
