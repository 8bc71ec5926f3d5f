"""A general-purpose text-line reader as the plate reader's second opinion.

``model/general_text_reader.onnx`` is PaddleOCR's PP-OCRv6 small recognizer (Apache-2.0), trained by
its authors on millions of printed text lines and never on these plates, pruned to the plate alphabet
(``training/general_reader.py`` makes it from the published wheel). Its slips are not the plate
reader's: that reader learnt letter shapes from a few hundred real plates and still reads a pointed V
as U or an X as Y with confidence, where this one has seen those letters in countless fonts. The
pipeline scores each plate's candidate texts by both (docs/recognition.md, "A second opinion").
"""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np

from ingest.recognizer.alphabet import ALPHABET, BLANK, CHAR_TO_INDEX, NUM_CLASSES
from ingest.recognizer.network import OnnxNetwork

DEFAULT_GENERAL_MODEL_PATH = Path(__file__).parent / "model" / "general_text_reader.onnx"
# The pruned model's outputs: ALPHABET, the CTC blank, then these (folded in at run time).
LOWER_CASE = ALPHABET[:26].lower()
SEPARATORS = "-. ·"
INPUT_HEIGHT = 48
MIN_INPUT_WIDTH = 160
# The network's time steps are this many input pixels wide.
STEP_WIDTH = 8
LETTERS = 26


class GeneralTextReader:
    """Reads one BGR line image at a time (a plate's row of characters)."""

    def __init__(self, model_path: Path = DEFAULT_GENERAL_MODEL_PATH) -> None:
        self.net = OnnxNetwork(model_path)

    def step_log_probs(self, line: np.ndarray) -> np.ndarray:
        """(time steps, NUM_CLASSES) log-probabilities in the plate reader's class order, so the same
        CTC scoring applies. Lower case counts as upper case and separators as the blank. O and 0 get
        the probability of either: many states print them alike, and whether a plate's labels say O or
        0 is a convention this reader cannot know, so that call stays with the plate reader."""
        width = math.ceil(INPUT_HEIGHT * line.shape[1] / line.shape[0])
        batch = np.zeros((1, 3, INPUT_HEIGHT, max(width, MIN_INPUT_WIDTH)), dtype=np.float32)
        resized = cv2.resize(as_colour(line), (width, INPUT_HEIGHT), interpolation=cv2.INTER_LINEAR)
        batch[0, :, :, :width] = resized.transpose(2, 0, 1).astype(np.float32) / 127.5 - 1.0
        probabilities = self.net.run(batch)[0][: math.ceil(width / STEP_WIDTH)]
        folded = probabilities[:, :NUM_CLASSES].copy()
        folded[:, :LETTERS] += probabilities[:, NUM_CLASSES : NUM_CLASSES + LETTERS]
        folded[:, BLANK] += probabilities[:, NUM_CLASSES + LETTERS :].sum(axis=1)
        either = folded[:, CHAR_TO_INDEX["O"]] + folded[:, CHAR_TO_INDEX["0"]]
        folded[:, CHAR_TO_INDEX["O"]] = folded[:, CHAR_TO_INDEX["0"]] = either
        return np.log(np.maximum(folded, 1e-12))


def as_colour(image: np.ndarray) -> np.ndarray:
    return image if image.ndim == 3 else cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
