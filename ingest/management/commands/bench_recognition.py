"""Measure plate recognition on a folder of labelled photos (see ingest/recognizer/bench.py)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from ingest.recognizer.bench import run_benchmark


class Command(BaseCommand):
    help = "Run the plate recognizer over NAME.jpg + NAME.txt photos; print one JSON line of figures last."

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, default=Path("../shared/benchmarks/plates-us"))

    def handle(self, *args, **options):
        figures = run_benchmark(options["dir"], lambda line: self.stderr.write(line))
        self.stdout.write(json.dumps(figures))
