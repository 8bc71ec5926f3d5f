"""ACC-1: an account names one person; generic, shared or unit identities are refused."""
import re

from core.compliance import enforces
from core.errors import ApplicationError
from policy.defaults import GENERIC_IDENTITIES


@enforces("ACC-1")
def ensure_named_person(*, username: str, full_name: str, badge_number: str) -> None:
    """Raise `ApplicationError` if the identity is generic, shared or incomplete."""
    if not full_name.strip() or len(full_name.split()) < 2:
        raise ApplicationError("Give the person's full name (first and last).", field="full_name")
    if not badge_number.strip():
        raise ApplicationError("An employee or badge ID is required.", field="badge_number")
    for field, value in (("username", username), ("full_name", full_name)):
        generic = _generic_word(value)
        if generic:
            raise ApplicationError(
                f"“{value}” looks like a shared or generic identity ({generic}). "
                "Every account belongs to one named person.",
                field=field,
            )


def _generic_word(value: str) -> str | None:
    words = re.findall(r"[a-z]+|\d+", value.lower())
    if words and all(word.isdigit() for word in words):
        return "a number"
    return next((word for word in words if word in GENERIC_IDENTITIES), None)
