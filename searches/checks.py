"""Is a stated reason specific enough? Pure functions over the policy in force (USE-1, USE-3).

The words themselves are policy data (``AgencyPolicy.vague_descriptions``, ``prohibited_purposes``);
this module only decides how a description is compared with them. Civil-liberties reviews of deployed
systems found misuse hiding behind "investigation", "per supervisor" and "n/a": a description must
name something specific about *this* case.
"""
import re

from policy.vocabulary import fold

# Words that carry no facts. Kept short on purpose: a specific description survives it easily.
_STOP_WORDS_TEXT = (
    "a an and are as at be by for from has have he her his i in is it its of on or our re she "
    "that the their them they this to was we were will with my me per please about regarding just"
)
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split(" "))
# Keyboard and typesetting filler. Not policy: no agency means these as words.
PLACEHOLDERS = frozenset({"lorem", "ipsum", "lipsum", "asdf", "asdfgh", "qwerty", "qwertz", "azerty", "blah",
                          "blabla", "foobar", "xyzzy"})
_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_VOWEL = re.compile(r"[aeiouy]")
# Five consonants open no English word and six follow each other in none ("angstrom" has five).
_CONSONANT_RUN = re.compile(r"^[^aeiouy]{5}|[^aeiouy]{6}")
_REPEATED_UNIT = re.compile(r"^(\w{2,4})\1+$")  # "blahblah", "lalala", "haha"


def words(text: str) -> list[str]:
    """Return the words of `text`, lower-cased and folded to ASCII ("Ｃase" is "case")."""
    return re.findall(r"[a-z0-9]+", fold(text))


def normalized(text: str) -> str:
    return " ".join(words(text))


def _keyboard_run(word: str) -> bool:
    """Is `word` a run of neighbouring keys, like "asdf", "qwer" or "lkjh"?"""
    if len(word) < 3:
        return False
    for row in _KEYBOARD_ROWS:
        for keys in (row, row[::-1]):
            if word in keys:
                return True
    return False


def is_mash(word: str) -> bool:
    """Is `word` keyboard mash or filler rather than a word ("asdf", "zxcv", "fjdksl", "lorem")?"""
    return (word in PLACEHOLDERS or _keyboard_run(word) or bool(_CONSONANT_RUN.search(word))
            or bool(_REPEATED_UNIT.match(word)))


def _content_words(text: str, excluded: set[str]) -> set[str]:
    """Return the distinct words of `text` that can carry a fact: letters, a vowel, not filler."""
    return {word for word in words(text)
            if word.isalpha() and len(word) >= 3 and word not in STOP_WORDS and word not in excluded
            and _VOWEL.search(word) and not is_mash(word)}


def _mash_problem(text: str) -> str | None:
    candidates = [word for word in words(text) if word.isalpha() and len(word) >= 3]
    mash = [word for word in candidates if is_mash(word)]
    if mash and (len(mash) * 2 >= len(candidates) or set(mash) & PLACEHOLDERS):
        return (f"\u201c{text}\u201d looks like placeholder text or keyboard mash, not a description. "
                "Describe the specific incident: what happened, which vehicle or person, where.")
    return None


def _vague_terms(vague_descriptions: list[str]) -> tuple[set[str], set[str]]:
    """Return (the vague phrases normalised, every word they are made of)."""
    phrases = {normalized(term) for term in vague_descriptions}
    phrases |= {"".join(words(term)) for term in vague_descriptions}  # "n/a" is also "na"
    vocabulary = {word for phrase in phrases for word in phrase.split()}
    return phrases, vocabulary


def description_problem(*, description: str, purpose_label: str, vague_descriptions: list[str],
                        min_length: int, min_specific_words: int) -> str | None:
    """Return why `description` is not specific enough, or None when it is: shorter than `min_length`
    characters, or naming fewer than `min_specific_words` words beyond the purpose and generic words."""
    text = (description or "").strip()
    if not text:
        return "Describe what you are looking for and why (for example the offence, vehicle or place)."
    phrases, vague_words = _vague_terms(vague_descriptions)
    plain = normalized(text)
    if plain in phrases or "".join(words(text)) in phrases:
        return (f"\u201c{text}\u201d does not say what this search is for. Describe the specific incident: "
                "what happened, which vehicle or person, where.")
    if plain == normalized(purpose_label):
        return "The description repeats the purpose. Add the specifics of this case."
    compact = re.sub(r"\s+", "", text.lower())
    if len(set(compact)) <= 2 or re.search(r"(.)\1{4,}", compact):
        return "The description is repeated characters. Describe the specific incident."
    mash = _mash_problem(text)
    if mash:
        return mash
    if len(text) < min_length:
        return f"The description is too short: use at least {min_length} characters with the specifics."
    if len(_content_words(text, vague_words | set(words(purpose_label)))) < min_specific_words:
        return ("The description says nothing beyond the purpose, a case number and generic words. Add the "
                "specifics: the incident, vehicle, person or place.")
    return None
