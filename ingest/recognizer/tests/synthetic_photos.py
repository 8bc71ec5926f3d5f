"""Make test photos of a car-sized scene with one plate, using only Pillow's bundled font."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont


@dataclass(frozen=True)
class PlatePhoto:
    image: np.ndarray  # BGR
    box: tuple[int, int, int, int]  # x, y, w, h of the plate
    text: str


def render_plate(text: str, width: int = 240, dark_text_on_light: bool = True) -> np.ndarray:
    """A frontal 2:1 plate: state name on top, condensed registration in the middle, a border."""
    height = width // 2
    paper, ink = ((235, 235, 228), (25, 35, 90)) if dark_text_on_light else ((30, 30, 30), (235, 235, 235))
    plate = Image.new("RGB", (width, height), paper)
    draw = ImageDraw.Draw(plate)
    draw.rectangle([1, 1, width - 2, height - 2], outline=(90, 90, 90), width=2)
    small = ImageFont.load_default(size=height // 7)
    draw.text((width / 2, height * 0.14), "CALIFORNIA", font=small, fill=(150, 30, 30), anchor="mm")
    big = ImageFont.load_default(size=height // 2)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=big)
    glyphs = Image.new("L", (right - left, bottom - top), 0)
    ImageDraw.Draw(glyphs).text((-left, -top), text, font=big, fill=255)
    glyphs = glyphs.resize((int(width * 0.78), int(height * 0.45)), Image.BILINEAR)
    plate.paste(Image.new("RGB", glyphs.size, ink), ((width - glyphs.width) // 2, int(height * 0.3)), glyphs)
    return cv2.cvtColor(np.asarray(plate), cv2.COLOR_RGB2BGR)


def make_photo(
    text: str,
    plate_width: int = 130,
    tilt: float = 0.0,
    blur: float = 0.0,
    noise: float = 0.0,
    night: bool = False,
    seed: int = 0,
) -> PlatePhoto:
    """An 800x600 scene: a plain car body with the plate, optionally tilted, blurred, noisy or dark."""
    rng = np.random.default_rng(seed)
    scene = np.full((600, 800, 3), (70, 80, 95), dtype=np.uint8)
    cv2.rectangle(scene, (150, 200), (650, 520), (120, 40, 40), -1)  # car body
    cv2.rectangle(scene, (200, 230), (600, 300), (30, 30, 30), -1)  # grille
    plate = cv2.resize(render_plate(text), (plate_width, plate_width // 2), interpolation=cv2.INTER_AREA)
    x, y = 400 - plate_width // 2, 380
    h, w = plate.shape[:2]
    shift = tilt * w
    source = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    target = np.float32([[x, y + shift], [x + w, y - shift], [x + w, y + h - shift], [x, y + h + shift]])
    warped = cv2.warpPerspective(plate, cv2.getPerspectiveTransform(source, target), (800, 600))
    mask = cv2.warpPerspective(
        np.full((h, w), 255, np.uint8), cv2.getPerspectiveTransform(source, target), (800, 600)
    )
    scene[mask > 0] = warped[mask > 0]
    image = scene.astype(np.float32)
    if blur:
        image = cv2.GaussianBlur(image, (0, 0), blur)
    if night:
        image = image * 0.35 + 10
    if noise:
        image += rng.normal(0, noise, image.shape)
    image = np.clip(image, 0, 255).astype(np.uint8)
    top, bottom = int(min(target[:, 1])), int(max(target[:, 1]))
    return PlatePhoto(image, (x, top, w, bottom - top), text)


def jpeg_bytes(image: np.ndarray, quality: int = 85) -> bytes:
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return encoded.tobytes()


def make_two_car_photo(texts: tuple[str, str], plate_width: int = 130) -> tuple[np.ndarray, list[PlatePhoto]]:
    """A 1280x600 scene with two cars side by side, each with its own plate."""
    halves = [make_photo(text, plate_width=plate_width, seed=index) for index, text in enumerate(texts)]
    scene = np.hstack(
        [half.image[:, :640] if index else half.image[:, 80:720] for index, half in enumerate(halves)]
    )
    first, second = halves
    placed = [
        PlatePhoto(scene, (first.box[0] - 80, *first.box[1:]), first.text),
        PlatePhoto(scene, (second.box[0] + 640, *second.box[1:]), second.text),
    ]
    return scene, placed
