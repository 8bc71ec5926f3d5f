"""Train the state classifier and export it to ONNX.

Run with the training venv (see requirements-train.txt), from the repository root:

    python -m ingest.recognizer.training.train_state --datasets ../shared/datasets \
        --dev-dir ../shared/benchmarks/plates-us --out ingest/recognizer/model/plate_state.onnx

Trains on the training split of ``us-plate-crops`` plus every design and blank plate (blanks get a
synthetic serial in one of their state's layouts), each made to look like a roadside camera's plate
box, and on the training development photos: their plates (state unknown: the loss only asks for
"some state") and localiser boxes away from the plate (NO_PLATE). The held-out splits of
``us-plate-crops`` and of the development photos are never trained on; the state accuracy, how often
a state is named at ``state.MIN_STATE_CONFIDENCE`` and is right, and how plates and non-plates of
the held-out photos are told apart are printed and recorded in ``model/manifest.json``.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from multiprocessing import Pool
from pathlib import Path

import numpy as np
import torch
from torch import nn

from ingest.recognizer.dataset import is_held_out, load_labelled_photos
from ingest.recognizer.network import OnnxNetwork
from ingest.recognizer.state import MIN_STATE_CONFIDENCE, NO_PLATE, normalise_colour, softmax
from ingest.recognizer.training.layouts import load_layouts
from ingest.recognizer.training.manifest import describe_files, record_model
from ingest.recognizer.training.state_data import (
    UNKNOWN_STATE,
    PhotoBoxes,
    StateImage,
    load_photo_boxes,
    load_state_images,
    photo_sample,
    state_sample,
)
from ingest.recognizer.training.state_model import StateNet

BATCH_SIZE = 64


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--datasets", type=Path, required=True, help="the shared datasets folder")
    parser.add_argument("--dev-dir", type=Path, required=True, help="folder of NAME.jpg + NAME.txt photos")
    parser.add_argument("--out", type=Path, required=True, help="where to write the ONNX model")
    parser.add_argument("--samples", type=int, default=20000, help="augmented training crops")
    parser.add_argument("--steps", type=int, default=1000, help="batches of BATCH_SIZE")
    # One thread: on a shared machine a second OpenMP thread mostly spins (measured: 3× slower).
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=11)
    return parser.parse_args(argv)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


_WORKER: dict[str, object] = {}


def _init_worker(
    real: list[StateImage], designs: list[StateImage], photos: list[PhotoBoxes], layouts: dict[str, list[str]]
) -> None:
    _WORKER.update(real=real, designs=designs, photos=photos, layouts=layouts)


def _chunk(seed_and_count: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """40 % real crops, 30 % designs and blanks, 15 % photo plates, 15 % photo non-plates."""
    seed, count = seed_and_count
    rng = random.Random(seed)  # noqa: S311 (augmentation, not security)
    photos: list[PhotoBoxes] = _WORKER["photos"]  # type: ignore[assignment]
    with_others = [photo for photo in photos if photo.others]
    crops, labels = [], []
    for _ in range(count):
        draw = rng.random()
        if draw < 0.7:
            pool = _WORKER["real"] if draw < 0.4 else _WORKER["designs"]
            crop, label = state_sample(rng, rng.choice(pool), _WORKER["layouts"])  # type: ignore[arg-type]
        else:
            negative = draw >= 0.85
            crop, label = photo_sample(rng, rng.choice(with_others if negative else photos), negative)
        crops.append(crop)
        labels.append(label)
    return np.stack(crops), np.array(labels)


def make_samples(
    count: int,
    seed: int,
    workers: int,
    sources: tuple[list[StateImage], list[StateImage], list[PhotoBoxes]],
    layouts: dict,
) -> tuple[np.ndarray, np.ndarray]:
    jobs = [
        (seed * 100003 + index, min(1000, count - start)) for index, start in enumerate(range(0, count, 1000))
    ]
    with Pool(workers, initializer=_init_worker, initargs=(*sources, layouts)) as pool:
        parts = pool.map(_chunk, jobs)
    return np.concatenate([crops for crops, _ in parts]), np.concatenate([labels for _, labels in parts])


def held_out_set(items: list[StateImage], layouts: dict) -> tuple[np.ndarray, np.ndarray]:
    """One camera-like crop per held-out plate, seeded by its file name so every run sees the same."""
    crops, labels = [], []
    for item in items:
        rng = random.Random(item.name)  # noqa: S311 (augmentation, not security)
        crop, label = state_sample(rng, item, layouts)
        crops.append(crop)
        labels.append(label)
    return np.stack(crops), np.array(labels)


def held_out_photo_set(photos: list[PhotoBoxes]) -> tuple[np.ndarray, np.ndarray]:
    """The held-out photos' plates and non-plates, a fixed draw."""
    rng = random.Random(5)  # noqa: S311 (a fixed evaluation draw, not security)
    crops, labels = [], []
    for photo in photos:
        for negative in [False] * 3 + [True] * min(6, 2 * len(photo.others)):
            if negative and not photo.others:
                continue
            crop, label = photo_sample(rng, photo, negative)
            crops.append(crop)
            labels.append(label)
    return np.stack(crops), np.array(labels)


