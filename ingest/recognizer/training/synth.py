"""Render synthetic US-style plates and cut reader crops from them.

The renders only need to teach the network what characters look like in condensed plate fonts with
clutter around them (state names, slogans, frames, stickers); the development photos teach it the
real look afterwards. Fonts come from Debian packages (fonts-liberation, fonts-dejavu,
fonts-urw-base35, fonts-roboto). Liberation Mono is there for its letter I with serifs: most US plate
fonts draw I so, and a network that has only seen the plain bar of sans-serif fonts reads it as T.
"""

from __future__ import annotations

import glob
import random
from functools import lru_cache

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ingest.recognizer.alphabet import ALPHABET
from ingest.recognizer.training.augment import crop_jittered, degrade

FONT_PATTERNS = (
    "/usr/share/fonts/truetype/liberation/LiberationSansNarrow-*.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed*.ttf",
    "/usr/share/fonts/opentype/urw-base35/NimbusSansNarrow-*.otf",
    "/usr/share/fonts/truetype/roboto/unhinted/RobotoCondensed-*.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationMono-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf",
)
STATES = (
    "CALIFORNIA",
    "TEXAS",
    "FLORIDA",
    "NEW YORK",
    "ILLINOIS",
    "OHIO",
    "MISSOURI",
    "GEORGIA",
    "MICHIGAN",
    "ARIZONA",
    "NEVADA",
    "OREGON",
    "WASHINGTON",
    "COLORADO",
    "VIRGINIA",
    "MARYLAND",
    "NEW JERSEY",
    "PENNSYLVANIA",
    "MASSACHUSETTS",
    "INDIANA",
    "KANSAS",
    "UTAH",
    "IOWA",
    "IDAHO",
)
SLOGANS = (
    "SUNSHINE STATE",
    "SHOW-ME STATE",
    "GREAT LAKES",
    "LAND OF LINCOLN",
    "dmv.ca.gov",
    "EMPIRE STATE",
    "THE LONE STAR STATE",
    "GRAND CANYON STATE",
    "PEACH STATE",
    "EVERGREEN STATE",
    "VIRGINIA IS FOR LOVERS",
    "LIVE FREE OR DIE",
    "HEART OF IT ALL",
    "FAMOUS POTATOES",
)
FRAME_TEXTS = ("AUTO SALES", "TOYOTA OF CITY", "HONDA", "DEALER 555-0100", "FORD", "GO TEAM")
# L = letter, D = digit, space = a gap (space, dash or logo) between groups.
FORMATS = (
    "DLLLDDD",
    "LLLDDDD",
    "LLL DDDD",
    "DDD LLL",
    "LLL DDD",
    "DDDLLL",
    "LL DDDDD",
    "DDDDDDD",
    "LLDDLLD",
    "DLLDDD",
    "LLLDDD",
    "DDDDLL",
    "LDDDLL",
    "DDD DDDD",
    "LLLLDD",
    "LDDLLL",
    "DLDDDD",
    "LLDDDD",
    "DDLLLD",
    "LLL LDD",
)
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIGITS = "0123456789"
PLATE_WIDTH, PLATE_HEIGHT = 240, 120


@lru_cache(maxsize=1)
def font_paths() -> tuple[str, ...]:
    paths = sorted(
        path
        for pattern in FONT_PATTERNS
        for path in glob.glob(pattern)
        if "Italic" not in path and "Oblique" not in path
    )
    if not paths:
        raise RuntimeError("no condensed fonts found; apt-get install fonts-liberation fonts-dejavu ...")
    return tuple(paths)


@lru_cache(maxsize=256)
def load_font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


def random_plate_text(rng: random.Random) -> tuple[str, str]:
    """Return (printed text with group gaps, label text without them)."""
    if rng.random() < 0.15:
        length = rng.randint(5, 8)
        label = "".join(rng.choice(ALPHABET) for _ in range(length))
        return label, label
    pattern = rng.choice(FORMATS)
    printed = "".join(
        rng.choice(LETTERS) if slot == "L" else rng.choice(DIGITS) if slot == "D" else rng.choice(" -·")
        for slot in pattern
    )
    return printed, printed.replace(" ", "").replace("-", "").replace("·", "")


def render_plate(rng: random.Random, printed: str) -> np.ndarray:
    """A frontal plate of PLATE_WIDTH x PLATE_HEIGHT as a grayscale-ready BGR array."""
    dark_plate = rng.random() < 0.12
    background = _random_colour(rng, light=not dark_plate)
    ink = _random_colour(rng, light=dark_plate)
    plate = Image.new("RGB", (PLATE_WIDTH, PLATE_HEIGHT), background)
    draw = ImageDraw.Draw(plate)
    if rng.random() < 0.5:
        _draw_gradient_band(draw, rng)
    _draw_main_text(plate, draw, rng, printed, ink)
    small_ink = _random_colour(rng, light=dark_plate)
    if rng.random() < 0.85:
        _draw_centered(draw, rng, rng.choice(STATES), rng.randint(14, 24), rng.randint(2, 8), small_ink)
    if rng.random() < 0.6:
        _draw_centered(draw, rng, rng.choice(SLOGANS), rng.randint(9, 14), rng.randint(98, 106), small_ink)
    if rng.random() < 0.4:
        _draw_sticker(draw, rng)
    if rng.random() < 0.5:
        _draw_frame(draw, rng)
    return cv2.cvtColor(np.asarray(plate), cv2.COLOR_RGB2BGR)


