"""Import the files waiting in HOTLIST_IMPORT_DIR now (the periodic task does the same every 15 minutes)."""
from pathlib import Path

from django.core.management.base import BaseCommand

from hotlists.imports import import_folder


class Command(BaseCommand):
    help = "Import hotlist files from HOTLIST_IMPORT_DIR/{ncic,leads,csv}/ and print each file's report."

    def add_arguments(self, parser):
        parser.add_argument("--folder", help="A folder with the same layout (default HOTLIST_IMPORT_DIR).")

    def handle(self, *args, folder=None, **options):
        runs = import_folder(Path(folder) if folder else None)
        for run in runs:
            self.stdout.write(f"{run.file_name}: {run.status}, {run.rows_accepted} accepted, "
                              f"{run.rows_rejected} rejected{' (' + run.error + ')' if run.error else ''}")
        if not runs:
            self.stdout.write("No file to import.")
