from audit.context import Actor
from audit.models import ActorType
from core.errors import PolicyDenied
from policy.roles import only_who_may


def require(actor: Actor, capability: str, doing: str) -> None:
    """Refuse unless the actor is a person whose role grants `capability`, saying who may be `doing` it."""
    if actor.kind != ActorType.USER or not actor.user or not actor.user.can(capability):
        raise PolicyDenied(only_who_may(capability, doing=doing))
