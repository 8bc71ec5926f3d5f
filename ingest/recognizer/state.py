"""Read the issuing state's name printed above the registration, with Tesseract.

Tesseract reads the characters of small US plates poorly, but the state name is a whole word that
fuzzy matching can recognise from a partial reading. Used on the best plate only, so it costs one
Tesseract call per photo.
"""

from __future__ import annotations

import difflib

import cv2
import numpy as np
import pytesseract

STATE_CODES = {
    "ALABAMA": "AL",
    "ALASKA": "AK",
    "ARIZONA": "AZ",
    "ARKANSAS": "AR",
    "CALIFORNIA": "CA",
    "COLORADO": "CO",
    "CONNECTICUT": "CT",
    "DELAWARE": "DE",
    "FLORIDA": "FL",
    "GEORGIA": "GA",
    "HAWAII": "HI",
    "IDAHO": "ID",
    "ILLINOIS": "IL",
    "INDIANA": "IN",
    "IOWA": "IA",
    "KANSAS": "KS",
    "KENTUCKY": "KY",
    "LOUISIANA": "LA",
    "MAINE": "ME",
    "MARYLAND": "MD",
    "MASSACHUSETTS": "MA",
    "MICHIGAN": "MI",
    "MINNESOTA": "MN",
    "MISSISSIPPI": "MS",
    "MISSOURI": "MO",
    "MONTANA": "MT",
    "NEBRASKA": "NE",
    "NEVADA": "NV",
    "NEW HAMPSHIRE": "NH",
    "NEW JERSEY": "NJ",
    "NEW MEXICO": "NM",
    "NEW YORK": "NY",
    "NORTH CAROLINA": "NC",
    "NORTH DAKOTA": "ND",
    "OHIO": "OH",
    "OKLAHOMA": "OK",
    "OREGON": "OR",
    "PENNSYLVANIA": "PA",
    "RHODE ISLAND": "RI",
    "SOUTH CAROLINA": "SC",
    "SOUTH DAKOTA": "SD",
    "TENNESSEE": "TN",
    "TEXAS": "TX",
    "UTAH": "UT",
    "VERMONT": "VT",
    "VIRGINIA": "VA",
    "WASHINGTON": "WA",
    "WEST VIRGINIA": "WV",
    "WISCONSIN": "WI",
    "WYOMING": "WY",
}
TESSERACT_CONFIG = "--psm 7 -c tessedit_char_whitelist=ABCDEFGHIJKLMNOPQRSTUVWXYZ"
MIN_WORD_LENGTH = 4
MATCH_CUTOFF = 0.7


def read_state(gray: np.ndarray, x: int, y: int, w: int, h: int) -> str | None:
    """Two-letter code of the state named in the top band of the plate box, or None."""
    band = _top_band(gray, x, y, w, h)
    if band is None:
        return None
    return match_state(_ocr(band))


def match_state(text: str) -> str | None:
    """Fuzzy-match OCR output such as ``'CALIFORNIA'`` or ``'ALIFORNI'`` to a state code."""
    words = text.upper().split()
    long_words = [word for word in words if len(word) >= MIN_WORD_LENGTH]
    for candidate in [" ".join(words), *long_words]:
        matches = difflib.get_close_matches(candidate, STATE_CODES, n=1, cutoff=MATCH_CUTOFF)
        if matches:
            return STATE_CODES[matches[0]]
    return None


def _top_band(gray: np.ndarray, x: int, y: int, w: int, h: int) -> np.ndarray | None:
    top = max(0, y - h // 6)
    bottom = min(gray.shape[0], y + h // 3)
    left, right = max(0, x), min(gray.shape[1], x + w)
    if bottom - top < 4 or right - left < 16:
        return None
    band = gray[top:bottom, left:right]
    scale = max(1.0, 120.0 / band.shape[0])
    band = cv2.resize(band, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    _, binary = cv2.threshold(band, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    if binary.mean() < 127:
        binary = 255 - binary
    return binary


def _ocr(image: np.ndarray) -> str:
    try:
        return pytesseract.image_to_string(image, config=TESSERACT_CONFIG, timeout=2)
    except (pytesseract.TesseractError, pytesseract.TesseractNotFoundError, RuntimeError):
        return ""
