from audit.context import Actor
from audit.models import ActorType
from core.errors import PolicyDenied


def require(actor: Actor, capability: str, message: str) -> None:
    """Refuse unless the actor is a person whose role grants `capability`."""
    if actor.kind != ActorType.USER or not actor.user or not actor.user.can(capability):
        raise PolicyDenied(message)
