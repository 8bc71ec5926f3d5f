"""Measure the recognizer on a folder of labelled photos.

    python -m ingest.recognizer.bench --dir ../shared/benchmarks/plates-us

Progress goes to stderr; the last stdout line is one JSON object with the figures. Runs on one
core so the timings match a single worker. ``median_s`` is wall-clock time, which other load on the
machine inflates; ``median_cpu_s`` is the CPU time spent, Tesseract's child processes included.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import cv2

from ingest.recognizer.dataset import LabelledPhoto, is_held_out, load_labelled_photos
from ingest.recognizer.formats import edit_distance
from ingest.recognizer.localize import Box, iou
from ingest.recognizer.pipeline import PlateResult, default_recognizer

DETECTION_IOU = 0.4


def limit_to_one_core() -> None:
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = "1"
    cv2.setNumThreads(1)


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (Tesseract runs as a child process)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def score_photo(photo: LabelledPhoto, plates: list[PlateResult]) -> dict[str, bool]:
    first = plates[0].text if plates else ""
    texts = {candidate.text for plate in plates for candidate in plate.candidates}
    return {
        "detected": any(iou(Box(*plate.box), photo.box) > DETECTION_IOU for plate in plates),
        "top1": first == photo.text,
        "topn": photo.text in texts,
        "within_one_char": bool(plates) and edit_distance(first, photo.text) <= 1,
    }


def median(values: list[float]) -> float:
    return round(statistics.median(values), 4) if values else 0.0


def percentile_95(values: list[float]) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 4) if ordered else 0.0


def share(rows: list[dict[str, bool]], key: str) -> float:
    return round(sum(row[key] for row in rows) / len(rows), 4) if rows else 0.0


def run_benchmark(directory: Path, progress: Callable[[str], None]) -> dict[str, float | int]:
    limit_to_one_core()
    recognizer = default_recognizer()
    photos = load_labelled_photos(directory)
    rows, held_out_rows, seconds, cpu = [], [], [], []
    for number, photo in enumerate(photos, 1):
        started, started_cpu = time.perf_counter(), cpu_seconds()
        plates = recognizer.recognize(photo.path.read_bytes())
        seconds.append(time.perf_counter() - started)
        cpu.append(cpu_seconds() - started_cpu)
        row = score_photo(photo, plates)
        rows.append(row)
        if is_held_out(photo):
            held_out_rows.append(row)
        first = plates[0].text if plates else "-"
        progress(f"{number}/{len(photos)} {photo.path.name} {photo.text} -> {first} {seconds[-1]:.3f}s {row}")
    return {
        "images": len(rows),
        "detected": share(rows, "detected"),
        "top1": share(rows, "top1"),
        "topn": share(rows, "topn"),
        "within_one_char": share(rows, "within_one_char"),
        "median_s": median(seconds),
        "p95_s": percentile_95(seconds),
        "median_cpu_s": median(cpu),
        "heldout_images": len(held_out_rows),
        "heldout_top1": share(held_out_rows, "top1"),
        "heldout_topn": share(held_out_rows, "topn"),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Measure plate recognition on labelled photos.")
    parser.add_argument("--dir", type=Path, required=True, help="folder of NAME.jpg + NAME.txt photos")
    args = parser.parse_args(argv)
    figures = run_benchmark(args.dir, lambda line: print(line, file=sys.stderr, flush=True))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
