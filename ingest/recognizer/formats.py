"""What US plate registrations look like, and repairs for characters that look alike.

A reading is scored by how plate-like its letter/digit layout is. Look-alike repair rewrites a
reading into a common layout of the same length (``L`` = letter, ``D`` = digit) by swapping only
characters that are easily confused, e.g. ``O`` in a digit position becomes ``0``.
"""

from __future__ import annotations

import re

# Layouts common on US passenger plates, most common first.
COMMON_LAYOUTS = (
    "DLLLDDD",  # California
    "LLDLDL",  # Missouri
    "LLLDDDD",  # Texas, New York, Pennsylvania, Michigan, Ohio, ...
    "LLLDDD",
    "LDDDDDD",
    "LLDDDDD",
    "DDDLLL",
    "DLDDDDD",
    "LLDLDD",
    "DLLDDD",
    "DDDDDDD",
    "LDDLLL",
    "DDLLLD",
    "DLDDDD",
    "LLLLDD",
    "DDDLDD",
    "LDDDLL",
)
# Worth about three nats of CTC likelihood: tuned on the development photos, where it settles
# I/1, O/0 and similar ties the reader leaves open.
COMMON_LAYOUT_BONUS = 3.0
DIGIT_FOR_LETTER = {
    "O": "0",
    "Q": "0",
    "D": "0",
    "U": "0",
    "I": "1",
    "L": "1",
    "T": "1",
    "J": "1",
    "Z": "2",
    "A": "4",
    "S": "5",
    "G": "6",
    "B": "8",
    "E": "8",
}
LETTER_FOR_DIGIT = {"0": "O", "1": "I", "2": "Z", "4": "A", "5": "S", "6": "G", "8": "B", "7": "T"}
PLATE_TEXT = re.compile(r"^[A-Z0-9]{2,8}$")


def layout_of(text: str) -> str:
    """``ABC123`` -> ``LLLDDD``."""
    return "".join("D" if char.isdigit() else "L" for char in text)


def format_score(text: str) -> float:
    """A log-scale prior on ``text`` being a US registration: length, letter/digit mix and layout."""
    if not PLATE_TEXT.match(text):
        return -6.0
    score = {5: -1.0, 6: 0.0, 7: 0.0, 8: -1.5}.get(len(text), -4.0)
    layout = layout_of(text)
    if layout in COMMON_LAYOUTS:
        score += COMMON_LAYOUT_BONUS
    if "L" not in layout:
        score -= 0.5
    if "D" not in layout:
        score -= 1.5
    return score


def coerce_to_layout(text: str, layout: str) -> str | None:
    """Rewrite ``text`` into ``layout`` by swapping look-alikes; None when a character cannot fit."""
    if len(text) != len(layout):
        return None
    chars = []
    for char, slot in zip(text, layout, strict=True):
        if slot == "D" and not char.isdigit():
            char = DIGIT_FOR_LETTER.get(char, "")
        elif slot == "L" and char.isdigit():
            char = LETTER_FOR_DIGIT.get(char, "")
        if not char:
            return None
        chars.append(char)
    return "".join(chars)


def look_alike_variants(text: str, max_changes: int = 2) -> list[str]:
    """Readings of ``text`` rewritten into common layouts with at most ``max_changes`` swaps."""
    variants = []
    for layout in COMMON_LAYOUTS:
        coerced = coerce_to_layout(text, layout)
        if coerced is None or coerced == text or coerced in variants:
            continue
        if sum(a != b for a, b in zip(text, coerced, strict=True)) <= max_changes:
            variants.append(coerced)
    return variants


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance: insertions, deletions and substitutions each count one."""
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        previous = current
    return previous[-1]