def predict(model: StateNet, crops: np.ndarray) -> np.ndarray:
    model.eval()
    with torch.no_grad():
        logits = model(torch.from_numpy(normalise_colour(crops))).numpy()
    return softmax(logits.reshape(len(crops), -1))


def figures(probabilities: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    states = probabilities[:, :NO_PLATE]
    best = states.argmax(axis=1)
    confident = states.max(axis=1) >= MIN_STATE_CONFIDENCE
    correct = best == labels
    return {
        "plates": len(labels),
        "top1": round(float(correct.mean()), 4),
        "named_share": round(float(confident.mean()), 4),
        "named_correct": round(float(correct[confident].mean()) if confident.any() else 0.0, 4),
        "correct_of_all": round(float((correct & confident).mean()), 4),
    }


def plate_figures(probabilities: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    """On held-out photos: share of plates kept (NO_PLATE < 0.5) and of non-plates rejected."""
    rejected = probabilities[:, NO_PLATE] >= 0.5
    plates = labels == UNKNOWN_STATE
    return {
        "photo_plates_kept": round(float((~rejected[plates]).mean()), 4) if plates.any() else 0.0,
        "photo_non_plates_rejected": round(float(rejected[~plates].mean()), 4) if (~plates).any() else 0.0,
    }


def calibration(probabilities: np.ndarray, labels: np.ndarray) -> str:
    states = probabilities[:, :NO_PLATE]
    correct = states.argmax(axis=1) == labels
    rows = []
    for threshold in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        named = states.max(axis=1) >= threshold
        precision = correct[named].mean() if named.any() else 0.0
        rows.append(f"{threshold:.1f}: named {named.mean():.2f} right {precision:.2f}")
    return "; ".join(rows)


def train(model: StateNet, crops: np.ndarray, labels: np.ndarray, steps: int, evaluate, seed: int) -> None:
    rng = np.random.default_rng(seed)
    optimiser = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=5e-4)
    running = 0.0
    for step in range(steps):
        for group in optimiser.param_groups:
            group["lr"] = 2e-3 * 0.5 * (1 + math.cos(math.pi * step / steps))
        model.train()
        chosen = rng.integers(0, len(crops), BATCH_SIZE)
        images = torch.from_numpy(normalise_colour(crops[chosen]))
        logits = model(images)[:, :, 0, 0]
        loss = state_loss(logits, torch.from_numpy(labels[chosen]).long())
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        running = 0.98 * running + 0.02 * loss.item() if step else loss.item()
        if (step + 1) % 400 == 0 or step + 1 == steps:
            log(f"step {step + 1} loss {running:.3f} {evaluate()}")


def state_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Cross-entropy (label smoothing 0.05) where the label is known; for a plate of unknown state,
    minus the log of the probability of "some state" (everything but NO_PLATE)."""
    known = labels != UNKNOWN_STATE
    parts = []
    if known.any():
        parts.append(
            nn.functional.cross_entropy(logits[known], labels[known], label_smoothing=0.05, reduction="sum")
        )
    if (~known).any():
        unknown = logits[~known]
        parts.append((unknown.logsumexp(1) - unknown[:, :NO_PLATE].logsumexp(1)).sum())
    return torch.stack(parts).sum() / len(labels)


def export_onnx(model: StateNet, out: Path) -> None:
    model.eval()
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(
        model,
        torch.zeros(1, 3, 48, 96),
        str(out),
        dynamo=False,
        opset_version=13,
        input_names=["image"],
        output_names=["logits"],
        dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}},
    )
    # Loaded as the recognizer loads it at run time.
    output = OnnxNetwork(out).run(np.zeros((3, 3, 48, 96), dtype=np.float32))
    log(f"exported {out} ({out.stat().st_size / 1e6:.2f} MB), ONNX Runtime output {output.shape}")


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    formats_file = args.datasets / "us-plate-formats.txt"
    layouts = load_layouts(formats_file)
    real, held_out, designs = load_state_images(args.datasets)
    log(f"{len(real)} training crops, {len(held_out)} held out, {len(designs)} designs and blanks")
    dev_photos = load_labelled_photos(args.dev_dir)
    train_photos = [photo for photo in dev_photos if not is_held_out(photo)]
    eval_photos = [photo for photo in dev_photos if is_held_out(photo)]
    photo_boxes = load_photo_boxes(train_photos)
    log(f"{len(train_photos)} training photos, {sum(len(p.others) for p in photo_boxes)} non-plate boxes")
    crops, labels = make_samples(args.samples, args.seed, args.threads, (real, designs, photo_boxes), layouts)
    log(f"{len(crops)} augmented samples")
    eval_crops, eval_labels = held_out_set(held_out, layouts)
    photo_crops, photo_labels = held_out_photo_set(load_photo_boxes(eval_photos))

    model = StateNet()
    log(f"{sum(p.numel() for p in model.parameters())} parameters")

    def evaluate() -> str:
        probabilities = predict(model, eval_crops)
        plates = plate_figures(predict(model, photo_crops), photo_labels)
        return f"held out {figures(probabilities, eval_labels)} {plates}"

    train(model, crops, labels, args.steps, evaluate, args.seed)
    probabilities = predict(model, eval_crops)
    log(f"calibration on the held-out crops: {calibration(probabilities, eval_labels)}")
    export_onnx(model, args.out)
    datasets = args.datasets
    data = {
        "us-plate-crops (training split)": describe_files(
            [datasets / "us-plate-crops" / item.name for item in real]
        ),
        "us-plate-crops (held out, never trained on)": describe_files(
            [datasets / "us-plate-crops" / item.name for item in held_out]
        ),
        "us-plate-designs + us-plate-blanks": describe_files(
            [
                (datasets / "us-plate-blanks" / item.name)
                if item.needs_serial
                else (datasets / "us-plate-designs" / item.name)
                for item in designs
            ]
        ),
        "us-plate-formats.txt": describe_files([formats_file]),
        "development photos (trained on)": describe_files([photo.path for photo in train_photos]),
        "development photos (held out)": describe_files([photo.path for photo in eval_photos]),
        "samples": args.samples,
        "steps": args.steps,
        "seed": args.seed,
    }
    module = "ingest.recognizer.training.train_state"
    held_out_figures = {
        **figures(probabilities, eval_labels),
        **plate_figures(predict(model, photo_crops), photo_labels),
    }
    record_model(args.out, module, data, held_out_figures)
    log("manifest updated")


if __name__ == "__main__":
    main()
