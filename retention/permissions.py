"""Who may do what with retention records. Roles come from ``policy.roles``; this only combines them."""
from django.db.models import QuerySet

from accounts.models import AccountStatus, User
from accounts.selectors import ensure_alpr_access, training_blockers
from audit.context import Actor
from audit.models import ActorType
from core.errors import PolicyDenied
from policy.roles import ALPR_DATA_CAPABILITIES, Capability, only_who_may, roles_with


def may_see_reads(user) -> bool:
    """Return whether `user`'s role reaches plate reads at all (search, alerts, audit queries)."""
    return bool(user) and any(user.can(capability) for capability in ALPR_DATA_CAPABILITIES)


def is_retention_manager(user) -> bool:
    return bool(user) and user.can(Capability.MANAGE_RETENTION)


def retention_managers() -> QuerySet:
    """The active accounts whose role manages retention: who releases any hold (``hold_release``)."""
    return User.objects.filter(status=AccountStatus.ACTIVE, role__in=roles_with(Capability.MANAGE_RETENTION))


def may_place_evidence(user) -> bool:
    """Place holds and export evidence: the investigators who book evidence (``policy.roles``)."""
    return bool(user) and user.can(Capability.HANDLE_EVIDENCE)


def may_handle_evidence(user) -> bool:
    """Reach holds and packages: investigators, and administrators who review holds and release data."""
    return may_place_evidence(user) or is_retention_manager(user)


def may_handle_evidence_now(user) -> bool:
    """Whether `user` passes ``require_evidence_handler`` today: an active account of a role that handles
    evidence, its training current."""
    return may_handle_evidence(user) and not training_blockers(user)


def require_evidence_placer(actor: Actor) -> None:
    """Raise `PolicyDenied` unless `actor` may place holds."""
    if actor.kind != ActorType.USER or not may_place_evidence(actor.user):
        raise PolicyDenied("Your role does not place evidence holds.")
    ensure_alpr_access(actor.user)


def require_evidence_handler(actor: Actor) -> None:
    """Raise `PolicyDenied` unless `actor` may package evidence (an export, or a sharing release)."""
    if actor.kind != ActorType.USER or not may_handle_evidence(actor.user):
        raise PolicyDenied(only_who_may(Capability.HANDLE_EVIDENCE, Capability.MANAGE_RETENTION,
                                        doing="handle evidence"))
    ensure_alpr_access(actor.user)


def require_read_viewer(actor: Actor) -> None:
    if actor.kind != ActorType.USER or not may_see_reads(actor.user):
        raise PolicyDenied("Your role does not reach plate reads.")
    ensure_alpr_access(actor.user)


def require_retention_manager(actor: Actor, doing: str) -> None:
    """Raise `PolicyDenied`, saying who may be `doing` it, unless `actor` manages retention."""
    if actor.kind != ActorType.USER or not is_retention_manager(actor.user):
        raise PolicyDenied(only_who_may(Capability.MANAGE_RETENTION, doing=doing))
    ensure_alpr_access(actor.user)
