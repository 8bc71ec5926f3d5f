"""Train the plate line reader and export it to ONNX.

Run with the training venv (see requirements-train.txt), from the repository root:

    python -m ingest.recognizer.training.train --dev-dir ../shared/benchmarks/plates-us \
        --out ingest/recognizer/model/plate_ctc.onnx

Two phases: pre-training on synthetic plates (gets CTC past its all-blank plateau), then fine-tuning
on augmented crops of the development photos mixed with synthetic ones and, with ``--crops``, with
the training split of ``us-plate-crops`` made to look like camera crops. Photos and plate crops that
the ``dataset`` hash split holds out are never trained on; their exact-read shares are printed and
recorded in ``model/manifest.json``.

``--init MODEL.onnx`` starts from an exported model instead of pre-training (the committed model's
weights: its batch normalisation was folded into the convolutions on export, so normalisation
statistics stay frozen while fine-tuning); the manifest records the starting model's SHA-256.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from collections.abc import Callable
from multiprocessing import Pool
from pathlib import Path

import cv2
import numpy as np
import torch
from torch import nn

from ingest.recognizer.alphabet import BLANK, encode
from ingest.recognizer.crops import box_corners, crop_quad, normalise
from ingest.recognizer.dataset import (
    LabelledPhoto,
    is_held_out,
    is_held_out_name,
    load_labelled_photos,
    load_plate_crops,
)
from ingest.recognizer.network import OnnxNetwork
from ingest.recognizer.reader import greedy_decode, logits_to_step_log_probs
from ingest.recognizer.training.crop_data import held_out_plate_crops, plate_crop_samples, readable
from ingest.recognizer.training.dev_data import (
    development_crops,
    localiser_boxes_on_plate,
)
from ingest.recognizer.training.manifest import describe_files, record_model, sha256_of
from ingest.recognizer.training.model import PlateReader
from ingest.recognizer.training.synth import font_paths, synthetic_sample

BATCH_SIZE = 64


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dev-dir", type=Path, required=True, help="folder of NAME.jpg + NAME.txt photos")
    parser.add_argument("--out", type=Path, required=True, help="where to write the ONNX model")
    parser.add_argument("--synthetic", type=int, default=40000, help="number of synthetic crops")
    parser.add_argument("--per-photo", type=int, default=250, help="augmented crops per training photo")
    parser.add_argument("--pretrain-steps", type=int, default=1400, help="batches of synthetic crops only")
    parser.add_argument("--finetune-steps", type=int, default=2000, help="batches of development + synthetic")
    parser.add_argument(
        "--crops", type=Path, help="us-plate-crops folder: its training split joins fine-tuning"
    )
    parser.add_argument("--per-crop", type=int, default=30, help="augmented crops per training plate crop")
    parser.add_argument(
        "--crop-batch", type=int, default=12, help="plate crops in each fine-tuning batch of 64"
    )
    parser.add_argument("--init", type=Path, help="start from this exported model instead of pre-training")
    parser.add_argument(
        "--learning-rate", type=float, help="fine-tuning peak (default 4e-4 with --init, else 1e-3)"
    )
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args(argv)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _synthetic_chunk(seed_and_count: tuple[int, int]) -> tuple[np.ndarray, list[str]]:
    seed, count = seed_and_count
    rng = random.Random(seed)  # noqa: S311 (augmentation, not security)
    samples = [synthetic_sample(rng) for _ in range(count)]
    return np.stack([crop for crop, _ in samples]), [label for _, label in samples]


def synthetic_crops(count: int, seed: int, workers: int) -> tuple[np.ndarray, list[str]]:
    chunk = 1000
    jobs = [
        (seed * 100003 + index, min(chunk, count - start))
        for index, start in enumerate(range(0, count, chunk))
    ]
    with Pool(workers) as pool:
        parts = pool.map(_synthetic_chunk, jobs)
    return np.concatenate([crops for crops, _ in parts]), [label for _, labels in parts for label in labels]


class CropSet:
    """uint8 crops with labels, served as random normalised batches with CTC targets."""

    def __init__(self, crops: np.ndarray, labels: list[str]) -> None:
        self.crops = crops
        self.targets = [encode(label) for label in labels]

    def __len__(self) -> int:
        return len(self.crops)

    def batch(self, rng: np.random.Generator, size: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        chosen = rng.integers(0, len(self.crops), size)
        images = torch.from_numpy(normalise(self.crops[chosen]))
        targets = [self.targets[index] for index in chosen]
        flat = torch.tensor([value for target in targets for value in target], dtype=torch.long)
        lengths = torch.tensor([len(target) for target in targets], dtype=torch.long)
        return images, flat, lengths


def mixed_batch(
    rng: np.random.Generator, sets: list[tuple[CropSet, int]]
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    parts = [crop_set.batch(rng, size) for crop_set, size in sets if size > 0]
    return tuple(torch.cat([part[i] for part in parts]) for i in range(3))  # type: ignore[return-value]


def train_for(
    model: PlateReader,
    sets: list[tuple[CropSet, int]],
    steps: int,
    learning_rate: float,
    rng: np.random.Generator,
    evaluate: Callable[[], str],
    frozen_norm: bool = False,
) -> None:
    """AdamW with a cosine learning-rate decay over ``steps`` batches; ``frozen_norm`` keeps batch
    normalisation statistics as they are (a model loaded from ONNX has them folded away)."""
    optimiser = torch.optim.AdamW(model.parameters(), lr=learning_rate, weight_decay=1e-4)
    ctc = nn.CTCLoss(blank=BLANK, zero_infinity=True)
    running = 0.0
    for step in range(steps):
        for group in optimiser.param_groups:
            group["lr"] = learning_rate * 0.5 * (1 + math.cos(math.pi * step / steps))
        model.train()
        if frozen_norm:
            for module in model.modules():
                if isinstance(module, nn.BatchNorm2d):
                    module.eval()
        images, targets, target_lengths = mixed_batch(rng, sets)
        log_probs = logits_to_time_major(model(images))
        input_lengths = torch.full((len(images),), log_probs.shape[0], dtype=torch.long)
        loss = ctc(log_probs, targets, input_lengths, target_lengths)
        optimiser.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        optimiser.step()
        running = 0.98 * running + 0.02 * loss.item() if step else loss.item()
        if (step + 1) % 300 == 0:
            log(f"step {step + 1} loss {running:.3f} lr {optimiser.param_groups[0]['lr']:.5f} {evaluate()}")
    log(f"finished {steps} steps; {evaluate()}")


def logits_to_time_major(logits: torch.Tensor) -> torch.Tensor:
    """(N, classes, 1, T) to the (T, N, classes) log-probabilities CTCLoss expects."""
    return logits[:, :, 0, :].permute(2, 0, 1).log_softmax(2)


def held_out_crops(photos: list[LabelledPhoto]) -> tuple[np.ndarray, list[str]]:
    """One plain crop per plate: from the localiser's box on the plate if any, else from the truth box."""
    crops, labels = [], []
    for photo in photos:
        gray = cv2.imread(str(photo.path), cv2.IMREAD_GRAYSCALE)
        own = localiser_boxes_on_plate(gray, photo.box)
        box = own[0] if own else photo.box
        width = box.w * 0.92
        crops.append(crop_quad(gray, box_corners(box.x + (box.w - width) / 2, box.y, width, box.h)))
        labels.append(photo.text)
    return np.stack(crops), labels


