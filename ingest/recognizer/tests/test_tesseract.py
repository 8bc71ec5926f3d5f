import shutil

import cv2
import numpy as np
import pytest

from ingest.recognizer.alphabet import ALPHABET
from ingest.recognizer.tesseract import OCR_HEIGHT, prepare_region, read_line


def text_image(text: str, light_on_dark: bool = False) -> np.ndarray:
    image = np.full((40, 200), 230, dtype=np.uint8)
    cv2.putText(image, text, (8, 30), cv2.FONT_HERSHEY_SIMPLEX, 0.9, 20, 2)
    return 255 - image if light_on_dark else image


@pytest.mark.parametrize("light_on_dark", [False, True])
def test_regions_are_enlarged_and_made_dark_on_white(light_on_dark):
    region = prepare_region(text_image("ABC123", light_on_dark), 0, 0, 200, 40)
    assert region is not None
    assert region.shape[0] == OCR_HEIGHT
    assert set(np.unique(region)) <= {0, 255}
    assert region.mean() > 127


def test_tiny_or_outside_regions_are_refused():
    assert prepare_region(text_image("A"), 0, 0, 10, 40) is None
    assert prepare_region(text_image("A"), 300, 300, 400, 400) is None


@pytest.mark.rule("ING-1")
@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract-ocr is not installed")
def test_tesseract_reads_a_clean_line():
    region = prepare_region(text_image("ABC123"), 0, 0, 200, 40)
    assert read_line(region, ALPHABET) == "ABC123"
