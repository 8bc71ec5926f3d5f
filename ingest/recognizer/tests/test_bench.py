"""The bench's own arithmetic: what counts as a plate-free image, a read and a slip."""

from pathlib import Path

import numpy as np
import pytest

from ingest.recognizer.bench import confusions, plate_free_regions, score_plate
from ingest.recognizer.dataset import HELD_OUT_FOLD, LabelledPhoto, held_out_fold, is_held_out_name
from ingest.recognizer.localize import Box
from ingest.recognizer.pipeline import PlateResult


def test_plate_free_regions_leave_out_the_plate_and_a_margin_around_it():
    image = np.zeros((600, 800, 3), dtype=np.uint8)
    photo = LabelledPhoto(Path("x.jpg"), Box(350, 400, 100, 50), "ABC123")
    regions = plate_free_regions(photo, image)
    assert [region.shape[:2] for region in regions] == [(350, 800), (600, 300), (600, 300)]


def test_a_plate_counts_as_read_only_at_the_true_box_or_when_its_text_is_right():
    truth = Box(100, 100, 100, 50)
    elsewhere = PlateResult("XYZ789", 0.9, [500, 500, 100, 50])
    at_box = PlateResult("ABC123", 0.9, [102, 101, 98, 49])
    assert score_plate(truth, "ABC123", [elsewhere, at_box])["top1"]
    row = score_plate(truth, "ABC123", [elsewhere])
    assert not row["detected"] and not row["top1"] and row["read"] == "XYZ789"
    assert score_plate(truth, "ABC123", [])["read"] == ""


def test_confusions_count_character_slips_and_other_misses():
    rows = [
        {"truth": "ABC123", "read": "A8C123"},
        {"truth": "ABC123", "read": "A8C12Z"},
        {"truth": "ABC123", "read": "ABC1234"},
        {"truth": "ABC123", "read": ""},
        {"truth": "ABC123", "read": "ABC123"},
    ]
    assert confusions(rows) == ["B→8 ×2", "3→Z ×1", "length differs ×1", "nothing read ×1"]


def test_the_held_out_split_is_a_fixed_fifth_of_the_names():
    names = [f"plate{number}.jpg" for number in range(1000)]
    held = [name for name in names if is_held_out_name(name)]
    assert 150 < len(held) < 250
    assert held == [name for name in names if is_held_out_name(name)]


def test_a_second_fold_holds_out_another_fifth_for_a_cross_check():
    names = [f"plate{number}.jpg" for number in range(1000)]
    first = {name for name in names if is_held_out_name(name, fold=0)}
    second = {name for name in names if is_held_out_name(name, fold=1)}
    assert 150 < len(second) < 250 and not first & second
    assert HELD_OUT_FOLD == 0, "the committed models' split, unless ALPR_HELD_OUT_FOLD says otherwise"
    assert held_out_fold({}) == 0 and held_out_fold({"ALPR_HELD_OUT_FOLD": "1"}) == 1


@pytest.mark.parametrize("value", ["5", "-1", "one", "1.0"])
def test_a_fold_outside_the_five_is_refused(value):
    with pytest.raises(ValueError, match="ALPR_HELD_OUT_FOLD"):
        held_out_fold({"ALPR_HELD_OUT_FOLD": value})
