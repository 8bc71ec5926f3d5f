"""Is a stated reason specific enough? Pure functions over the policy in force (USE-1, USE-3).

The words themselves are policy data (``AgencyPolicy.vague_descriptions``, ``prohibited_purposes``);
this module only decides how a description is compared with them. Civil-liberties reviews of deployed
systems found misuse hiding behind "investigation", "per supervisor" and "n/a": a description must
name something specific about *this* case.
"""
import re

# Words that carry no facts. Kept short on purpose: a specific description survives it easily.
_STOP_WORDS_TEXT = (
    "a an and are as at be by for from has have he her his i in is it its of on or our re she "
    "that the their them they this to was we were will with my me per please about regarding"
)
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split(" "))
MIN_SPECIFIC_WORDS = 2


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", (text or "").lower())


def normalized(text: str) -> str:
    return " ".join(words(text))


def _vague_terms(vague_descriptions: list[str]) -> tuple[set[str], set[str]]:
    """Return (the vague phrases normalised, every word they are made of)."""
    phrases = {normalized(term) for term in vague_descriptions}
    phrases |= {"".join(words(term)) for term in vague_descriptions}  # "n/a" is also "na"
    vocabulary = {word for phrase in phrases for word in phrase.split()}
    return phrases, vocabulary


def description_problem(*, description: str, purpose_label: str, vague_descriptions: list[str],
                        min_length: int) -> str | None:
    """Return why `description` is not specific enough, or None when it is."""
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
    if len(text) < min_length:
        return f"The description is too short: use at least {min_length} characters with the specifics."
    specific = {word for word in words(text)
                if word not in STOP_WORDS and word not in vague_words and word not in words(purpose_label)}
    if len(specific) < MIN_SPECIFIC_WORDS:
        return ("The description says nothing beyond the purpose and generic words. Add the specifics: "
                "the incident, vehicle, person or place.")
    return None
