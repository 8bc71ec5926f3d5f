"""Per-state serial layouts from ``us-plate-formats.txt`` (``al  #@@####``: ``#`` digit, ``@`` letter,
``?`` either, ``[...]`` a character class), for synthetic serials and for the run-time layout table.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

from ingest.recognizer.state import STATE_LABELS

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIGITS = "0123456789"
SLOT = re.compile(r"\[[^\]]+\]|[#@?]")


def load_layouts(path: Path) -> dict[str, list[str]]:
    """US state (and DC) layouts by two-letter code; other regions and the generic ``base`` are skipped."""
    layouts: dict[str, list[str]] = {}
    for line in path.read_text().splitlines():
        fields = line.split()
        if len(fields) != 2 or fields[0].upper() not in STATE_LABELS:
            continue
        state, layout = fields[0].upper(), fields[1]
        if "".join(SLOT.findall(layout)) == layout and layout not in layouts.get(state, []):
            layouts.setdefault(state, []).append(layout)
    return layouts


def slot_characters(slot: str) -> str:
    """The characters a layout slot allows: ``#``, ``@``, ``?`` or a class such as ``[A-HJK]``."""
    if slot == "#":
        return DIGITS
    if slot == "@":
        return LETTERS
    if slot == "?":
        return LETTERS + DIGITS
    return "".join(char for char in LETTERS + DIGITS if re.fullmatch(slot, char))


def random_serial(rng: random.Random, layout: str) -> str:
    return "".join(rng.choice(slot_characters(slot)) for slot in SLOT.findall(layout))
