"""Find rectangles in a photo that may hold a licence plate.

Plate characters are short, dense vertical strokes on a plain background. A morphological
black-hat (dark text on light plate) or top-hat (light text on dark plate) keeps such strokes,
a horizontal Sobel keeps their vertical edges, and a wide closing fuses a row of characters
into one blob. Blobs with a plate-like aspect ratio become candidates, best first.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

WORK_WIDTH = 1280
MIN_ASPECT = 1.5
MAX_ASPECT = 6.0
MAX_CANDIDATES = 10
# (stroke kernel, closing kernel) pairs for small and large plates, in working-image pixels.
KERNEL_SIZES = (((15, 5), (17, 3)), ((31, 11), (31, 7)))


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle in image pixels with a localisation score."""

    x: int
    y: int
    w: int
    h: int
    score: float = 0.0

    def as_list(self) -> list[int]:
        return [self.x, self.y, self.w, self.h]


def iou(a: Box, b: Box) -> float:
    """Intersection over union of two boxes."""
    ix = max(0, min(a.x + a.w, b.x + b.w) - max(a.x, b.x))
    iy = max(0, min(a.y + a.h, b.y + b.h) - max(a.y, b.y))
    inter = ix * iy
    union = a.w * a.h + b.w * b.h - inter
    return inter / union if union else 0.0


def find_plate_candidates(image_bgr: np.ndarray, limit: int = MAX_CANDIDATES) -> list[Box]:
    """Return up to ``limit`` candidate plate boxes in original-image pixels, best first."""
    gray = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2GRAY) if image_bgr.ndim == 3 else image_bgr
    scale = min(1.0, WORK_WIDTH / max(gray.shape[1], 1))
    if scale < 1.0:
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    boxes: list[Box] = []
    for stroke_kernel, close_kernel in KERNEL_SIZES:
        for operation in (cv2.MORPH_BLACKHAT, cv2.MORPH_TOPHAT):
            mask, strength = _text_row_mask(gray, operation, stroke_kernel, close_kernel)
            boxes.extend(_plate_like_blobs(mask, strength, gray.shape))
    merged = _merge_overlapping(sorted(boxes, key=lambda b: -b.score), limit)
    return [_rescale(box, 1.0 / scale) for box in merged]


def _text_row_mask(
    gray: np.ndarray, operation: int, stroke_kernel: tuple[int, int], close_kernel: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """Binary mask of horizontal runs of character strokes, and the stroke-edge strength map."""
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, stroke_kernel)
    strokes = cv2.morphologyEx(gray, operation, kernel)
    edges = np.abs(cv2.Sobel(strokes, cv2.CV_32F, 1, 0, ksize=3))
    edges = cv2.normalize(edges, None, 0, 255, cv2.NORM_MINMAX).astype(np.uint8)
    edges = cv2.GaussianBlur(edges, (5, 5), 0)
    closing = cv2.getStructuringElement(cv2.MORPH_RECT, close_kernel)
    closed = cv2.morphologyEx(edges, cv2.MORPH_CLOSE, closing)
    _, mask = cv2.threshold(closed, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    mask = cv2.erode(mask, None, iterations=2)
    mask = cv2.dilate(mask, None, iterations=2)
    return mask, edges


def _plate_like_blobs(mask: np.ndarray, strength: np.ndarray, shape: tuple[int, ...]) -> list[Box]:
    """Bounding boxes of mask blobs whose size and aspect ratio could be a plate's text row."""
    height, width = shape[:2]
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    boxes = []
    for contour in contours:
        x, y, w, h = cv2.boundingRect(contour)
        if h < 10 or w < 30 or w > width * 0.5 or h > height * 0.3:
            continue
        if not MIN_ASPECT <= w / h <= MAX_ASPECT:
            continue
        fill = cv2.contourArea(contour) / float(w * h)
        edge_density = float(strength[y : y + h, x : x + w].mean()) / 255.0
        aspect_fit = 1.0 - min(abs(w / h - 3.0) / 3.0, 1.0)
        boxes.append(Box(x, y, w, h, score=fill + 2.0 * edge_density + 0.5 * aspect_fit))
    return boxes


def _merge_overlapping(boxes: list[Box], limit: int, threshold: float = 0.5) -> list[Box]:
    """Greedy non-maximum suppression: keep a box unless a better one already covers it; stop at
    ``limit`` boxes kept (the rest would not be returned)."""
    kept: list[Box] = []
    for box in boxes:
        if len(kept) == limit:
            break
        if all(iou(box, other) < threshold for other in kept):
            kept.append(box)
    return kept


def _rescale(box: Box, factor: float) -> Box:
    return Box(
        round(box.x * factor), round(box.y * factor), round(box.w * factor), round(box.h * factor), box.score
    )