def exact_share(model: PlateReader, crops: np.ndarray, labels: list[str]) -> float:
    model.eval()
    with torch.no_grad():
        logits = model(torch.from_numpy(normalise(crops))).numpy()
    readings = [greedy_decode(matrix) for matrix in logits_to_step_log_probs(logits)]
    return sum(reading.text == label for reading, label in zip(readings, labels, strict=True)) / max(
        1, len(labels)
    )


def load_exported_weights(model: PlateReader, path: Path) -> None:
    """Put an exported model's weights into ``model``: each convolution takes its (folded) weight,
    the batch normalisation after it becomes an identity plus the folded bias."""
    import onnx
    from onnx import numpy_helper

    weights = {item.name: numpy_helper.to_array(item) for item in onnx.load(str(path)).graph.initializer}
    folded = [value for name, value in weights.items() if not name.startswith("classifier.")]
    convolutions = [module for module in model.features if isinstance(module, nn.Conv2d)]
    norms = [module for module in model.features if isinstance(module, nn.BatchNorm2d)]
    if len(folded) != 2 * len(convolutions):
        raise ValueError(f"{path} does not match the reader's architecture")
    with torch.no_grad():
        for index, (convolution, norm) in enumerate(zip(convolutions, norms, strict=True)):
            convolution.weight.copy_(torch.from_numpy(folded[2 * index]))
            norm.weight.fill_(1.0)
            norm.bias.copy_(torch.from_numpy(folded[2 * index + 1]))
            norm.running_mean.zero_()
            norm.running_var.fill_(1.0 - norm.eps)
        model.classifier.weight.copy_(torch.from_numpy(weights["classifier.weight"]))
        model.classifier.bias.copy_(torch.from_numpy(weights["classifier.bias"]))


