"""ING-3: the image check refuses what a full decode refuses, while decoding a JPEG at 1/8 scale."""
import io

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image

from ingest.errors import BadUpload
from ingest.synthetic import plate_photo
from ingest.validation import _decode_jpeg_at_an_eighth, check_image

pytestmark = pytest.mark.rule("ING-3")


def _resaved(data: bytes, mode: str | None = None, **options) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        image = image.convert(mode) if mode else image.copy()
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80, **options)
    return out.getvalue()


BASELINE = plate_photo("7ABC123", size=(240, 150), quality=80)
# The JPEG shapes cameras send: baseline, progressive (several scans), restart markers, 4:4:4,
# grayscale, CMYK.
JPEGS = {
    "baseline": BASELINE,
    "progressive": _resaved(BASELINE, progressive=True),
    "restart markers": _resaved(BASELINE, restart_marker_blocks=4),
    "no subsampling": _resaved(BASELINE, subsampling=0),
    "grayscale": _resaved(BASELINE, "L"),
    "cmyk": _resaved(BASELINE, "CMYK"),
}


def _full_decode_accepts(data: bytes) -> bool:
    """What the check did before the 1/8-scale decode: open, verify, then decode every pixel."""
    try:
        with Image.open(io.BytesIO(data), formats=["JPEG"]) as image:
            image.verify()
        with Image.open(io.BytesIO(data), formats=["JPEG"]) as image:
            image.load()
    except Exception:
        return False
    return True


def _check_accepts(data: bytes) -> bool:
    try:
        check_image(data)
    except BadUpload:
        return False
    return True


@pytest.mark.parametrize("kind", JPEGS)
def test_every_jpeg_shape_is_accepted(kind):
    checked = check_image(JPEGS[kind])
    assert (checked.format, checked.width, checked.height) == ("JPEG", 240, 150)


@pytest.mark.parametrize("kind", JPEGS)
def test_every_truncation_of_every_jpeg_shape_is_judged_as_a_full_decode_judges_it(kind):
    data = JPEGS[kind]
    disagree = [n for n in range(3, len(data)) if _check_accepts(data[:n]) != _full_decode_accepts(data[:n])]
    assert not disagree, f"{kind}: the check and a full decode disagree on truncations at {disagree[:10]}"
    # And a truncation inside the entropy-coded scan is refused (the point of decoding at all).
    assert not _check_accepts(data[: len(data) * 2 // 3])


@hypothesis_settings(max_examples=400, deadline=None)
@given(kind=st.sampled_from(sorted(JPEGS)), at=st.integers(2, 10_000),
       patch=st.binary(min_size=1, max_size=8), cut=st.one_of(st.none(), st.integers(0, 10_000)))
def test_mangled_jpegs_are_judged_as_a_full_decode_judges_them(kind, at, patch, cut):
    data = JPEGS[kind]
    at %= len(data)
    mangled = data[:at] + patch + data[at + len(patch):]
    if cut is not None:
        mangled = mangled[: cut % len(mangled)]
    if not mangled.startswith(b"\xff\xd8\xff"):
        return  # refused by its magic bytes before any decoding
    assert _check_accepts(mangled) == _full_decode_accepts(mangled)


def test_the_jpeg_is_decoded_at_an_eighth_of_its_size():
    """Only the decoder's output shrinks: a full-size decode would cost 4x more on a 1080p photo."""
    with Image.open(io.BytesIO(plate_photo(size=(1920, 1080), quality=85))) as image:
        _decode_jpeg_at_an_eighth(image)
        assert image.size == (240, 135)


def test_a_decompression_bomb_jpeg_is_refused_before_decoding(settings):
    settings.INGEST_MAX_PIXELS = 240 * 150 - 1
    with pytest.raises(BadUpload, match="too many pixels"):
        check_image(BASELINE)
