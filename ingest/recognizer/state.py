"""Read the issuing state's name printed above the registration, with Tesseract.

The state name is a whole word that fuzzy matching can recognise from a partial reading. Opt-in
(``Recognizer(detect_state=True)``): on typical traffic photos the name is only a few pixels high,
and the Tesseract call costs more than the rest of the pipeline.
"""

from __future__ import annotations

import difflib

import numpy as np

from ingest.recognizer.tesseract import prepare_region, read_line

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
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
MIN_WORD_LENGTH = 4
MATCH_CUTOFF = 0.7


def read_state(gray: np.ndarray, x: int, y: int, w: int, h: int) -> str | None:
    """Two-letter code of the state named in the top band of the plate box, or None."""
    band = prepare_region(gray, x, y - h // 6, x + w, y + h // 3)
    if band is None:
        return None
    return match_state(read_line(band, LETTERS))


def match_state(text: str) -> str | None:
    """Fuzzy-match OCR output such as ``'CALIFORNIA'`` or ``'ALIFORNI'`` to a state code."""
    words = text.upper().split()
    long_words = [word for word in words if len(word) >= MIN_WORD_LENGTH]
    for candidate in [" ".join(words), *long_words]:
        matches = difflib.get_close_matches(candidate, STATE_CODES, n=1, cutoff=MATCH_CUTOFF)
        if matches:
            return STATE_CODES[matches[0]]
    return None
