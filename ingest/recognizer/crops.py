"""Turn a region of a photo into the fixed-size grayscale input the line reader expects.

Training and inference share this module so that the crops the model learns from look exactly
like the crops it reads at run time.
"""

from __future__ import annotations

import cv2
import numpy as np

INPUT_HEIGHT = 32
INPUT_WIDTH = 96
# Shrink the source first when it is this many times larger than the input, to avoid aliasing.
MAX_DIRECT_DOWNSCALE = 1.5


def box_corners(x: float, y: float, w: float, h: float) -> np.ndarray:
    """Corners of an axis-aligned box, clockwise from top-left, as a float32 (4, 2) array."""
    return np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]], dtype=np.float32)


def crop_quad(
    gray: np.ndarray, corners: np.ndarray, size: tuple[int, int] = (INPUT_WIDTH, INPUT_HEIGHT)
) -> np.ndarray:
    """Warp the quadrilateral ``corners`` of ``gray`` (or a colour image) onto a ``size`` (width,
    height) uint8 image; the reader's INPUT_WIDTH x INPUT_HEIGHT unless told otherwise."""
    corners = corners.astype(np.float32)
    width = float(np.linalg.norm(corners[1] - corners[0]))
    factor = width / size[0]
    if factor > MAX_DIRECT_DOWNSCALE:
        gray, corners = _shrink_around(gray, corners, factor)
    target = box_corners(0, 0, *size)
    matrix = cv2.getPerspectiveTransform(corners, target)
    return cv2.warpPerspective(gray, matrix, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def _shrink_around(gray: np.ndarray, corners: np.ndarray, factor: float) -> tuple[np.ndarray, np.ndarray]:
    """Cut out the area around ``corners`` and shrink it by ``factor`` with area averaging."""
    height, width = gray.shape[:2]
    margin = 4.0 * factor
    x0 = int(max(0, np.floor(corners[:, 0].min() - margin)))
    y0 = int(max(0, np.floor(corners[:, 1].min() - margin)))
    x1 = int(min(width, np.ceil(corners[:, 0].max() + margin)))
    y1 = int(min(height, np.ceil(corners[:, 1].max() + margin)))
    if x1 - x0 < 2 or y1 - y0 < 2:
        return gray, corners
    region = gray[y0:y1, x0:x1]
    new_size = (max(2, round((x1 - x0) / factor)), max(2, round((y1 - y0) / factor)))
    small = cv2.resize(region, new_size, interpolation=cv2.INTER_AREA)
    scale = np.array([new_size[0] / (x1 - x0), new_size[1] / (y1 - y0)], dtype=np.float32)
    return small, (corners - np.array([x0, y0], dtype=np.float32)) * scale


def normalise(crops: np.ndarray) -> np.ndarray:
    """Standardise each uint8 crop to zero mean and unit spread; returns float32 (N, 1, H, W)."""
    data = crops.astype(np.float32).reshape(len(crops), -1)
    data -= data.mean(axis=1, keepdims=True)
    data /= data.std(axis=1, keepdims=True) + 8.0
    return data.reshape(len(crops), 1, INPUT_HEIGHT, INPUT_WIDTH)
