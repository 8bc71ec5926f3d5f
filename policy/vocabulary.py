"""How a free text is compared with the policy's prohibited-purpose vocabulary (USE-3, SHR-4).

The words are policy data: each entry of ``AgencyPolicy.prohibited_purposes`` may carry
- ``terms``: words or phrases that name the purpose wherever they appear ("deportation", "HSI");
- ``targets``: who a search must never single out (protected classes: "gay", "muslim"), refused only
  when the text targets them ("driver is gay", "because he is Muslim", "all Muslim drivers");
- ``places``: lawful activities and where they happen ("mosque", "protest", "union meeting"), refused
  only when the text is after the people taking part ("everyone who attended the mosque"), so
  "parked by the church" stays a place.
The agency extends the lists; this module only decides how a text is compared with them, and the
grammar of targeting (the lead-in words below) is code, not configuration.

Texts are folded before they are compared, so spelling tricks do not hide a term: Unicode NFKC,
look-alike letters from other scripts (confusable-homoglyphs), accents and other scripts
transliterated (anyascii), letters spaced or dotted apart ("I C E", "I.C.E."), look-alike digits
inside words ("imm1gration"), words split in pieces ("immi gration", "de-por-ta-tion") and one-letter
misspellings of long words (rapidfuzz). Terms still match whole words only: "ice" is not found in "police".
"""
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii
from confusable_homoglyphs import confusables
from rapidfuzz.distance import OSA

VOCABULARY_KEYS = ("terms", "targets", "places")
# Digits and signs that stand in for letters inside a word ("imm1gration", "@bortion").
_LOOK_ALIKE = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s",
                             "!": "i", "|": "i", "l": "i"})
# "l", "1", "|" and "!" all read as "i" in the skeleton: the same fold is applied to the terms.
_TOKEN = re.compile(r"[a-z0-9@$!|]+")
_JOIN_MIN = 5  # A term this long is found when written in pieces ("immi gration", "im-mi-gra-tion").
# One edit (OSA: a swap of neighbours counts as one) on words of 9 letters or more, two from 12.
# Shorter words have real neighbours one edit away ("speeding" and "spending", "protest" and "protect").
_FUZZY_MIN, _FUZZY_TWO = 9, 12
_FUZZY_EDITS_MAX = 2

# The grammar of targeting. Subjects and lead-ins are English, not agency vocabulary.
_SUBJECTS = ("driver", "drivers", "he", "she", "they", "owner", "owners", "person", "people", "guy", "man",
             "woman", "occupant", "occupants", "passenger", "passengers", "couple", "family", "everyone",
             "who", "whoever", "someone", "somebody", "vehicle", "car", "household", "neighbor",
             "neighbour", "tenant", "resident", "residents", "kid", "kids")
_COPULAS = ("is", "are", "was", "were", "be", "being", "looks", "look", "looked", "seems", "seem", "seemed",
            "appears", "appear", "appeared", "identifies as", "is probably", "may be", "might be")
_BECAUSE = ("because", "since", "as", "cause", "cuz", "for being", "for looking", "due to being",
            "on account of being")
_GROUPS = ("all", "every", "any", "each", "everyone", "everybody", "anyone", "anybody", "whoever", "those")
# "mexican restaurant" is a place and "mexican family" may be a victim's; "mexican drivers" is a target.
_GROUP_NOUNS = ("people", "persons", "folks", "community", "communities", "neighborhood", "neighbourhood",
                "drivers", "residents", "households", "couples", "couple", "men", "women", "kids", "youths",
                "crowd", "owners", "congregation", "population", "areas", "plates", "cars", "vehicles")
_ATTEND = ("attend", "attends", "attended", "attending", "attendee", "attendees", "attendance", "went to",
           "go to", "goes to", "going to", "gone to", "visit", "visits", "visited", "visiting", "visitors",
           "worship", "worships", "worshipped", "worshiped", "worshipping", "worshiping", "worshippers",
           "pray", "prays", "prayed", "praying", "members", "member", "membership", "congregants",
           "participants", "participant", "participated", "participating", "took part", "joined",
           "joining", "marched", "marching", "organizers", "organisers", "organized", "organised",
           "speakers", "spoke")
