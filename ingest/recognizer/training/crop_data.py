"""Reader training crops from ``us-plate-crops``: clean collector photos of whole plates, shrunk to a
roadside camera's size, put on clutter and cut and degraded exactly like the synthetic plates."""

from __future__ import annotations

import random

import cv2
import numpy as np

from ingest.recognizer.dataset import PlateCrop
from ingest.recognizer.plausibility import MAX_PLATE_LENGTH, MIN_PLATE_LENGTH
from ingest.recognizer.training.augment import crop_jittered, degrade
from ingest.recognizer.training.synth import place_on_background


def readable(crop: PlateCrop) -> bool:
    """Plates whose label the reader can learn: 4–8 characters of A–Z and 0–9."""
    return (
        MIN_PLATE_LENGTH <= len(crop.text) <= MAX_PLATE_LENGTH and crop.text.isalnum() and crop.text.isascii()
    )


def camera_like_crop(rng: random.Random, plate: np.ndarray) -> np.ndarray:
    """One degraded 32 × 96 reader crop of a whole-plate image, as the localiser would hand it over."""
    image, box = place_on_background(rng, plate)
    if rng.random() < 0.5:
        image = cv2.GaussianBlur(image, (0, 0), rng.uniform(0.3, 1.0))
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    return degrade(rng, crop_jittered(rng, gray, box))


def plate_crop_samples(crops: list[PlateCrop], per_plate: int, seed: int) -> tuple[np.ndarray, list[str]]:
    rng = random.Random(seed)  # noqa: S311 (augmentation, not security)
    samples, labels = [], []
    for crop in crops:
        plate = cv2.imread(str(crop.path))
        for _ in range(per_plate):
            samples.append(camera_like_crop(rng, plate))
            labels.append(crop.text)
    return np.stack(samples), labels


def held_out_plate_crops(crops: list[PlateCrop]) -> tuple[np.ndarray, list[str]]:
    """One camera-like crop per held-out plate, seeded by its file name so every run reads the same."""
    samples = [camera_like_crop(random.Random(crop.path.name), cv2.imread(str(crop.path))) for crop in crops]  # noqa: S311
    return np.stack(samples), [crop.text for crop in crops]
