"""Labelled development photos: each ``NAME.jpg`` has ``NAME.txt`` beside it holding one
tab-separated line ``image_file x y width height plate_text``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ingest.recognizer.localize import Box

HELD_OUT_EVERY = 5


@dataclass(frozen=True)
class LabelledPhoto:
    path: Path
    box: Box
    text: str


def load_labelled_photos(directory: Path) -> list[LabelledPhoto]:
    photos = []
    for truth_file in sorted(directory.glob("*.txt")):
        fields = truth_file.read_text().strip().split("\t")
        image_path = truth_file.with_suffix(".jpg")
        if len(fields) != 6 or not image_path.exists():
            continue
        x, y, w, h = (int(value) for value in fields[1:5])
        photos.append(LabelledPhoto(image_path, Box(x, y, w, h), fields[5].upper()))
    return photos


def is_held_out(photo: LabelledPhoto) -> bool:
    """Deterministic split on the file name: about one photo in HELD_OUT_EVERY is never trained on."""
    digest = hashlib.sha1(photo.path.name.encode(), usedforsecurity=False).digest()
    return digest[0] % HELD_OUT_EVERY == 0
