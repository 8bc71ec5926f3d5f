"""Plate text helpers: normalisation, partial plates, look-alike folding (USE-5)."""
import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from alpr import plates
from alpr.plates import MatchKind

PLATE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
plate_text = st.text(alphabet=PLATE_CHARS, min_size=1, max_size=8)


def test_normalize_plate_keeps_letters_and_digits_upper_case():
    assert plates.normalize_plate(" ab-12 3 ") == "AB123"
    assert plates.normalize_plate("") == ""
    assert plates.normalize_plate("a?b*") == "AB"


def test_normalize_pattern_keeps_wildcards_and_collapses_runs():
    assert plates.normalize_pattern("ab?12**") == "AB?12*"
    assert plates.has_wildcards("AB?1")
    assert not plates.has_wildcards("AB1")


@pytest.mark.rule("USE-5")
@pytest.mark.parametrize(("pattern", "plate", "expected"), [
    ("AB?123", "ABC123", True),
    ("AB?123", "AB123", False),       # ? is exactly one character
    ("AB?123", "ABCD123", False),
    ("AB*123", "AB123", True),        # * may be empty
    ("AB*123", "ABXYZ123", True),
    ("*7K2", "XY7K2", True),
    ("*7K2", "XY7K23", False),        # anchored at the end
    ("7K2*", "7K2ABC", True),
    ("?7K2?", "A7K2B", True),
    ("?7K2?", "7K2B", False),
])
def test_wildcards_one_unknown_character_and_unknown_run(pattern, plate, expected):
    assert plates.wildcard_matches(pattern, plate) is expected


def test_wildcard_to_like():
    assert plates.wildcard_to_like("AB?1*") == "AB_1%"


@pytest.mark.rule("USE-5")
def test_a_partial_plate_needs_three_known_characters_in_a_row():
    assert plates.pattern_problem("A?C?E") is not None
    assert plates.pattern_problem("***") is not None
    assert plates.pattern_problem("?") is not None
    assert plates.pattern_problem("AB?123") is None
    assert plates.pattern_problem("*7K2") is None
    assert plates.pattern_problem("ABC") is None  # no wildcard: an exact plate


@pytest.mark.parametrize(("a", "b"), [
    ("ABC0123", "ABCO123"), ("ABCD123", "ABC0123"), ("Q", "O"),
    ("I1L", "111"), ("B8", "88"), ("S5", "SS"), ("Z2", "22"), ("G6", "GG"),
])
def test_lookalike_classes_are_equal(a, b):
    assert plates.lookalike_equal(a, b)


@pytest.mark.parametrize(("a", "b"), [("ABC123", "ABC124"), ("A", "B"), ("M", "N"), ("ABC", "ABCD")])
def test_different_characters_are_not_lookalikes(a, b):
    assert not plates.lookalike_equal(a, b)


def test_folding_is_idempotent_and_lands_on_a_class_representative():
    assert plates.fold_plate("ODQILBSZG") == "000118526"
    assert plates.fold_plate(plates.fold_plate("SOB8")) == plates.fold_plate("SOB8")


@pytest.mark.parametrize(("a", "b", "expected"), [
    ("ABC123", "ABC123", True), ("ABC123", "ABX123", True), ("ABC123", "AC123", True),
    ("ABC123", "ABCX123", True), ("ABC123", "ABC1234", True), ("ABC123", "XABC123", True),
    ("ABC123", "AXC1Y3", False), ("ABC123", "ABC12345", False), ("ABC123", "BC12", False),
])
def test_within_one_edit(a, b, expected):
    assert plates.within_one_edit(a, b) is expected
    assert plates.within_one_edit(b, a) is expected


def _levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


@given(plate_text, plate_text)
def test_within_one_edit_agrees_with_levenshtein(a, b):
    assert plates.within_one_edit(a, b) is (_levenshtein(a, b) <= 1)


@given(st.text(alphabet=PLATE_CHARS, min_size=2, max_size=8), plate_text)
def test_one_edit_anchors_never_miss_a_candidate(query, plate):
    """Every plate within one edit starts with the prefix or ends with the suffix (index recall)."""
    prefix, reversed_suffix = plates.one_edit_anchors(query)
    if plates.within_one_edit(query, plate):
        assert plate.startswith(prefix) or plate[::-1].startswith(reversed_suffix)


@pytest.mark.rule("USE-5")
def test_classify_match_says_which_kind_each_row_is():
    assert plates.classify_match("ABC123", "ABC123") is MatchKind.EXACT
    assert plates.classify_match("ABC123", "A8C123") is MatchKind.LOOKALIKE
    assert plates.classify_match("ABC123", "A8C1234") is None
    assert plates.classify_match("ABC123", "A8C1234", allow_one_edit=True) is MatchKind.ONE_EDIT
    assert plates.classify_match("AB?123", "ABX123") is MatchKind.WILDCARD
    assert plates.classify_match("AB?123", "ABX124") is None


@pytest.mark.django_db
def test_the_database_folding_function_matches_python():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {plates.FOLD_SQL_FUNCTION}(%s)", [PLATE_CHARS])
        assert cursor.fetchone()[0] == plates.fold_plate(PLATE_CHARS)
