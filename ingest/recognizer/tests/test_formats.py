import pytest

from ingest.recognizer.formats import (
    coerce_to_layout,
    format_score,
    layout_of,
    look_alike_variants,
)


def test_layout_of_marks_letters_and_digits():
    assert layout_of("7ABC123") == "DLLLDDD"


def test_plate_like_texts_score_higher_than_implausible_ones():
    assert format_score("7ABC123") > format_score("ABCDEFG")
    assert format_score("ABC1234") > format_score("AB1")
    assert format_score("abc") < -5


@pytest.mark.rule("ING-1")
@pytest.mark.parametrize(
    ("reading", "layout", "expected"),
    [
        ("7ABCI23", "DLLLDDD", "7ABC123"),  # I in a digit slot is a 1
        ("ABC5O7", "LLLDDD", "ABC507"),  # O in a digit slot is a 0
        ("8ZZ123", "LLLDDD", "BZZ123"),  # 8 in a letter slot is a B
        ("A5C1234", "LLLDDDD", "ASC1234"),
        ("Z6S", "DDD", "265"),
    ],
)
def test_look_alikes_are_swapped_by_position(reading, layout, expected):
    assert coerce_to_layout(reading, layout) == expected


def test_coercion_refuses_characters_without_look_alike():
    assert coerce_to_layout("ABC12K", "LLLDDD") is None
    assert coerce_to_layout("ABC", "LLLDDD") is None


def test_look_alike_variants_offer_common_layouts_only_with_few_changes():
    variants = look_alike_variants("7A8C1Z3")
    assert "7ABC123" in variants
    assert all(len(variant) == 7 for variant in variants)
    assert look_alike_variants("QQQQQQQ") == []
