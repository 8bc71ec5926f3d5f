"""Who may do what with retention records. Roles come from ``policy.roles``; this only combines them."""
from accounts.selectors import ensure_alpr_access
from audit.context import Actor
from audit.models import ActorType
from core.errors import PolicyDenied
from policy.roles import ALPR_DATA_CAPABILITIES, Capability


def may_see_reads(user) -> bool:
    """Return whether `user`'s role reaches plate reads at all (search, alerts, audit queries)."""
    return bool(user) and any(user.can(capability) for capability in ALPR_DATA_CAPABILITIES)


def is_retention_manager(user) -> bool:
    return bool(user) and user.can(Capability.MANAGE_RETENTION)


def may_place_evidence(user) -> bool:
    """Place holds and export evidence: the investigators who book evidence (``policy.roles``)."""
    return bool(user) and user.can(Capability.HANDLE_EVIDENCE)


def may_handle_evidence(user) -> bool:
    """Reach holds and packages: investigators, and administrators who review holds and release data."""
    return may_place_evidence(user) or is_retention_manager(user)


def require_evidence_placer(actor: Actor) -> None:
    """Raise `PolicyDenied` unless `actor` may place holds."""
    if actor.kind != ActorType.USER or not may_place_evidence(actor.user):
        raise PolicyDenied("Your role does not place evidence holds.")
    ensure_alpr_access(actor.user)


def require_evidence_handler(actor: Actor) -> None:
    """Raise `PolicyDenied` unless `actor` may package evidence (an export, or a sharing release)."""
    if actor.kind != ActorType.USER or not may_handle_evidence(actor.user):
        raise PolicyDenied("Only investigators, and administrators releasing data, handle evidence.")
    ensure_alpr_access(actor.user)


def require_read_viewer(actor: Actor) -> None:
    if actor.kind != ActorType.USER or not may_see_reads(actor.user):
        raise PolicyDenied("Your role does not reach plate reads.")
    ensure_alpr_access(actor.user)


def require_retention_manager(actor: Actor, message: str) -> None:
    if actor.kind != ActorType.USER or not is_retention_manager(actor.user):
        raise PolicyDenied(message)
    ensure_alpr_access(actor.user)
