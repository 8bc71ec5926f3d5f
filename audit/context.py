"""Who is acting, and from where: the first argument of every service."""
from dataclasses import dataclass, replace
from hashlib import sha256

from audit.models import ActorType
from core.net import client_ip


@dataclass(frozen=True)
class Actor:
    """The person, camera, partner agency or system process on whose behalf a service runs."""

    kind: str
    label: str
    user: object | None = None
    client_ip: str = ""
    session_ref: str = ""

    @classmethod
    def for_request(cls, request) -> "Actor":
        user = request.user if request.user.is_authenticated else None
        session_key = request.session.session_key if hasattr(request, "session") else None
        return cls(
            kind=ActorType.USER if user else ActorType.ANONYMOUS,
            label=user.audit_label if user else "",
            user=user,
            client_ip=client_ip(request),
            # A digest, so the log never holds a usable session key.
            session_ref=sha256(session_key.encode()).hexdigest()[:16] if session_key else "",
        )

    @classmethod
    def for_user(cls, user, *, client_ip: str = "") -> "Actor":
        return cls(kind=ActorType.USER, label=user.audit_label, user=user, client_ip=client_ip)

    @classmethod
    def system(cls, process: str) -> "Actor":
        return cls(kind=ActorType.SYSTEM, label=process)

    @classmethod
    def anonymous(cls, attempted_name: str, *, client_ip: str = "") -> "Actor":
        return cls(kind=ActorType.ANONYMOUS, label=attempted_name[:200], client_ip=client_ip)

    def without_public_identity(self) -> "Actor":
        """This actor as the log keeps a member of the public who writes in (a complaint, a comment on a
        proposed change): without the address and session that could identify them, since those who
        read the log may be the people complained about. People and processes of the department are
        unchanged."""
        if self.kind != ActorType.ANONYMOUS:
            return self
        return replace(self, client_ip="", session_ref="")
