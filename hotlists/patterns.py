"""Plate patterns of hotlist entries: normalising, wildcards and look-alike folding (USE-5).

A pattern is a normalised plate (A-Z, 0-9) that may hold ``?`` (exactly one unknown character) and
``*`` (an unknown run, possibly empty). Matching is done in PostgreSQL: an entry without wildcards is
stored with its exact plate and its *folded* plate (look-alike characters replaced by one
representative), both indexed; an entry with wildcards is stored as a LIKE pattern over the plate and
over the folded plate.

The plate normalisation and look-alike classes are the search engineer's (``alpr.plates``) when that
module is present, so a search and a hotlist agree on what "the same plate" means; the fall-backs
below implement the same published classes.
"""
import re

try:  # pragma: no cover - exercised once alpr.plates lands
    from alpr.plates import fold_lookalikes as _shared_fold
except ImportError:  # pragma: no cover
    _shared_fold = None

try:  # pragma: no cover
    from alpr.plates import normalise_plate as _shared_normalise
except ImportError:  # pragma: no cover
    _shared_normalise = None

WILDCARD_ONE = "?"
WILDCARD_RUN = "*"
MAX_PLATE_LENGTH = 10  # NCIC LIC is at most 8; 10 leaves room for other states' formats.
MIN_FIXED_CHARACTERS = 3  # a pattern like "*" or "A*" would match most of the city

# Characters a reader confuses, each class folded to its first member.
LOOKALIKE_CLASSES = ("0ODQ", "1IL", "8B", "5S", "2Z", "6G")
_FOLD = str.maketrans({ch: cls[0] for cls in LOOKALIKE_CLASSES for ch in cls[1:]})


def normalise_plate(text) -> str:
    """Upper-case A-Z and 0-9 only: how plates are stored and compared."""
    if _shared_normalise is not None:
        return _shared_normalise(text)
    return re.sub(r"[^A-Z0-9]", "", str(text or "").upper())[:16]


def fold(text: str) -> str:
    """Replace each look-alike character by its class representative (O, D, Q -> 0; I, L -> 1; ...)."""
    if _shared_fold is not None:
        return _shared_fold(text)
    return text.translate(_FOLD)


def normalise_pattern(text) -> str:
    """Return the pattern upper-cased with separators removed; ``?`` and ``*`` kept, runs of ``*`` merged."""
    cleaned = re.sub(r"[^A-Z0-9?*]", "", str(text or "").upper())
    return re.sub(r"\*+", "*", cleaned)


def is_wildcard(pattern: str) -> bool:
    return WILDCARD_ONE in pattern or WILDCARD_RUN in pattern


def pattern_problem(pattern: str) -> str:
    """Return why `pattern` cannot be a hotlist plate, or '' when it can."""
    fixed = len(pattern.replace(WILDCARD_ONE, "").replace(WILDCARD_RUN, ""))
    if not pattern:
        return "Enter the plate (letters and digits; ? for one unknown character, * for several)."
    if len(pattern.replace(WILDCARD_RUN, "")) > MAX_PLATE_LENGTH:
        return f"A plate has at most {MAX_PLATE_LENGTH} characters."
    if is_wildcard(pattern) and fixed < MIN_FIXED_CHARACTERS:
        return f"A partial plate needs at least {MIN_FIXED_CHARACTERS} known characters."
    return ""


def like_pattern(pattern: str) -> str:
    """Translate ``?``/``*`` to SQL LIKE's ``_``/``%`` (plates hold no LIKE metacharacters)."""
    return pattern.replace(WILDCARD_ONE, "_").replace(WILDCARD_RUN, "%")


def pattern_regex(pattern: str) -> re.Pattern:
    """Return a compiled regex equivalent to the wildcard pattern (for Python-side checks)."""
    body = "".join("." if ch == WILDCARD_ONE else ".*" if ch == WILDCARD_RUN else re.escape(ch)
                   for ch in pattern)
    return re.compile(f"^{body}$")


def pattern_matches(pattern: str, plate: str) -> bool:
    return bool(pattern_regex(pattern).match(plate))
