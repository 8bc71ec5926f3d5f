import itertools

import numpy as np

from ingest.recognizer.alphabet import ALPHABET, BLANK, NUM_CLASSES, encode
from ingest.recognizer.reader import ctc_log_likelihood, greedy_decode, log_softmax


def one_hot_steps(path: str) -> np.ndarray:
    """Log-probabilities that put almost all mass on ``path`` ('-' is blank)."""
    matrix = np.full((len(path), NUM_CLASSES), -20.0)
    for step, char in enumerate(path):
        matrix[step, BLANK if char == "-" else ALPHABET.index(char)] = 0.0
    return log_softmax(matrix, axis=1)


def collapse(path: tuple[int, ...]) -> list[int]:
    out, previous = [], None
    for index in path:
        if index != previous and index != BLANK:
            out.append(index)
        previous = index
    return out


def test_greedy_decoding_merges_repeats_and_drops_blanks():
    reading = greedy_decode(one_hot_steps("-AA-B--BC-11-"))
    assert reading.text == "ABBC1"
    assert len(reading.char_probs) == 5
    assert reading.log_prob > -1e-3


def test_ctc_likelihood_matches_brute_force_sum_over_alignments():
    rng = np.random.default_rng(3)
    small_alphabet = [encode("A")[0], encode("B")[0], BLANK]
    steps = log_softmax(rng.normal(size=(5, NUM_CLASSES)), axis=1)
    for text in ("AB", "AA", "A", "BAB"):
        total = -np.inf
        for path in itertools.product(small_alphabet, repeat=5):
            if collapse(path) == encode(text):
                total = np.logaddexp(total, steps[np.arange(5), list(path)].sum())
        assert np.isclose(ctc_log_likelihood(steps, text), total)


def test_ctc_likelihood_prefers_the_text_the_steps_spell():
    steps = one_hot_steps("-7-A-B-C-1-2-3-")
    assert ctc_log_likelihood(steps, "7ABC123") > ctc_log_likelihood(steps, "7ABC128") + 10
