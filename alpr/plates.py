"""Plate text: normalisation, partial-plate patterns and look-alike folding.

Plain Python, no database: searches (``alpr.selectors``) and hotlist matching both build on these
helpers, so a plate means the same thing everywhere.

Vocabulary
    plate       normalised plate text: upper-case A-Z and 0-9 only (what ``PlateRead.plate`` holds).
    pattern     a partial plate: plate characters plus ``?`` (exactly one unknown character) and
                ``*`` (an unknown run, possibly empty), e.g. ``AB?12*``.
    folded      a plate with every look-alike character replaced by its class representative, so
                two plates a camera could confuse fold to the same text (``B0S`` and ``8OS`` → ``805``).

The folding is also a SQL function (``alpr_fold_plate``, created by the searches app's migration from
``FOLD_FROM``/``FOLD_TO``) so the database can index it; ``fold_sql()`` is the one definition of both.
"""
import re
from enum import StrEnum

PLATE_MAX_LENGTH = 16
WILDCARD_ONE = "?"
WILDCARD_RUN = "*"
# The shortest run of known characters an index can use (pg_trgm trigrams, hotlist substrings):
# anything looser matches a large share of all reads. Searches need the policy's
# ``partial_plate_min_known``, which is never below this.
MIN_KNOWN_RUN = 3

# Characters a reader (or a witness) confuses, each class folded onto its first member.
LOOKALIKE_CLASSES: tuple[str, ...] = ("0ODQ", "1IL", "8B", "5S", "2Z", "6G")
FOLD_FROM = "".join(group[1:] for group in LOOKALIKE_CLASSES)
FOLD_TO = "".join(group[0] * (len(group) - 1) for group in LOOKALIKE_CLASSES)
_FOLD_TABLE = str.maketrans(FOLD_FROM, FOLD_TO)
FOLD_SQL_FUNCTION = "alpr_fold_plate"

# Where a plate is issued, in the Postal Service's codes. The readers name only the 50 states and DC
# (``US_STATES``, the state classifier's outputs); a person or a hotlist file may also name a US territory
# or a Canadian province or territory. Hotlist matching compares an entry's state only when it is one of
# these: a code outside them (a typo, another system's code) must not make a hit "another state".
US_STATES = (
    "AK", "AL", "AR", "AZ", "CA", "CO", "CT", "DC", "DE", "FL", "GA", "HI", "IA", "ID", "IL", "IN", "KS",
    "KY", "LA", "MA", "MD", "ME", "MI", "MN", "MO", "MS", "MT", "NC", "ND", "NE", "NH", "NJ", "NM", "NV",
    "NY", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VA", "VT", "WA", "WI", "WV", "WY",
)  # fmt: skip
US_TERRITORIES = ("AS", "GU", "MP", "PR", "VI")
CANADIAN_PROVINCES = ("AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT")
ISSUING_JURISDICTIONS = frozenset((*US_STATES, *US_TERRITORIES, *CANADIAN_PROVINCES))
JURISDICTION_HELP = "the two-letter code of a US state, DC, a US territory or a Canadian province, e.g. IL"

_NOT_PLATE = re.compile(r"[^A-Z0-9]")
_NOT_PATTERN = re.compile(r"[^A-Z0-9?*]")


class MatchKind(StrEnum):
    """How a read's plate matched what was searched, strongest first."""

    EXACT = "exact"
    WILDCARD = "wildcard"
    LOOKALIKE = "lookalike"
    ONE_EDIT = "one_edit"

    @property
    def label(self) -> str:
        return {
            "exact": "Exact",
            "wildcard": "Partial plate",
            "lookalike": "Look-alike characters",
            "one_edit": "Look-alike + one character",
        }[self.value]


# What is typed, printed or sent between a plate's groups ("7ABC 123", "7-ABC-123", "7·ABC·123"): people
# type it, and cameras send it (``ingest.recognizer.plausibility.reading_text``); typed_plate_problem
# refuses any other character that is not a plate character.
PLATE_SEPARATORS = re.compile(r"[\s\-.·]+")


def typed_plate_problem(text: str, *, wildcards: bool = False) -> str | None:
    """Why a plate (or, with ``wildcards``, a partial plate) a person typed cannot be used, or None.

    ``normalize_plate`` drops every character that is not a plate character, so a Cyrillic ``А`` that
    looks Latin, or a ``#``, would silently make another plate (``7АВС123`` is ``7123``): a hotlist
    entry, hold, correction, search or release for the wrong vehicle. Such text is refused instead.
    """
    for char in PLATE_SEPARATORS.sub("", text or ""):
        if not (char.isascii() and (char.isalnum() or (wildcards and char in (WILDCARD_ONE, WILDCARD_RUN)))):
            allowed = "A–Z, 0–9, ? and *" if wildcards else "A–Z and 0–9"
            return f"“{char}” is not a plate character: type the plate with {allowed}."
    return None


def normalize_plate(text: str) -> str:
    """Return `text` as a plate: upper-case, letters and digits only ("ab-12 3" → "AB123")."""
    return _NOT_PLATE.sub("", (text or "").upper())[:PLATE_MAX_LENGTH]


def normalize_pattern(text: str) -> str:
    """Return `text` as a partial-plate pattern: plate characters, ``?`` and ``*``; runs of ``*``
    collapse to one (``AB**1`` → ``AB*1``)."""
    pattern = _NOT_PATTERN.sub("", (text or "").upper())
    return re.sub(r"\*{2,}", "*", pattern)[:PLATE_MAX_LENGTH]


