"""Training crops cut from the development photos."""

from __future__ import annotations

import random

import cv2
import numpy as np

from ingest.recognizer.crops import box_corners, crop_quad
from ingest.recognizer.dataset import LabelledPhoto
from ingest.recognizer.localize import Box, find_plate_candidates
from ingest.recognizer.training.augment import crop_jittered, degrade


def localiser_boxes_on_plate(gray: np.ndarray, truth: Box) -> list[Box]:
    """Localiser candidates that sit on the true plate, so training sees the boxes inference reads."""
    centre_x, centre_y = truth.x + truth.w / 2, truth.y + truth.h / 2
    return [
        box
        for box in find_plate_candidates(gray)
        if box.x <= centre_x <= box.x + box.w
        and box.y <= centre_y <= box.y + box.h
        and 0.6 < box.w / truth.w < 1.6
    ]


def development_crops(photos: list[LabelledPhoto], per_photo: int, seed: int) -> tuple[np.ndarray, list[str]]:
    """Augmented reader crops around the true boxes and the localiser's own boxes on the plates."""
    rng = random.Random(seed)  # noqa: S311 (augmentation, not security)
    crops, labels = [], []
    for photo in photos:
        gray = cv2.imread(str(photo.path), cv2.IMREAD_GRAYSCALE)
        truth = photo.box
        own_boxes = localiser_boxes_on_plate(gray, truth)
        for index in range(per_photo):
            if own_boxes and index % 3 == 0:
                crop = crop_jittered_own(rng, gray, rng.choice(own_boxes))
            else:
                crop = crop_jittered(rng, gray, (truth.x, truth.y, truth.w, truth.h))
            crops.append(degrade(rng, crop) if rng.random() < 0.7 else crop)
            labels.append(photo.text)
    return np.stack(crops), labels


def crop_jittered_own(rng: random.Random, gray: np.ndarray, box: Box) -> np.ndarray:
    """A localiser box, shrunk or grown a little as inference does, with mild skew."""
    scale_w, scale_h = rng.uniform(0.84, 1.04), rng.uniform(0.9, 1.35)
    w, h = box.w * scale_w, box.h * scale_h
    x = box.x + (box.w - w) / 2 + rng.uniform(-0.03, 0.03) * box.w
    y = box.y + (box.h - h) / 2 + rng.uniform(-0.08, 0.08) * box.h
    skew = np.array([[rng.gauss(0, 0.015) * w, rng.gauss(0, 0.04) * h] for _ in range(4)], dtype=np.float32)
    return crop_quad(gray, box_corners(x, y, w, h) + skew)