# Where a group was: "all cars parked at the mosque". Alone ("leaving the church") it names a place.
_NEAR = ("present", "came from", "coming from", "leaving", "left", "entering", "parked at", "parking at",
         "outside", "around", "near", "at", "in", "from")
_PARTICIPANTS = ("attendees", "members", "goers", "congregants", "participants", "crowd")
_HEDGES = ("a", "an", "probably", "possibly", "openly", "very", "clearly", "obviously")
_PREPOSITIONS = ("at", "to", "of", "in", "on", "for", "with")
_DETERMINERS = ("the", "a", "an", "this", "that", "these", "those", "his", "her", "their", "its", "our",
                "local", "nearby", "downtown", "new", "same", "weekly", "friday", "sunday", "saturday", "big",
                "main")


def fold(text: str) -> str:
    """Return `text` lower-cased in plain ASCII: look-alike letters mapped, accents and scripts folded."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return "".join(_ascii(char) for char in text).lower()


@lru_cache(maxsize=4096)
def _ascii(char: str) -> str:
    if char.isascii():
        return char
    found = confusables.is_confusable(char, preferred_aliases=["latin"], greedy=True)
    if found:
        glyphs = [glyph["c"] for glyph in found[0]["homoglyphs"]]
        char = next((glyph for glyph in glyphs if glyph.isascii() and glyph.isalnum()), glyphs[0])
    return anyascii(char)


def _skeleton(token: str) -> str:
    """Fold look-alike digits and signs into letters, unless the token is a number (a case, a street)."""
    if token.isdigit():
        return token
    return token.translate(_LOOK_ALIKE)


def skeleton_tokens(text: str) -> list[str]:
    """Return the words of `text`, folded, with letters spaced or dotted apart joined ("i c e" -> "ice")."""
    joined: list[str] = []
    run: list[str] = []
    for token in filter(None, (raw.strip("!|") for raw in _TOKEN.findall(fold(text)))):
        if len(token) == 1 and not token.isdigit():
            run.append(token)
            continue
        joined += ["".join(run)] if len(run) > 1 else run
        run = []
        joined.append(token)
    joined += ["".join(run)] if len(run) > 1 else run
    return [_skeleton(token) for token in joined]


def _singulars(token: str) -> set[str]:
    """Return `token` and what it is the plural of ("rallies" -> "rally")."""
    found = {token}
    if token.endswith("s"):
        found.add(token[:-1])
    if token.endswith("es"):
        found.add(token[:-2])
    if token.endswith("ies"):
        found.add(f"{token[:-3]}y")
    return found


def _same_word(token: str, word: str) -> bool:
    """Is `token` the vocabulary `word`, its plural, or a one-letter misspelling of a long word?"""
    if word in _singulars(token):
        return True
    if len(word) < _FUZZY_MIN or len(token) < _FUZZY_MIN - 1 or token[0] != word[0]:
        return False
    allowed = _FUZZY_EDITS_MAX if len(word) >= _FUZZY_TWO else 1
    return OSA.distance(token, word, score_cutoff=allowed) <= allowed


@dataclass(frozen=True)
class _Terms:
    """The terms of one purpose folded and indexed, so a text is read once, not once per term."""

    by_first: dict[str, list[tuple[str, ...]]]  # each phrase under its first word
    compacts: frozenset[str]  # phrases run together ("homelandsecurity"), long enough to split
    long_words: dict[str, list[str]]  # words misspellings are looked for, by first letter
    longest: int  # the length of the longest compact

    def words_in(self, token: str) -> set[str]:
        """Return the first words and compacts that `token` is (exactly, as a plural or misspelt)."""
        found = {word for word in _singulars(token) if word in self.by_first or word in self.compacts}
        return found | {word for word in self.long_words.get(token[:1], ()) if _same_word(token, word)}


@lru_cache(maxsize=256)
def _terms(terms: tuple[str, ...]) -> _Terms:
    phrases = [tuple(phrase) for phrase in map(skeleton_tokens, terms) if phrase]
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        by_first.setdefault(phrase[0], []).append(phrase)
    compacts = frozenset("".join(phrase) for phrase in phrases if len("".join(phrase)) >= _JOIN_MIN)
    long_words: dict[str, list[str]] = {}
    for word in set(by_first) | compacts:
        if len(word) >= _FUZZY_MIN:
            long_words.setdefault(word[0], []).append(word)
    return _Terms(by_first=by_first, compacts=compacts, long_words=long_words,
                  longest=max(map(len, compacts), default=0))


def _names_term(tokens: list[str], terms: list[str]) -> bool:
    """Does a term appear in `tokens`, word by word or run together, whole or in two or three pieces?"""
    vocabulary = _terms(tuple(terms))
    for start, token in enumerate(tokens):
        for first in vocabulary.words_in(token):
            for phrase in vocabulary.by_first.get(first, ()):
                rest = tokens[start + 1:start + len(phrase)]
                if len(rest) == len(phrase) - 1 and all(map(_same_word, rest, phrase[1:])):
                    return True
        if any(vocabulary.words_in(run) & vocabulary.compacts for run in _runs(tokens, start, vocabulary)):
            return True
    return False


def _runs(tokens: list[str], start: int, vocabulary: _Terms):
    """Yield the tokens from `start` run together, one, two, three… of them, while the run is no longer
    than the longest compact term could be misspelt: "im mi gra tion" is found, in any number of pieces."""
    run = ""
    for token in tokens[start:]:
        run += token
        if len(run) > vocabulary.longest + _FUZZY_EDITS_MAX:
            return
        yield run


def _alternation(phrases) -> str:
    """A regex alternation of folded phrases, longest first, each also matching its plural."""
    folded = sorted({" ".join(skeleton_tokens(phrase)) for phrase in phrases} - {""}, key=len, reverse=True)
    return "(?:" + "|".join(re.escape(p) + "(?:e?s)?" for p in folded) + ")"


@lru_cache(maxsize=64)
def _targeting_patterns(targets: tuple[str, ...]) -> tuple[re.Pattern, ...]:
    """Patterns of a text singling people out by a protected class: "driver is gay", "muslim drivers"."""
    who, copula, hedges = _alternation(targets), _alternation(_COPULAS), _alternation(_HEDGES)
    return tuple(re.compile(pattern) for pattern in (
        rf"\b{_alternation(_SUBJECTS)} (?:\w+ )?{copula} (?:{hedges} )*{who}\b",
        rf"\b{_alternation(_BECAUSE)} (?:\w+ ){{0,3}}?{copula} (?:{hedges} )*{who}\b",
        rf"\b{who} {_alternation(_GROUP_NOUNS)}\b",
    ))


@lru_cache(maxsize=64)
def _activity_patterns(places: tuple[str, ...]) -> tuple[re.Pattern, ...]:
    """Patterns of a text after the people at a lawful activity: "everyone who attended the mosque"."""
    where = _alternation(places)
    # Up to three determiners or possessives ("the local", "sunday's"): "\w+s" is a possessive's word.
    before = rf"(?:{_alternation(_PREPOSITIONS)} )?(?:(?:{_alternation(_DETERMINERS)}|\w+s) ){{0,3}}"
    return tuple(re.compile(pattern) for pattern in (
        rf"\b{_alternation(_ATTEND)} {before}{where}\b",
        rf"\b{_alternation(_GROUPS)} (?:\w+ ){{0,4}}?{_alternation(_ATTEND + _NEAR)} {before}{where}\b",
        rf"\b{where} {_alternation(_PARTICIPANTS)}\b",
    ))


def malformed(purposes: list[dict]) -> str | None:
    """Say what is wrong with the vocabulary lists of `purposes`, if anything.

    A string where a list belongs would be read letter by letter, and every text naming an "i" refused.
    """
    for purpose in purposes:
        for key in VOCABULARY_KEYS:
            words = purpose.get(key, [])
            if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
                name = purpose.get("code") or "a prohibited purpose"
                return f"The {key} of {name} must be a list of words."
    return None


def purpose_named_in(text: str, purposes: list[dict]) -> dict | None:
    """Return the first of `purposes` that `text` names, targets or goes after, or None."""
    tokens = skeleton_tokens(text)
    joined = " ".join(tokens)
    for purpose in purposes if tokens else ():
        if _names_term(tokens, purpose.get("terms", [])):
            return purpose
        targets, places = tuple(purpose.get("targets", [])), tuple(purpose.get("places", []))
        if targets and any(pattern.search(joined) for pattern in _targeting_patterns(targets)):
            return purpose
        if places and any(pattern.search(joined) for pattern in _activity_patterns(places)):
            return purpose
    return None
