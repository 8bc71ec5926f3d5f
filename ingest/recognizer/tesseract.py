"""Thin helpers around the Tesseract command line (through pytesseract)."""

from __future__ import annotations

import cv2
import numpy as np
import pytesseract

OCR_HEIGHT = 96
TIMEOUT_SECONDS = 2


def prepare_region(gray: np.ndarray, left: int, top: int, right: int, bottom: int) -> np.ndarray | None:
    """Cut out a region, enlarge it to OCR_HEIGHT and binarise it as dark text on white."""
    top, bottom = max(0, top), min(gray.shape[0], bottom)
    left, right = max(0, left), min(gray.shape[1], right)
    if bottom - top < 4 or right - left < 16:
        return None
    region = gray[top:bottom, left:right]
    scale = max(1.0, OCR_HEIGHT / region.shape[0])
    region = cv2.resize(region, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    _, binary = cv2.threshold(region, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    return 255 - binary if binary.mean() < 127 else binary


def read_line(image: np.ndarray, whitelist: str) -> str:
    """One line of text (page segmentation mode 7) restricted to ``whitelist``; '' on failure."""
    config = f"--psm 7 -c tessedit_char_whitelist={whitelist}"
    try:
        return pytesseract.image_to_string(image, config=config, timeout=TIMEOUT_SECONDS).strip()
    except (pytesseract.TesseractError, pytesseract.TesseractNotFoundError, RuntimeError):
        return ""
