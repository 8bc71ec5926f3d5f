"""The characters the line reader emits; index len(ALPHABET) is the CTC blank."""

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
BLANK = len(ALPHABET)
NUM_CLASSES = len(ALPHABET) + 1
CHAR_TO_INDEX = {char: index for index, char in enumerate(ALPHABET)}


def encode(text: str) -> list[int]:
    """Class indices of ``text``; characters outside the alphabet are dropped."""
    return [CHAR_TO_INDEX[char] for char in text.upper() if char in CHAR_TO_INDEX]