def has_wildcards(pattern: str) -> bool:
    return WILDCARD_ONE in pattern or WILDCARD_RUN in pattern


def longest_known_run(pattern: str) -> int:
    """Return the length of the longest run of known characters in `pattern`."""
    return max((len(run) for run in re.split(r"[?*]", pattern)), default=0)


def pattern_problem(pattern: str, *, min_known_run: int = MIN_KNOWN_RUN) -> str | None:
    """Return why `pattern` cannot be searched, or None when it can.

    A pattern must pin down `min_known_run` known characters in a row (the caller passes the
    policy's value; plain Python cannot read it).
    """
    if not pattern.strip(WILDCARD_ONE + WILDCARD_RUN):
        return "Enter the plate characters you know."
    if has_wildcards(pattern) and longest_known_run(pattern) < min_known_run:
        return (f"A partial plate needs at least {min_known_run} known characters in a row, "
                f"e.g. {partial_example(min_known_run)}.")
    return None


def one_edit_problem(plate: str, *, min_length: int, min_known_run: int = MIN_KNOWN_RUN) -> str | None:
    """Why `plate` cannot be searched allowing one differing character, or None when it can.

    The plate has at least `min_length` characters (the caller passes the policy's
    ``one_edit_min_length``). One character that may differ anywhere finds what the partial plate with a
    ``?`` in that place finds, so it needs what the weakest such pattern needs: `min_known_run` known
    characters in a row on one side of it (``ABC1234`` allowing one difference is ``ABC?234`` among others).
    """
    if len(plate) < min_length:
        return f"Allowing a differing character needs at least {min_length} characters."
    for index in range(len(plate)):
        if pattern_problem(plate[:index] + WILDCARD_ONE + plate[index + 1:], min_known_run=min_known_run):
            return (f"Allowing a differing character anywhere in {plate} leaves fewer than {min_known_run} "
                    "known characters in a row: type more of the plate, or search it exactly or with "
                    "look-alike characters.")
    return None


def partial_example(min_known_run: int) -> str:
    """Return an example pattern with `min_known_run` known characters in a row, for help texts."""
    return "AB?" + "123456789"[:min_known_run]


def wildcard_to_like(pattern: str) -> str:
    """Translate a pattern to a SQL LIKE pattern (``?`` → ``_``, ``*`` → ``%``).

    Plates and patterns hold no ``%``, ``_`` or backslash, so nothing needs escaping.
    """
    return pattern.replace(WILDCARD_ONE, "_").replace(WILDCARD_RUN, "%")


def wildcard_to_regex(pattern: str) -> re.Pattern:
    """Compile a pattern to an anchored regular expression (for matching in Python)."""
    body = "".join("." if c == WILDCARD_ONE else ".*" if c == WILDCARD_RUN else re.escape(c)
                   for c in pattern)
    return re.compile(f"^{body}$")


def wildcard_matches(pattern: str, plate: str) -> bool:
    """Return whether `plate` fits `pattern` (both normalised)."""
    return bool(wildcard_to_regex(pattern).match(plate))


def fold_plate(plate: str) -> str:
    """Replace each look-alike character by its class representative (O, D, Q → 0; I, L → 1; ...)."""
    return plate.translate(_FOLD_TABLE)


def lookalike_equal(a: str, b: str) -> bool:
    """Return whether two plates differ only by look-alike characters."""
    return fold_plate(a) == fold_plate(b)


def within_one_edit(a: str, b: str) -> bool:
    """Return whether `a` becomes `b` by at most one insertion, deletion or substitution."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            # Same length: skip one character of both; b longer: skip b's extra character.
            return a[i + 1:] == b[i + 1:] if len(a) == len(b) else a[i:] == b[i + 1:]
    return True  # b is a with one character appended


def one_edit_anchors(folded: str) -> tuple[str, str]:
    """Return (prefix, reversed suffix) such that every plate within one edit of `folded` starts
    with the prefix or ends with the suffix.

    An edit at position i leaves ``folded[:i]`` and everything after the edit intact. With
    h = len // 2, an edit at i ≥ h keeps ``folded[:h]``; an edit at i < h keeps the last len - h
    characters. So two index range scans (on the folded plate and on its reverse) find every
    candidate, and the distance check runs only on those.
    """
    half = len(folded) // 2
    return folded[:half], folded[half:][::-1]


def classify_match(query: str, plate: str, *, allow_one_edit: bool = False) -> MatchKind | None:
    """Return how `plate` matches the searched `query` (a plate or a pattern), or None.

    Patterns with wildcards match only as patterns; a plain plate matches exactly, then by
    look-alike characters, then (if allowed) by look-alikes plus one edit.
    """
    if has_wildcards(query):
        return MatchKind.WILDCARD if wildcard_matches(query, plate) else None
    if plate == query:
        return MatchKind.EXACT
    if lookalike_equal(query, plate):
        return MatchKind.LOOKALIKE
    if allow_one_edit and within_one_edit(fold_plate(query), fold_plate(plate)):
        return MatchKind.ONE_EDIT
    return None


def fold_sql() -> str:
    """Return the SQL that creates ``alpr_fold_plate(text)``: IMMUTABLE, so it can be indexed."""
    return (
        f"CREATE OR REPLACE FUNCTION {FOLD_SQL_FUNCTION}(plate text) RETURNS text "
        f"LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE "
        f"AS $$ SELECT translate(plate, '{FOLD_FROM}', '{FOLD_TO}') $$"
    )
