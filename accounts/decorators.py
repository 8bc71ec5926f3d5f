"""Page-level capability checks that read the policy's role table and audit every refusal."""
from functools import wraps

from accounts import audit_actions as actions
from audit.context import Actor
from audit.services import refusals_recorded
from core.compliance import enforces
from core.errors import PolicyDenied
from policy.roles import only_who_may


@enforces("ACC-7", "AUD-1")
def capability_required(*capabilities: str, message: str = "Your role does not include this page.",
                        doing: str = ""):
    """Refuse the view (403, audited) unless the user holds at least one of `capabilities`.

    With `doing`, the refusal names who may instead ("Only … may {doing}."), from the role table as it is.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            with refusals_recorded(actor=Actor.for_request(request), action=actions.PAGE_REFUSED,
                                   targets=[request.path]):
                if not any(request.user.can(capability) for capability in capabilities):
                    raise PolicyDenied(only_who_may(*capabilities, doing=doing) if doing else message)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
