"""Run the CTC line reader (an ONNX file) and decode its output."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ingest.recognizer.alphabet import ALPHABET, BLANK, CHAR_TO_INDEX
from ingest.recognizer.crops import normalise
from ingest.recognizer.network import OnnxNetwork

DEFAULT_MODEL_PATH = Path(__file__).parent / "model" / "plate_ctc.onnx"


@dataclass(frozen=True)
class Reading:
    """A decoded line: text, summed best-path log-probability, per-character probabilities, and the
    first and last time steps that emit a character (where the characters are in the crop)."""

    text: str
    log_prob: float
    char_probs: tuple[float, ...]
    step_log_probs: np.ndarray
    first_step: int = 0
    last_step: int = 0


def log_softmax(scores: np.ndarray, axis: int) -> np.ndarray:
    shifted = scores - scores.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def greedy_decode(step_log_probs: np.ndarray) -> Reading:
    """Best-path CTC decoding of a (time steps, classes) log-probability matrix."""
    best = step_log_probs.argmax(axis=1)
    chars, probs = [], []
    previous = BLANK
    for step, index in enumerate(best):
        if index != BLANK and index != previous:
            chars.append(ALPHABET[index])
            probs.append(float(np.exp(step_log_probs[step, index])))
        elif index != BLANK and probs:
            probs[-1] = max(probs[-1], float(np.exp(step_log_probs[step, index])))
        previous = index
    log_prob = float(step_log_probs[np.arange(len(best)), best].sum())
    emitting = np.flatnonzero(best != BLANK)
    first, last = (int(emitting[0]), int(emitting[-1])) if len(emitting) else (0, len(best) - 1)
    return Reading("".join(chars), log_prob, tuple(probs), step_log_probs, first, last)


def ctc_log_likelihood(step_log_probs: np.ndarray, text: str) -> float:
    """log P(text | crop) summed over all CTC alignments (the forward algorithm)."""
    return float(ctc_log_likelihoods(step_log_probs[None], text)[0])


def ctc_log_likelihoods(step_log_probs: np.ndarray, text: str) -> np.ndarray:
    """``ctc_log_likelihood`` for a stack of (crops, time steps, classes) matrices at once."""
    labels = [CHAR_TO_INDEX[char] for char in text]
    extended = np.full(2 * len(labels) + 1, BLANK)
    extended[1::2] = labels
    # A step may skip the blank between two different characters.
    can_skip = np.zeros(len(extended), dtype=bool)
    can_skip[3::2] = np.array(labels[1:]) != np.array(labels[:-1]) if len(labels) > 1 else []
    crops = len(step_log_probs)
    alpha = np.full((crops, len(extended)), -np.inf)
    alpha[:, 0] = step_log_probs[:, 0, BLANK]
    if labels:
        alpha[:, 1] = step_log_probs[:, 0, labels[0]]
    blocked = np.full((crops, 2), -np.inf)
    for step in range(1, step_log_probs.shape[1]):
        advance = np.concatenate((blocked[:, :1], alpha[:, :-1]), axis=1)
        skip = np.where(can_skip, np.concatenate((blocked, alpha[:, :-2]), axis=1), -np.inf)
        alpha = np.logaddexp(np.logaddexp(alpha, advance), skip) + step_log_probs[:, step, extended]
    tail = alpha[:, -2:] if labels else alpha[:, -1:]
    return np.logaddexp.reduce(tail, axis=1)


def logits_to_step_log_probs(logits: np.ndarray) -> np.ndarray:
    """(N, classes, 1, steps) network output to (N, steps, classes) log-probabilities."""
    return log_softmax(logits[:, :, 0, :].transpose(0, 2, 1), axis=2)


class LineReader:
    """Reads batches of 32x96 uint8 crops with the ONNX model."""

    def __init__(self, model_path: Path = DEFAULT_MODEL_PATH) -> None:
        self.net = OnnxNetwork(model_path)

    def read(self, crops: np.ndarray) -> list[Reading]:
        if len(crops) == 0:
            return []
        step_log_probs = logits_to_step_log_probs(self.net.run(normalise(crops)))
        return [greedy_decode(matrix) for matrix in step_log_probs]
