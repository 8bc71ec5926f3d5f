"""The tie-break after the general reader's second opinion keeps the plates in order of confidence,
their texts unique and plausible (docs/recognition.md, "How it works", steps 8 and 9). Every test
here failed when written, in an outside review; each docstring says what was tried."""

from dataclasses import replace

import numpy as np
import pytest

from ingest.recognizer import pipeline
from ingest.recognizer.pipeline import PlateResult, TextCandidate
from ingest.recognizer.plausibility import is_plausible_reading
from ingest.recognizer.tests.synthetic_photos import make_photo, render_plate


def side_by_side(*photos: np.ndarray) -> np.ndarray:
    return np.hstack(photos)


# A synthetic OG7B03A4 plate whose best reading after the opinion is an O-or-0 close call that
# Tesseract settles on the lower-confidence spelling (0G7B03A4: about 0.81 -> 0.71-0.79).
def og7b03a4(blur: float) -> np.ndarray:
    return make_photo("OG7B03A4", plate_width=110, seed=14, noise=4, blur=blur).image


@pytest.mark.rule("ING-1")
def test_plates_are_still_in_confidence_order_after_the_o_or_0_tie_break(with_opinion):
    """What was tried: two cars side by side (two make_photo scenes, hstack): OG7B03A4 (110 px,
    seed 14) and 7Y2YAX5B (110 px, seed 26). After the opinion the plates are put in order
    of confidence (step 8), OG7B03A4 first; then the tie-break (step 9) settles its O-or-0 close call
    on 0G7B03A4, a candidate with a lower confidence (0.71), and that plate stays first ahead of
    7Y2YAX5B at 0.76. The order is made before the last step that changes a plate's confidence, so
    recognize() is not "best first" and ingest applies the less sure plate as the read's plate."""
    plates = with_opinion.recognize(
        side_by_side(og7b03a4(blur=0), make_photo("7Y2YAX5B", plate_width=110, seed=26, noise=4).image)
    )
    assert len(plates) == 2
    confidences = [plate.confidence for plate in plates]
    assert confidences == sorted(confidences, reverse=True), [(p.text, p.confidence) for p in plates]


@pytest.mark.rule("ING-1")
def test_the_o_or_0_tie_break_never_leaves_two_plates_with_one_text(with_opinion):
    """What was tried: one registration seen twice in a photo (OG7B03A4 at 110 px beside the same
    registration at 80 px, seed 0), the case the earlier review's duplicate test is about. After
    the opinion the two plates read OG7B03A4 and 0G7B03A4, two texts, so the duplicate check of step 8
    keeps both; the tie-break then turns the first into 0G7B03A4 too and recognize() returns that
    text twice (0.79 first, 0.84 second): duplicates are dropped before the last step that changes a
    plate's text (docs step 7, "Every plate, once")."""
    plates = with_opinion.recognize(
        side_by_side(og7b03a4(blur=0.6), make_photo("OG7B03A4", plate_width=80, seed=0, noise=4).image)
    )
    texts = [plate.text for plate in plates]
    assert len(texts) == len(set(texts)), [(p.text, p.confidence) for p in plates]


def unsure_plate_without_state() -> tuple[np.ndarray, PlateResult]:
    """A plate read ABC0123 at 0.45 with no state named (a reading it keeps: 0.45 >= 0.4) and the
    same-length candidate ABCO123 at 0.33, within one nat of it (log-odds 0.20 vs -0.71)."""
    photo = np.full((400, 600, 3), 90, dtype=np.uint8)
    photo[150:270, 180:420] = render_plate("ABCO123", width=240)
    candidates = [TextCandidate("ABC0123", 0.45), TextCandidate("ABCO123", 0.33)]
    return photo, PlateResult("ABC0123", 0.45, [180, 150, 240, 120], candidates, state=None)


@pytest.mark.rule("ING-1")
@pytest.mark.parametrize("opinion", ["with_opinion", "without_opinion"])
def test_the_tie_break_never_turns_a_kept_plate_into_a_reading_that_is_no_plate(
    opinion, request, monkeypatch
):
    """What was tried: a plate kept at 0.45 without a state (is_plausible_reading passes: 0.45 >= 0.4)
    whose candidates hold its O-or-0 twin at 0.33, and Tesseract reading the twin. A plate reader's
    candidates only pass the 0.1 floor (step 5), not the 0.4 floor for plates without a state; the
    opinion filters the candidates it writes, but it returns a plate as it was when it has no row to
    read (here: no readings behind it), and without the general reader every plate is as step 5 left
    it. The tie-break then makes the 0.33 twin the plate's text: a returned plate that fails
    is_plausible_reading(text, confidence, state is not None), which ingest's plausible_plates drops,
    so a plate read at 0.45 is stored as "no plate read"."""
    recognizer = request.getfixturevalue(opinion)
    photo, plate = unsure_plate_without_state()
    assert is_plausible_reading(plate.text, plate.confidence, False)
    monkeypatch.setattr(recognizer, "_plates_found_in", lambda *args, **kwargs: ([replace(plate)], True))
    monkeypatch.setattr(pipeline, "read_line", lambda row, alphabet: "ABCO123")
    plates = recognizer.recognize(photo)
    assert plates, "the plate was dropped"
    for found in plates:
        assert is_plausible_reading(found.text, found.confidence, found.state is not None), found
