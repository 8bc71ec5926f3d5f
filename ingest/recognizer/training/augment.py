"""Random crops and degradations shared by synthetic and development training samples.

The crop jitter mimics the boxes the localiser hands to the reader at run time: its boxes hug the
row of characters, so they are about as wide as the plate but only half to full plate height, and
sit a little below the plate's centre.
"""

from __future__ import annotations

import random

import cv2
import numpy as np

from ingest.recognizer.crops import INPUT_HEIGHT, INPUT_WIDTH, box_corners, crop_quad


def jittered_corners(rng: random.Random, box: tuple[float, float, float, float]) -> np.ndarray:
    """Corners of a reader crop around the plate ``box`` (x, y, w, h), shifted, scaled and skewed."""
    x, y, w, h = box
    crop_w = w * rng.uniform(0.82, 1.2)
    crop_h = h * rng.uniform(0.5, 1.1)
    centre_x = x + w / 2 + w * rng.uniform(-0.05, 0.05)
    centre_y = y + h / 2 + h * rng.uniform(-0.06, 0.2)
    corners = box_corners(centre_x - crop_w / 2, centre_y - crop_h / 2, crop_w, crop_h)
    angle = np.deg2rad(rng.uniform(-5, 5))
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]], dtype=np.float32)
    corners = (corners - [centre_x, centre_y]) @ rotation.T + [centre_x, centre_y]
    skew = np.array([[rng.gauss(0, 0.025) * crop_w, rng.gauss(0, 0.05) * crop_h] for _ in range(4)])
    return (corners + skew).astype(np.float32)


def crop_jittered(rng: random.Random, gray: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    return crop_quad(gray, jittered_corners(rng, box))


def degrade(rng: random.Random, crop: np.ndarray) -> np.ndarray:
    """Random low resolution, blur, lighting, noise and JPEG artefacts on a uint8 reader crop."""
    image = crop.astype(np.float32)
    if rng.random() < 0.5:
        factor = rng.uniform(0.45, 0.9)
        small = cv2.resize(
            image, (int(INPUT_WIDTH * factor), int(INPUT_HEIGHT * factor)), interpolation=cv2.INTER_AREA
        )
        image = cv2.resize(small, (INPUT_WIDTH, INPUT_HEIGHT), interpolation=cv2.INTER_LINEAR)
    if rng.random() < 0.4:
        image = cv2.GaussianBlur(image, (0, 0), rng.uniform(0.3, 1.2))
    contrast = rng.uniform(0.3, 1.3) if rng.random() < 0.3 else rng.uniform(0.75, 1.15)
    image = (image - 128.0) * contrast + 128.0 + rng.uniform(-50, 50)
    if rng.random() < 0.3:
        gradient = np.linspace(rng.uniform(-40, 40), rng.uniform(-40, 40), INPUT_WIDTH, dtype=np.float32)
        image += gradient[None, :]
    if rng.random() < 0.6:
        image += np.random.default_rng(rng.randint(0, 2**31)).normal(0, rng.uniform(2, 12), image.shape)
    image = np.clip(image, 0, 255).astype(np.uint8)
    if rng.random() < 0.5:
        _, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, rng.randint(25, 90)])
        image = cv2.imdecode(encoded, cv2.IMREAD_GRAYSCALE)
    return image
