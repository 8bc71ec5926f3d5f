"""Who may do what with sharing. Roles come from ``policy.roles``; this only names them once."""
from audit.context import Actor
from audit.models import ActorType
from core.errors import PolicyDenied
from policy.roles import Capability, only_who_may

REVIEW_SHARING = Capability.REVIEW_SHARING  # the administrator (or a designee given the role)
HANDLE_RECORDS_REQUESTS = Capability.HANDLE_RECORDS_REQUESTS  # the records supervisor
APPROVE_ONLINE_SHARING = Capability.APPROVE_ONLINE_SHARING  # the Chief (Oak Park GO 4-68 VII.D)


def may_review_sharing(user) -> bool:
    return bool(user) and user.can(REVIEW_SHARING)


def may_handle_records_requests(user) -> bool:
    return bool(user) and user.can(HANDLE_RECORDS_REQUESTS)


def require_sharing_reviewer(actor: Actor) -> None:
    if actor.kind != ActorType.USER or not may_review_sharing(actor.user):
        raise PolicyDenied(only_who_may(REVIEW_SHARING, doing="review sharing with other agencies"))


def require_online_sharing_decider(actor: Actor) -> None:
    if actor.kind != ActorType.USER or not actor.user.can(APPROVE_ONLINE_SHARING):
        raise PolicyDenied(only_who_may(APPROVE_ONLINE_SHARING,
                                        doing="switch partner searches on for an agency"))


def require_sharing_switch_off(actor: Actor) -> None:
    """Switching partner searches off is a tightening: whoever asks for it or decides it may."""
    if actor.kind != ActorType.USER or not (may_review_sharing(actor.user)
                                            or actor.user.can(APPROVE_ONLINE_SHARING)):
        raise PolicyDenied(only_who_may(REVIEW_SHARING, APPROVE_ONLINE_SHARING,
                                        doing="switch partner searches off for an agency"))


def require_records_supervisor(actor: Actor) -> None:
    if actor.kind != ActorType.USER or not may_handle_records_requests(actor.user):
        raise PolicyDenied(only_who_may(HANDLE_RECORDS_REQUESTS, doing="handle public-records requests"))
