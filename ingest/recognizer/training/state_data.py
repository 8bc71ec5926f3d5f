"""Training samples for the state classifier: real plate crops, DMV sample designs and blank plates
(with synthetic serials printed on them), made to look like the plate boxes the pipeline cuts from
roadside photos: a box that is only roughly the plate, few pixels, blur, noise, JPEG and odd light.

The training development photos add what roadside plates really look like (their state is not
labelled: they only teach "this is a plate") and what the localiser finds that is not a plate
(lettering on vans, signs, fences, time stamps: the class NO_PLATE).
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw

from ingest.recognizer.crops import box_corners, crop_quad
from ingest.recognizer.dataset import OTHER_VEHICLE_PLATES, LabelledPhoto, is_held_out_name, load_plate_crops
from ingest.recognizer.localize import Box, find_plate_candidates, iou
from ingest.recognizer.state import NO_PLATE, STATE_INPUT_HEIGHT, STATE_INPUT_WIDTH, STATE_LABELS, state_crop
from ingest.recognizer.training.layouts import random_serial
from ingest.recognizer.training.synth import font_paths, load_font

FALLBACK_LAYOUTS = ("@@@###", "###@@@", "@@@####", "#@@@###")
# The label of a real plate whose state is not labelled: the loss only asks "some state, not NO_PLATE".
UNKNOWN_STATE = -1


@dataclass(frozen=True)
class StateImage:
    name: str
    state: str
    image: np.ndarray  # BGR, the whole plate
    needs_serial: bool  # a blank plate: print a synthetic serial on it


def load_state_images(datasets: Path) -> tuple[list[StateImage], list[StateImage], list[StateImage]]:
    """(real crops for training, real crops held out, designs and blanks); held-out crops are the
    ``is_held_out_name`` split of ``us-plate-crops``, never trained on by any model."""
    train, held_out, designs = [], [], []
    for crop in load_plate_crops(datasets / "us-plate-crops"):
        if crop.state not in STATE_LABELS:
            continue
        item = StateImage(crop.path.name, crop.state, cv2.imread(str(crop.path)), False)
        (held_out if is_held_out_name(crop.path.name) else train).append(item)
    design_list = datasets / "us-plate-designs" / "designs.csv"
    if design_list.exists():
        with design_list.open(newline="") as handle:
            for row in csv.DictReader(handle):
                image = cv2.imread(str(datasets / "us-plate-designs" / row["file"]))
                if image is not None and row["state"].upper() in STATE_LABELS:
                    designs.append(StateImage(row["file"], row["state"].upper(), image, False))
    for path in sorted((datasets / "us-plate-blanks").glob("*.jpg")):
        state = path.name[:2].upper()
        image = cv2.imread(str(path))
        if image is not None and state in STATE_LABELS:
            designs.append(StateImage(path.name, state, image, True))
    return train, held_out, designs


def print_serial(
    rng: random.Random, image: np.ndarray, state: str, layouts: dict[str, list[str]]
) -> np.ndarray:
    """A blank plate with a serial of one of its state's layouts in a condensed font across the middle."""
    height, width = image.shape[:2]
    serial = random_serial(rng, rng.choice(layouts.get(state) or FALLBACK_LAYOUTS))
    font = load_font(rng.choice(font_paths()), 64)
    probe = ImageDraw.Draw(Image.new("L", (1, 1)))
    left, top, right, bottom = probe.textbbox((0, 0), serial, font=font)
    glyphs = Image.new("L", (right - left + 4, bottom - top + 4), 0)
    ImageDraw.Draw(glyphs).text((2 - left, 2 - top), serial, font=font, fill=255)
    glyphs = glyphs.resize((int(width * rng.uniform(0.6, 0.82)), int(height * rng.uniform(0.38, 0.5))))
    ink = rng.choice(((25, 25, 25), (110, 40, 20), (30, 30, 140), (30, 90, 30)))  # BGR
    plate = Image.fromarray(cv2.cvtColor(image, cv2.COLOR_BGR2RGB))
    x = (width - glyphs.width) // 2 + rng.randint(-4, 4)
    y = (height - glyphs.height) // 2 + rng.randint(-3, 6)
    plate.paste(Image.new("RGB", glyphs.size, ink[::-1]), (x, y), glyphs)
    return cv2.cvtColor(np.asarray(plate), cv2.COLOR_RGB2BGR)


