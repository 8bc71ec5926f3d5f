"""Labelled development photos: each ``NAME.jpg`` has ``NAME.txt`` beside it holding one
tab-separated line ``image_file x y width height plate_text``.
"""

from __future__ import annotations

import csv
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from ingest.recognizer.localize import Box

HELD_OUT_EVERY = 5


def held_out_fold(environ=os.environ) -> int:
    """Which fifth of the file names is held out: 0, the committed models' split, unless
    ``ALPR_HELD_OUT_FOLD`` names another (1–4), so the training commands and the bench can hold out a
    second, disjoint fifth as a cross-check (docs/recognition.md, "A second and a third split")."""
    value = environ.get("ALPR_HELD_OUT_FOLD", "0").strip() or "0"
    if not value.isdigit() or int(value) >= HELD_OUT_EVERY:
        raise ValueError(f"ALPR_HELD_OUT_FOLD must be 0 to {HELD_OUT_EVERY - 1}, not {value!r}.")
    return int(value)


HELD_OUT_FOLD = held_out_fold()


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
    return is_held_out_name(photo.path.name)


@dataclass(frozen=True)
class PlateCrop:
    """A tight crop of one real plate (``us-plate-crops/labels.csv``: ``file,state,text``)."""

    path: Path
    state: str
    text: str


def load_plate_crops(directory: Path) -> list[PlateCrop]:
    labels = directory / "labels.csv"
    if not labels.exists():
        return []
    with labels.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    crops = [
        PlateCrop(directory / row["file"], row["state"].upper(), row["text"].upper())
        for row in rows
        if (directory / row["file"]).exists()
    ]
    return sorted(crops, key=lambda crop: crop.path.name)


def is_held_out_name(name: str, fold: int | None = None) -> bool:
    """The same one-in-HELD_OUT_EVERY hash split, for any file name (plate crops use it too); ``fold``
    (default HELD_OUT_FOLD) says which fifth."""
    digest = hashlib.sha1(name.encode(), usedforsecurity=False).digest()
    return digest[0] % HELD_OUT_EVERY == (HELD_OUT_FOLD if fold is None else fold)


# Development photos whose surroundings show another vehicle's readable plate (checked by eye): their
# parts outside the labelled plate are not plate-free, so the bench and the "not a plate" training
# examples leave them out.
OTHER_VEHICLE_PLATES = frozenset({"car9-2.jpg", "wts-lg-000053.jpg", "wts-lg-000148.jpg"})
