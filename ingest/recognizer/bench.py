"""Measure the recognizer on labelled photos, on held-out real plate crops and on plate-free images.

    python -m ingest.recognizer.bench --dir ../shared/benchmarks/plates-us \
        --crops ../shared/datasets/us-plate-crops

Progress goes to stderr; the last stdout line is one JSON object with the figures. Runs on one core
so the timings match a single worker. What each figure means is in docs/recognition.md:

- ``heldout_dev``: the development photos ``dataset.is_held_out`` keeps from training (never trained on);
  ``all_dev``: every development photo (most were trained on, so its reading figures flatter).
- ``heldout_crops``: the held-out split of ``us-plate-crops`` (never trained on), each plate put into a
  plain 640 × 480 scene at a roadside camera's size, blurred and JPEG-compressed; the plates carry
  their state, so this is where ``state_correct`` is measured. Many states print O and 0 alike and
  the crops' labels do not always tell them apart, so ``top1_o_is_0`` counts O and 0 as one.
- ``plate_free_heldout_dev`` / ``plate_free_all_dev``: parts of the development photos outside the
  plate box (above it, left and right of it; photos in ``dataset.OTHER_VEHICLE_PLATES`` left out); any
  plate returned there is a false plate. The state classifier's "not a plate" examples come from the
  training photos, so only the held-out photos' figure is on images never trained on.
  ``plate_free_crop_scenes``: the crop scenes with the plate blurred away.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

from ingest.recognizer.dataset import (
    HELD_OUT_FOLD,
    OTHER_VEHICLE_PLATES,
    LabelledPhoto,
    PlateCrop,
    is_held_out,
    is_held_out_name,
    load_labelled_photos,
    load_plate_crops,
)
from ingest.recognizer.formats import edit_distance
from ingest.recognizer.general_reader import DEFAULT_GENERAL_MODEL_PATH
from ingest.recognizer.localize import Box, iou
from ingest.recognizer.pipeline import PlateResult, Recognizer, default_recognizer
from ingest.recognizer.reader import DEFAULT_MODEL_PATH
from ingest.recognizer.state import DEFAULT_STATE_MODEL_PATH

DETECTION_IOU = 0.4
# A plate-free region narrower or lower than this is too small to be a photo of its own.
MIN_PLATE_FREE_SIDE = 120
# US Census regions: "top-1 by state group" on the held-out crops.
STATE_GROUPS = {
    "northeast": ("CT", "ME", "MA", "NH", "RI", "VT", "NJ", "NY", "PA"),
    "midwest": ("IL", "IN", "MI", "OH", "WI", "IA", "KS", "MN", "MO", "NE", "ND", "SD"),
    "south": (
        "DE",
        "DC",
        "FL",
        "GA",
        "MD",
        "NC",
        "SC",
        "VA",
        "WV",
        "AL",
        "KY",
        "MS",
        "TN",
        "AR",
        "LA",
        "OK",
        "TX",
    ),
    "west": ("AZ", "CO", "ID", "MT", "NV", "NM", "UT", "WY", "AK", "CA", "HI", "OR", "WA"),
}


def limit_to_one_core() -> None:
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = "1"
    cv2.setNumThreads(1)


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (Tesseract runs as a child process)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def matching_plate(plates: list[PlateResult], box: Box) -> PlateResult | None:
    """The returned plate whose box overlaps the true box most (IoU > DETECTION_IOU), if any."""
    overlapping = [(iou(Box(*plate.box), box), plate) for plate in plates]
    best = max(overlapping, key=lambda pair: pair[0], default=(0.0, None))
    return best[1] if best[0] > DETECTION_IOU else None


def score_plate(truth_box: Box, truth_text: str, plates: list[PlateResult]) -> dict:
    """``top1``: the plate found at the true box reads the truth exactly (or, when no box matched,
    any returned plate does: a box estimate can be off while the reading is right)."""
    found = matching_plate(plates, truth_box)
    read = (
        found.text
        if found
        else next((p.text for p in plates if p.text == truth_text), plates[0].text if plates else "")
    )
    texts = {candidate.text for plate in plates for candidate in plate.candidates}
    return {
        "detected": found is not None,
        "top1": read == truth_text,
        "top1_o_is_0": read.replace("O", "0") == truth_text.replace("O", "0"),
        "topn": truth_text in texts,
        "within_one_char": bool(plates) and edit_distance(read, truth_text) <= 1,
        "plates": len(plates),
        "read": read,
        "truth": truth_text,
        "state": found.state if found else None,
    }


def median(values: list[float]) -> float:
    return round(statistics.median(values), 4) if values else 0.0


def percentile_95(values: list[float]) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 4) if ordered else 0.0


def share(rows: list[dict], key: str) -> float:
    return round(sum(bool(row[key]) for row in rows) / len(rows), 4) if rows else 0.0


def summary(rows: list[dict]) -> dict:
    return {
        "images": len(rows),
        "detected": share(rows, "detected"),
        "top1": share(rows, "top1"),
        "top1_o_is_0": share(rows, "top1_o_is_0"),
        "topn": share(rows, "topn"),
        "within_one_char": share(rows, "within_one_char"),
        "plates_per_image": round(sum(row["plates"] for row in rows) / len(rows), 3) if rows else 0.0,
    }


def confusions(rows: list[dict], limit: int = 12) -> list[str]:
    """Most frequent character slips (truth→read) among same-length misreads, then the other misreads."""
    slips: Counter[str] = Counter()
    for row in rows:
        if row["read"] and row["read"] != row["truth"] and len(row["read"]) == len(row["truth"]):
            slips.update(f"{a}→{b}" for a, b in zip(row["truth"], row["read"], strict=True) if a != b)
    other = sum(1 for row in rows if row["read"] and len(row["read"]) != len(row["truth"]))
    missing = sum(1 for row in rows if not row["read"])
    return [f"{slip} ×{count}" for slip, count in slips.most_common(limit)] + [
        f"length differs ×{other}",
        f"nothing read ×{missing}",
    ]


def camera_scene(crop: PlateCrop) -> tuple[np.ndarray, Box]:
    """The plate of ``crop`` in a plain 640 × 480 scene, 80–150 px wide, a little blurred, JPEG 75."""
    rng = random.Random(crop.path.name)  # noqa: S311 (a fixed scene per plate, not security)
    plate = cv2.imread(str(crop.path))
    width = rng.randint(80, 150)
    height = round(plate.shape[0] * width / plate.shape[1])
    small = cv2.resize(plate, (width, height), interpolation=cv2.INTER_AREA)
    scene = np.full((480, 640, 3), [rng.randint(30, 200) for _ in range(3)], dtype=np.uint8)
    cv2.rectangle(scene, (120, 150), (520, 420), [rng.randint(20, 220) for _ in range(3)], -1)
    x, y = 320 - width // 2 + rng.randint(-40, 40), 300 - height // 2 + rng.randint(-30, 30)
    scene[y : y + height, x : x + width] = small
    scene = cv2.GaussianBlur(scene, (0, 0), rng.uniform(0.4, 0.9))
    _, encoded = cv2.imencode(".jpg", scene, [cv2.IMWRITE_JPEG_QUALITY, 75])
    return cv2.imdecode(encoded, cv2.IMREAD_COLOR), Box(x, y, width, height)


def plate_free_regions(photo: LabelledPhoto, image: np.ndarray) -> list[np.ndarray]:
    """The parts of a development photo above, left of and right of its plate (with a margin)."""
    width = image.shape[1]
    box = photo.box
    margin_x, margin_y = box.w // 2, box.h
    regions = [
        image[: max(0, box.y - margin_y), :],
        image[:, : max(0, box.x - margin_x)],
        image[:, min(width, box.x + box.w + margin_x) :],
    ]
    return [region for region in regions if min(region.shape[:2]) >= MIN_PLATE_FREE_SIDE]


def timed(recognizer, image, seconds: list[float], cpu: list[float]) -> list[PlateResult]:
    started, started_cpu = time.perf_counter(), cpu_seconds()
    plates = recognizer.recognize(image)
    seconds.append(time.perf_counter() - started)
    cpu.append(cpu_seconds() - started_cpu)
    return plates


def run_dev_photos(directory: Path, recognizer, progress) -> dict:
    rows, held_rows, seconds, cpu = [], [], [], []
    free = {"all": [0, 0], "held_out": [0, 0]}  # images, images with a false plate
    photos = load_labelled_photos(directory)
    for number, photo in enumerate(photos, 1):
        encoded = photo.path.read_bytes()
        plates = timed(recognizer, encoded, seconds, cpu)
        row = score_plate(photo.box, photo.text, plates)
        rows.append(row)
        if is_held_out(photo):
            held_rows.append(row)
        image = cv2.imdecode(np.frombuffer(encoded, np.uint8), cv2.IMREAD_COLOR)
        regions = [] if photo.path.name in OTHER_VEHICLE_PLATES else plate_free_regions(photo, image)
        for region in regions:
            found = recognizer.recognize(np.ascontiguousarray(region))
            for split in ("all", "held_out") if is_held_out(photo) else ("all",):
                free[split][0] += 1
                free[split][1] += bool(found)
            if found:
                progress(f"  false plate in {photo.path.name}: {[p.text for p in found]}")
        texts = [(p.text, round(p.confidence, 2)) for p in plates]
        progress(f"{number}/{len(photos)} {photo.path.name} {photo.text} -> {texts} {seconds[-1]:.3f}s")
    figures = {
        "all_dev": summary(rows),
        "heldout_dev": {**summary(held_rows), "confusions": confusions(held_rows)},
        "median_ms": round(1000 * statistics.median(seconds), 1) if seconds else 0.0,
        "p95_ms": round(1000 * percentile_95(seconds), 1),
        "median_cpu_ms": round(1000 * statistics.median(cpu), 1) if cpu else 0.0,
        "p95_cpu_ms": round(1000 * percentile_95(cpu), 1),
        "all_dev_confusions": confusions(rows),
        "plate_free_heldout_dev": false_plates(*free["held_out"]),
        "plate_free_all_dev": false_plates(*free["all"]),
    }
    return figures


def false_plates(images: int, with_plate: int) -> dict:
    return {"images": images, "false_plate_rate": round(with_plate / images, 4) if images else 0.0}


def run_crops(directory: Path, recognizer, progress) -> tuple[dict, int, int]:
    rows = []
    free_images = free_false = 0
    crops = [crop for crop in load_plate_crops(directory) if is_held_out_name(crop.path.name)]
    for crop in crops:
        scene, box = camera_scene(crop)
        row = {**score_plate(box, crop.text, recognizer.recognize(scene)), "true_state": crop.state}
        rows.append(row)
        blank = scene.copy()
        blank[box.y : box.y + box.h, box.x : box.x + box.w] = cv2.blur(
            blank[box.y : box.y + box.h, box.x : box.x + box.w], (61, 61)
        )
        free_images += 1
        free_false += bool(recognizer.recognize(blank))
        progress(f"{crop.path.name} {crop.state} {crop.text} -> {row['read']} {row['state']}")
    for row in rows:
        row["state_ok"] = row["state"] == row["true_state"]
    detected = [row for row in rows if row["detected"]]
    by_group = {}
    for group, states in STATE_GROUPS.items():
        members = [row for row in rows if row["true_state"] in states]
        by_group[group] = {
            "plates": len(members),
            "top1": share(members, "top1"),
            "state_correct": share([row for row in members if row["detected"]], "state_ok"),
        }
    named = [row for row in detected if row["state"]]
    figures = {
        **summary(rows),
        "state_correct": share(detected, "state_ok"),
        "state_named": round(len(named) / len(detected), 4) if detected else 0.0,
        "state_named_correct": share(named, "state_ok"),
        "by_state_group": by_group,
        "confusions": confusions(rows),
    }
    return figures, free_images, free_false


def run_benchmark(
    directory: Path,
    progress: Callable[[str], None],
    crops_dir: Path | None = None,
    recognizer: Recognizer | None = None,
) -> dict:
    """All the figures; ``recognizer`` defaults to the committed models."""
    limit_to_one_core()
    recognizer = recognizer or default_recognizer()
    figures = run_dev_photos(directory, recognizer, progress)
    if crops_dir is not None and (crops_dir / "labels.csv").exists():
        crop_figures, crop_free, crop_false = run_crops(crops_dir, recognizer, progress)
        figures["heldout_crops"] = crop_figures
        figures["plate_free_crop_scenes"] = false_plates(crop_free, crop_false)
    headline = {
        "detected": figures["heldout_dev"]["detected"],
        "top1": figures["heldout_dev"]["top1"],
        "state_correct": figures.get("heldout_crops", {}).get("state_correct"),
        "false_plate_rate": figures["plate_free_heldout_dev"]["false_plate_rate"],
        "median_ms": figures["median_ms"],
        "p95_ms": figures["p95_ms"],
    }
    return {**headline, **figures, "held_out_fold": HELD_OUT_FOLD}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Measure plate recognition on labelled photos.")
    parser.add_argument("--dir", type=Path, required=True, help="folder of NAME.jpg + NAME.txt photos")
    parser.add_argument(
        "--crops", type=Path, help="us-plate-crops folder (labels.csv): held-out crops and states"
    )
    parser.add_argument("--reader-model", type=Path, default=DEFAULT_MODEL_PATH, help="reader ONNX file")
    parser.add_argument("--state-model", type=Path, default=DEFAULT_STATE_MODEL_PATH, help="state ONNX file")
    parser.add_argument(
        "--general-model",
        default=str(DEFAULT_GENERAL_MODEL_PATH),
        help="general text reader ONNX file, or 'none' to measure without its second opinion",
    )
    args = parser.parse_args(argv)
    general = None if args.general_model == "none" else Path(args.general_model)
    recognizer = Recognizer(args.reader_model, state_model_path=args.state_model, general_model_path=general)
    figures = run_benchmark(
        args.dir, lambda line: print(line, file=sys.stderr, flush=True), args.crops, recognizer
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
