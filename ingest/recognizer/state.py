"""Classify the issuing state of a plate from its colour crop (a small CNN run with ONNX Runtime),
and whether the box holds a plate at all.

The printed state name is only 5–8 px high on roadside photos (Tesseract read none), but the plate's
design — background colours and art, the position and colour of the name and the serial — is still
visible at that size. The network sees the whole plate, 96 × 48 in colour, and answers one of the 50
states or DC with a probability; below ``MIN_STATE_CONFIDENCE`` the state is unknown (None), so a
hotlist comparison never relies on a guess. A 52nd output, NO_PLATE, is trained on what the localiser
finds in the development photos away from their plates (van lettering, signs, fences, time stamps):
the pipeline drops a reading whose box the classifier finds is no plate.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ingest.recognizer.crops import box_corners, crop_quad
from ingest.recognizer.network import OnnxNetwork
from ingest.recognizer.plausibility import MIN_STATE_CONFIDENCE, STATE_LABELS

# STATE_LABELS (the network's output order) and MIN_STATE_CONFIDENCE live in plausibility.py, where every
# source of a state is checked without loading OpenCV.
DEFAULT_STATE_MODEL_PATH = Path(__file__).parent / "model" / "plate_state.onnx"
# The network's last output: "this is not a plate" (lettering, signs, grilles the localiser found).
NO_PLATE = len(STATE_LABELS)
STATE_INPUT_WIDTH = 96
STATE_INPUT_HEIGHT = 48


def state_crop(bgr: np.ndarray, box: list[int] | tuple[float, float, float, float]) -> np.ndarray:
    """The plate ``box`` (x, y, w, h) of a BGR photo as the classifier's 96 × 48 colour input."""
    x, y, w, h = box
    return crop_quad(bgr, box_corners(x, y, w, h), (STATE_INPUT_WIDTH, STATE_INPUT_HEIGHT))


def normalise_colour(crops: np.ndarray) -> np.ndarray:
    """uint8 (N, H, W, 3) BGR crops to float32 (N, 3, H, W), each standardised over all its pixels
    (exposure varies; the ratios between the colours carry the design)."""
    data = crops.astype(np.float32).reshape(len(crops), -1)
    data -= data.mean(axis=1, keepdims=True)
    data /= data.std(axis=1, keepdims=True) + 8.0
    return data.reshape(len(crops), STATE_INPUT_HEIGHT, STATE_INPUT_WIDTH, 3).transpose(0, 3, 1, 2).copy()


def softmax(scores: np.ndarray) -> np.ndarray:
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


@dataclass(frozen=True)
class StateReading:
    """The classifier's answer for one plate box."""

    state: str | None  # None when no state reaches MIN_STATE_CONFIDENCE
    confidence: float  # the named state's probability; 0.0 when state is None
    not_plate: float  # probability that the box holds no plate at all


class StateClassifier:
    def __init__(self, model_path: Path = DEFAULT_STATE_MODEL_PATH) -> None:
        self.net = OnnxNetwork(model_path)

    def probabilities(self, crops: np.ndarray) -> np.ndarray:
        """(N, 52) probabilities (51 states, then NO_PLATE) for uint8 crops from ``state_crop``."""
        if len(crops) == 0:
            return np.zeros((0, NO_PLATE + 1), dtype=np.float32)
        return softmax(self.net.run(normalise_colour(np.asarray(crops))).reshape(len(crops), -1))

    def classify(self, crops: np.ndarray) -> list[StateReading]:
        readings = []
        for row in self.probabilities(crops):
            best = int(row[:NO_PLATE].argmax())
            confidence = float(row[best])
            named = confidence >= MIN_STATE_CONFIDENCE
            readings.append(
                StateReading(
                    STATE_LABELS[best] if named else None, confidence if named else 0.0, float(row[NO_PLATE])
                )
            )
        return readings
