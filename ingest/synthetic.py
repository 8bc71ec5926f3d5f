"""Synthetic plate photos made here (for tests, benchmarks and the demo): plate text on a white plate
with a dark border, on a grey 'car', with perspective and noise. Never real photos."""
import io
import random

from PIL import Image, ImageDraw, ImageFilter, ImageFont


def plate_photo(text: str = "7ABC123", *, size=(640, 400), seed: int = 0, image_format: str = "JPEG",
                quality: int = 85) -> bytes:
    rng = random.Random(seed)  # noqa: S311  (repeatable pictures, not secrets)
    width, height = size
    scene = Image.new("RGB", size, (118, 120, 124))
    draw = ImageDraw.Draw(scene)
    draw.rectangle([width * 0.12, height * 0.3, width * 0.88, height * 0.95], fill=(92, 94, 99))  # car body
    plate = Image.new("RGB", (240, 120), (246, 246, 240))
    plate_draw = ImageDraw.Draw(plate)
    plate_draw.rectangle([0, 0, 239, 119], outline=(20, 20, 30), width=5)
    font = ImageFont.load_default(size=52)
    plate_draw.text((120, 66), text, font=font, fill=(15, 20, 60), anchor="mm")
    # A slight perspective: the plate seen from a little to the side.
    skew = rng.uniform(-0.08, 0.08)
    plate = plate.transform(plate.size, Image.AFFINE, (1, skew, -skew * 60, 0, 1, 0), Image.BICUBIC,
                            fillcolor=(92, 94, 99))
    plate = plate.resize((int(width * 0.3), int(width * 0.15)))
    scene.paste(plate, (int(width * 0.35), int(height * 0.62)))
    noisy = scene.point(lambda value: max(0, min(255, value + rng.randint(-6, 6))))
    noisy = noisy.filter(ImageFilter.GaussianBlur(0.6))
    out = io.BytesIO()
    noisy.save(out, format=image_format, **({"quality": quality} if image_format == "JPEG" else {}))
    return out.getvalue()


def plate_box(size=(640, 400)) -> list[int]:
    width, height = size
    return [int(width * 0.35), int(height * 0.62), int(width * 0.3), int(width * 0.15)]