def camera_crop(rng: random.Random, plate: np.ndarray) -> np.ndarray:
    """The plate on a random car-body background at a roadside camera's size, cut by a box that is
    only roughly the plate (as ``pipeline._plate_box`` estimates it), degraded, as a 96 × 48 crop."""
    height, width = plate.shape[:2]
    target_width = rng.uniform(55, 170)
    scale = target_width / width
    small = cv2.resize(
        plate, (max(8, round(width * scale)), max(4, round(height * scale))), interpolation=cv2.INTER_AREA
    )
    h, w = small.shape[:2]
    canvas = np.empty((h * 3, w * 2, 3), dtype=np.float32)
    canvas[:] = [rng.uniform(0, 255) for _ in range(3)]
    canvas += np.random.default_rng(rng.randint(0, 2**31)).normal(0, rng.uniform(2, 25), canvas.shape)
    y0, x0 = h, w // 2
    canvas[y0 : y0 + h, x0 : x0 + w] = small
    canvas = _light(rng, canvas)
    if rng.random() < 0.5:
        canvas = cv2.GaussianBlur(canvas, (0, 0), rng.uniform(0.3, 1.3))
    canvas += np.random.default_rng(rng.randint(0, 2**31)).normal(0, rng.uniform(0, 10), canvas.shape)
    image = np.clip(canvas, 0, 255).astype(np.uint8)
    if rng.random() < 0.7:
        _, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, rng.randint(30, 92)])
        image = cv2.imdecode(encoded, cv2.IMREAD_COLOR)
    box_w = w * rng.uniform(0.85, 1.15)
    box_h = box_w / 2 * rng.uniform(0.85, 1.15)
    centre_x = x0 + w / 2 + w * rng.uniform(-0.08, 0.08)
    centre_y = y0 + h / 2 + h * rng.uniform(-0.12, 0.12)
    corners = box_corners(centre_x - box_w / 2, centre_y - box_h / 2, box_w, box_h)
    corners += np.array(
        [[rng.gauss(0, 0.02) * box_w, rng.gauss(0, 0.04) * box_h] for _ in range(4)], np.float32
    )
    return crop_quad(image, corners, (STATE_INPUT_WIDTH, STATE_INPUT_HEIGHT))


def _light(rng: random.Random, image: np.ndarray) -> np.ndarray:
    """Exposure, contrast, colour cast, desaturation and a brightness gradient."""
    image = (image - 128.0) * rng.uniform(0.5, 1.2) + 128.0 + rng.uniform(-60, 40)
    image *= np.array([rng.uniform(0.8, 1.2) for _ in range(3)], dtype=np.float32)
    if rng.random() < 0.3:
        gray = image.mean(axis=2, keepdims=True)
        image = gray + (image - gray) * rng.uniform(0.3, 0.9)
    if rng.random() < 0.3:
        gradient = np.linspace(rng.uniform(-50, 50), rng.uniform(-50, 50), image.shape[1], dtype=np.float32)
        image += gradient[None, :, None]
    return image


def state_sample(
    rng: random.Random, item: StateImage, layouts: dict[str, list[str]]
) -> tuple[np.ndarray, int]:
    plate = print_serial(rng, item.image, item.state, layouts) if item.needs_serial else item.image
    return camera_crop(rng, plate), STATE_LABELS.index(item.state)


@dataclass(frozen=True)
class PhotoBoxes:
    """A training development photo: its plate, and localiser candidates nowhere near the plate."""

    image: np.ndarray  # BGR
    plate: Box
    others: tuple[Box, ...]


def load_photo_boxes(photos: list[LabelledPhoto]) -> list[PhotoBoxes]:
    loaded = []
    for photo in photos:
        image = cv2.imread(str(photo.path))
        plate = photo.box
        around = Box(plate.x - plate.w // 2, plate.y - plate.h, plate.w * 2, plate.h * 3)
        others = tuple(box for box in find_plate_candidates(image, 20) if iou(box, around) == 0)
        if photo.path.name in OTHER_VEHICLE_PLATES:
            others = ()
        loaded.append(PhotoBoxes(image, plate, others))
    return loaded


def photo_sample(rng: random.Random, photo: PhotoBoxes, negative: bool) -> tuple[np.ndarray, int]:
    """A plate-shaped box around a localiser candidate that is not a plate (label NO_PLATE), or
    around the photo's plate (label UNKNOWN_STATE: a plate, state not labelled)."""
    box = rng.choice(photo.others) if negative else photo.plate
    width = box.w * (rng.uniform(0.9, 1.35) if negative else rng.uniform(0.85, 1.15))
    height = width / 2 * rng.uniform(0.85, 1.15)
    centre_x = box.x + box.w / 2 + box.w * rng.uniform(-0.08, 0.08)
    centre_y = box.y + box.h / 2 + box.h * rng.uniform(-0.12, 0.12)
    crop = state_crop(photo.image, (centre_x - width / 2, centre_y - height / 2, width, height))
    if rng.random() < 0.5:
        _, encoded = cv2.imencode(".jpg", crop, [cv2.IMWRITE_JPEG_QUALITY, rng.randint(40, 92)])
        crop = cv2.imdecode(encoded, cv2.IMREAD_COLOR)
    return crop, NO_PLATE if negative else UNKNOWN_STATE
