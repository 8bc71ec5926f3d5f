"""Plate patterns of hotlist entries (USE-5), on top of ``alpr.plates``.

A pattern is a normalised plate (A-Z, 0-9) that may hold ``?`` (exactly one unknown character) and
``*`` (an unknown run, possibly empty). Normalising, folding look-alike characters and wildcard
translation are ``alpr.plates``'s, so a search and a hotlist agree on what "the same plate" means.
Matching is done in PostgreSQL: an entry without wildcards is stored with its exact and its folded
plate, both indexed; an entry with wildcards is stored as LIKE patterns over the plate and over the
folded plate (see ``hotlists.matching``).
"""
import re

from alpr import plates

MAX_PLATE_LENGTH = 10  # NCIC's LIC holds 8; 10 leaves room for other issuers' formats.

normalise_plate = plates.normalize_plate
normalise_pattern = plates.normalize_pattern
fold = plates.fold_plate
is_wildcard = plates.has_wildcards
like_pattern = plates.wildcard_to_like
pattern_matches = plates.wildcard_matches


def anchor(pattern: str) -> str:
    """Return the longest run of known characters in `pattern` (the first, if several tie)."""
    return max(re.split(r"[?*]", pattern), key=len)


def substrings(plate: str, shortest: int = plates.MIN_KNOWN_RUN) -> list[str]:
    """Return every substring of `plate` at least `shortest` long: the anchors it could contain."""
    return sorted({plate[i:j] for i in range(len(plate)) for j in range(i + shortest, len(plate) + 1)})


def pattern_problem(pattern: str, *, min_known_run: int) -> str:
    """Return why `pattern` cannot be a hotlist plate, or '' when it can; a partial plate needs
    `min_known_run` known characters in a row (the policy's value, passed by the caller)."""
    if not pattern:
        return "Enter the plate (letters and digits; ? for one unknown character, * for several)."
    if len(pattern.replace(plates.WILDCARD_RUN, "")) > MAX_PLATE_LENGTH:
        return f"A plate has at most {MAX_PLATE_LENGTH} characters."
    return plates.pattern_problem(pattern, min_known_run=min_known_run) or ""