def export_onnx(model: PlateReader, out: Path) -> None:
    model.eval()
    out.parent.mkdir(parents=True, exist_ok=True)
    dummy = torch.zeros(1, 1, 32, 96)
    torch.onnx.export(
        model,
        dummy,
        str(out),
        dynamo=False,
        opset_version=13,
        input_names=["image"],
        output_names=["logits"],
        dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}},
    )
    # Loaded as the recognizer loads it at run time.
    output = OnnxNetwork(out).run(np.zeros((3, 1, 32, 96), dtype=np.float32))
    log(f"exported {out} ({out.stat().st_size / 1e6:.2f} MB), ONNX Runtime output {output.shape}")


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    photos = load_labelled_photos(args.dev_dir)
    train_photos = [photo for photo in photos if not is_held_out(photo)]
    eval_photos = [photo for photo in photos if is_held_out(photo)]
    log(f"{len(train_photos)} training photos, {len(eval_photos)} held out")

    synthetic = CropSet(*synthetic_crops(args.synthetic, args.seed, args.threads))
    log(f"{len(synthetic)} synthetic crops")
    development = CropSet(*development_crops(train_photos, args.per_photo, args.seed))
    log(f"{len(development)} development crops")
    eval_crops, eval_labels = held_out_crops(eval_photos)
    train_check = held_out_crops(train_photos)
    plates = [crop for crop in load_plate_crops(args.crops) if readable(crop)] if args.crops else []
    train_plates = [crop for crop in plates if not is_held_out_name(crop.path.name)]
    eval_plates = [crop for crop in plates if is_held_out_name(crop.path.name)]
    plate_set = CropSet(*plate_crop_samples(train_plates, args.per_crop, args.seed)) if train_plates else None
    plate_check = held_out_plate_crops(eval_plates) if eval_plates else None
    samples = len(plate_set) if plate_set else 0
    log(f"{len(train_plates)} training plate crops ({samples} samples), {len(eval_plates)} held out")

    model = PlateReader()
    if args.init:
        load_exported_weights(model, args.init)
        log(f"started from {args.init}")
    log(f"{sum(p.numel() for p in model.parameters())} parameters")

    def scores() -> dict[str, float]:
        figures = {"dev_crops_exact": round(exact_share(model, eval_crops, eval_labels), 4)}
        if plate_check is not None:
            figures["plate_crops_exact"] = round(exact_share(model, *plate_check), 4)
        return figures

    def evaluate() -> str:
        return f"held out {scores()}, training photos exact {exact_share(model, *train_check):.2f}"

    if not args.init:
        train_for(model, [(synthetic, BATCH_SIZE)], args.pretrain_steps, 2e-3, rng, evaluate)
    if plate_set is not None:
        dev_batch = BATCH_SIZE * 3 // 4 - args.crop_batch
        sets = [(development, dev_batch), (plate_set, args.crop_batch), (synthetic, BATCH_SIZE // 4)]
    else:
        sets = [(development, BATCH_SIZE * 5 // 8), (synthetic, BATCH_SIZE * 3 // 8)]
    learning_rate = args.learning_rate or (4e-4 if args.init else 1e-3)
    train_for(model, sets, args.finetune_steps, learning_rate, rng, evaluate, frozen_norm=bool(args.init))
    export_onnx(model, args.out)
    data: dict[str, object] = {
        "development photos (trained on)": describe_files([photo.path for photo in train_photos]),
        "development photos (held out)": describe_files([photo.path for photo in eval_photos]),
        "synthetic": args.synthetic,
        "synthetic_fonts": sorted(Path(path).name for path in font_paths()),
        "per_photo": args.per_photo,
        "pretrain_steps": 0 if args.init else args.pretrain_steps,
        "finetune_steps": args.finetune_steps,
        "learning_rate": learning_rate,
        "seed": args.seed,
    }
    if plates:
        data["us-plate-crops (training split)"] = describe_files([crop.path for crop in train_plates])
        data["us-plate-crops (held out)"] = describe_files([crop.path for crop in eval_plates])
        data["per_crop"] = args.per_crop
        data["crop_batch"] = args.crop_batch
    if args.init:
        data["started_from_sha256"] = sha256_of(args.init)
    record_model(args.out, "ingest.recognizer.training.train", data, scores())


if __name__ == "__main__":
    main()