def _random_colour(rng: random.Random, light: bool) -> tuple[int, int, int]:
    if light:
        base = rng.randint(170, 255)
        return tuple(min(255, max(0, base + rng.randint(-40, 15))) for _ in range(3))
    palette = ((20, 20, 20), (20, 30, 110), (120, 20, 20), (20, 80, 30), (60, 60, 60))
    return tuple(min(255, max(0, c + rng.randint(-20, 20))) for c in rng.choice(palette))


def _draw_gradient_band(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    top = rng.randint(0, PLATE_HEIGHT - 20)
    colour = _random_colour(rng, light=True)
    draw.rectangle([0, top, PLATE_WIDTH, top + rng.randint(10, 40)], fill=colour)


def _draw_main_text(
    plate: Image.Image, draw: ImageDraw.ImageDraw, rng: random.Random, printed: str, ink: tuple[int, int, int]
) -> None:
    """Draw the registration big and condensed in the middle of the plate."""
    font = load_font(rng.choice(font_paths()), rng.randint(48, 64))
    left, top, right, bottom = draw.textbbox((0, 0), printed, font=font)
    text_image = Image.new("L", (right - left + 4, bottom - top + 4), 0)
    ImageDraw.Draw(text_image).text((2 - left, 2 - top), printed, font=font, fill=255)
    target_height = int(PLATE_HEIGHT * rng.uniform(0.38, 0.55))
    target_width = int(
        min(PLATE_WIDTH * rng.uniform(0.62, 0.86), text_image.width * target_height / text_image.height)
    )
    text_image = text_image.resize((max(8, target_width), max(8, target_height)), Image.BILINEAR)
    x = (PLATE_WIDTH - text_image.width) // 2 + rng.randint(-8, 8)
    y = (PLATE_HEIGHT - text_image.height) // 2 + rng.randint(-4, 10)
    plate.paste(Image.new("RGB", text_image.size, ink), (x, y), text_image)


def _draw_centered(
    draw: ImageDraw.ImageDraw, rng: random.Random, text: str, size: int, y: int, ink: tuple[int, int, int]
) -> None:
    font = load_font(rng.choice(font_paths()), size)
    width = draw.textlength(text, font=font)
    draw.text(((PLATE_WIDTH - width) / 2 + rng.randint(-20, 20), y), text, font=font, fill=ink)


def _draw_sticker(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    x = rng.choice((rng.randint(2, 20), rng.randint(PLATE_WIDTH - 45, PLATE_WIDTH - 25)))
    y = rng.choice((rng.randint(2, 15), rng.randint(PLATE_HEIGHT - 40, PLATE_HEIGHT - 25)))
    colour = (rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255))
    draw.rectangle([x, y, x + rng.randint(18, 30), y + rng.randint(12, 22)], fill=colour)


def _draw_frame(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    """A dealer frame: a dark border, thicker at the bottom, with small light text."""
    colour = _random_colour(rng, light=False)
    side = rng.randint(3, 9)
    bottom = rng.randint(10, 20)
    draw.rectangle([0, 0, PLATE_WIDTH, side], fill=colour)
    draw.rectangle([0, 0, side, PLATE_HEIGHT], fill=colour)
    draw.rectangle([PLATE_WIDTH - side, 0, PLATE_WIDTH, PLATE_HEIGHT], fill=colour)
    draw.rectangle([0, PLATE_HEIGHT - bottom, PLATE_WIDTH, PLATE_HEIGHT], fill=colour)
    font = load_font(rng.choice(font_paths()), max(8, bottom - 4))
    text = rng.choice(FRAME_TEXTS)
    width = draw.textlength(text, font=font)
    draw.text(((PLATE_WIDTH - width) / 2, PLATE_HEIGHT - bottom + 1), text, font=font, fill=(230, 230, 230))


def place_on_background(
    rng: random.Random, plate: np.ndarray
) -> tuple[np.ndarray, tuple[float, float, float, float]]:
    """Put the plate, resized to a realistic pixel size, on a cluttered background; return image and box."""
    plate_width = rng.randint(55, 200)
    plate_height = int(plate_width * rng.uniform(0.45, 0.56))
    small = cv2.resize(plate, (plate_width, plate_height), interpolation=cv2.INTER_AREA)
    canvas_w, canvas_h = plate_width * 2, plate_height * 3
    base = np.full((canvas_h, canvas_w, 3), rng.randint(0, 200), dtype=np.uint8)
    noise = np.random.default_rng(rng.randint(0, 2**31)).integers(
        0, 60, (canvas_h // 8 + 1, canvas_w // 8 + 1, 3)
    )
    base = cv2.add(base, cv2.resize(noise.astype(np.uint8), (canvas_w, canvas_h)))
    x, y = (canvas_w - plate_width) // 2, (canvas_h - plate_height) // 2
    base[y : y + plate_height, x : x + plate_width] = small
    return base, (float(x), float(y), float(plate_width), float(plate_height))


def synthetic_sample(rng: random.Random) -> tuple[np.ndarray, str]:
    """One degraded reader crop of a synthetic plate and its label."""
    printed, label = random_plate_text(rng)
    image, box = place_on_background(rng, render_plate(rng, printed))
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    return degrade(rng, crop_jittered(rng, gray, box)), label
