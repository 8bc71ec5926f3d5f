"""The registry of audit actions: one entry per kind of event, refused if declared twice.

Apps declare their actions in ``<app>/audit_actions.py``; reports enumerate the registry.
"""
from dataclasses import dataclass

# Categories whose events never carry plate text (sign-ins, accounts, cameras, the policy, reports, the
# portal, security incidents). Any other event may name a plate in its description, query or targets:
# a search's plate, a read's plate as viewed, a flag's plate before and after, a hotlist entry, a hold's
# plate. An unknown category is plate-bearing until someone decides otherwise here.
PLATE_FREE_CATEGORIES = frozenset({"auth", "account", "camera", "policy", "report", "portal", "incident"})


@dataclass(frozen=True)
class AuditAction:
    code: str
    label: str
    category: str
    touches_alpr_data: bool = False
    names_plates: bool = True  # its events may carry plate text (audit.disclosure withholds it)


class DuplicateAuditAction(Exception):
    pass


_registry: dict[str, AuditAction] = {}


def register(code: str, label: str, *, category: str, touches_alpr_data: bool = False,
             names_plates: bool | None = None) -> AuditAction:
    """Declare an audit action; declaring the same code twice is a programming error.

    `names_plates` says whether its events may carry plate text; by default, unless the action
    touches no ALPR data and its category is one of PLATE_FREE_CATEGORIES.
    """
    if code in _registry:
        raise DuplicateAuditAction(code)
    if names_plates is None:
        names_plates = touches_alpr_data or category not in PLATE_FREE_CATEGORIES
    if touches_alpr_data and not names_plates:
        raise ValueError(f"{code}: an action that touches ALPR data may name plates.")
    action = AuditAction(code, label, category, touches_alpr_data, names_plates)
    _registry[code] = action
    return action


def get(code: str) -> AuditAction:
    return _registry[code]


def all_actions() -> list[AuditAction]:
    return sorted(_registry.values(), key=lambda action: action.code)
