"""Measure plate recognition (see ingest/recognizer/bench.py and docs/recognition.md)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from ingest.recognizer.bench import run_benchmark


class Command(BaseCommand):
    help = (
        "Run the plate recognizer over NAME.jpg + NAME.txt photos, the held-out plate crops and plate-free "
        "images; print one JSON line of figures last."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, default=Path("../shared/benchmarks/plates-us"))
        parser.add_argument("--crops", type=Path, default=Path("../shared/datasets/us-plate-crops"))

    def handle(self, *args, **options):
        figures = run_benchmark(options["dir"], lambda line: self.stderr.write(line), options["crops"])
        self.stdout.write(json.dumps(figures))
