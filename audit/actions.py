"""The registry of audit actions: one entry per kind of event, refused if declared twice.

Apps declare their actions in ``<app>/audit_actions.py``; reports enumerate the registry.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class AuditAction:
    code: str
    label: str
    category: str
    touches_alpr_data: bool = False


class DuplicateAuditAction(Exception):
    pass


_registry: dict[str, AuditAction] = {}


def register(code: str, label: str, *, category: str, touches_alpr_data: bool = False) -> AuditAction:
    """Declare an audit action; declaring the same code twice is a programming error."""
    if code in _registry:
        raise DuplicateAuditAction(code)
    action = AuditAction(code, label, category, touches_alpr_data)
    _registry[code] = action
    return action


def get(code: str) -> AuditAction:
    return _registry[code]


def all_actions() -> list[AuditAction]:
    return sorted(_registry.values(), key=lambda action: action.code)
